"""The deliveries table on SQLite and PostgreSQL: claimed once, attempts counted, statuses recorded."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from digests.errors import StoreError
from digests.store import Store, Subscriptions
from digests.store.deliveries import Deliveries

NOW = datetime(2025, 3, 4, 2, 0, tzinfo=UTC)
DAY = date(2025, 3, 4)


async def subscription(store: Store, channel: str = "C1") -> int:
    sub, _ = await Subscriptions(store.engine).upsert(
        platform="slack", workspace_id="T1", channel_id=channel, region="test", delivery_time="08:00",
        timezone="Asia/Dhaka", topics=None, keywords=(), user_id="U1", now=NOW)
    return sub.id


async def test_a_claim_is_made_once_even_at_the_same_moment(store: Store) -> None:
    deliveries, sub = Deliveries(store.engine), await subscription(store)
    claims = await asyncio.gather(*(deliveries.claim(subscription_id=sub, digest_date=DAY, nonce=f"n-{i}",
                                                     late=False, now=NOW) for i in range(8)))
    assert len({c.id for c in claims}) == 1 and len({c.nonce for c in claims}) == 1
    assert claims[0].status == "pending" and claims[0].attempts == 0
    assert len(await deliveries.for_date(digest_date=DAY)) == 1


async def test_attempts_statuses_and_lookups(store: Store) -> None:
    deliveries, sub = Deliveries(store.engine), await subscription(store)
    record = await deliveries.claim(subscription_id=sub, digest_date=DAY, nonce="k1-250304-ab", late=False, now=NOW)
    record = await deliveries.mark_posting(delivery_id=record.id, now=NOW, late=True)
    assert (record.status, record.attempts, record.late) == ("posting", 1, True)
    record = await deliveries.mark_failed(delivery_id=record.id, error="boom", retry_at=NOW + timedelta(seconds=5),
                                          now=NOW)
    assert await deliveries.due_retries(now=NOW) == []
    assert [r.id for r in await deliveries.due_retries(now=NOW + timedelta(seconds=5))] == [record.id]
    record = await deliveries.mark_posting(delivery_id=record.id, now=NOW)
    await deliveries.set_feed_notes(delivery_id=record.id, notes=["Feed X could not be read"], now=NOW)
    record = await deliveries.mark_posted(delivery_id=record.id, message_ids=["1.1", "1.2"], thread_id="1.1", now=NOW)
    assert (record.status, record.attempts, record.message_ids, record.error) == ("posted", 2, ("1.1", "1.2"), None)
    previous = await deliveries.previous(subscription_id=sub, before=DAY + timedelta(days=1))
    assert previous is not None and previous.feed_notes == ("Feed X could not be read",)
    assert await deliveries.previous(subscription_id=sub, before=DAY) is None
    assert [r.id for r in await deliveries.for_date(digest_date=DAY, status="posted")] == [record.id]


async def test_pausing_a_delivery_pauses_its_channel(store: Store) -> None:
    deliveries, subs = Deliveries(store.engine), Subscriptions(store.engine)
    first, second = await subscription(store), await subscription(store, "C2")
    record = await deliveries.claim(subscription_id=first, digest_date=DAY, nonce="k1", late=False, now=NOW)
    record, count = await deliveries.mark_paused(delivery_id=record.id, error="channel_not_found", now=NOW)
    assert record.status == "paused" and count == 1
    assert [s.id for s in await subs.all()] == [second]


async def test_nonces_are_short_and_unique(store: Store) -> None:
    deliveries = Deliveries(store.engine)
    with pytest.raises(StoreError):
        await deliveries.claim(subscription_id=await subscription(store), digest_date=DAY, nonce="x" * 26,
                               late=False, now=NOW)
