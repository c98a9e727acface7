"""The deliveries table on SQLite and PostgreSQL: claimed once, leased to one owner at a time, attempts counted,
statuses recorded."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from digests.errors import StoreError
from digests.store import Store, Subscriptions
from digests.store.deliveries import Deliveries, LeaseLost

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
    assert len(await deliveries.of_dates(digest_dates=[DAY])) == 1


LEASE = timedelta(seconds=60)


async def test_attempts_statuses_and_lookups(store: Store) -> None:
    deliveries, sub = Deliveries(store.engine), await subscription(store)
    record = await deliveries.claim(subscription_id=sub, digest_date=DAY, nonce="k1-250304-ab", late=False, now=NOW)
    assert await deliveries.take(delivery_id=record.id, owner="a", now=NOW, lease=LEASE) is not None
    record = await deliveries.mark_posting(delivery_id=record.id, owner="a", now=NOW, lease=LEASE, late=True)
    assert (record.status, record.attempts, record.late, record.owner) == ("posting", 1, True, "a")
    record = await deliveries.mark_failed(delivery_id=record.id, error="boom", retry_at=NOW + timedelta(seconds=5),
                                          now=NOW, owner="a")
    assert (record.owner, record.final) == (None, False)
    assert await deliveries.take(delivery_id=record.id, owner="a", now=NOW, lease=LEASE) is not None
    record = await deliveries.mark_posting(delivery_id=record.id, owner="a", now=NOW, lease=LEASE, late=True)
    await deliveries.set_feed_notes(delivery_id=record.id, notes=["Feed X could not be read"], now=NOW)
    record = await deliveries.mark_posted(delivery_id=record.id, message_ids=["1.1", "1.2"], thread_id="1.1", now=NOW)
    assert (record.status, record.attempts, record.message_ids, record.error) == ("posted", 2, ("1.1", "1.2"), None)
    assert record.final and record.owner is None
    previous = await deliveries.previous(subscription_id=sub, before=DAY + timedelta(days=1))
    assert previous is not None and previous.feed_notes == ("Feed X could not be read",)
    assert await deliveries.previous(subscription_id=sub, before=DAY) is None
    assert [r.id for r in await deliveries.of_dates(digest_dates=[DAY, DAY - timedelta(days=1)])] == [record.id]
    assert await deliveries.take(delivery_id=record.id, owner="b", now=NOW, lease=LEASE) is None  # final


async def test_a_lease_has_one_owner_until_it_expires_and_a_stale_owner_cannot_post(store: Store) -> None:
    """Issue 10, defect 3: two leaders at once. The second cannot take a record the first holds; once the
    lease has run out it can, and from then on the first one's writes fail, so it never posts."""
    deliveries, sub = Deliveries(store.engine), await subscription(store)
    record = await deliveries.claim(subscription_id=sub, digest_date=DAY, nonce="k1", late=False, now=NOW)
    assert await deliveries.take(delivery_id=record.id, owner="old", now=NOW, lease=LEASE) is not None
    await deliveries.mark_posting(delivery_id=record.id, owner="old", now=NOW, lease=LEASE, late=False)
    assert await deliveries.take(delivery_id=record.id, owner="new", now=NOW + LEASE / 2, lease=LEASE) is None
    later = NOW + LEASE + timedelta(seconds=1)
    taken = await deliveries.take(delivery_id=record.id, owner="new", now=later, lease=LEASE)
    assert taken is not None and taken.owner == "new" and taken.attempts == 1  # so "new" reads back first
    with pytest.raises(LeaseLost):
        await deliveries.renew(delivery_id=record.id, owner="old", now=later, lease=LEASE, message_ids=["1"],
                               thread_id=None)
    with pytest.raises(LeaseLost):
        await deliveries.mark_posting(delivery_id=record.id, owner="old", now=later, lease=LEASE, late=False)
    with pytest.raises(LeaseLost):
        await deliveries.mark_failed(delivery_id=record.id, error="x", retry_at=None, now=later, owner="old")
    progress = await deliveries.renew(delivery_id=record.id, owner="new", now=later, lease=LEASE,
                                      message_ids=["1.1"], thread_id="1.1")
    assert progress.message_ids == ("1.1",) and progress.status == "posting"


async def test_a_skip_is_recorded_once_and_never_over_a_real_record(store: Store) -> None:
    deliveries, sub = Deliveries(store.engine), await subscription(store)
    assert await deliveries.skip(subscription_id=sub, digest_date=DAY, nonce="s1", reason="down", now=NOW)
    assert not await deliveries.skip(subscription_id=sub, digest_date=DAY, nonce="s2", reason="down", now=NOW)
    other = DAY + timedelta(days=1)
    await deliveries.claim(subscription_id=sub, digest_date=other, nonce="k2", late=False, now=NOW)
    assert not await deliveries.skip(subscription_id=sub, digest_date=other, nonce="s3", reason="down", now=NOW)
    statuses = {r.digest_date: r.status for r in await deliveries.of_dates(digest_dates=[DAY, other])}
    assert statuses == {DAY: "skipped", other: "pending"}


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
