"""Subscriptions: which channel gets which region's digest, when. Methods take keyword-only arguments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from digests.store.tables import SubscriptionRow


@dataclass(frozen=True, slots=True)
class Subscription:
    """A channel's subscription to a region's daily digest."""

    id: int
    platform: str
    workspace_id: str
    channel_id: str
    region: str
    delivery_time: str  # "HH:MM"
    timezone: str
    topics: tuple[str, ...] | None
    keywords: tuple[str, ...]
    created_by: str
    paused_at: datetime | None = None
    pause_reason: str | None = None
    created_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.paused_at is None


@dataclass(frozen=True, slots=True)
class SubscriptionSpec:
    """The values of one subscription to write (an import's entry); paused when ``pause_reason`` is set."""

    platform: str
    workspace_id: str
    channel_id: str
    region: str
    delivery_time: str
    timezone: str
    topics: Sequence[str] | None
    keywords: Sequence[str]
    pause_reason: str | None = None


class Subscriptions:
    """Async access to the subscriptions table."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._session = async_sessionmaker(engine, expire_on_commit=False)

    async def upsert(self, *, platform: str, workspace_id: str, channel_id: str, region: str,
                     delivery_time: str, timezone: str, topics: Sequence[str] | None, keywords: Sequence[str],
                     user_id: str, now: datetime) -> tuple[Subscription, bool]:
        """Subscribe a channel to a region, or update (and resume) its subscription; True when new."""
        attempt = partial(self._upsert, platform=platform, workspace_id=workspace_id, channel_id=channel_id,
                          region=region, delivery_time=delivery_time, timezone=timezone, topics=topics,
                          keywords=keywords, user_id=user_id, now=now)
        try:
            return await attempt()
        except IntegrityError:  # the same channel subscribed at the same moment: now it exists, update it
            return await attempt()

    async def _upsert(self, *, platform: str, workspace_id: str, channel_id: str, region: str,
                      delivery_time: str, timezone: str, topics: Sequence[str] | None, keywords: Sequence[str],
                      user_id: str, now: datetime) -> tuple[Subscription, bool]:
        spec = SubscriptionSpec(platform=platform, workspace_id=workspace_id, channel_id=channel_id, region=region,
                                delivery_time=delivery_time, timezone=timezone, topics=topics, keywords=keywords)
        async with self._session.begin() as session:
            return await _write(session, spec, user_id=user_id, now=now)

    async def upsert_many(self, *, specs: Sequence[SubscriptionSpec], user_id: str,
                          now: datetime) -> list[tuple[Subscription, bool]]:
        """Upsert every spec in one transaction: all are written, or (on any error) none; True when new."""
        async with self._session.begin() as session:
            return [await _write(session, spec, user_id=user_id, now=now) for spec in specs]

    async def remove(self, *, platform: str, workspace_id: str, channel_id: str,
                     region: str | None = None) -> list[str]:
        """Unsubscribe a channel from one region (or all); returns the regions removed."""
        where = _channel(platform, workspace_id, channel_id)
        if region is not None:
            where = (*where, SubscriptionRow.region == region)
        async with self._session.begin() as session:
            regions = list((await session.scalars(select(SubscriptionRow.region).where(*where))).all())
            await session.execute(delete(SubscriptionRow).where(*where))
        return sorted(regions)

    async def for_channel(self, *, platform: str, workspace_id: str, channel_id: str) -> list[Subscription]:
        """A channel's subscriptions, by region."""
        query = select(SubscriptionRow).where(*_channel(platform, workspace_id, channel_id))
        async with self._session() as session:
            rows = (await session.scalars(query.order_by(SubscriptionRow.region))).all()
        return [_value(row) for row in rows]

    async def all(self, *, active_only: bool = True) -> list[Subscription]:
        """Every subscription (the scheduler's view)."""
        query = select(SubscriptionRow).order_by(SubscriptionRow.id)
        if active_only:
            query = query.where(SubscriptionRow.paused_at.is_(None))
        async with self._session() as session:
            return [_value(row) for row in (await session.scalars(query)).all()]

    async def get(self, *, subscription_id: int) -> Subscription | None:
        """One subscription by id."""
        async with self._session() as session:
            row = await session.get(SubscriptionRow, subscription_id)
        return _value(row) if row else None

    async def pause(self, *, subscription_id: int, reason: str, now: datetime) -> bool:
        """Pause one subscription (an import restoring a paused one); True when it exists."""
        async with self._session.begin() as session:
            result = await session.execute(
                update(SubscriptionRow).where(SubscriptionRow.id == subscription_id)
                .values(paused_at=now, pause_reason=reason[:2000], updated_at=now)
            )
        return bool(getattr(result, "rowcount", 0))


async def _write(session: AsyncSession, spec: SubscriptionSpec, *, user_id: str,
                 now: datetime) -> tuple[Subscription, bool]:
    where = (*_channel(spec.platform, spec.workspace_id, spec.channel_id), SubscriptionRow.region == spec.region)
    row = await session.scalar(select(SubscriptionRow).where(*where).with_for_update())
    created = row is None
    if row is None:
        row = SubscriptionRow(platform=spec.platform, workspace_id=spec.workspace_id, channel_id=spec.channel_id,
                              region=spec.region, created_by=user_id, created_at=now)
        session.add(row)
    row.delivery_time, row.timezone, row.updated_at = spec.delivery_time, spec.timezone, now
    row.topics = list(spec.topics) if spec.topics is not None else None
    row.keywords = list(spec.keywords)
    reason = spec.pause_reason[:2000] if spec.pause_reason is not None else None
    row.paused_at, row.pause_reason = (now if reason is not None else None), reason
    await session.flush()
    return _value(row), created


def _channel(platform: str, workspace_id: str, channel_id: str) -> tuple[ColumnElement[bool], ...]:
    return (SubscriptionRow.platform == platform, SubscriptionRow.workspace_id == workspace_id,
            SubscriptionRow.channel_id == channel_id)


def _value(row: SubscriptionRow) -> Subscription:
    return Subscription(
        id=row.id, platform=row.platform, workspace_id=row.workspace_id, channel_id=row.channel_id,
        region=row.region, delivery_time=row.delivery_time, timezone=row.timezone,
        topics=tuple(row.topics) if row.topics is not None else None, keywords=tuple(row.keywords),
        created_by=row.created_by, paused_at=row.paused_at, pause_reason=row.pause_reason,
        created_at=row.created_at,
    )
