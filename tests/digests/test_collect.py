"""Collection passes against a loopback server: faults, backoff, dedup, fallbacks. No test sleeps."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from aiohttp import web

from digests.collect import CollectConfig, Collector, FeedReport
from digests.fetch import FetchConfig, Fetcher
from digests.models import FeedSource
from digests.store import Store
from tests.fakes.clock import Clock
from tests.fakes.news import article_page, make_article, rss, serve_site
from tests.fakes.webserver import WebServer

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


@pytest.fixture
async def server() -> AsyncIterator[WebServer]:
    async with WebServer() as web_server:
        yield web_server


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    waits: list[float] = []

    async def no_sleep(seconds: float) -> None:
        waits.append(seconds)

    config = FetchConfig(timeout_s=0.5, connect_timeout_s=0.5, max_body_bytes=1024 * 1024, retries=2)
    async with Fetcher(config, sleep=no_sleep) as client:
        client.waits = waits  # type: ignore[attr-defined]
        yield client


def collector(store: Store, fetcher: Fetcher, clock: Clock, **options: object) -> Collector:
    config = CollectConfig(guard_links=False, **options)  # type: ignore[arg-type]
    return Collector(store=store, fetcher=fetcher, config=config, clock=clock)


def source(server: WebServer, path: str) -> FeedSource:
    return FeedSource(url=server.url(path), name=path.strip("/"), region="test")


def add_faults(server: WebServer) -> dict[str, str]:
    """Every kind of broken feed; returns path -> words its error must contain."""

    async def slow(_: web.Request) -> web.StreamResponse:
        await asyncio.sleep(5)
        return web.Response(text="late")

    async def huge(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        chunk = b"<item>" + b"x" * 65536
        for _ in range(800):  # 50 MB, streamed
            await response.write(chunk)
        return response

    server.route("/timeout", slow)
    server.add_bytes("/error", b"boom", status=500)
    server.add_bytes("/limited", b"slow down", status=429, headers={"Retry-After": "3600"})
    server.add_bytes("/garbage", bytes(range(256)) * 40, content_type="application/rss+xml")
    server.route("/huge", huge)
    bomb = gzip.compress(b"<rss>" + b" " * (64 * 1024 * 1024), compresslevel=9)
    server.add_bytes("/bomb", bomb, content_type="application/rss+xml", headers={"Content-Encoding": "gzip"})
    server.add_redirect("/loop-a", "/loop-b")
    server.add_redirect("/loop-b", "/loop-a")
    server.add_text("/html", "<!doctype html><html><body><h1>Welcome</h1><p>Our homepage.</p></body></html>")
    return {"/timeout": "timed out", "/error": "500", "/limited": "429", "/garbage": "feed", "/huge": "larger",
            "/bomb": "larger", "/loop-a": "redirect", "/html": "HTML"}


async def test_every_fault_is_recorded_and_the_good_feed_still_lands(
    server: WebServer, fetcher: Fetcher, store: Store
) -> None:
    good = serve_site(server, "good", 3)
    faults = add_faults(server)
    feeds = [source(server, "/good/feed"), *(source(server, path) for path in faults)]
    reports = {r.url: r for r in await collector(store, fetcher, Clock(NOW)).collect(feeds)}

    assert reports[server.url("/good/feed")].new == len(good)
    for path, words in faults.items():
        report = reports[server.url(path)]
        assert report.status == "failed", (path, report)
        assert report.error and words.lower() in report.error.lower(), (path, report.error)
    health = {h.url: h for h in await store.feed_health()}
    assert all(health[server.url(p)].consecutive_failures == 1 for p in faults)
    # Retry-After (1 h) outlasts the 30 min interval, so it sets the next attempt.
    assert health[server.url("/limited")].next_attempt_at == NOW + timedelta(hours=1)
    assert health[server.url("/good/feed")].consecutive_failures == 0


async def test_failing_feed_backs_off_exponentially_capped_and_recovers(
    server: WebServer, fetcher: Fetcher, store: Store
) -> None:
    server.add_bytes("/flaky", b"down", status=503)
    clock = Clock(NOW)
    run = collector(store, fetcher, clock, interval=timedelta(minutes=30), backoff_max=timedelta(hours=2))
    feed = [source(server, "/flaky")]
    delays = []
    for _ in range(5):
        (report,) = await run.collect(feed)
        assert report.status == "failed"
        (health,) = await store.feed_health()
        assert health.next_attempt_at is not None
        delays.append(health.next_attempt_at - clock.now)
        (skipped,) = await run.collect(feed)  # still waiting: not fetched
        assert skipped.status == "backing-off" and "failures in a row" in (skipped.error or "")
        clock.now = health.next_attempt_at
    assert delays == [timedelta(minutes=m) for m in (30, 60, 120, 120, 120)]

    articles = [make_article("flaky", n) for n in range(2)]
    server.add_text("/flaky", rss("flaky", server.url("").rstrip("/"), articles), content_type="application/rss+xml")
    for article in articles:
        server.add_text(article.path, "<html><body><p>Subscribers only.</p></body></html>")
    (report,) = await run.collect(feed)
    assert (report.status, report.new) == ("ok", 2)
    (health,) = await store.feed_health()
    assert health.consecutive_failures == 0 and health.last_error is None


async def test_a_rate_limited_feed_waits_what_the_server_asks_not_a_growing_backoff(
    server: WebServer, fetcher: Fetcher, store: Store
) -> None:
    server.add_bytes("/busy", b"slow down", status=429, headers={"Retry-After": "3600"})
    clock = Clock(NOW)
    run = collector(store, fetcher, clock, interval=timedelta(minutes=30), backoff_max=timedelta(hours=24))
    delays = []
    for _ in range(4):
        (report,) = await run.collect([source(server, "/busy")])
        assert report.status == "failed" and "429" in (report.error or "")
        (health,) = await store.feed_health()
        assert health.next_attempt_at is not None
        delays.append(health.next_attempt_at - clock.now)
        clock.now = health.next_attempt_at
    assert delays == [timedelta(hours=1)] * 4  # not 1, 1, 2, 4 h: 429s are not failures that compound


async def test_force_tries_a_feed_that_is_backing_off(server: WebServer, fetcher: Fetcher, store: Store) -> None:
    server.add_bytes("/down", b"", status=500)
    run = collector(store, fetcher, Clock(NOW))
    await run.collect([source(server, "/down")])
    (report,) = await run.collect([source(server, "/down")], force=True)
    assert report.status == "failed"
    (health,) = await store.feed_health()
    assert health.consecutive_failures == 2


async def test_unreadable_pages_keep_the_feed_summary(server: WebServer, fetcher: Fetcher, store: Store) -> None:
    articles = [make_article("paywall", n) for n in range(3)]
    server.add_text("/paywall/feed", rss("p", server.url("").rstrip("/"), articles), content_type="application/rss+xml")
    server.add_text(articles[0].path, "<html><body><script>render()</script></body></html>")
    server.add_bytes(articles[1].path, b"gone", status=404)
    # articles[2] has no route at all: also a 404
    (report,) = await collector(store, fetcher, Clock(NOW)).collect([source(server, "/paywall/feed")])
    assert (report.status, report.new, report.fallback) == ("ok", 3, 3)
    assert any("no article text" in e for e in report.page_errors)
    assert any("404" in e for e in report.page_errors)


async def test_same_article_under_two_urls_is_stored_once(server: WebServer, fetcher: Fetcher, store: Store) -> None:
    original = serve_site(server, "wire", 2)
    base = server.url("").rstrip("/")
    # A second outlet republishes the wire's first article at its own URL (syndication).
    copy = make_article("wire", 0)
    server.add_text("/mirror/story-1", article_page(original[0], author="Syndicated"))
    mirror_feed = rss("mirror", base, [copy]).replace(original[0].path, "/mirror/story-1")
    server.add_text("/mirror/feed", mirror_feed, content_type="application/rss+xml")
    run = collector(store, fetcher, Clock(NOW))
    reports = await run.collect([source(server, "/wire/feed"), source(server, "/mirror/feed")])
    assert sum(r.new for r in reports) == 2
    assert await store.count_articles() == 2


async def test_tracking_and_amp_variants_of_one_link_are_one_article(
    server: WebServer, fetcher: Fetcher, store: Store
) -> None:
    serve_site(server, "dhaka", 2)
    run = collector(store, fetcher, Clock(NOW))
    await run.collect([source(server, "/dhaka/feed")])
    base = server.url("").rstrip("/")
    variant = [make_article("dhaka", 0)]
    text = rss("v", base, variant).replace("/dhaka/news/0?utm_source=rss&amp;utm_medium=feed",
                                            "/dhaka/news/0/?fbclid=abc#comments")
    server.add_text("/variant/feed", text, content_type="application/rss+xml")
    (report,) = await run.collect([source(server, "/variant/feed")])
    assert (report.new, report.seen) == (0, 1)


async def test_progress_hook_sees_every_feed(server: WebServer, fetcher: Fetcher, store: Store) -> None:
    serve_site(server, "a", 1)
    server.add_bytes("/b", b"", status=500)
    seen: list[FeedReport] = []
    await collector(store, fetcher, Clock(NOW)).collect([source(server, "/a/feed"), source(server, "/b")],
                                                      progress=seen.append)
    assert sorted(r.status for r in seen) == ["failed", "ok"]


async def test_json_feed_is_collected_like_rss(server: WebServer, fetcher: Fetcher, store: Store) -> None:
    articles = [make_article("json", n) for n in range(3)]
    items = [{"id": a.path, "url": a.path, "title": a.title, "content_text": a.paragraphs[0],
              "date_published": a.published.isoformat()} for a in articles]
    items.append({"id": "no-link", "title": "Nothing to fetch"})
    document = {"version": "https://jsonfeed.org/version/1.1", "title": "JSON desk", "items": items}
    server.add_text("/json/feed.json", json.dumps(document), content_type="application/feed+json")
    for article in articles:
        server.add_text(article.path, article_page(article))
    server.add_text("/broken/feed.json", '{"version": "https://jsonfeed.org/version/1.1", "items": [',
                    content_type="application/feed+json")
    good, broken = await collector(store, fetcher, Clock(NOW)).collect(
        [source(server, "/json/feed.json"), source(server, "/broken/feed.json")])
    assert (good.status, good.new, good.fallback, good.error) == ("ok", 3, 0, None)
    assert await store.count_articles() == 3
    assert broken.status == "failed"
    assert broken.error is not None and broken.error.startswith("feed: not valid JSON at line 1")


async def test_the_feeds_date_is_stored_and_an_undated_entry_takes_the_pages(
    server: WebServer, fetcher: Fetcher, store: Store
) -> None:
    # a dated entry's page is not searched for a date (its feed's date is stored); an undated one's is
    dated, undated = make_article("dates", 0), make_article("dates", 1)
    base = server.url("").rstrip("/")
    feed = rss("d", base, [dated, undated]).replace(f"<pubDate>{format_datetime(undated.published)}</pubDate>", "")
    server.add_text("/dates/feed", feed, content_type="application/rss+xml")
    server.add_text(dated.path, article_page(dated).replace(dated.published.isoformat(), "2020-01-02T10:00:00+00:00"))
    server.add_text(undated.path, article_page(undated))
    (report,) = await collector(store, fetcher, Clock(NOW)).collect([source(server, "/dates/feed")])
    assert report.new == 2
    docs = await store.recent_articles(feed_urls=[server.url("/dates/feed")], since=datetime(2000, 1, 1, tzinfo=UTC),
                                       until=NOW + timedelta(days=1), config="x", text_chars=0)
    stored = {doc.title: doc.published for doc in docs}
    assert stored[dated.title] == dated.published
    assert stored[undated.title] == undated.published.replace(hour=0, minute=0, second=0, microsecond=0)
