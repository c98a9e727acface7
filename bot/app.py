"""Wiring: turns settings into the pipeline's parts. Nothing here does I/O until ``start``."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from types import TracebackType

from bot.settings import Settings
from digests.collect import CollectConfig, Collector
from digests.fetch import FetchConfig, Fetcher
from digests.models import FeedSource
from digests.store import Store, open_database


def fetch_config(settings: Settings) -> FetchConfig:
    """The fetcher's configuration from ``[collect]``."""
    c = settings.collect
    return FetchConfig(
        timeout_s=c.timeout_seconds, connect_timeout_s=c.connect_timeout_seconds, max_body_bytes=c.max_body_bytes,
        max_redirects=c.max_redirects, user_agent=c.user_agent, per_host_concurrency=c.per_host_concurrency,
        retries=c.retries,
    )


def collect_config(settings: Settings) -> CollectConfig:
    """The collector's configuration from ``[collect]``."""
    c = settings.collect
    return CollectConfig(
        interval=timedelta(minutes=c.interval_minutes), backoff_max=timedelta(hours=c.backoff_max_hours),
        max_new_per_feed=c.max_new_per_feed, fetch_pages=c.fetch_pages, guard_links=not c.allow_private_links,
        concurrency=c.concurrency,
    )


def feed_sources(settings: Settings, region: str | None = None) -> list[FeedSource]:
    """The feeds of one region, or of all regions."""
    regions = [settings.region(region)] if region else settings.regions
    return [FeedSource(url=f.url, name=f.name, region=r.name) for r in regions for f in r.feeds]


class App:
    """The runtime's shared parts: database, HTTP client, collector. Use ``async with App(settings)``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._store: Store | None = None
        self._fetcher: Fetcher | None = None
        self._executor: ProcessPoolExecutor | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("App.start() has not been awaited")
        return self._store

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            raise RuntimeError("App.start() has not been awaited")
        return self._fetcher

    async def start(self) -> None:
        """Open the database (applying migrations) and the HTTP client."""
        self._store = Store(await open_database(self.settings.database_url))
        self._fetcher = Fetcher(fetch_config(self.settings))
        await self._fetcher.start()

    async def stop(self) -> None:
        """Close what ``start`` opened."""
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
        if self._fetcher is not None:
            await self._fetcher.close()
        if self._store is not None:
            await self._store.close()

    def collector(self) -> Collector:
        """A collector over this app's store and fetcher, extracting in worker processes."""
        return Collector(store=self.store, fetcher=self.fetcher, config=collect_config(self.settings),
                         executor=self._workers())

    def _workers(self) -> ProcessPoolExecutor | None:
        count = self.settings.collect.workers
        if count and self._executor is None:
            # spawn: forking a process that runs an event loop and threads is unsafe.
            self._executor = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn"))
        return self._executor

    async def __aenter__(self) -> App:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.stop()
