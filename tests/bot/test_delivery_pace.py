"""A busy minute: each message is paced (not each digest), and a platform gets as many deliveries in flight as
its rate keeps busy."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.adapters.slack.render import render_digest
from bot.runtime.delivery_policy import DeliveryPolicy
from bot.runtime.pacing import Pacer
from digests.store.subscriptions import Subscription
from tests.adapters.slack_fixtures import NOW, make_digest
from tests.bot.test_delivery import DAY, World, world  # noqa: F401  (the fixture)
from tests.fakes.slack_api import TEAM_ID


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


async def test_a_slot_goes_to_a_delivery_whose_digest_is_ready(world: World,  # noqa: F811
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # One slot; the first channel's filter has a digest still being built: the second channel's is ready and
    # posts meanwhile, instead of waiting behind a slot held by a delivery with nothing to post yet.
    world.deliverer.policy = DeliveryPolicy(rates={}, concurrency=1)
    release = asyncio.Event()
    built: list[tuple[str, ...]] = []

    async def build(*_: Any, keywords: tuple[str, ...] = (), **__: Any) -> Any:
        built.append(keywords)
        if keywords == ("slow",):
            await release.wait()
        return make_digest(2)

    monkeypatch.setattr(world.app, "build_digest", build)
    ready = await world.subscribe("C2")
    slow, _ = await world.app.subscriptions.upsert(
        platform="slack", workspace_id=TEAM_ID, channel_id="C1", region="test", delivery_time="08:00",
        timezone="Asia/Dhaka", topics=None, keywords=("slow",), user_id="UADMIN", now=NOW)
    many = asyncio.ensure_future(world.deliverer.deliver_many([slow, ready], digest_date=DAY))
    for _ in range(200):
        if world.api.heads("C2"):
            break
        await asyncio.sleep(0.01)
    assert world.api.heads("C2") and not world.api.heads("C1")  # posted while C1's digest was being built
    release.set()
    assert await many == {slow.id: "posted", ready.id: "posted"}
    assert len(world.api.heads("C1")) == 1 and built.count(("slow",)) == 1  # built once, not per wait


async def test_deliver_many_admits_a_bounded_number_at_once(world: World,  # noqa: F811
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    world.deliverer.policy = DeliveryPolicy(rates={}, admit=3)
    running, most = 0, 0
    deliver = world.deliverer.deliver

    async def counted(sub: Subscription, **kwargs: Any) -> str:
        nonlocal running, most
        running += 1
        most = max(most, running)
        try:
            return await deliver(sub, **kwargs)
        finally:
            running -= 1

    monkeypatch.setattr(world.deliverer, "deliver", counted)
    subs = [await world.subscribe(f"C{i}") for i in range(10)]
    statuses = await world.deliverer.deliver_many(subs, digest_date=DAY)
    assert set(statuses.values()) == {"posted"} and len(statuses) == 10
    assert most == 3
    assert all(len(world.api.heads(f"C{i}")) == 1 for i in range(10))


async def test_a_message_goes_at_its_turn_and_within_a_renewed_lease(world: World,  # noqa: F811
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # The lease is renewed first, then the turn is waited for and the message goes: no database write between
    # the turn and the post. A wait of more than half the lease (60 s of 90) renews and waits again.
    events: list[str] = []
    renew = world.deliveries.renew

    class LongFirstWait(Pacer):
        def __init__(self) -> None:
            super().__init__(1000.0)
            self.waits = [60.0]

        async def wait(self, cost: int = 1) -> float:
            events.append("turn")
            return self.waits.pop() if self.waits else 0.0

    async def renewed(**kwargs: Any) -> Any:
        events.append("renew")
        return await renew(**kwargs)

    monkeypatch.setattr(world.deliveries, "renew", renewed)
    world.api.on_post = lambda channel, _: events.append("post")
    world.deliverer._pacers["slack"] = LongFirstWait()
    digest = make_digest(60, summary="A sentence that takes some room in the message. " * 4)

    async def build(*_: Any, **__: Any) -> Any:
        return digest

    monkeypatch.setattr(world.app, "build_digest", build)
    sub = await world.subscribe("C1")
    assert await world.deliverer.deliver(sub, digest_date=DAY) == "posted"
    messages = len(render_digest(digest))
    assert events == ["renew", "turn", "renew", "turn", "post"] + ["renew", "turn", "post"] * (messages - 1)


def test_a_started_app_has_frozen_what_it_imported(world: World) -> None:  # noqa: F811
    import gc

    from digests.workers import YOUNG_GC_THRESHOLD

    assert gc.get_freeze_count() > 100_000  # scikit-learn, SQLAlchemy... out of the collector's full walks
    assert gc.get_threshold()[0] == YOUNG_GC_THRESHOLD  # and the whole heap walked less often
