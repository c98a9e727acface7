"""`khobor run`: the adapters whose credentials are present, the collection schedule, a clean stop on SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence
from contextlib import suppress
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from rich.console import Console

from bot.adapters.console import ConsoleAdapter
from bot.app import App, feed_sources
from bot.core.ports import ChatAdapter
from bot.core.service import CoreService
from bot.errors import SettingsError
from bot.settings import Settings

log = logging.getLogger(__name__)


def choose_adapters(service: CoreService, settings: Settings, console: Console) -> list[ChatAdapter]:
    """Discord and/or Slack when their credentials are set; the console when neither is."""
    secrets, adapters = settings.secrets, list[ChatAdapter]()
    if secrets.discord_token:
        from bot.adapters.discord.adapter import DiscordAdapter

        adapters.append(DiscordAdapter(service, settings))
    if secrets.slack_bot_token:
        needs = "slack_app_token" if settings.slack.mode == "socket" else "slack_signing_secret"
        if getattr(secrets, needs) is None:
            raise SettingsError("environment", [f"slack.mode = {settings.slack.mode!r} needs KHOBOR_{needs.upper()}"])
        from bot.adapters.slack.adapter import SlackAdapter

        adapters.append(SlackAdapter(service, settings))
    return adapters or [ConsoleAdapter(service, settings, output=console)]


async def collect_all(app: App) -> None:
    """One collection pass over every region, then summaries of what is new. Failures are logged."""
    try:
        reports = await app.collector().collect(feed_sources(app.settings))
        failed = [r for r in reports if r.status == "failed"]
        new = sum(r.new for r in reports)
        log.info("collect: %d new article(s) from %d feed(s), %d failed", new, len(reports), len(failed))
        await app.summarize_pending(now=datetime.now(UTC))
    except Exception:  # the next pass starts afresh; one bad pass never stops the bot
        log.exception("collect: the pass failed; the next one runs on schedule")


class Collection:
    """At most one collection pass at a time, started by the schedule and cancelled cleanly at shutdown."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.task: asyncio.Task[None] | None = None

    async def start_pass(self) -> None:
        """Begin a pass unless one is still running (a slow pass is never doubled); returns at once."""
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(collect_all(self.app), name="collect")

    async def stop(self) -> None:
        """Cancel a running pass and wait for it; what it stored stays stored."""
        if self.task is not None and not self.task.done():
            self.task.cancel()
            with suppress(asyncio.CancelledError):
                await self.task


async def run(settings: Settings, console: Console) -> int:
    """Run until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with App(settings) as app:
        adapters = choose_adapters(CoreService(app), settings, console)
        collection = Collection(app)
        scheduler = AsyncIOScheduler(timezone=UTC)
        scheduler.add_job(collection.start_pass, "interval", minutes=settings.collect.interval_minutes,
                          next_run_time=datetime.now(UTC), id="collect", coalesce=True)
        scheduler.start()
        await _start_all(adapters)
        tasks = [asyncio.create_task(a.run()) for a in adapters if isinstance(a, ConsoleAdapter)]
        log.info("khobor: running with %s; stop with Ctrl-C or SIGTERM", ", ".join(a.platform for a in adapters))
        await stop.wait()
        log.info("khobor: stopping")
        for task in tasks:
            task.cancel()
        scheduler.shutdown(wait=False)
        await collection.stop()
        await _stop_all(adapters)
    return 0


async def _start_all(adapters: Sequence[ChatAdapter]) -> None:
    for adapter in adapters:
        await adapter.start()


async def _stop_all(adapters: Sequence[ChatAdapter]) -> None:
    for adapter in adapters:
        try:
            await adapter.stop()
        except Exception:  # one adapter failing to stop must not keep the others running
            log.exception("khobor: the %s adapter did not stop cleanly", adapter.platform)
