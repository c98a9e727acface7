"""A busy minute: each message is paced (not each digest), and a platform gets as many deliveries in flight as
its rate keeps busy."""

from __future__ import annotations

from typing import Any

import pytest

from bot.adapters.slack.render import render_digest
from bot.runtime.delivery import DeliveryPolicy
from bot.runtime.pacing import Pacer
from tests.adapters.slack_fixtures import make_digest
from tests.bot.test_delivery import DAY, World, world  # noqa: F401  (the fixture)


class CountingPacer(Pacer):
    def __init__(self) -> None:
        super().__init__(1000.0)
        self.turns = 0

    async def wait(self, cost: int = 1) -> float:
        self.turns += cost
        return 0.0


async def test_every_message_of_a_digest_takes_its_turn_at_the_platform(world: World,  # noqa: F811
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    digest = make_digest(60, summary="A sentence that takes some room in the message. " * 4)
    messages = len(render_digest(digest))
    assert messages >= 3  # a head and replies in its thread

    async def build(*_: Any, **__: Any) -> Any:
        return digest

    monkeypatch.setattr(world.app, "build_digest", build)
    pacer = CountingPacer()
    world.deliverer._pacers["slack"] = pacer
    sub = await world.subscribe("C1")
    assert await world.deliverer.deliver(sub, digest_date=DAY) == "posted"
    assert pacer.turns == messages == len(world.api.messages["C1"])


def test_a_platform_gets_as_many_deliveries_in_flight_as_its_rate_keeps_busy() -> None:
    policy = DeliveryPolicy()
    assert policy.slots(20.0) == 80  # Slack's pace, 20 requests a second, x 4 s a delivery
    assert policy.slots(45.0) == 180  # Discord's
    assert policy.slots(None) == policy.concurrency  # an unpaced platform (the console): the floor
