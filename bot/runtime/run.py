"""`khobor run`: the adapters whose credentials are present, the schedule (on the leader), a clean SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from contextlib import AsyncExitStack, suppress
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from rich.console import Console

from bot.adapters.console.adapter import ConsoleAdapter
from bot.app import App, feed_sources
from bot.core.ports import ChatAdapter
from bot.core.service import CoreService
from bot.runtime.delivery import Deliverer
from bot.runtime.health import HealthServer, Readiness
from bot.runtime.instance import single_instance, sole_owner
from bot.runtime.leader import Leadership, leader_lock
from bot.runtime.liveness import owner_is_dead
from bot.runtime.scheduler import Desk, Scheduler
from bot.settings import Settings
from digests.clock import Clock, utcnow

log = logging.getLogger(__name__)
T = TypeVar("T")
# Each shutdown step gives up after this: a stop signal ends the process within a few seconds, whatever hangs.
STOP_STEP_S = 2.0


def choose_adapters(service: CoreService, settings: Settings, console: Console, *,
                    on_quit: Callable[[], None] | None = None) -> list[ChatAdapter]:
    """Discord and/or Slack when their credentials are set; the console when neither is, reading commands
    from the terminal (``quit``, ``exit`` or Ctrl-D there calls ``on_quit``: it stops the bot, like Ctrl-C)."""
    secrets, adapters = settings.secrets, list[ChatAdapter]()
    if secrets.discord_token:
        from bot.adapters.discord.adapter import DiscordAdapter
        from bot.adapters.discord.config import DiscordConfig

        adapters.append(DiscordAdapter(service, DiscordConfig.of(settings)))
    if secrets.slack_bot_token:  # the settings made sure that the mode's other secret is set
        from bot.adapters.slack.adapter import SlackAdapter
        from bot.adapters.slack.config import SlackConfig

        adapters.append(SlackAdapter(service, SlackConfig.of(settings)))
    return adapters or [ConsoleAdapter(service, settings.console, output=console, listen=True, on_quit=on_quit)]


async def collect_due(app: App, *, now: datetime) -> None:
    """Read the feeds that are due, then summarise what is new. Failures are logged, never raised."""
    try:
        feeds = feed_sources(app.settings)
        reports = await app.collector().collect(feeds, due_only=True)
        if not reports:
            return
        app.metrics.record_collection(reports, regions={f.url: f.region for f in feeds}, now=app.clock())
        failed = [r for r in reports if r.status == "failed"]
        new = sum(r.new for r in reports)
        log.info("collect: %d new article(s) from %d due feed(s), %d failed", new, len(reports), len(failed))
        if new:
            await app.summarize_pending(now=now)
    except Exception:  # the next tick starts afresh; one bad pass never stops the bot
        log.exception("collect: the pass failed; the next tick retries the feeds that are due")


async def prune_old(app: App) -> None:
    """The hourly retention pass. Failures are logged, never raised: the next hour tries again."""
    try:
        pruned = await app.prune(now=app.clock())
    except Exception:
        log.exception("storage: pruning old articles failed; the next hourly pass tries again")
        return
    if pruned:
        log.info("storage: pruned %d article(s) older than %d days", pruned, app.settings.storage.keep_days)


class CollectPasses:
    """At most one collection pass at a time, started by the schedule's tick and cancelled cleanly at stop."""

    def __init__(self, app: App, *, clock: Clock | None = None) -> None:
        self.app = app
        self.clock = clock or app.clock
        self.task: asyncio.Task[None] | None = None

    async def start_pass(self) -> None:
        """Begin a pass over the due feeds unless one is still running; returns at once."""
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(collect_due(self.app, now=self.clock()), name="collect")

    async def stop(self) -> None:
        """Cancel a running pass and wait for it; what it stored stays stored."""
        if self.task is not None and not self.task.done():
            self.task.cancel()
            with suppress(asyncio.CancelledError):
                await self.task


def make_desk(app: App, adapters: Sequence[ChatAdapter]) -> Desk:
    """The delivery the scheduler calls: the deliverer over this instance's adapters, by platform. A delivery
    another process leased is taken over at once when that process is provably dead: killed on this machine,
    or any other when this one holds the SQLite database's instance lock (it outlives no `khobor run`)."""
    url = app.settings.database_url
    return Deliverer(app, {a.platform: a for a in adapters},
                     dead_owner=lambda owner: sole_owner(url) or owner_is_dead(owner))


def build_scheduler(app: App, desk: Desk) -> tuple[Scheduler, CollectPasses]:
    """The digest jobs plus the collection tick, on one scheduler."""
    s = app.settings.schedule
    scheduler = Scheduler(app.subscriptions, desk, grace=timedelta(minutes=s.grace_minutes), clock=app.clock,
                          resync_seconds=s.resync_seconds, concurrency=s.deliver_concurrency)
    collection = CollectPasses(app)
    start = utcnow()  # APScheduler's own time line is the wall clock's, whatever clock the app reads
    scheduler.add_job(collection.start_pass, "interval", seconds=s.collect_tick_seconds, id="collect",
                      jitter=s.collect_jitter_seconds or None, next_run_time=start, coalesce=True,
                      max_instances=1)
    scheduler.add_job(prune_old, "interval", args=[app], hours=1, id="retention", coalesce=True, max_instances=1,
                      next_run_time=start + timedelta(minutes=5))
    return scheduler, collection


async def lead(app: App, lock: Leadership, desk: Desk, readiness: Readiness | None = None) -> None:
    """Run the schedule whenever this instance is the leader. When leadership is lost, deliveries in flight
    are cancelled at once (another instance may lead by now; their leases keep it from posting them twice);
    at shutdown they get a short grace to finish."""
    ready = readiness or Readiness()
    try:
        while True:
            await lock.acquire()
            ready.leader = True
            scheduler, collection = build_scheduler(app, desk)
            grace = 5.0
            try:
                await scheduler.start()
                ready.scheduler = scheduler
                await lock.lost()
                grace = 0.0
            finally:
                ready.leader, ready.scheduler = False, None
                await scheduler.stop(grace_seconds=grace)
                await collection.stop()
    finally:
        await lock.release()


async def run(settings: Settings, console: Console) -> int:
    """Run until SIGTERM or SIGINT. Adapters run on every instance; the schedule only on the leader.

    A stop signal is honoured at any moment, start-up included. Start-up failures (refused credentials,
    a database that does not answer) raise with their message. Either way, whatever had started is stopped,
    newest first, each step bounded so that the process ends promptly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        with single_instance(settings.database_url):  # SQLite: one instance; a second is refused here
            async with AsyncExitStack() as started:
                adapters = await until_stopped(_start(settings, console, started, stop), stop)
                if adapters is None:
                    log.info("khobor: stopping during start-up")
                    return 0
                log.info("khobor: running with %s; stop with Ctrl-C or SIGTERM",
                         ", ".join(a.platform for a in adapters))
                await stop.wait()
                log.info("khobor: stopping")
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
    return 0


async def until_stopped(work: Coroutine[Any, Any, T], stop: asyncio.Event) -> T | None:
    """``work``'s result, or None when ``stop`` is set first (``work`` is then cancelled and awaited)."""
    task = asyncio.create_task(work, name="start-up")
    stopping = asyncio.create_task(stop.wait(), name="stop-signal")
    try:
        await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
    if task.done():
        return task.result()
    task.cancel()
    with suppress(asyncio.CancelledError, Exception):  # why start-up failed no longer matters: we are stopping
        await task
    return None


async def _start(settings: Settings, console: Console, started: AsyncExitStack,
                 stop: asyncio.Event) -> list[ChatAdapter]:
    """Start every part, registering each one's stop in ``started`` before it starts."""
    app = App(settings)
    started.push_async_callback(bounded, "app", app.stop)
    await app.start()
    adapters = choose_adapters(app.core_service(), settings, console, on_quit=stop.set)
    readiness = Readiness()
    health = await start_health(app, readiness)
    if health is not None:
        started.push_async_callback(bounded, "health", health.stop)
    readiness.adapters = adapters
    for adapter in adapters:
        started.push_async_callback(bounded, f"the {adapter.platform} adapter", adapter.stop)
        await adapter.start()
    lock = leader_lock(settings.database_url, retry_seconds=settings.schedule.leader_retry_seconds)
    tasks = [asyncio.create_task(lead(app, lock, make_desk(app, adapters), readiness), name="lead")]
    for task in tasks:
        started.push_async_callback(bounded, task.get_name(), partial(_cancel, task))
    return adapters


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task


async def bounded(name: str, stop: Callable[[], Awaitable[None]], seconds: float = STOP_STEP_S) -> None:
    """One step of the shutdown: logged, never raised, and given up after ``seconds``."""
    try:
        async with asyncio.timeout(seconds):
            await stop()
    except TimeoutError:
        log.warning("khobor: %s did not stop within %g s; left behind", name, seconds)
    except Exception:  # one part failing to stop must not keep the others running
        log.exception("khobor: %s did not stop cleanly", name)


async def start_health(app: App, readiness: Readiness) -> HealthServer | None:
    """The health server, if enabled. A port that cannot be bound is logged, not fatal: the bot still runs
    (and ``khobor healthcheck`` then reports it unhealthy)."""
    if not app.settings.health.enabled:
        return None
    server = HealthServer.from_settings(app, readiness, app.settings.health)
    try:
        await server.start()
    except OSError as exc:
        log.error("health: cannot listen on %s:%d (%s); /healthz, /readyz and /metrics are off",
                  server.host, server.port, exc.strerror or exc)
        return None
    return server
