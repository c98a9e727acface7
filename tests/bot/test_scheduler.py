"""Scheduling with injected time: DST in several timezones, catch-up from the delivery records after downtime,
the grace period, a running scheduler firing a recording desk, resync, and per-feed collection."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from bot.core.schedule import catch_up, due_times, last_due, next_due
from bot.runtime.scheduler import DailyTrigger, Scheduler, job_id
from digests.collect import due_feeds
from digests.models import FeedSource
from digests.store import FeedHealth, Subscription

GRACE = timedelta(hours=3)


def sub(time_: str, tz: str, sub_id: int = 1) -> Subscription:
    return Subscription(id=sub_id, platform="console", workspace_id="w", channel_id=f"c{sub_id}", region="r",
                        delivery_time=time_, timezone=tz, topics=None, keywords=(), created_by="u")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0,
        microsecond: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, microsecond, tzinfo=UTC)


# (timezone, local date of the change, delivery time, the one expected UTC instant that day, what happens)
DST_CASES = [
    ("America/New_York", date(2026, 3, 8), "02:30", utc(2026, 3, 8, 7, 30), "skipped hour: 03:30 EDT"),
    ("America/New_York", date(2026, 11, 1), "01:30", utc(2026, 11, 1, 5, 30), "doubled hour: first, EDT"),
    ("Europe/London", date(2026, 3, 29), "01:30", utc(2026, 3, 29, 1, 30), "skipped hour: 02:30 BST"),
    ("Europe/London", date(2026, 10, 25), "01:30", utc(2026, 10, 25, 0, 30), "doubled hour: first, BST"),
    ("Australia/Lord_Howe", date(2026, 10, 4), "02:15", utc(2026, 10, 3, 15, 45), "skipped half hour: 02:45"),
    ("Australia/Lord_Howe", date(2026, 4, 5), "01:45", utc(2026, 4, 4, 14, 45), "doubled half hour: first"),
    ("Asia/Dhaka", date(2026, 3, 8), "08:00", utc(2026, 3, 8, 2, 0), "no DST"),
]


@pytest.mark.parametrize(("tz", "day", "at", "expected", "what"), DST_CASES, ids=[c[4] + " " + c[0] for c in DST_CASES])
def test_a_transition_day_delivers_exactly_once(tz: str, day: date, at: str, expected: datetime, what: str) -> None:
    s = sub(at, tz)
    around = due_times(s, expected - timedelta(days=1, hours=12), expected + timedelta(days=1, hours=12))
    assert [d for d, _ in around] == [day - timedelta(days=1), day, day + timedelta(days=1)]
    assert dict(around)[day] == expected
    assert next_due(s, expected - timedelta(hours=20)) == (day, expected)
    assert last_due(s, expected + timedelta(hours=20)) == (day, expected)


@pytest.mark.parametrize("tz", ["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Dhaka"])
@pytest.mark.parametrize("at", ["00:30", "01:30", "02:30", "08:00", "23:59"])
def test_the_trigger_fires_once_on_every_local_date_of_a_year(tz: str, at: str) -> None:
    zone, wanted = ZoneInfo(tz), time.fromisoformat(at)
    trigger, now, previous = DailyTrigger(sub(at, tz)), utc(2026, 1, 1), None
    dates = []
    for _ in range(366):
        fire = trigger.get_next_fire_time(previous, now)
        local = fire.astimezone(zone)
        exists = datetime.combine(local.date(), wanted, tzinfo=zone).astimezone(UTC).astimezone(zone).time() == wanted
        # the wall time is the delivery time, or (when that time does not exist that day) just after the gap
        assert local.time() == wanted or (not exists and timedelta(0) < _minutes(local.time()) - _minutes(wanted)
                                          <= timedelta(hours=1))
        dates.append(local.date())
        previous = now = fire
    assert dates == [dates[0] + timedelta(days=i) for i in range(366)]


def _minutes(t: time) -> timedelta:
    return timedelta(hours=t.hour, minutes=t.minute)


@pytest.mark.parametrize(("tz", "day"), [("America/New_York", date(2026, 11, 1)),
                                         ("Europe/London", date(2026, 10, 25))])
def test_apscheduler_crontrigger_fires_twice_in_a_doubled_hour_which_is_why_daily_trigger_exists(
        tz: str, day: date) -> None:
    cron, ours = CronTrigger(hour=1, minute=30, timezone=tz), DailyTrigger(sub("01:30", tz))
    start = datetime.combine(day, time(0), tzinfo=ZoneInfo(tz)).astimezone(UTC)

    def fires(trigger: CronTrigger | DailyTrigger) -> list[datetime]:
        out: list[datetime] = []
        previous, now = None, start
        while (fire := trigger.get_next_fire_time(previous, now)) < start + timedelta(hours=20):
            out.append(fire.astimezone(UTC))
            previous = now = fire
        return out

    assert len(fires(cron)) == 2  # APScheduler 3.11: both 01:30s
    assert fires(ours) == [dict(due_times(sub("01:30", tz), start, start + timedelta(days=1)))[day]]


class Rec(NamedTuple):
    subscription_id: int
    digest_date: date
    final: bool


YESTERDAY_POSTED = [Rec(1, date(2026, 3, 7), True)]


def test_catch_up_delivers_late_once_within_grace() -> None:
    s = sub("08:00", "Asia/Dhaka")  # 02:00 UTC
    plan = catch_up([s], now=utc(2026, 3, 8, 4, 0), grace=GRACE, records=YESTERDAY_POSTED)
    assert plan.deliver == [(s, date(2026, 3, 8), True)] and plan.skip == []


def test_catch_up_skips_what_is_older_than_grace() -> None:
    s = sub("08:00", "Asia/Dhaka")
    plan = catch_up([s], now=utc(2026, 3, 8, 5, 1), grace=GRACE, records=YESTERDAY_POSTED)
    assert plan.deliver == [] and plan.skip == [(s, date(2026, 3, 8))]


def test_catch_up_after_days_down_delivers_only_the_latest_and_skips_the_rest() -> None:
    s = sub("08:00", "Asia/Dhaka")
    plan = catch_up([s], now=utc(2026, 3, 10, 3, 0), grace=GRACE, records=[])
    assert plan.deliver == [(s, date(2026, 3, 10), True)]
    assert plan.skip == [(s, date(2026, 3, 9))]  # and nothing older than the two days looked back


def test_catch_up_is_driven_by_the_records_not_by_when_the_process_was_last_alive() -> None:
    """Issue 10, defect 1: the process was up (and wrote a heartbeat) after 08:00, yet the digest was never
    posted. Whatever the process did before, a digest due within the grace period without a final record
    is delivered; a posted one is not."""
    s, now = sub("08:00", "Asia/Dhaka"), utc(2026, 3, 8, 3, 0)
    assert catch_up([s], now=now, grace=GRACE, records=[]).deliver == [(s, date(2026, 3, 8), True)]
    unfinished = [Rec(1, date(2026, 3, 8), False)]  # pending, posting when killed, or failed with a retry due
    assert catch_up([s], now=now, grace=GRACE, records=unfinished).deliver == [(s, date(2026, 3, 8), True)]
    posted = [Rec(1, date(2026, 3, 8), True)]
    assert catch_up([s], now=now, grace=GRACE, records=posted).deliver == []


def test_catch_up_marks_late_with_the_same_threshold_as_the_scheduled_path() -> None:
    """Issue 10, defect 5: a few seconds after its time is not late."""
    s = sub("08:00", "Asia/Dhaka")
    assert catch_up([s], now=utc(2026, 3, 8, 2, 0, 7), grace=GRACE, records=[]).deliver == [
        (s, date(2026, 3, 8), False)]
    assert catch_up([s], now=utc(2026, 3, 8, 2, 6), grace=GRACE, records=[]).deliver == [(s, date(2026, 3, 8), True)]


def test_catch_up_ignores_what_is_not_yet_due_and_what_was_due_before_the_subscription() -> None:
    s = sub("08:00", "Asia/Dhaka")
    assert catch_up([s], now=utc(2026, 3, 8, 1, 0), grace=GRACE, records=[Rec(1, date(2026, 3, 7), True)]).deliver == []
    new = replace(s, created_at=utc(2026, 3, 8, 2, 30))  # subscribed at 08:30, after today's 08:00
    plan = catch_up([new], now=utc(2026, 3, 8, 3, 0), grace=GRACE, records=[])
    assert plan.deliver == [] and plan.skip == []


def test_catch_up_settles_open_records_past_the_grace_period() -> None:
    s = sub("08:00", "Asia/Dhaka")
    open_today = [*YESTERDAY_POSTED, Rec(1, date(2026, 3, 8), False)]
    plan = catch_up([s], now=utc(2026, 3, 8, 6, 0), grace=GRACE, records=open_today)
    assert plan.settle == [(s, date(2026, 3, 8))] and plan.deliver == [] and plan.skip == []


def test_catch_up_over_a_spring_forward_night_uses_the_local_date() -> None:
    s = sub("02:30", "America/New_York")  # 2026-03-08 02:30 does not exist: due at 07:30 UTC
    plan = catch_up([s], now=utc(2026, 3, 8, 9, 0), grace=GRACE, records=[Rec(1, date(2026, 3, 7), True)])
    assert plan.deliver == [(s, date(2026, 3, 8), True)]


class FakeSubscriptions:
    def __init__(self, *subs: Subscription) -> None:
        self.subs = {s.id: s for s in subs}

    async def all(self, *, active_only: bool = True) -> list[Subscription]:
        return list(self.subs.values())


class RecordingDesk:
    """Delivery as the scheduler sees it, with records like the real one: a settled digest stays settled."""

    def __init__(self, *records: Rec) -> None:
        self.calls: list[tuple[int, date, bool]] = []
        self.skipped: list[tuple[int, date]] = []
        self.settled: list[tuple[int, date]] = []
        self.done = {(r.subscription_id, r.digest_date) for r in records if r.final}

    async def deliver(self, sub: Subscription, *, digest_date: date, late: bool = False) -> str:
        if (sub.id, digest_date) not in self.done:
            self.calls.append((sub.id, digest_date, late))
            self.done.add((sub.id, digest_date))
        return "posted"

    async def give_up(self, sub: Subscription, *, digest_date: date, reason: str) -> str:
        self.settled.append((sub.id, digest_date))
        self.done.add((sub.id, digest_date))
        return "failed"

    async def skip(self, sub: Subscription, *, digest_date: date, reason: str) -> bool:
        new = (sub.id, digest_date) not in self.done
        if new:
            self.skipped.append((sub.id, digest_date))
            self.done.add((sub.id, digest_date))
        return new

    async def records(self, *, digest_dates: list[date]) -> list[Rec]:
        return [Rec(i, d, True) for i, d in self.done if d in digest_dates]


def next_run(scheduler: Scheduler, sub_id: int) -> datetime | None:
    job = scheduler.aps.get_job(job_id(sub_id))
    return job.next_run_time if job else None


async def wait_for(condition: Callable[[], object]) -> None:
    async with asyncio.timeout(3):
        for _ in range(300):
            if condition():
                return
            await asyncio.sleep(0.02)


async def test_start_catches_up_late_once_and_logs_what_it_skips_once(caplog: pytest.LogCaptureFixture) -> None:
    dhaka, london = sub("08:00", "Asia/Dhaka", 1), sub("07:00", "Europe/London", 2)
    desk = RecordingDesk()
    scheduler = Scheduler(FakeSubscriptions(dhaka, london), desk, grace=GRACE,
                          clock=lambda: utc(2026, 3, 9, 4, 0))  # down 27 hours
    with caplog.at_level(logging.WARNING):
        await scheduler.start()
        await scheduler.refresh()  # the next resync finds everything settled
        await scheduler.stop()
    assert desk.calls == [(1, date(2026, 3, 9), True)]  # London's 07:00 on the 9th is still to come
    # what fell due in the two days looked back and past the grace period: skipped, logged once each
    assert desk.skipped == [(1, date(2026, 3, 8)), (2, date(2026, 3, 7)), (2, date(2026, 3, 8))]
    assert caplog.text.count("skipped subscription 1 (r, console:c1) digest for 2026-03-08") == 1
    assert caplog.text.count("skipped subscription 2 (r, console:c2) digest for 2026-03-07") == 1
    assert caplog.text.count("skipped subscription 2 (r, console:c2) digest for 2026-03-08") == 1


async def test_jobs_fire_at_each_subscriptions_next_local_time() -> None:
    subs = [sub("02:30", "America/New_York", 1), sub("01:30", "Europe/London", 2), sub("08:00", "Asia/Dhaka", 3)]
    scheduler = Scheduler(FakeSubscriptions(*subs), RecordingDesk(), grace=GRACE)
    before = datetime.now(UTC)
    await scheduler.start()
    try:
        for s in subs:
            run = next_run(scheduler, s.id)
            assert run is not None
            assert run == next_due(s, before)[1] or run == next_due(s, datetime.now(UTC))[1]
            assert scheduler.aps.get_job(job_id(s.id)).misfire_grace_time == int(GRACE.total_seconds())
    finally:
        await scheduler.stop()


async def test_a_fired_job_delivers_the_local_date_once() -> None:
    ny = sub("02:30", "America/New_York", 1)
    deliver = RecordingDesk()
    # injected time: the spring-forward morning; started before the job is due, fired when due (03:30 EDT)
    now = [utc(2026, 3, 8, 7, 0)]
    scheduler = Scheduler(FakeSubscriptions(ny), deliver, grace=GRACE, clock=lambda: now[0])
    await scheduler.start()
    now[0] = utc(2026, 3, 8, 7, 30, 0, 200)
    try:
        for _ in range(2):  # APScheduler runs the real job twice; the same local date is delivered once
            scheduler.aps.modify_job(job_id(1), next_run_time=datetime.now(UTC) + timedelta(milliseconds=100))
            await asyncio.sleep(0.4)
        await wait_for(lambda: deliver.calls)
    finally:
        await scheduler.stop()
    assert deliver.calls == [(1, date(2026, 3, 8), False)]


async def test_a_job_running_behind_its_time_is_marked_late() -> None:
    deliver = RecordingDesk()
    scheduler = Scheduler(FakeSubscriptions(sub("08:00", "Asia/Dhaka")), deliver, grace=GRACE,
                          clock=lambda: utc(2026, 3, 8, 2, 40))
    await scheduler.start()
    try:
        scheduler.aps.modify_job(job_id(1), next_run_time=datetime.now(UTC))
        await wait_for(lambda: deliver.calls)
    finally:
        await scheduler.stop()
    assert deliver.calls == [(1, date(2026, 3, 8), True)]


async def test_resync_picks_up_new_changed_and_removed_subscriptions() -> None:
    store = FakeSubscriptions(sub("08:00", "Asia/Dhaka", 1))
    scheduler = Scheduler(store, RecordingDesk(), grace=GRACE, resync_seconds=0.1)
    await scheduler.start()
    try:
        store.subs[2] = sub("07:00", "Europe/London", 2)
        await wait_for(lambda: next_run(scheduler, 2) is not None)  # the periodic resync added it
        assert next_run(scheduler, 2) == next_due(store.subs[2], datetime.now(UTC))[1]
        store.subs[2] = replace(store.subs[2], delivery_time="09:15", timezone="America/New_York")
        await scheduler.refresh()
        assert next_run(scheduler, 2) == next_due(store.subs[2], datetime.now(UTC))[1]
        del store.subs[1]
        await scheduler.refresh()
        assert next_run(scheduler, 1) is None
    finally:
        await scheduler.stop()


def _health(url: str, *, next_at: datetime | None, failures: int = 0) -> FeedHealth:
    return FeedHealth(id=1, url=url, name=url, etag=None, last_modified=None, last_attempt_at=None,
                      last_success_at=None, next_attempt_at=next_at, consecutive_failures=failures,
                      last_error=None, last_status=None, articles=0)


def test_due_feeds_follow_each_feeds_interval_and_backoff() -> None:
    now = utc(2026, 3, 8, 12, 0)
    feeds = [FeedSource(url=f"https://x/{n}", name=n, region="r") for n in ("new", "due", "later", "backing", "back")]
    health = {
        "https://x/due": _health("https://x/due", next_at=now - timedelta(seconds=1)),
        "https://x/later": _health("https://x/later", next_at=now + timedelta(minutes=10)),
        "https://x/backing": _health("https://x/backing", next_at=now + timedelta(hours=2), failures=3),
        "https://x/back": _health("https://x/back", next_at=now, failures=3),  # its backoff is over
    }
    assert [f.name for f in due_feeds(feeds, health, now=now)] == ["new", "due", "back"]


class FakeLock:
    """Leadership driven by the test: ``grant`` lets ``acquire`` return, ``revoke`` ends the term."""

    def __init__(self) -> None:
        self.granted, self.revoked = asyncio.Event(), asyncio.Event()
        self.terms = 0
        self.released = False

    @property
    def is_leader(self) -> bool:
        return self.granted.is_set()

    async def acquire(self) -> None:
        await self.granted.wait()
        self.terms += 1

    async def lost(self) -> None:
        await self.revoked.wait()
        self.granted.clear()
        self.revoked.clear()

    async def release(self) -> None:
        self.released = True


async def test_only_the_leader_schedules_and_a_new_term_does_not_deliver_again(tmp_path: Path) -> None:
    from bot.app import App
    from bot.runtime.run import lead
    from bot.settings import Settings

    settings = Settings.model_validate({"data_dir": str(tmp_path), "collect": {"retries": 0},
                                        "regions": [{"name": "r", "title": "R", "timezone": "Asia/Dhaka",
                                                     "languages": ["en"],
                                                     "feeds": [{"name": "x", "url": "http://127.0.0.1:9/feed"}]}]})
    due = (datetime.now(UTC) - timedelta(minutes=10)).astimezone(ZoneInfo("Asia/Dhaka"))
    deliver, lock = RecordingDesk(), FakeLock()
    async with App(settings) as app:
        s, _ = await app.subscriptions.upsert(platform="console", workspace_id="w", channel_id="c", region="r",
                                              delivery_time=f"{due:%H:%M}", timezone="Asia/Dhaka", topics=None,
                                              keywords=(), user_id="u", now=datetime.now(UTC) - timedelta(days=1))
        task = asyncio.create_task(lead(app, lock, deliver))
        await asyncio.sleep(0.3)
        assert deliver.calls == []  # a follower schedules nothing
        lock.granted.set()
        await wait_for(lambda: deliver.calls)
        assert deliver.calls == [(s.id, due.date(), True)]  # caught up on leadership, marked late
        lock.revoked.set()  # leadership lost: the scheduler stops; then regained
        await asyncio.sleep(0.3)
        lock.granted.set()
        await wait_for(lambda: lock.terms == 2)
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert deliver.calls == [(s.id, due.date(), True)]  # the records kept the second term from repeating it
    assert lock.released


async def test_a_fall_back_day_is_delivered_once_by_the_job_and_every_resync_after_it() -> None:
    """Issue 10 on a daylight-saving day: 01:30 in New York happens twice on 2026-11-01. The job fires at the
    first; resyncs during the repeated hour (and after it) find the record settled and deliver nothing more."""
    ny = sub("01:30", "America/New_York", 1)
    desk, now = RecordingDesk(Rec(1, date(2026, 10, 31), True)), [utc(2026, 11, 1, 5, 0)]
    scheduler = Scheduler(FakeSubscriptions(ny), desk, grace=GRACE, clock=lambda: now[0])
    await scheduler.start()
    try:
        now[0] = utc(2026, 11, 1, 5, 30, 1)  # the first 01:30 (EDT)
        await scheduler._fire(1)
        await wait_for(lambda: desk.calls)
        for minutes in (30, 60, 61, 90, 120):  # through the second 01:30 (EST, 06:30 UTC) and beyond
            now[0] = utc(2026, 11, 1, 5, 30, 1) + timedelta(minutes=minutes)
            await scheduler.refresh()
            await asyncio.sleep(0.05)
    finally:
        await scheduler.stop()
    assert desk.calls == [(1, date(2026, 11, 1), False)]


async def test_a_job_cut_short_by_the_shutdown_ends_quietly(caplog: pytest.LogCaptureFixture) -> None:
    """Found by bench/exactly_once.py: SIGTERM during a resync made APScheduler log the cancelled job as a
    failure, with a traceback. A job stopped with the scheduler now ends without one."""
    started, store = asyncio.Event(), FakeSubscriptions(sub("08:00", "Asia/Dhaka"))

    async def slow_all(*, active_only: bool = True) -> list[Subscription]:
        started.set()
        await asyncio.sleep(10)
        return []

    scheduler = Scheduler(store, RecordingDesk(), grace=GRACE, resync_seconds=0.05)
    await scheduler.start()
    store.all = slow_all  # type: ignore[method-assign]
    await asyncio.wait_for(started.wait(), timeout=5)
    with caplog.at_level(logging.DEBUG):
        await scheduler.stop(grace_seconds=0)
        await asyncio.sleep(0.1)
    assert "raised an exception" not in caplog.text and "Traceback" not in caplog.text
