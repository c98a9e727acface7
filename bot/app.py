"""Wiring: turns settings into the pipeline's parts. Nothing here does I/O until ``start``.

The digest code (scikit-learn, SciPy: 1-2 s to import, :data:`DIGEST_MODULES`) is imported by
``App.start`` (``khobor run``, ``digest``, ``console``: a digest due at its minute does not pay it, and it is
frozen out of the garbage collector's walks with the rest), not by importing this module: ``khobor collect``
and the other commands that build no digest (``App(settings, digests=False)``) never import it."""

from __future__ import annotations

import asyncio
import importlib
import os
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from bot.core.catalogue import Catalogue, taxonomy
from bot.core.service import CoreService
from bot.runtime.metrics import Metrics
from bot.settings import Settings
from digests.clock import Clock, utcnow
from digests.collect import CollectConfig, Collector
from digests.fetch import FetchConfig, Fetcher
from digests.intake import Intake
from digests.models import Digest, FeedSource, Story
from digests.store import FeedHealth, Store, Subscription, Subscriptions, open_database
from digests.story_index import StoryIndex
from digests.summary_config import SummaryConfig, summary_key
from digests.workers import WorkerPool, freeze_imports, init_worker, run_in, worker_context

# A digest's labelled context: the region's stories placed over the days before its window, the latest first.

T = TypeVar("T")
DIGEST_MODULES = ("digests.pipeline", "digests.ondemand")  # what building digests and answering ``story`` import


def import_digest_building() -> None:
    """Import what building a digest needs now (the running bot: at start, not at a digest's due minute)."""
    for name in DIGEST_MODULES:
        importlib.import_module(name)


def fetch_config(settings: Settings) -> FetchConfig:
    """The fetcher's configuration from ``[collect]``."""
    c = settings.collect
    return FetchConfig(
        timeout_s=c.timeout_seconds, connect_timeout_s=c.connect_timeout_seconds, max_body_bytes=c.max_body_bytes,
        max_redirects=c.max_redirects, user_agent=c.user_agent, per_host_concurrency=c.per_host_concurrency,
        retries=c.retries, deadline_s=c.deadline_seconds, max_retry_after_s=c.max_retry_after_seconds,
    )


def collect_config(settings: Settings) -> CollectConfig:
    """The collector's configuration from ``[collect]``."""
    c = settings.collect
    return CollectConfig(
        interval=timedelta(minutes=c.interval_minutes), backoff_max=timedelta(hours=c.backoff_max_hours),
        max_new_per_feed=c.max_new_per_feed, fetch_pages=c.fetch_pages, guard_links=not c.allow_private_links,
        concurrency=c.concurrency, per_host_concurrency=c.per_host_concurrency,
        max_age=timedelta(days=settings.storage.keep_days),
    )


def summary_config(settings: Settings) -> SummaryConfig:
    """The summariser's configuration from ``[summary]``."""
    c = settings.summary
    return SummaryConfig(algorithm=c.algorithm, sentences=c.sentences, max_chars=c.max_chars,
                         timeout_s=c.timeout_seconds)


def feed_sources(settings: Settings, region: str | None = None) -> list[FeedSource]:
    """The feeds of one region, or of all regions."""
    return Catalogue(settings.regions).feeds(region)


class App:
    """The runtime's shared parts: database, HTTP client, collector. Use ``async with App(settings)``."""

    def __init__(self, settings: Settings, *, metrics: Metrics | None = None, digests: bool = True,
                 clock: Clock = utcnow) -> None:
        """``digests=False``: this process builds no digest (``khobor collect``, ``feeds``, ``export``...), so
        ``start`` does not import the digest code; else ``start`` does, before freezing what was imported.
        ``clock``: the time the collector, the intake, the core and the runtime's passes read."""
        self.settings = settings
        self.clock = clock
        self._digests = digests
        self.metrics = metrics or Metrics()
        self._store: Store | None = None
        self._subscriptions: Subscriptions | None = None
        self._fetcher: Fetcher | None = None
        self._executor: ProcessPoolExecutor | None = None
        self._intake: Intake | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("App.start() has not been awaited")
        return self._store

    @property
    def subscriptions(self) -> Subscriptions:
        if self._subscriptions is None:
            raise RuntimeError("App.start() has not been awaited")
        return self._subscriptions

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            raise RuntimeError("App.start() has not been awaited")
        return self._fetcher

    async def start(self) -> None:
        """Open the database (applying migrations) and the HTTP client; import the digest code unless this app
        builds no digest."""
        engine = await open_database(self.settings.database_url,
                                     timeout_s=self.settings.storage.connect_timeout_seconds)
        self._store, self._subscriptions = Store(engine), Subscriptions(engine)
        if self._digests:
            import_digest_building()
        freeze_imports()
        self._fetcher = Fetcher(fetch_config(self.settings))
        await self._fetcher.start()

    async def stop(self) -> None:
        """Close what ``start`` opened: the HTTP client and the database at once, then the workers, whose current
        job (a big page, a summary) is waited for off the event loop: a shutdown bounded in time stops waiting
        for it, never for the database's close."""
        executor, self._executor = self._executor, None
        if self._fetcher is not None:
            await self._fetcher.close()
        if self._store is not None:
            await self._store.close()
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, cancel_futures=True)

    async def summarize_pending(self, *, now: datetime, days: int = 2, workers: bool = True) -> int:
        """Summarise the articles of the last ``days`` that have no summary yet (each one once); in this process
        when not ``workers``."""
        from digests.pipeline import summarize_pending
        done = await summarize_pending(self.store, config=summary_config(self.settings),
                                       since=now - timedelta(days=days), now=now,
                                       executor=self._workers() if workers else None)
        self.metrics.summaries.inc(done)
        return done

    async def prune(self, *, now: datetime) -> int:
        """Delete the articles older than ``[storage] keep_days`` (stories and delivery records stay)."""
        return await self.store.prune_articles(before=now - timedelta(days=self.settings.storage.keep_days))

    async def build_digest(self, region_name: str, *, now: datetime, hours: int | None = None,
                           topics: Collection[str] | None = None, keywords: Sequence[str] = (),
                           timezone: str | None = None, workers: bool = True) -> Digest:
        """The digest of a region for the ``hours`` before ``now``, from what is stored (summarised first),
        its times in ``timezone`` (the subscriber's; default the region's). ``workers=False`` builds it in this
        process: for a one-shot command, where spawning workers that import the digest code costs several
        times the build (5.5 s against 0.7 s at 5,000 articles); a running bot's workers are warm."""
        from digests.compose import DigestSpec
        from digests.pipeline import build_digest
        region = self.settings.region(region_name)
        hours = hours or self.settings.digest.hours
        tz = ZoneInfo(timezone or region.timezone)
        summary = summary_config(self.settings)
        spec = DigestSpec(region=region.name, title=region.title, start=(now - timedelta(hours=hours)).astimezone(tz),
                          end=now.astimezone(tz), topics=topics, keywords=keywords, taxonomy=taxonomy(region),
                          fallback_topic=region.other_topic, max_sentences=summary.sentences,
                          max_chars=summary.max_chars, max_stories=self.settings.digest.max_stories,
                          feed_topics={f.url: f.topic for f in region.feeds if f.topic})
        await self.summarize_pending(now=now, days=max(2, hours // 24 + 1), workers=workers)
        digest = await build_digest(self.store, spec, feed_urls=[f.url for f in region.feeds], summary=summary,
                                    now=now, executor=self._workers() if workers else None)
        self.metrics.digests_built.labels(region=region.name).inc()
        return digest

    async def upsert(self, **values: Any) -> tuple[Subscription, bool]:
        """The core's subscription store is this app's (opened by ``start``)."""
        return await self.subscriptions.upsert(**values)

    async def remove(self, **where: Any) -> list[str]:
        return await self.subscriptions.remove(**where)

    async def for_channel(self, **where: Any) -> list[Subscription]:
        return await self.subscriptions.for_channel(**where)

    async def summarize_url(self, url: str, *, deadline_s: float) -> Story | None:
        """A page someone sent, summarised (through the fetch guard); None when it holds no article text."""
        from digests.ondemand import summarize_page
        return await summarize_page(self.fetcher, url, config=summary_config(self.settings), deadline_s=deadline_s,
                                    executor=self._workers())

    async def find_story(self, words: str, *, now: datetime, days: int) -> Story | None:
        """The story of the last ``days`` that best matches ``words`` (what is new summarised first)."""
        from digests.ondemand import find_story
        await self.summarize_pending(now=now, days=days)
        return await find_story(self.store, words, feed_urls=[f.url for f in feed_sources(self.settings)],
                                since=now - timedelta(days=days), now=now + timedelta(minutes=1),
                                config=summary_config(self.settings), executor=self._workers())

    async def feed_health(self, *, urls: Sequence[str]) -> list[FeedHealth]:
        """The read state of these feeds (the core's ``digest feeds``)."""
        return await self.store.feed_health(urls=urls)

    def core_service(self, *, clock: Clock | None = None) -> CoreService:
        """The core over this app's parts: subscriptions, this newsroom, the regions' catalogue."""
        return CoreService(self, self, Catalogue(self.settings.regions),
                           url_deadline_s=self.settings.summary.url_deadline_seconds, clock=clock or self.clock)

    async def run_cpu(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run CPU-heavy work (extraction, summaries) in the worker pool, off the event loop."""
        return await run_in(self._workers(), func, *args, **kwargs)

    def collector(self) -> Collector:
        """A collector over this app's store and fetcher, extracting in worker processes."""
        return Collector(store=self.store, fetcher=self.fetcher, config=collect_config(self.settings),
                         clock=self.clock, executor=self._workers(), intake=self.intake())

    def intake(self) -> Intake:
        """Where new articles go: summarised and given their story as they are stored (one per app, so the
        story index is built once)."""
        if self._intake is None:
            summary = summary_config(self.settings)
            self._intake = Intake(self.store, summary=summary, summary_key=summary_key(summary),
                                  stories=StoryIndex(), executor=self._workers(), clock=self.clock,
                                  on_summaries=self.metrics.summaries.inc)
        return self._intake

    def _workers(self) -> ProcessPoolExecutor | None:
        count = self.settings.collect.workers
        if count and self._executor is None:
            self._executor = WorkerPool(count, mp_context=worker_context(), initializer=init_worker,
                                        initargs=(os.getpid(),))
        return self._executor

    async def __aenter__(self) -> App:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.stop()
