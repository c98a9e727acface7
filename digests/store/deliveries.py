"""Deliveries: the record of each subscription's digest of each day. Methods take keyword-only arguments.

The life of a record, written down:

    (none) --claim--> pending --take--> (leased) --mark_posting--> posting --mark_posted--> posted
                                             \\                       |  \\--mark_failed--> failed --take--> ...
                                              \\--mark_failed--------/   \\--mark_paused--> paused (channel gone)
    (none) --skip--> skipped (it fell due too long ago to be worth posting; logged once)

Only the process holding the record's lease (``owner`` until ``lease_until``) may mark it posting, record
progress or post: every such write is a conditional UPDATE that fails with :class:`LeaseLost` once the lease
expired or someone else took it. A new owner takes a record only after the old lease ran out (or at once when the
caller proved the old owner's process dead), and then reads the platform back (by the record's nonce) before
posting, because ``attempts`` > 0 means an earlier post may have reached the platform. ``attempts`` counts only
attempts that went to the platform (a crash while the digest is still being built costs none). Posted, paused and
skipped records, and failed ones without ``retry_at`` (given up), are final.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from digests.errors import StoreError
from digests.memory import Shown
from digests.store.tables import DeliveryRow, StoryShownRow, SubscriptionRow
from digests.store.windows import article_openings

PENDING, POSTING, POSTED, FAILED, PAUSED, SKIPPED = "pending", "posting", "posted", "failed", "paused", "skipped"
STATUSES = (PENDING, POSTING, POSTED, FAILED, PAUSED, SKIPPED)
DONE = (POSTED, PAUSED, SKIPPED)
NONCE_CHARS = 25
READ_CHARS = 20_000  # of an article a channel was shown, what is compared with a later day's summary


class LeaseLost(StoreError):
    """This process no longer holds the delivery's lease: another owner may be posting it. Never post."""


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
    owner: str | None = None
    lease_until: datetime | None = None

    @property
    def final(self) -> bool:
        """Nothing more will be tried: posted, paused, skipped, or failed and given up."""
        return self.status in DONE or (self.status == FAILED and self.retry_at is None)


def _open() -> ColumnElement[bool]:
    """Records that are not final."""
    return and_(DeliveryRow.status.not_in(DONE), or_(DeliveryRow.status != FAILED, DeliveryRow.retry_at.is_not(None)))


def _held_by(owner: str, now: datetime) -> ColumnElement[bool]:
    return and_(DeliveryRow.owner == owner, DeliveryRow.lease_until > now)


class Deliveries:
    """Async access to the deliveries table."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._session = async_sessionmaker(engine, expire_on_commit=False)

    async def claim(self, *, subscription_id: int, digest_date: date, nonce: str, late: bool,
                    now: datetime, status: str = PENDING, error: str | None = None) -> Delivery:
        """The record of this subscription and day: the existing one, or a new one in ``status`` (atomically:
        two callers at once get the same record)."""
        if len(nonce) > NONCE_CHARS:
            raise StoreError(f"store: delivery nonce {nonce!r} is over {NONCE_CHARS} characters")
        found = await self.get(subscription_id=subscription_id, digest_date=digest_date)
        if found is not None:
            return found
        row = DeliveryRow(subscription_id=subscription_id, digest_date=digest_date.isoformat(), status=status,
                          attempts=0, nonce=nonce, message_ids=[], late=late, feed_notes=[], error=error,
                          created_at=now, updated_at=now)
        try:
            async with self._session.begin() as session:
                session.add(row)
        except IntegrityError:  # claimed by someone else in between: theirs is the record
            found = await self.get(subscription_id=subscription_id, digest_date=digest_date)
            if found is None:
                raise
            return found
        return _value(row)

    async def take(self, *, delivery_id: int, owner: str, now: datetime, lease: timedelta,
                   dead_owner: str | None = None) -> Delivery | None:
        """Lease an open record to ``owner`` until ``now + lease``; None when another owner's lease is live
        (or the record is final). Taking a record over from a dead owner is what the lease allows; an owner the
        caller proved dead (``dead_owner``: its process is gone) is taken over at once, and only if it still
        holds the record."""
        free = or_(DeliveryRow.owner.is_(None), DeliveryRow.owner == owner, DeliveryRow.lease_until.is_(None),
                   DeliveryRow.lease_until <= now)
        if dead_owner is not None:
            free = or_(free, DeliveryRow.owner == dead_owner)
        return await self._update(delivery_id, and_(_open(), free), owner=owner, lease_until=now + lease,
                                  updated_at=now)

    async def mark_posting(self, *, delivery_id: int, owner: str, now: datetime, lease: timedelta,
                           late: bool) -> Delivery:
        """Count an attempt that goes to the platform and say a post may be under way; committed BEFORE
        posting. Raises :class:`LeaseLost` unless ``owner`` holds a live lease."""
        return await self._fenced(delivery_id, owner, now, status=POSTING, attempts=DeliveryRow.attempts + 1,
                                  retry_at=None, late=late, lease_until=now + lease, updated_at=now)

    async def renew(self, *, delivery_id: int, owner: str, now: datetime, lease: timedelta,
                    message_ids: Sequence[str], thread_id: str | None) -> Delivery:
        """Extend the lease before the next message, recording what is already posted (a crash resumes from
        there). Raises :class:`LeaseLost` unless ``owner`` holds a live lease."""
        return await self._fenced(delivery_id, owner, now, lease_until=now + lease, message_ids=list(message_ids),
                                  thread_id=thread_id, updated_at=now)

    async def set_feed_notes(self, *, delivery_id: int, notes: Sequence[str], now: datetime) -> Delivery:
        """Remember the failing-feed notes current when this digest was built (so the next day's can skip them)."""
        async with self._session.begin() as session:
            row = await _row(session, delivery_id)
            row.feed_notes, row.updated_at = list(notes), now
            return _value(row)

    async def mark_posted(self, *, delivery_id: int, message_ids: Sequence[str], thread_id: str | None,
                          now: datetime, shown: Sequence[Shown] = ()) -> Delivery:
        """The digest is on the platform: its message ids, and what it showed of each story (the channel's
        memory), in one transaction: the memory is written exactly when the record says posted. Final,
        whoever writes it (it is the truth); written again, the day's memory is replaced, not doubled."""
        async with self._session.begin() as session:
            row = await _row(session, delivery_id)
            row.status, row.message_ids, row.thread_id = POSTED, list(message_ids), thread_id
            row.error, row.retry_at, row.posted_at, row.updated_at = None, None, now, now
            row.owner, row.lease_until = None, None
            if shown:
                await _remember(session, row, shown, now)
            return _value(row)

    async def seen(self, *, subscription_id: int, story_ids: Sequence[int], before: date) -> list[Shown]:
        """What this subscription's posted digests before ``before`` showed of these stories."""
        if not story_ids:
            return []
        query = select(StoryShownRow).where(StoryShownRow.subscription_id == subscription_id,
                                            StoryShownRow.story_id.in_(sorted(set(story_ids))),
                                            StoryShownRow.digest_date < before.isoformat())
        async with self._session() as session:
            rows = (await session.scalars(query.order_by(StoryShownRow.digest_date, StoryShownRow.id))).all()
        return [Shown(story_id=r.story_id, day=r.digest_date, outlets=tuple(r.outlets), sentences=tuple(r.sentences),
                      link=r.link, article_ids=tuple(r.article_ids or ())) for r in rows]

    async def article_texts(self, *, article_ids: Collection[int]) -> dict[int, str]:
        """The texts (their first ``READ_CHARS`` characters) of these articles, those not pruned yet: what a
        channel could read of the stories it was shown."""
        if not article_ids:
            return {}
        async with self._session() as session:
            return await article_openings(session, article_ids, READ_CHARS)

    async def mark_failed(self, *, delivery_id: int, error: str, retry_at: datetime | None, now: datetime,
                          owner: str | None = None, refund: bool = False) -> Delivery:
        """An attempt failed; ``retry_at`` is when to try again (None: given up). With ``owner``, only while
        no other owner took the record (else :class:`LeaseLost`); the lease is released. ``refund``: the attempt
        stored nothing (the platform answered 429), so it does not count in ``attempts``."""
        values: dict[str, Any] = {"status": FAILED, "error": error[:2000], "retry_at": retry_at, "updated_at": now,
                                  "owner": None, "lease_until": None}
        if refund:
            values["attempts"] = DeliveryRow.attempts - 1
        condition = or_(DeliveryRow.owner.is_(None), DeliveryRow.owner == owner) if owner else DeliveryRow.id > 0
        found = await self._update(delivery_id, and_(DeliveryRow.status.not_in(DONE), condition), **values)
        if found is None:
            raise LeaseLost(f"store: delivery {delivery_id} was taken over by another owner; not marked failed")
        return found

    async def mark_paused(self, *, delivery_id: int, error: str, now: datetime) -> tuple[Delivery, int]:
        """The channel is gone or forbids the bot: this delivery is not retried, and every subscription of its
        channel is paused, in one transaction (a crash cannot leave one done without the other). Returns the
        record and how many subscriptions were paused."""
        async with self._session.begin() as session:
            row = await _row(session, delivery_id)
            row.status, row.error, row.retry_at, row.updated_at = PAUSED, error[:2000], None, now
            row.owner, row.lease_until = None, None
            sub = await session.get(SubscriptionRow, row.subscription_id)
            if sub is None:
                return _value(row), 0
            result = await session.execute(
                update(SubscriptionRow)
                .where(SubscriptionRow.platform == sub.platform, SubscriptionRow.workspace_id == sub.workspace_id,
                       SubscriptionRow.channel_id == sub.channel_id, SubscriptionRow.paused_at.is_(None))
                .values(paused_at=now, pause_reason=error[:2000], updated_at=now))
            return _value(row), int(getattr(result, "rowcount", 0) or 0)

    async def skip(self, *, subscription_id: int, digest_date: date, nonce: str, reason: str,
                   now: datetime) -> bool:
        """Record a digest that will not be delivered (it fell due too long ago); True if this call recorded
        it, False if a record existed already (then it is left as it is)."""
        record = await self.claim(subscription_id=subscription_id, digest_date=digest_date, nonce=nonce, late=True,
                                  now=now, status=SKIPPED, error=reason)
        return record.status == SKIPPED and record.nonce == nonce

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

    async def of_dates(self, *, digest_dates: Sequence[date]) -> list[Delivery]:
        """Every record of these local dates, by subscription (what catch-up compares the schedule with)."""
        days = sorted({d.isoformat() for d in digest_dates})
        query = select(DeliveryRow).where(DeliveryRow.digest_date.in_(days))
        async with self._session() as session:
            rows = (await session.scalars(query.order_by(DeliveryRow.subscription_id, DeliveryRow.digest_date))).all()
        return [_value(row) for row in rows]

    async def _fenced(self, delivery_id: int, owner: str, now: datetime, **values: Any) -> Delivery:
        found = await self._update(delivery_id, and_(_open(), _held_by(owner, now)), **values)
        if found is None:
            raise LeaseLost(f"store: this process ({owner}) no longer holds delivery {delivery_id}'s lease; "
                            "another owner may be posting it, so this one will not")
        return found

    async def _update(self, delivery_id: int, condition: ColumnElement[bool], **values: Any) -> Delivery | None:
        """One conditional UPDATE (atomic on both databases); the record after it, or None if it did not match."""
        async with self._session.begin() as session:
            result = await session.execute(update(DeliveryRow).where(DeliveryRow.id == delivery_id, condition)
                                           .values(**values).execution_options(synchronize_session=False))
            if int(getattr(result, "rowcount", 0) or 0) != 1:
                return None
            row = await session.get(DeliveryRow, delivery_id, populate_existing=True)
            return _value(row) if row is not None else None


async def _remember(session: AsyncSession, row: DeliveryRow, shown: Sequence[Shown], now: datetime) -> None:
    stories = sorted({s.story_id for s in shown})
    await session.execute(delete(StoryShownRow).where(StoryShownRow.subscription_id == row.subscription_id,
                                                      StoryShownRow.digest_date == row.digest_date,
                                                      StoryShownRow.story_id.in_(stories)))
    session.add_all(StoryShownRow(subscription_id=row.subscription_id, story_id=s.story_id, digest_date=row.digest_date,
                                  outlets=list(s.outlets), sentences=list(s.sentences),
                                  link=s.link[:1000] if s.link else None, article_ids=list(s.article_ids),
                                  shown_at=now)
                    for s in {s.story_id: s for s in shown}.values())


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
        owner=row.owner, lease_until=row.lease_until,
    )
