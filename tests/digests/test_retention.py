"""Retention: old articles go with their summaries and search rows, in batches; stories stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from digests.collect import CollectConfig, Collector
from digests.fetch import FetchConfig, Fetcher
from digests.models import FeedSource, Summary
from digests.store import NewArticle, Store
from digests.store.tables import StoryRow, SummaryRow
from digests.story_index import StoryIndex
from tests.fakes.news import serve_site
from tests.fakes.webserver import WebServer

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def article(feed_id: int, n: int, *, age_days: int) -> NewArticle:
    fetched = NOW - timedelta(days=age_days)
    return NewArticle(feed_id=feed_id, url=f"https://a.example/{n}", link=f"https://a.example/{n}",
                      title=f"Harbour crane number {n} collapses", text=f"Harbour crane {n} collapsed at dawn.",
                      source="A", content_hash=f"h{n}", text_origin="page", fetched_at=fetched,
                      published_at=fetched, language="en")


async def test_old_articles_go_with_their_summaries_and_search_rows_and_stories_stay(store: Store) -> None:
    feed_id = (await store.sync_feeds(feeds=[("https://a.example/feed", "A")], now=NOW))["https://a.example/feed"]
    batch = [article(feed_id, n, age_days=40 if n < 7 else 1) for n in range(10)]
    summary = Summary(("Harbour crane collapsed.",), "lead", "en")
    stored = await store.add_articles(articles=batch, words=[["harbour", "crane", str(n)] for n in range(10)],
                                      summaries=[summary] * 10, summary_config="k", stories=StoryIndex(), now=NOW)
    assert all(stored)
    assert await store.prune_articles(before=NOW - timedelta(days=30), batch=3, pause_s=0) == 7
    assert await store.count_articles() == 3
    async with store.engine.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(SummaryRow)) == 3
        assert await connection.scalar(select(func.count()).select_from(StoryRow)) >= 1
        stories = set((await connection.scalars(select(StoryRow.id))).all())
    assert {s.story_id for s in stored if s is not None} <= stories  # every story outlives its articles
    found = await store.search(words="harbour crane", since=NOW - timedelta(days=90), limit=20, config="k")
    assert sorted(d.id for d in found) == sorted(s.article_id for s in stored[7:] if s is not None)
    assert await store.prune_articles(before=NOW - timedelta(days=30)) == 0


async def test_entries_older_than_what_is_kept_are_not_collected_again(store: Store) -> None:
    async with WebServer() as server, Fetcher(FetchConfig(retries=0)) as fetcher:
        articles = serve_site(server, "port", 3)
        clock = lambda: articles[1].published + timedelta(days=30, minutes=30)  # noqa: E731
        config = CollectConfig(guard_links=False, max_age=timedelta(days=30))
        (report,) = await Collector(store=store, fetcher=fetcher, config=config, clock=clock).collect(
            [FeedSource(url=server.url("/port/feed"), name="Port", region="test")])
    assert (report.new, report.seen) == (1, 2)  # the newest; the two older than 30 days were pruned already
