"""Subscriptions on SQLite and PostgreSQL: upsert, per-channel listing, removal, pausing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from digests.store import Subscriptions, open_database

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
CHANNEL = {"platform": "discord", "workspace_id": "g1", "channel_id": "c1"}


@pytest.fixture
async def subs(database_url: str) -> AsyncIterator[Subscriptions]:
    engine = await open_database(database_url)
    yield Subscriptions(engine)
    await engine.dispose()


async def subscribe(subs: Subscriptions, region: str = "south-asia", **changes: object) -> tuple[object, bool]:
    values: dict[str, object] = dict(CHANNEL, region=region, delivery_time="08:00", timezone="Asia/Dhaka",
                                     topics=None, keywords=[], user_id="u1", now=NOW)
    values.update(changes)
    return await subs.upsert(**values)  # type: ignore[arg-type]


async def test_subscribe_then_resubscribe_updates(subs: Subscriptions) -> None:
    first, created = await subscribe(subs)
    assert created
    second, created = await subscribe(subs, delivery_time="07:30", topics=["Sport"], keywords=["cricket"])
    assert not created
    (only,) = await subs.for_channel(**CHANNEL)
    assert (only.delivery_time, only.topics, only.keywords) == ("07:30", ("Sport",), ("cricket",))
    assert only.id == first.id == second.id  # type: ignore[attr-defined]


async def test_concurrent_subscribes_make_one_row(subs: Subscriptions) -> None:
    await asyncio.gather(*(subscribe(subs, delivery_time=f"0{n}:00") for n in range(5)))
    assert len(await subs.for_channel(**CHANNEL)) == 1


async def test_unsubscribe_one_region_or_all(subs: Subscriptions) -> None:
    for region in ("a", "b", "c"):
        await subscribe(subs, region)
    assert await subs.remove(**CHANNEL, region="b") == ["b"]
    assert await subs.remove(**CHANNEL, region="b") == []
    assert await subs.remove(**CHANNEL) == ["a", "c"]
    assert await subs.for_channel(**CHANNEL) == []


async def test_pausing_a_gone_channel_and_resuming_by_subscribing(subs: Subscriptions) -> None:
    await subscribe(subs)
    (sub,) = await subs.for_channel(**CHANNEL)
    assert await subs.pause(subscription_id=sub.id, reason="404 Unknown Channel", now=NOW)
    assert await subs.all() == []
    (paused,) = await subs.all(active_only=False)
    assert not paused.active and paused.pause_reason == "404 Unknown Channel"
    await subscribe(subs)
    (resumed,) = await subs.all()
    assert resumed.active
