"""Digest scheduling: one job per active subscription, at its local time in its own timezone.

APScheduler 3.11's ``CronTrigger`` fires TWICE on a fall-back day when the delivery time is inside the
repeated hour (it steps from the first 01:30 to the second one; see tests/bot/test_scheduler.py), so jobs
use ``DailyTrigger`` here: one instant per local date from zoneinfo with ``fold=0``. A time inside a
skipped hour fires once, shifted forward by the gap (02:30 -> 03:30); a time inside a repeated hour fires
once, at its first occurrence. The delivery's ``digest_date`` is that local date.

After downtime, ``catch_up`` delivers (once, marked late) each subscription's latest digest that fell due
while the bot was down and within the grace period; older ones are skipped and logged. The deliveries
table makes a (subscription, local date) pair exactly-once even when two paths try it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger

from digests.store import Subscription

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
LATE_AFTER = timedelta(minutes=5)  # a scheduled run this much behind its time is reported as late
JobKey = tuple[str, str]  # (delivery_time, timezone): what the job's trigger depends on


class DeliverFn(Protocol):
    """What the scheduler needs from delivery (``bot.delivery.Deliverer.deliver``)."""

    def __call__(self, sub: Subscription, *, digest_date: date, late: bool = False) -> Awaitable[str]: ...


class SubscriptionSource(Protocol):
    """Where the scheduler reads subscriptions (``digests.store.Subscriptions``)."""

    async def all(self, *, active_only: bool = True) -> list[Subscription]: ...


def utcnow() -> datetime:
    return datetime.now(UTC)


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def log_ids(sub: Subscription) -> dict[str, object]:
    """The ids a subscription's log lines carry (``extra=``): channel, region, subscription."""
    return {"channel": f"{sub.platform}:{sub.workspace_id}/{sub.channel_id}", "region": sub.region,
            "subscription": sub.id}


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


class DailyTrigger(BaseTrigger):  # type: ignore[misc]  # APScheduler ships no type hints
    """Fires at ``sub``'s local time once per local date (see the module docstring)."""

    def __init__(self, sub: Subscription) -> None:
        self.sub = sub

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime:
        after = previous_fire_time + timedelta(microseconds=1) if previous_fire_time else now
        return next_due(self.sub, after)[1]

    def __str__(self) -> str:
        return f"daily at {self.sub.delivery_time} {self.sub.timezone}"


@dataclass(slots=True)
class CatchUp:
    """What to do at start about digests that fell due while the bot was down."""

    late: list[tuple[Subscription, date]] = field(default_factory=list)
    skipped: list[tuple[Subscription, date]] = field(default_factory=list)


def catch_up(subs: Iterable[Subscription], *, now: datetime, last_seen: datetime | None,
             grace: timedelta) -> CatchUp:
    """Per subscription, the latest digest due in ``[last_seen, now]`` within ``grace`` is delivered late;
    the others due in that window are skipped. Unknown ``last_seen``: only the grace window is looked at."""
    since = last_seen if last_seen is not None else now - grace
    plan = CatchUp()
    for sub in subs:
        missed = due_times(sub, since, now)
        if missed and now - missed[-1][1] <= grace:
            plan.late.append((sub, missed.pop()[0]))
        plan.skipped.extend((sub, day) for day, _ in missed)
    return plan


class Heartbeat:
    """When the scheduler was last running, in a small file (the start of the catch-up window)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def read(self) -> datetime | None:
        if self.path is None:
            return None
        try:
            return datetime.fromisoformat(self.path.read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            return None

    def write(self, now: datetime) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(now.isoformat(), encoding="utf-8")
        except OSError as exc:
            log.warning("schedule: cannot write the heartbeat %s (%s); catch-up after a restart is limited "
                        "to the grace period", self.path, exc.strerror)


def job_id(sub_id: int) -> str:
    return f"digest:{sub_id}"


class Scheduler:
    """One job per active subscription on an ``AsyncIOScheduler``; resyncs with the store periodically.
    ``extra_jobs`` lets the runtime add its own jobs (collection) to the same scheduler."""

    def __init__(self, subscriptions: SubscriptionSource, deliver: DeliverFn, *, grace: timedelta,
                 clock: Clock = utcnow, resync_seconds: float = 60, heartbeat: Heartbeat | None = None,
                 concurrency: int = 4) -> None:
        self.subscriptions = subscriptions
        self.deliver = deliver
        self.grace = grace
        self.clock = clock
        self.resync_seconds = resync_seconds
        self.heartbeat = heartbeat or Heartbeat(None)
        self.aps = AsyncIOScheduler(timezone=UTC)
        self._subs: dict[int, Subscription] = {}
        self._claimed: dict[int, date] = {}  # the last local date fired per subscription, never twice
        self._slots = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Schedule every active subscription, start, then catch up on what fell due while down."""
        last_seen = self.heartbeat.read()
        await self.refresh()
        self.aps.add_job(self.refresh, "interval", seconds=self.resync_seconds, id="resync", coalesce=True,
                         max_instances=1)
        self.aps.start()
        now = self.clock()
        plan = catch_up(self._subs.values(), now=now, last_seen=last_seen, grace=self.grace)
        self._log_skipped(plan.skipped)
        for sub, day in plan.late:
            self._spawn(self._deliver(sub, day, late=True))
        self.heartbeat.write(now)

    async def stop(self, *, grace_seconds: float = 30) -> None:
        """Stop scheduling; deliveries in flight get ``grace_seconds``, then are cancelled."""
        if self.aps.running:
            self.aps.shutdown(wait=False)
            self.heartbeat.write(self.clock())
        if self._tasks:
            _, pending = await asyncio.wait(list(self._tasks), timeout=grace_seconds)
            for task in pending:
                task.cancel()

    def add_job(self, func: Callable[..., Any], trigger: str, **kwargs: Any) -> None:
        """Another periodic job on this scheduler (it runs only while this instance leads)."""
        self.aps.add_job(func, trigger, **kwargs)

    async def refresh(self) -> None:
        """Diff the store's active subscriptions against the jobs: add, reschedule, remove."""
        try:
            subs = {s.id: s for s in await self.subscriptions.all(active_only=True)}
        except Exception:  # the database may be briefly away; keep the jobs we have
            log.exception("schedule: cannot read subscriptions; keeping the current jobs")
            return
        self.sync(subs)
        if self.aps.running:
            self.heartbeat.write(self.clock())

    def sync(self, subs: dict[int, Subscription]) -> None:
        """Make the jobs match ``subs`` (by id, delivery time and timezone)."""
        old, self._subs = self._subs, subs
        for sub_id in old.keys() - subs.keys():
            self.aps.remove_job(job_id(sub_id))
        for sub_id, sub in subs.items():
            before = old.get(sub_id)
            if before is None:
                self.aps.add_job(self._fire, DailyTrigger(sub), args=[sub_id], id=job_id(sub_id), coalesce=True,
                                 misfire_grace_time=max(int(self.grace.total_seconds()), 1), max_instances=1)
            elif _key(before) != _key(sub):
                self.aps.reschedule_job(job_id(sub_id), trigger=DailyTrigger(sub))

    def next_run(self, sub_id: int) -> datetime | None:
        """When the subscription's job fires next (None: no job)."""
        job = self.aps.get_job(job_id(sub_id))
        return job.next_run_time if job else None

    async def _fire(self, sub_id: int) -> None:
        sub = self._subs.get(sub_id)
        if sub is None:
            return
        now = self.clock()
        day, due = last_due(sub, now + timedelta(seconds=1))
        self._spawn(self._deliver(sub, day, late=now - due > LATE_AFTER))  # tracked, so stop() can wait

    async def _deliver(self, sub: Subscription, day: date, *, late: bool) -> None:
        if self._claimed.get(sub.id, date.min) >= day:
            return
        self._claimed[sub.id] = day
        async with self._slots:
            try:
                status = await self.deliver(sub, digest_date=day, late=late)
            except Exception:  # one failing channel never stops the others
                log.exception("schedule: delivering subscription %d (%s) for %s failed", sub.id, sub.region, day,
                              extra=log_ids(sub))
                return
        log.info("schedule: subscription %d (%s, %s:%s) for %s%s: %s", sub.id, sub.region, sub.platform,
                 sub.channel_id, day, " (late)" if late else "", status, extra=log_ids(sub))

    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _log_skipped(self, skipped: Sequence[tuple[Subscription, date]]) -> None:
        by_sub: dict[int, list[str]] = {}
        for sub, day in skipped:
            by_sub.setdefault(sub.id, []).append(day.isoformat())
        for sub_id, days in by_sub.items():
            sub = self._subs[sub_id]
            log.warning("schedule: skipped subscription %d (%s, %s:%s) digest(s) for %s: due while the bot was "
                        "down and older than the grace period (%s)", sub_id, sub.region, sub.platform,
                        sub.channel_id, ", ".join(days), self.grace, extra=log_ids(sub))


def _key(sub: Subscription) -> JobKey:
    return sub.delivery_time, sub.timezone
