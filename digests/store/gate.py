"""Sessions that queue for the pool instead of timing out in it.

SQLAlchemy's pool lends ``pool_size + max_overflow`` connections and makes a caller past that wait at most
``pool_timeout`` seconds, then raises ``QueuePool limit ... reached``: a collection pass with hundreds of feeds
in flight aborted that way. Here callers wait their turn on an asyncio semaphore as large as the share of the
pool the repository may use, so the pool itself never runs dry, and other users of the engine (deliveries,
subscriptions, health) keep the rest. On SQLite, which takes one writer at a time, writes also queue on one
in-process lock rather than spinning on the database's busy timeout.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.pool import QueuePool

DEFAULT_SHARE = 5  # connections the repository may hold at once when the pool does not say


def pool_share(engine: AsyncEngine) -> int:
    """How many connections the repository may hold: the pool's steady size (its overflow stays for others)."""
    pool = engine.sync_engine.pool
    return max(1, pool.size()) if isinstance(pool, QueuePool) else DEFAULT_SHARE


class GatedSessions:
    """``async with gated() as session`` reads; ``async with gated.begin() as session`` writes in a transaction."""

    def __init__(self, engine: AsyncEngine, *, share: int | None = None) -> None:
        self._maker = async_sessionmaker(engine, expire_on_commit=False)
        self._slots = asyncio.Semaphore(share or pool_share(engine))
        self._writer = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[AsyncSession]:
        async with self._slots, self._maker() as session:
            yield session

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:
        if self._writer is None:
            async with self._slots, self._maker.begin() as session:
                yield session
            return
        async with self._writer, self._slots, self._maker.begin() as session:
            yield session
