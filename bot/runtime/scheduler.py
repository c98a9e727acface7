"""Digest scheduling: one job per active subscription, at its local time in its own timezone.

APScheduler 3.11's ``CronTrigger`` fires TWICE on a fall-back day when the delivery time is inside the
repeated hour (it steps from the first 01:30 to the second one; see tests/bot/test_scheduler.py), so jobs
use ``DailyTrigger`` here: one instant per local date from zoneinfo with ``fold=0``. A time inside a
skipped hour fires once, shifted forward by the gap (02:30 -> 03:30); a time inside a repeated hour fires
once, at its first occurrence. The delivery's ``digest_date`` is that local date.

The schedule's arithmetic lives in :mod:`bot.core.schedule`. At start and at every resync the scheduler runs
its catch-up against the delivery records: each digest that fell due within the grace period and has no final
record (none at all, pending, failed with a retry due, or posting when a crash interrupted it) is handed to
delivery again; one that fell due longer ago (up to ``LOOKBACK``) is recorded as skipped, logged and counted
once, and an open record past the grace period is settled (read back once, then posted or failed). The
deliveries table makes a (subscription, local date) pair exactly-once even when several paths or processes
try it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger

from bot.core.schedule import Settled, catch_up, catch_up_dates, is_late, last_due, next_due
from bot.runtime.delivery_policy import log_ids
from digests.clock import Clock, utcnow
from digests.store import Subscription

log = logging.getLogger(__name__)

JobKey = tuple[str, str]  # (delivery_time, timezone): what the job's trigger depends on


class Desk(Protocol):
    """What the scheduler needs from delivery (``bot.delivery.Deliverer``)."""

    async def deliver(self, sub: Subscription, *, digest_date: date, late: bool = False) -> str: ...

    async def give_up(self, sub: Subscription, *, digest_date: date, reason: str) -> str: ...

    async def skip(self, sub: Subscription, *, digest_date: date, reason: str) -> bool: ...

    async def records(self, *, digest_dates: Sequence[date]) -> Sequence[Settled]: ...


class SubscriptionSource(Protocol):
    """Where the scheduler reads subscriptions (``digests.store.Subscriptions``)."""

    async def all(self, *, active_only: bool = True) -> list[Subscription]: ...


class DailyTrigger(BaseTrigger):  # type: ignore[misc]  # APScheduler ships no type hints
    """Fires at ``sub``'s local time once per local date (see the module docstring)."""

    def __init__(self, sub: Subscription) -> None:
        self.sub = sub

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime:
        after = previous_fire_time + timedelta(microseconds=1) if previous_fire_time else now
        return next_due(self.sub, after)[1]

    def __str__(self) -> str:
        return f"daily at {self.sub.delivery_time} {self.sub.timezone}"


def job_id(sub_id: int) -> str:
    return f"digest:{sub_id}"


def until_stopped(job: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """A job that ends quietly when the scheduler shuts down under it (APScheduler cancels running jobs and
    would log the cancellation as a failure with a traceback)."""
    @functools.wraps(job)
    async def run(*args: Any, **kwargs: Any) -> None:
        try:
            await job(*args, **kwargs)
        except asyncio.CancelledError:
            log.debug("schedule: %s stopped with the scheduler", getattr(job, "__name__", "a job"))
    return run


class Scheduler:
    """One job per active subscription on an ``AsyncIOScheduler``; resyncs with the store periodically and
    then catches up from the delivery records. ``add_job`` lets the runtime add its own jobs (collection)."""

    def __init__(self, subscriptions: SubscriptionSource, desk: Desk, *, grace: timedelta,
                 clock: Clock = utcnow, resync_seconds: float = 60, concurrency: int = 4) -> None:
        self.subscriptions = subscriptions
        self.desk = desk
        self.grace = grace
        self.clock = clock
        self.resync_seconds = resync_seconds
        self.aps = AsyncIOScheduler(timezone=UTC)
        self._subs: dict[int, Subscription] = {}
        self._inflight: set[tuple[int, date]] = set()  # (subscription, local date) being delivered here
        self._slots = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Schedule every active subscription and catch up on what is due and not settled, then start."""
        await self.refresh()
        self.aps.add_job(until_stopped(self.refresh), "interval", seconds=self.resync_seconds, id="resync",
                         coalesce=True, max_instances=1)
        self.aps.start()

    async def stop(self, *, grace_seconds: float = 30) -> None:
        """Stop scheduling; deliveries in flight get ``grace_seconds`` (0: cancelled at once, as when this
        instance is no longer the leader), then are cancelled."""
        if self.aps.running:
            self.aps.shutdown(wait=False)
        pending = set(self._tasks)
        if pending and grace_seconds > 0:
            _, pending = await asyncio.wait(pending, timeout=grace_seconds)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def add_job(self, func: Callable[..., Any], trigger: str, **kwargs: Any) -> None:
        """Another periodic job on this scheduler (it runs only while this instance leads)."""
        self.aps.add_job(until_stopped(func), trigger, **kwargs)

    async def refresh(self) -> None:
        """Diff the store's active subscriptions against the jobs (add, reschedule, remove), then catch up."""
        try:
            subs = {s.id: s for s in await self.subscriptions.all(active_only=True)}
        except Exception:  # the database may be briefly away; keep the jobs we have
            log.exception("schedule: cannot read subscriptions; keeping the current jobs")
            return
        self.sync(subs)
        await self.catch_up()

    async def catch_up(self) -> None:
        """Deliver what fell due within the grace period and is not settled; settle or skip what is older."""
        now, subs = self.clock(), list(self._subs.values())
        try:
            records = await self.desk.records(digest_dates=catch_up_dates(subs, now))
        except Exception:  # the next resync tries again
            log.exception("schedule: cannot read the delivery records; catch-up waits for the next resync")
            return
        plan = catch_up(subs, now=now, grace=self.grace, records=records)
        for sub, day, late in plan.deliver:
            self._spawn_delivery(sub, day, late=late)
        for sub, day in plan.settle:
            self._spawn_delivery(sub, day, late=True, settle=True)
        for sub, day in plan.skip:
            await self._skip(sub, day)

    def sync(self, subs: dict[int, Subscription]) -> None:
        """Make the jobs match ``subs`` (by id, delivery time and timezone)."""
        old, self._subs = self._subs, subs
        for sub_id in old.keys() - subs.keys():
            self.aps.remove_job(job_id(sub_id))
        for sub_id, sub in subs.items():
            before = old.get(sub_id)
            if before is None:
                self.aps.add_job(until_stopped(self._fire), DailyTrigger(sub), args=[sub_id], id=job_id(sub_id),
                                 coalesce=True, misfire_grace_time=max(int(self.grace.total_seconds()), 1),
                                 max_instances=1)
            elif _key(before) != _key(sub):
                self.aps.reschedule_job(job_id(sub_id), trigger=DailyTrigger(sub))

    async def _fire(self, sub_id: int) -> None:
        sub = self._subs.get(sub_id)
        if sub is None:
            return
        now = self.clock()
        day, due = last_due(sub, now + timedelta(seconds=1))
        self._spawn_delivery(sub, day, late=is_late(due, now))

    def _spawn_delivery(self, sub: Subscription, day: date, *, late: bool, settle: bool = False) -> None:
        """Deliver (or settle) in a task tracked for ``stop``, unless this process is already on it."""
        key = (sub.id, day)
        if key in self._inflight:
            return
        self._inflight.add(key)
        task = asyncio.ensure_future(self._deliver(sub, day, late=late, settle=settle))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(lambda _: self._inflight.discard(key))

    async def _deliver(self, sub: Subscription, day: date, *, late: bool, settle: bool) -> None:
        async with self._slots:
            try:
                if settle:
                    status = await self.desk.give_up(sub, digest_date=day,
                                                     reason=f"not delivered within the grace period ({self.grace})")
                else:
                    status = await self.desk.deliver(sub, digest_date=day, late=late)
            except Exception:  # one failing channel never stops the others; the next resync retries it
                log.exception("schedule: delivering subscription %d (%s) for %s failed", sub.id, sub.region, day,
                              extra=log_ids(sub))
                return
        log.info("schedule: subscription %d (%s, %s:%s) for %s%s: %s", sub.id, sub.region, sub.platform,
                 sub.channel_id, day, " (late)" if late else "", status, extra=log_ids(sub))

    async def _skip(self, sub: Subscription, day: date) -> None:
        reason = f"due while the bot was down and older than the grace period ({self.grace})"
        try:
            recorded = await self.desk.skip(sub, digest_date=day, reason=reason)
        except Exception:  # the next resync tries again
            log.exception("schedule: cannot record subscription %d's skipped digest for %s", sub.id, day,
                          extra=log_ids(sub))
            return
        if recorded:
            log.warning("schedule: skipped subscription %d (%s, %s:%s) digest for %s: %s", sub.id, sub.region,
                        sub.platform, sub.channel_id, day, reason, extra=log_ids(sub))


def _key(sub: Subscription) -> JobKey:
    return sub.delivery_time, sub.timezone
