"""A channel's memory through a real delivery on Discord: written with the posted mark, also when a crash
mid-thread is resumed, each story linked to the message (head or thread reply) that carried it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from bot.adapters.discord.adapter import DiscordAdapter
from bot.core.ports import Posted
from bot.runtime.delivery_policy import channel_of
from digests.models import Digest
from tests.adapters.conftest import CHANNEL, GUILD
from tests.adapters.slack_fixtures import make_digest
from tests.adapters.test_discord_delivery import DAY, NOW, deliverer, fake_discord, subscribe
from tests.fakes.deliver_child import crashed_posting
from tests.fakes.discord_api import FakeDiscord

__all__ = ["fake_discord"]  # the fixture: the fake Discord that also answers history reads


def with_ids(digest: Digest) -> Digest:
    """Every story with a stored story id (1, 2, ...)."""
    topics, n = [], 0
    for group in digest.topics:
        stories = []
        for story in group.stories:
            n += 1
            stories.append(replace(story, story_id=n))
        topics.append(replace(group, stories=tuple(stories)))
    return replace(digest, topics=tuple(topics))


async def test_a_resumed_delivery_remembers_every_story_and_the_message_that_carried_it(
        adapter: DiscordAdapter, fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> None:
    digest = with_ids(make_digest(30))

    async def built(*args: Any, **kwargs: Any) -> Digest:
        return digest

    monkeypatch.setattr(adapter.service.news, "build_digest", built)
    sub = await subscribe(adapter, CHANNEL)
    deliver, deliveries = deliverer(adapter)
    record = await crashed_posting(deliveries, subscription_id=sub.id, digest_date=DAY, nonce="k1-240101-mem",
                                   now=NOW)

    async def crash_after_two(posted: Posted) -> None:
        if len(posted.message_ids) == 2:
            raise KeyboardInterrupt  # the process dies with the head and one reply on Discord

    with pytest.raises(KeyboardInterrupt):
        await adapter.post_digest(channel_of(sub), digest, nonce=record.nonce, checkpoint=crash_after_two)
    assert await deliveries.seen(subscription_id=sub.id, story_ids=range(1, 31), before=DAY.replace(day=2)) == []
    assert await deliver.deliver(sub, digest_date=DAY) == "posted"
    memory = await deliveries.seen(subscription_id=sub.id, story_ids=range(1, 31), before=DAY.replace(day=2))
    assert sorted(m.story_id for m in memory) == list(range(1, 31))
    head = fake_discord.messages[CHANNEL][0]["id"]
    thread = {m["id"] for m in fake_discord.messages[int(head)]}
    places = {tuple((m.link or "").rsplit("/", 3)[1:]) for m in memory}
    assert (str(GUILD), str(CHANNEL), head) in places  # the head message carried the first stories
    assert places <= {(str(GUILD), str(CHANNEL), head), *((str(GUILD), head, reply) for reply in thread)}
    assert len(places) > 2  # and the thread's replies the rest, each story linked to its own message
    first = next(m for m in memory if m.story_id == 1)
    assert first.outlets == ("Outlet 0", "Outlet 1") and first.sentences == digest.stories[0].summary
