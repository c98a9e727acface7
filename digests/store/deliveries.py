"""Deliveries: the record of each subscription's digest of each day. Methods take keyword-only arguments.

The record is claimed (``pending``) and marked ``posting`` (attempts + 1) before anything is posted, and
``posted`` with the platform's message ids after. A record left in ``posting`` by a crash tells the next
attempt to look on the platform (by the record's nonce) before posting again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from digests.errors import StoreError
from digests.store.tables import DeliveryRow, SubscriptionRow

PENDING, POSTING, POSTED, FAILED, PAUSED = "pending", "posting", "posted", "failed", "paused"
STATUSES = (PENDING, POSTING, POSTED, FAILED, PAUSED)
NONCE_CHARS = 25


@dataclass(frozen=True, slots=True)
class Delivery:
    """One subscription's digest of one local day, and how its delivery went."""

    id: int
    subscription_id: int
    digest_date: date
    status: str
    attempts: int
    nonce: str
    message_ids: tuple[str, ...]
    thread_id: str | None
    late: bool
    feed_notes: tuple[str, ...]
    error: str | None
    retry_at: datetime | None
    created_at: datetime
    updated_at: datetime
    posted_at: datetime | None


class Deliveries:
    """Async access to the deliveries table."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._session = async_sessionmaker(engine, expire_on_commit=False)

    async def claim(self, *, subscription_id: int, digest_date: date, nonce: str, late: bool,
                    now: datetime) -> Delivery:
        """The record of this subscription and day: the existing one, or a new ``pending`` one (atomically:
        two callers at once get the same record)."""
        if len(nonce) > NONCE_CHARS:
            raise StoreError(f"store: delivery nonce {nonce!r} is over {NONCE_CHARS} characters")
        found = await self.get(subscription_id=subscription_id, digest_date=digest_date)
        if found is not None:
            return found
        row = DeliveryRow(subscription_id=subscription_id, digest_date=digest_date.isoformat(), status=PENDING,
                          attempts=0, nonce=nonce, message_ids=[], late=late, feed_notes=[], created_at=now,
                          updated_at=now)
        try:
            async with self._session.begin() as session:
                session.add(row)
        except IntegrityError:  # claimed by someone else in between: theirs is the record
            found = await self.get(subscription_id=subscription_id, digest_date=digest_date)
            if found is None:
                raise
            return found
        return _value(row)

    async def mark_posting(self, *, delivery_id: int, now: datetime, late: bool | None = None) -> Delivery:
        """Count an attempt and say a post may be under way. Committed BEFORE posting."""
        async with self._session.begin() as session:
            row = await _row(session, delivery_id)
            row.status, row.attempts, row.retry_at, row.updated_at = POSTING, row.attempts + 1, None, now
            if late is not None:
                row.late = late
            return _value(row)

    async def set_feed_notes(self, *, delivery_id: int, notes: Sequence[str], now: datetime) -> Delivery:
        """Remember the failing-feed notes current when this digest was built (so the next day's can skip them)."""
        async with self._session.begin() as session:
            row = await _row(session, delivery_id)
            row.feed_notes, row.updated_at = list(notes), now
            return _value(row)

    async def mark_posted(self, *, delivery_id: int, message_ids: Sequence[str], thread_id: str | None,
                          now: datetime) -> Delivery:
        """The digest is on the platform: its message ids."""
        async with self._session.begin() as session:
            row = await _row(session, delivery_id)
            row.status, row.message_ids, row.thread_id = POSTED, list(message_ids), thread_id
            row.error, row.retry_at, row.posted_at, row.updated_at = None, None, now, now
            return _value(row)

    async def mark_failed(self, *, delivery_id: int, error: str, retry_at: datetime | None,
                          now: datetime) -> Delivery:
        """An attempt failed; ``retry_at`` is when to try again (None: given up)."""
        async with self._session.begin() as session:
            row = await _row(session, delivery_id)
            row.status, row.error, row.retry_at, row.updated_at = FAILED, error[:2000], retry_at, now
            return _value(row)

    async def mark_paused(self, *, delivery_id: int, error: str, now: datetime) -> tuple[Delivery, int]:
        """The channel is gone or forbids the bot: this delivery is not retried, and every subscription of its
        channel is paused, in one transaction (a crash cannot leave one done without the other). Returns the
        record and how many subscriptions were paused."""
        async with self._session.begin() as session:
            row = await _row(session, delivery_id)
            row.status, row.error, row.retry_at, row.updated_at = PAUSED, error[:2000], None, now
            sub = await session.get(SubscriptionRow, row.subscription_id)
            if sub is None:
                return _value(row), 0
            result = await session.execute(
                update(SubscriptionRow)
                .where(SubscriptionRow.platform == sub.platform, SubscriptionRow.workspace_id == sub.workspace_id,
                       SubscriptionRow.channel_id == sub.channel_id, SubscriptionRow.paused_at.is_(None))
                .values(paused_at=now, pause_reason=error[:2000], updated_at=now))
            return _value(row), int(getattr(result, "rowcount", 0) or 0)

    async def get(self, *, subscription_id: int, digest_date: date) -> Delivery | None:
        """The record of a subscription and day, if any."""
        query = select(DeliveryRow).where(DeliveryRow.subscription_id == subscription_id,
                                          DeliveryRow.digest_date == digest_date.isoformat())
        async with self._session() as session:
            row = await session.scalar(query)
        return _value(row) if row is not None else None

    async def previous(self, *, subscription_id: int, before: date) -> Delivery | None:
        """The latest posted delivery of a subscription before ``before``."""
        query = (select(DeliveryRow)
                 .where(DeliveryRow.subscription_id == subscription_id, DeliveryRow.status == POSTED,
                        DeliveryRow.digest_date < before.isoformat())
                 .order_by(DeliveryRow.digest_date.desc()).limit(1))
        async with self._session() as session:
            row = await session.scalar(query)
        return _value(row) if row is not None else None

    async def for_date(self, *, digest_date: date, status: str | None = None) -> list[Delivery]:
        """Every record of a day (optionally of one status), by subscription."""
        query = select(DeliveryRow).where(DeliveryRow.digest_date == digest_date.isoformat())
        if status is not None:
            query = query.where(DeliveryRow.status == status)
        async with self._session() as session:
            rows = (await session.scalars(query.order_by(DeliveryRow.subscription_id))).all()
        return [_value(row) for row in rows]

    async def due_retries(self, *, now: datetime) -> list[Delivery]:
        """Failed deliveries whose retry time has come (the scheduler's retry sweep)."""
        query = select(DeliveryRow).where(DeliveryRow.status == FAILED, DeliveryRow.retry_at.is_not(None),
                                          DeliveryRow.retry_at <= now)
        async with self._session() as session:
            rows = (await session.scalars(query.order_by(DeliveryRow.retry_at))).all()
        return [_value(row) for row in rows]


async def _row(session: AsyncSession, delivery_id: int) -> DeliveryRow:
    row = await session.scalar(select(DeliveryRow).where(DeliveryRow.id == delivery_id).with_for_update())
    if row is None:
        raise StoreError(f"store: no delivery {delivery_id} (its subscription was removed?)")
    return row


def _value(row: DeliveryRow) -> Delivery:
    return Delivery(
        id=row.id, subscription_id=row.subscription_id, digest_date=date.fromisoformat(row.digest_date),
        status=row.status, attempts=row.attempts, nonce=row.nonce, message_ids=tuple(row.message_ids),
        thread_id=row.thread_id, late=row.late, feed_notes=tuple(row.feed_notes), error=row.error,
        retry_at=row.retry_at, created_at=row.created_at, updated_at=row.updated_at, posted_at=row.posted_at,
    )
