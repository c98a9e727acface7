"""A subscription's schedule, pure: its local time and zone -> the instant a digest is due, the next one, the
last one, the digest's window, whether it is late, and what catch-up should do. No scheduler library here.

A time inside a skipped hour falls due once, shifted forward by the gap (02:30 -> 03:30); a time inside a
repeated hour falls due once, at its first occurrence (zoneinfo with ``fold=0``). A digest's date is the
subscriber's local date, and its window is the ``hours`` before its due instant, shown in the subscriber's
timezone.

Catch-up is driven by the delivery records, not by when the process was last alive: each digest that fell due
within the grace period and has no final record is delivered; an open record past the grace period is
settled; one that fell due longer ago (up to ``LOOKBACK``) with no record is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Protocol
from zoneinfo import ZoneInfo

from digests.store import Subscription

LATE_AFTER = timedelta(minutes=5)  # a digest posted this much after its time is marked late, whichever path
LOOKBACK = timedelta(days=2)  # how far back catch-up looks for digests that were never settled


class Settled(Protocol):
    """What catch-up reads of a delivery record (``digests.store.deliveries.Delivery``)."""

    @property
    def subscription_id(self) -> int: ...

    @property
    def digest_date(self) -> date: ...

    @property
    def final(self) -> bool: ...


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def clock_time(sub: Subscription) -> time:
    """The subscription's ``HH:MM`` as a time of day."""
    hour, minute = sub.delivery_time.split(":")
    return time(int(hour), int(minute))


def local_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of ``at`` on local date ``day``: fold=0 shifts a skipped time forward by the gap
    and picks the first of a repeated time."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def due_times(sub: Subscription, start: datetime, end: datetime) -> list[tuple[date, datetime]]:
    """Each (local date, UTC instant) the subscription falls due in ``[start, end]``, one per local date."""
    tz, at = zone(sub.timezone), clock_time(sub)
    day, last = start.astimezone(tz).date() - timedelta(days=1), end.astimezone(tz).date() + timedelta(days=1)
    found = []
    while day <= last:
        instant = local_instant(day, at, tz)
        if start <= instant <= end:
            found.append((day, instant))
        day += timedelta(days=1)
    return found


def next_due(sub: Subscription, after: datetime) -> tuple[date, datetime]:
    """The first (local date, instant) at or after ``after``."""
    return due_times(sub, after, after + timedelta(days=2))[0]


def last_due(sub: Subscription, at: datetime) -> tuple[date, datetime]:
    """The latest (local date, instant) at or before ``at``."""
    return due_times(sub, at - timedelta(days=2), at)[-1]


def due_at(sub: Subscription, day: date) -> datetime:
    """When the subscription's digest of local date ``day`` is due (UTC)."""
    return local_instant(day, clock_time(sub), zone(sub.timezone))


def window(sub: Subscription, day: date, hours: int) -> tuple[datetime, datetime]:
    """The digest's window: the ``hours`` before it is due, in the subscriber's timezone."""
    end = due_at(sub, day).astimezone(zone(sub.timezone))
    return end - timedelta(hours=hours), end


def is_late(due: datetime, now: datetime) -> bool:
    """Whether a digest going out at ``now`` is late for ``due`` (the same rule on every path)."""
    return now - due > LATE_AFTER


@dataclass(slots=True)
class CatchUp:
    """What to do about digests that fell due and are not settled: deliver (late or not), settle, skip."""

    deliver: list[tuple[Subscription, date, bool]] = field(default_factory=list)
    settle: list[tuple[Subscription, date]] = field(default_factory=list)
    skip: list[tuple[Subscription, date]] = field(default_factory=list)


def catch_up(subs: Iterable[Subscription], *, now: datetime, grace: timedelta,
             records: Iterable[Settled]) -> CatchUp:
    """Compare what fell due in ``[now - LOOKBACK, now]`` (after each subscription was made) with the records:
    unsettled within ``grace`` is delivered, an open record older than that is settled, a missing one skipped."""
    known = {(r.subscription_id, r.digest_date): r.final for r in records}
    plan = CatchUp()
    for sub in subs:
        for day, due in due_times(sub, now - LOOKBACK, now):
            final = known.get((sub.id, day))
            if final or (sub.created_at is not None and due < sub.created_at):
                continue
            if now - due <= grace:
                plan.deliver.append((sub, day, is_late(due, now)))
            elif final is None:
                plan.skip.append((sub, day))
            else:
                plan.settle.append((sub, day))
    return plan


def catch_up_dates(subs: Iterable[Subscription], now: datetime) -> list[date]:
    """The local dates whose records catch-up needs."""
    return sorted({day for sub in subs for day, _ in due_times(sub, now - LOOKBACK, now)})
