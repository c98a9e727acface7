"""Collecting: one pass over a set of feeds, storing the articles not seen before.

A failing feed is recorded with its error and backs off; it never stops the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

from digests.clock import Clock, utcnow
from digests.errors import FetchError
from digests.fetch import Fetcher, HostSlots
from digests.intake import Intake
from digests.models import ExtractedArticle, FeedEntry, FeedSource, FetchResult
from digests.page_reader import PageReader
from digests.store import FeedHealth, NewArticle, Store
from digests.urls import canonical_url, content_hash
from digests.workers import parse_feed, run_in  # imports digests.feeds (trafilatura) in the worker only

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CollectConfig:
    """How a pass behaves; built from the ``[collect]`` settings."""

    interval: timedelta = timedelta(minutes=30)
    backoff_max: timedelta = timedelta(hours=24)
    max_new_per_feed: int = 30
    fetch_pages: bool = True
    guard_links: bool = True  # article links come from third parties: refuse private addresses
    concurrency: int = 16
    per_host_concurrency: int = 2  # feeds, and pages, of one host read at once
    max_age: timedelta | None = None  # entries published longer ago are not collected (retention's keep_days)


@dataclass(slots=True)
class FeedReport:
    """What a pass did with one feed."""

    url: str
    name: str
    status: str = "ok"  # ok | not-modified | failed | backing-off
    new: int = 0
    seen: int = 0
    fallback: int = 0  # articles whose page could not be read: the feed's summary was kept
    error: str | None = None
    page_errors: list[str] = field(default_factory=list)


ProgressHook = Callable[[FeedReport], None]


def due_feeds(feeds: Sequence[FeedSource], health: Mapping[str, FeedHealth], *, now: datetime) -> list[FeedSource]:
    """The feeds to read now: never read, or whose next attempt (interval, or backoff after failures) is due."""
    due = []
    for feed in feeds:
        state = health.get(feed.url)
        if state is None or state.next_attempt_at is None or state.next_attempt_at <= now:
            due.append(feed)
    return due


class Collector:
    """Runs collection passes. Create once; ``collect`` may be called many times."""

    def __init__(self, *, store: Store, fetcher: Fetcher, config: CollectConfig,
                 clock: Clock = utcnow, executor: Executor | None = None,
                 intake: Intake | None = None) -> None:
        """``executor`` runs parsing and extraction (CPU-bound); a process pool uses every core.
        None: a thread, which keeps the event loop responsive but shares one core. ``intake`` stores each
        feed's new articles in one batch (default: plain storage, no summaries or stories)."""
        self.store = store
        self.intake = intake or Intake(store, executor=executor, clock=clock)
        self.fetcher = fetcher
        self.config = config
        self.clock = clock
        self._pages = asyncio.Semaphore(config.concurrency)
        self._executor = executor
        self._reader = PageReader(executor)  # pages extracted a few per trip to a worker
        # A host's slot is taken before a shared one, so a slow host holds at most its own share of the
        # shared slots and never makes other hosts' feeds wait.
        self._hosts = {kind: HostSlots(config.per_host_concurrency) for kind in ("feed", "page")}

    def _host(self, kind: str, url: str) -> asyncio.Semaphore:
        return self._hosts[kind]((urlsplit(url).hostname or "").lower())

    async def _cpu(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await run_in(self._executor, func, *args, **kwargs)

    async def collect(self, feeds: Sequence[FeedSource], *, force: bool = False, due_only: bool = False,
                      progress: ProgressHook | None = None) -> list[FeedReport]:
        """Read every feed once (feeds backing off are skipped unless ``force``); reports in feed order.

        ``due_only`` (the schedule's passes): only feeds whose interval or backoff has run out are read, and
        only they are reported."""
        unique = list({feed.url: feed for feed in feeds}.values())
        ids = await self.store.sync_feeds(feeds=[(f.url, f.name) for f in unique], now=self.clock())
        health = {h.url: h for h in await self.store.feed_health(urls=list(ids))}
        if due_only:
            unique = due_feeds(unique, health, now=self.clock())
        feed_slots = asyncio.Semaphore(self.config.concurrency)

        async def one(feed: FeedSource) -> FeedReport:
            async with self._host("feed", feed.url), feed_slots:
                report = await self._collect_feed(feed, health[feed.url], force=force)
            if progress:
                progress(report)
            return report

        return list(await asyncio.gather(*(one(feed) for feed in unique)))

    async def _collect_feed(self, feed: FeedSource, state: FeedHealth, *, force: bool) -> FeedReport:
        report = FeedReport(url=feed.url, name=feed.name)
        now = self.clock()
        if not force and state.consecutive_failures and state.next_attempt_at and state.next_attempt_at > now:
            report.status = "backing-off"
            report.error = (f"{state.consecutive_failures} failures in a row, next try at "
                            f"{state.next_attempt_at:%Y-%m-%d %H:%M} UTC; last error: {state.last_error}")
            return report
        try:
            fetched = await self.fetcher.fetch(feed.url, etag=state.etag, last_modified=state.last_modified)
        except FetchError as exc:
            return await self._fail(feed, report, state, str(exc), exc.status, exc.retry_after,
                                    limited=exc.reason == "rate_limited")
        if fetched.not_modified:
            report.status = "not-modified"
            await self._succeed(state, fetched, warning=None)
            return report
        parsed = await self._cpu(parse_feed, fetched.body, url=fetched.final_url,
                                 content_type=fetched.headers.get("content-type"))
        if not parsed.entries and parsed.error:
            return await self._fail(feed, report, state, parsed.error, fetched.status, None)
        await self._store_entries(feed, state.id, parsed.entries, report)
        report.error = parsed.error
        await self._succeed(state, fetched, warning=parsed.error)
        return report

    async def _store_entries(self, feed: FeedSource, feed_id: int, entries: list[FeedEntry],
                             report: FeedReport) -> None:
        by_url: dict[str, FeedEntry] = {}
        for entry in entries:
            by_url.setdefault(canonical_url(entry.url), entry)
        known = await self.store.known_urls(urls=by_url)
        report.seen = len(known)
        oldest = self.clock() - self.config.max_age if self.config.max_age else None
        # An entry older than what is kept was stored and pruned already (or would be at once): not again.
        fresh = [(url, entry) for url, entry in by_url.items() if url not in known
                 and not (oldest and entry.published and entry.published < oldest)]
        report.seen += len(by_url) - len(known) - len(fresh)
        fresh.sort(key=lambda item: item[1].published or datetime.min.replace(tzinfo=UTC), reverse=True)
        taken = fresh[:self.config.max_new_per_feed]
        read = await asyncio.gather(*(self._read_entry(feed, feed_id, url, entry) for url, entry in taken))
        stored = await self.intake.add([article for article, _ in read])
        for (_, page_error), result in zip(read, stored, strict=True):
            if result is not None and page_error:  # a duplicate's fallback is not this feed's problem
                report.fallback += 1
                report.page_errors.append(page_error)
        report.new = sum(result is not None for result in stored)
        report.seen += len(stored) - report.new

    async def _read_entry(self, feed: FeedSource, feed_id: int, url: str,
                          entry: FeedEntry) -> tuple[NewArticle, str | None]:
        """Fetch and extract one new entry: the article to store, and why its page could not be used."""
        article, page_hash, page_error = await self._read_page(entry)
        text = article.text if article else entry.summary
        # Only a page's own text identifies an article; feed summaries are often one boilerplate line.
        text_hash = page_hash or content_hash(f"{url}\n{entry.title}")
        return NewArticle(
            feed_id=feed_id, url=url, link=entry.url, source=feed.name, content_hash=text_hash, text=text,
            title=entry.title or (article.title if article and article.title else url),
            text_origin="page" if article else "feed", fetched_at=self.clock(),
            author=entry.author or (article.author if article else None),
            language=article.language if article and article.language else entry.language,
            published_at=entry.published or (article.published if article else None),
            extraction_error=page_error, categories=list(entry.categories) or None,
        ), page_error

    async def _read_page(self, entry: FeedEntry) -> tuple[ExtractedArticle | None, str | None, str | None]:
        """The page's article, its content hash (None for a short text) and why the page could not be used."""
        if not self.config.fetch_pages:
            return None, None, None
        async with self._host("page", entry.url), self._pages:
            try:
                page = await self.fetcher.fetch(entry.url, guarded=self.config.guard_links)
            except FetchError as exc:
                return None, None, f"{exc}; kept the feed's summary"
            article, text_hash = await self._reader.read(page.body, url=page.final_url,
                                                         dated=entry.published is not None,
                                                         titled=bool(entry.title), signed=bool(entry.author))
        if article is None:
            return None, None, f"extract: {entry.url}: no article text on the page (paywall or script-only?); " \
                               "kept the feed's summary"
        return article, text_hash, None

    async def _succeed(self, state: FeedHealth, fetched: FetchResult, *, warning: str | None) -> None:
        now = self.clock()
        await self.store.record_feed_success(
            feed_id=state.id, now=now, status=fetched.status, etag=fetched.etag,
            last_modified=fetched.last_modified, next_attempt_at=now + self.config.interval, warning=warning,
        )

    async def _fail(self, feed: FeedSource, report: FeedReport, state: FeedHealth, error: str, status: int | None,
                    retry_after: float | None, *, limited: bool = False) -> FeedReport:
        """Record the failure and when to try again: the backoff after this many failures in a row, or, when the
        server rate limited the fetch, its Retry-After (at least the interval): a server that asks for time is
        not a feed that is failing, and earlier failures do not lengthen its wait."""
        now = self.clock()
        delay = self.config.interval if limited else self.backoff(state.consecutive_failures + 1)
        if retry_after:
            delay = max(delay, timedelta(seconds=retry_after))
        await self.store.record_feed_failure(feed_id=state.id, now=now, error=error, status=status,
                                             next_attempt_at=now + delay)
        log.warning("collect: feed %s failed (%s); next try in %s", state.url, error, delay,
                    extra={"feed": feed.url, "region": feed.region})
        report.status, report.error = "failed", f"{error}; next try at {now + delay:%H:%M} UTC"
        return report

    def backoff(self, failures: int) -> timedelta:
        """Wait after ``failures`` failures in a row: the interval doubled each time, capped."""
        doublings: int = min(max(failures - 1, 0), 20)
        return min(self.config.interval * (1 << doublings), self.config.backoff_max)
