"""Leader election: one leader per PostgreSQL database, taken over when the leader's connection dies;
SQLite is always its own leader."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.runtime.leader import LeaderLock, SingleLeader, leader_lock

RETRY = 0.2


async def terminate(url: str, pid: int) -> None:
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        assert await conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    await engine.dispose()


async def test_one_leader_and_a_takeover_when_its_connection_dies(database_url: str) -> None:
    first, second = (leader_lock(database_url, retry_seconds=RETRY) for _ in range(2))
    if database_url.startswith("sqlite"):
        assert isinstance(first, SingleLeader)  # one process owns a SQLite file: always the leader
        await first.acquire()
        assert first.is_leader
        return
    assert isinstance(first, LeaderLock) and isinstance(second, LeaderLock)
    try:
        assert await first.try_acquire()
        assert not await second.try_acquire()
        assert first.is_leader and not second.is_leader
        follower = asyncio.create_task(second.acquire())
        await asyncio.sleep(3 * RETRY)
        assert not follower.done()  # still following while the leader lives
        assert first.backend_pid is not None
        await terminate(database_url, first.backend_pid)  # the leader's connection dies
        async with asyncio.timeout(5 * RETRY):
            await follower  # taken over within the retry interval (plus a query)
        assert second.is_leader
        async with asyncio.timeout(5 * RETRY):
            await first.lost()  # the old leader notices and stops scheduling
        assert not first.is_leader
        assert not await first.try_acquire()  # and cannot take it back while the new leader lives
    finally:
        await first.release()
        await second.release()


async def test_release_hands_leadership_over(database_url: str) -> None:
    if database_url.startswith("sqlite"):
        return
    first, second = LeaderLock(database_url, retry_seconds=RETRY), LeaderLock(database_url, retry_seconds=RETRY)
    try:
        await first.acquire()
        follower = asyncio.create_task(second.acquire())
        await first.release()
        async with asyncio.timeout(5 * RETRY):
            await follower
        assert second.is_leader and await second.alive()
    finally:
        await first.release()
        await second.release()


async def test_another_instance_starts_while_a_leader_holds_its_lock(database_url: str) -> None:
    """A second instance opens (and migrates) the database while the first leads: the migration lock is not
    the leader lock (when they shared a key, every follower timed out at start-up, found by
    bench/exactly_once.py's failover run)."""
    from digests.store import open_database

    first = leader_lock(database_url, retry_seconds=RETRY)
    await (await open_database(database_url)).dispose()
    await first.acquire()
    try:
        engine = await asyncio.wait_for(open_database(database_url, timeout_s=2.0), timeout=15)
        await engine.dispose()
    finally:
        await first.release()
