"""Leader election: only one instance of a deployment runs the scheduler.

PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) taken on a dedicated connection and
held for the life of that connection. The server releases it when the connection ends, however the leader
died (crash, kill -9, network loss, ``pg_terminate_backend``), so a follower retrying every
``retry_seconds`` takes over. The leader checks its connection at the same pace; once it is gone the
leader stops scheduling. Between the connection dying and both sides noticing, at most one retry interval
can overlap; the deliveries table (unique per subscription and local date) keeps that from doubling a digest.

SQLite: one process owns the file, so every instance is the leader (``SingleLeader``). Running two bots
on one SQLite file is not supported.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

LOCK_KEY = 0x6B686F626F72  # "khobor": one advisory lock per database


class Leadership(Protocol):
    """What the runtime needs from a leader lock."""

    @property
    def is_leader(self) -> bool: ...

    async def acquire(self) -> None:
        """Wait until this instance is the leader."""

    async def lost(self) -> None:
        """Return when leadership is lost (never, for a single instance)."""

    async def release(self) -> None:
        """Give leadership up (closing the connection releases the lock)."""


class SingleLeader:
    """SQLite: always the leader."""

    is_leader = True

    async def acquire(self) -> None:
        return None

    async def lost(self) -> None:
        await asyncio.Event().wait()

    async def release(self) -> None:
        return None


class LeaderLock:
    """A PostgreSQL advisory lock on a dedicated connection. ``acquire`` retries every ``retry_seconds``."""

    def __init__(self, url: str, *, key: int = LOCK_KEY, retry_seconds: float = 10.0) -> None:
        self.url = url
        self.key = key
        self.retry_seconds = retry_seconds
        self._engine: AsyncEngine | None = None
        self._conn: AsyncConnection | None = None
        self._pid: int | None = None

    @property
    def is_leader(self) -> bool:
        return self._conn is not None

    @property
    def backend_pid(self) -> int | None:
        """The server process holding the lock for this instance (for logs and tests)."""
        return self._pid

    async def try_acquire(self) -> bool:
        """One attempt; True when this instance now holds the lock."""
        if self._conn is not None:
            return True
        if self._engine is None:
            self._engine = create_async_engine(self.url, poolclass=NullPool)
        conn = await self._engine.connect()
        try:
            got = bool(await conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}))
            pid = await conn.scalar(text("SELECT pg_backend_pid()"))
            await conn.commit()  # the lock is session-level: it outlives the transaction
        except Exception:
            await _close(conn)
            raise
        if not got:
            await _close(conn)
            return False
        self._conn, self._pid = conn, int(pid) if pid is not None else None
        return True

    async def acquire(self) -> None:
        """Wait until the lock is ours; database errors are logged and retried."""
        while True:
            try:
                if await self.try_acquire():
                    log.info("leader: this instance leads (advisory lock %d, backend %s)", self.key, self._pid)
                    return
            except Exception as exc:  # the database being away is a reason to retry, not to die
                log.warning("leader: cannot reach the database to take the lock (%s); retrying in %s s",
                            exc.__class__.__name__, self.retry_seconds)
            await asyncio.sleep(self.retry_seconds)

    async def alive(self) -> bool:
        """Whether the lock's connection still works (the lock dies with it)."""
        if self._conn is None:
            return False
        try:
            await asyncio.wait_for(self._conn.execute(text("SELECT 1")), timeout=self.retry_seconds)
            await self._conn.commit()
            return True
        except Exception:  # any failure means the session, and so the lock, may be gone
            return False

    async def lost(self) -> None:
        """Poll the connection every ``retry_seconds``; return (after dropping it) once it is gone."""
        while True:
            if not await self.alive():
                break
            await asyncio.sleep(self.retry_seconds)
        log.warning("leader: the lock's database connection is gone; this instance stops scheduling")
        await self._drop()

    async def release(self) -> None:
        """Close the lock's connection (the server releases the lock) and the engine."""
        await self._drop()
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    async def _drop(self) -> None:
        conn, self._conn, self._pid = self._conn, None, None
        if conn is not None:
            await _close(conn)


async def _close(conn: AsyncConnection) -> None:
    with suppress(Exception):  # a dead connection cannot be closed cleanly; it is gone either way
        await conn.close()


def leader_lock(database_url: str, *, retry_seconds: float) -> Leadership:
    """The lock that fits the database: an advisory lock on PostgreSQL, none on SQLite."""
    if make_url(database_url).get_backend_name() == "postgresql":
        return LeaderLock(database_url, retry_seconds=retry_seconds)
    return SingleLeader()
