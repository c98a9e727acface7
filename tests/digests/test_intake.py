"""Articles stored in batches with their summaries and stories; sessions that queue instead of timing out."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from digests.clean import MAX_TEXT_CHARS, MAX_TITLE_CHARS
from digests.collect import CollectConfig, Collector
from digests.fetch import FetchConfig, Fetcher
from digests.intake import Intake
from digests.models import FeedSource
from digests.store import NewArticle, Store, batches
from digests.store.batches import MAX_AUTHOR_CHARS
from digests.store.db import migrate
from digests.store.gate import GatedSessions
from digests.store.tables import ArticleRow, StoryRow
from digests.story_index import StoryIndex
from digests.summarize import SummaryConfig
from tests.digests.news_fixtures import news_day
from tests.fakes.news import serve_site
from tests.fakes.webserver import WebServer

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def new_article(feed_id: int, n: int) -> NewArticle:
    doc = news_day()[n]
    return NewArticle(feed_id=feed_id, url=f"https://outlet{n}.example/a", link=f"https://outlet{n}.example/a",
                      title=doc.title, text=doc.text, source=doc.source, content_hash=f"hash{n}", text_origin="page",
                      fetched_at=NOW, published_at=NOW - timedelta(hours=1), language=doc.language)


async def feed(store: Store) -> int:
    return (await store.sync_feeds(feeds=[("https://outlet.example/feed", "Outlet")], now=NOW))[
        "https://outlet.example/feed"]


async def test_a_batch_is_stored_once_with_summaries_and_stories(store: Store) -> None:
    feed_id = await feed(store)
    intake = Intake(store, summary=SummaryConfig(), summary_key="k", stories=StoryIndex(), clock=lambda: NOW)
    batch = [new_article(feed_id, n) for n in (0, 1, 3, 0)]  # the ferry twice under other outlets, a rate rise
    batch[1] = replace(batch[1], content_hash="hash0")  # same text as the first: one article
    stored = await intake.add(batch)
    assert stored[0] is not None and stored[2] is not None
    assert stored[1] is None and stored[3] is None  # repeats within the batch are stored once
    again = await intake.add([new_article(feed_id, 0), new_article(feed_id, 2)])
    assert again[0] is None and again[1] is not None
    assert again[1].story_id == stored[0].story_id  # the trimmed ferry report joins the ferry story
    assert stored[2].story_id != stored[0].story_id
    docs = await store.recent_articles(feed_urls=["https://outlet.example/feed"], since=NOW - timedelta(days=1),
                                       until=NOW, config="k", text_chars=20)
    assert {d.id for d in docs if d.summary} == {stored[0].article_id, stored[2].article_id, again[1].article_id}
    assert {len(d.text) for d in docs} == {20}  # a digest reads only the opening
    async with async_sessionmaker(store.engine)() as session:
        story = await session.get(StoryRow, stored[0].story_id)
    assert story is not None and story.articles == 2 and story.title == batch[0].title


async def test_a_later_batch_skips_what_is_stored_under_its_url_or_its_text(store: Store) -> None:
    feed_id = await feed(store)
    intake = Intake(store, stories=StoryIndex(), clock=lambda: NOW)
    first = await intake.add([new_article(feed_id, 0), new_article(feed_id, 3)])
    same_text = replace(new_article(feed_id, 4), content_hash="hash0")  # another URL, the ferry's text
    same_url = replace(new_article(feed_id, 3), content_hash="hash-new")  # the rate rise's URL, edited text
    again = await intake.add([same_text, same_url, new_article(feed_id, 5)])
    assert all(first) and again[0] is None and again[1] is None and again[2] is not None
    assert await store.count_articles() == 3


async def test_an_article_joins_a_story_started_earlier_in_its_own_batch(store: Store) -> None:
    feed_id = await feed(store)
    later = replace(new_article(feed_id, 2), published_at=NOW - timedelta(minutes=10))
    first, trimmed = await Intake(store, stories=StoryIndex(), clock=lambda: NOW).add([new_article(feed_id, 0), later])
    assert first is not None and trimmed is not None and trimmed.story_id == first.story_id
    async with async_sessionmaker(store.engine)() as session:
        story = await session.get(StoryRow, first.story_id)
    assert story is not None and story.articles == 2
    assert story.first_seen == NOW - timedelta(hours=1) and story.last_seen == later.published_at


async def test_a_batch_clips_hostile_sizes_and_replaces_lone_surrogates(store: Store) -> None:
    feed_id = await feed(store)
    huge = replace(new_article(feed_id, 0), title="T\ud800" * 1000, text="word " * 100_000 + "\udfff",
                   author="A" * 1000)
    (stored,) = await Intake(store, stories=StoryIndex(), clock=lambda: NOW).add([huge])
    assert stored is not None
    async with async_sessionmaker(store.engine)() as session:
        row = await session.get(ArticleRow, stored.article_id)
    assert row is not None and row.author is not None
    assert len(row.text) == MAX_TEXT_CHARS and row.text.endswith("…")
    assert len(row.title) <= MAX_TITLE_CHARS and "\ud800" not in row.title and "\ufffd" in row.title
    assert len(row.author) == MAX_AUTHOR_CHARS


async def test_an_id_taken_by_another_process_meanwhile_is_retried(store: Store,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # SQLite batches take the ids after the largest; another process storing between that read and the insert
    # makes the insert fail on the id, and the batch is stored again on fresh ids, the index told only once
    if store.engine.dialect.name != "sqlite":
        pytest.skip("ids are taken in advance only on SQLite; elsewhere each insert returns its id")
    feed_id = await feed(store)
    index = StoryIndex()
    intake = Intake(store, stories=index, clock=lambda: NOW)
    (first,) = await intake.add([new_article(feed_id, 0)])
    place, taken = batches._Placement.place, []

    def place_after_another_process(self: batches._Placement, row: dict[str, Any], words: Sequence[str]) -> int:
        if not taken:  # the other process, on its own connection, stores one article now
            taken.append(row["id"])
            with sqlite3.connect(str(store.engine.url.database)) as other:
                other.execute("INSERT INTO articles (id, feed_id, url, link, title, text, source, content_hash, "
                              "text_origin, fetched_at) VALUES (?, ?, 'u', 'l', 't', 'x', 's', 'h', 'page', ?)",
                              (row["id"], feed_id, NOW.isoformat()))
        return place(self, row, words)

    monkeypatch.setattr(batches._Placement, "place", place_after_another_process)
    second, third = await intake.add([new_article(feed_id, 3), new_article(feed_id, 4)])
    assert first is not None and second is not None and third is not None
    assert taken == [first.article_id + 1] and second.article_id == first.article_id + 2
    assert third.article_id == first.article_id + 3 and len(index) == 3
    async with store.engine.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(ArticleRow)) == 4


async def test_a_second_process_finds_the_stories_the_first_stored(store: Store) -> None:
    feed_id = await feed(store)
    first = Intake(store, stories=StoryIndex(), clock=lambda: NOW)
    (ferry,) = await first.add([new_article(feed_id, 0)])
    second = Intake(store, stories=StoryIndex(), clock=lambda: NOW)  # e.g. `khobor collect` beside the bot
    (copy,) = await second.add([new_article(feed_id, 1)])
    assert ferry is not None and copy is not None and copy.story_id == ferry.story_id
    (trimmed,) = await first.add([new_article(feed_id, 2)])  # and the first catches up with the second
    assert trimmed is not None and trimmed.story_id == ferry.story_id


async def test_a_failed_batch_leaves_the_index_as_it_was(store: Store) -> None:
    feed_id = await feed(store)
    index = StoryIndex()
    intake = Intake(store, stories=index, clock=lambda: NOW)
    broken = replace(new_article(feed_id, 1), feed_id=feed_id + 999)  # no such feed: the transaction fails
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        await intake.add([new_article(feed_id, 0), broken])
    assert len(index) == 0
    async with store.engine.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(StoryRow)) == 0


async def test_sessions_queue_for_a_small_pool_instead_of_timing_out(tmp_path: Path) -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'pool.db'}", pool_size=1, max_overflow=0,
                                 pool_timeout=0.2)
    await migrate(engine)

    async def hold(sessions: async_sessionmaker | GatedSessions) -> None:  # type: ignore[type-arg]
        async with sessions() as session:
            await session.execute(text("SELECT 1"))
            await asyncio.sleep(0.05)

    with pytest.raises(PoolTimeout, match="QueuePool limit"):  # the pool alone: what aborted a collection pass
        await asyncio.gather(*(hold(async_sessionmaker(engine)) for _ in range(20)))
    gated = GatedSessions(engine)
    await asyncio.gather(*(hold(gated) for _ in range(20)))
    await engine.dispose()


async def test_a_pass_at_concurrency_256_completes_on_a_small_pool(tmp_path: Path) -> None:
    # The issue: `[collect] concurrency = 256` aborted with "QueuePool limit of size 5 overflow 10 reached".
    # The same shape, smaller: 60 feeds at once on a pool of one connection that times out in 0.5 s.
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'pass.db'}", pool_size=1, max_overflow=0,
                                 pool_timeout=0.5)
    await migrate(engine)
    store = Store(engine)
    async with WebServer() as server, Fetcher(FetchConfig(retries=0, per_host_concurrency=16)) as fetcher:
        feeds = [FeedSource(url=server.url(f"/f{n}/feed"), name=f"f{n}", region="test") for n in range(60)]
        for n in range(60):
            serve_site(server, f"f{n}", 1)
        collector = Collector(store=store, fetcher=fetcher, config=CollectConfig(guard_links=False, concurrency=256),
                              intake=Intake(store, stories=StoryIndex()))
        reports = await collector.collect(feeds)
    assert [r.status for r in reports] == ["ok"] * 60
    assert await store.count_articles() == 60
    await store.close()
