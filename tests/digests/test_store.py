"""The store on SQLite and PostgreSQL: migrations, feeds' health, article dedup."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy
from sqlalchemy import inspect

from digests.models import Summary
from digests.store import NewArticle, Store, open_database
from digests.store.db import HEAD, MIGRATIONS

NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


def article(feed_id: int, url: str, *, digest: str = "h1") -> NewArticle:
    return NewArticle(feed_id=feed_id, url=url, link=url + "?utm_source=x", title="Title", text="Body text.",
                      source="Outlet", content_hash=digest, text_origin="page", fetched_at=NOW,
                      published_at=NOW - timedelta(hours=1), language="en")


async def add(store: Store, item: NewArticle) -> int | None:
    """Store one article the way the collector stores a batch; its id, or None when its URL or text is stored."""
    (stored,) = await store.add_articles(articles=[item], now=NOW)
    return None if stored is None else stored.article_id


async def test_migrations_create_the_tables_and_are_idempotent(database_url: str) -> None:
    for _ in range(2):
        engine = await open_database(database_url)
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        await engine.dispose()
        assert {"feeds", "articles", "alembic_version"} <= tables


def test_the_head_the_store_knows_is_alembics() -> None:
    """A database at ``HEAD`` is opened without Alembic: a new migration must move ``HEAD`` with it."""
    from alembic.script import ScriptDirectory

    assert ScriptDirectory(str(MIGRATIONS)).get_current_head() == HEAD


async def test_a_database_behind_the_head_is_migrated_to_it(database_url: str) -> None:
    engine = await open_database(database_url)
    async with engine.begin() as conn:  # as a database of the previous release would be
        await conn.execute(sqlalchemy.text("UPDATE alembic_version SET version_num = '0007_i15'"))
        await conn.execute(sqlalchemy.text("DROP TABLE stories_shown"))
    await engine.dispose()
    engine = await open_database(database_url)
    async with engine.connect() as conn:
        tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        revision = (await conn.execute(sqlalchemy.text("SELECT version_num FROM alembic_version"))).scalar()
    await engine.dispose()
    assert "stories_shown" in tables and revision == HEAD


async def test_sync_feeds_is_stable_and_follows_renames(store: Store) -> None:
    first = await store.sync_feeds(feeds=[("https://a/feed", "A"), ("https://b/feed", "B")], now=NOW)
    again = await store.sync_feeds(feeds=[("https://a/feed", "A renamed")], now=NOW)
    assert again["https://a/feed"] == first["https://a/feed"]
    names = {h.url: h.name for h in await store.feed_health()}
    assert names == {"https://a/feed": "A renamed", "https://b/feed": "B"}


async def test_feed_health_records_failures_and_success(store: Store) -> None:
    ids = await store.sync_feeds(feeds=[("https://a/feed", "A")], now=NOW)
    feed_id = ids["https://a/feed"]
    for n in range(3):
        await store.record_feed_failure(feed_id=feed_id, now=NOW, error=f"HTTP 500 #{n}", status=500,
                                        next_attempt_at=NOW + timedelta(hours=n))
    (health,) = await store.feed_health()
    assert (health.consecutive_failures, health.last_error, health.last_status) == (3, "HTTP 500 #2", 500)
    assert health.next_attempt_at == NOW + timedelta(hours=2)
    await store.record_feed_success(feed_id=feed_id, now=NOW, status=200, etag='"v1"', last_modified="Tue",
                                    next_attempt_at=NOW + timedelta(minutes=30))
    (health,) = await store.feed_health()
    assert (health.consecutive_failures, health.last_error, health.etag) == (0, None, '"v1"')
    assert health.last_success_at == NOW


async def test_not_modified_keeps_the_validators(store: Store) -> None:
    feed_id = (await store.sync_feeds(feeds=[("https://a/feed", "A")], now=NOW))["https://a/feed"]
    await store.record_feed_success(feed_id=feed_id, now=NOW, status=200, etag='"v1"', last_modified="Tue",
                                    next_attempt_at=NOW)
    await store.record_feed_success(feed_id=feed_id, now=NOW, status=304, etag=None, last_modified=None,
                                    next_attempt_at=NOW)
    (health,) = await store.feed_health()
    assert (health.etag, health.last_modified) == ('"v1"', "Tue")


async def test_articles_dedup_by_url_and_by_text(store: Store) -> None:
    feed_id = (await store.sync_feeds(feeds=[("https://a/feed", "A")], now=NOW))["https://a/feed"]
    assert await add(store, article(feed_id, "https://a/1")) is not None
    assert await add(store, article(feed_id, "https://a/1")) is None
    assert await store.known_urls(urls=["https://a/1", "https://a/2"]) == {"https://a/1"}
    assert await add(store, article(feed_id, "https://a/copy")) is None  # the same text under another URL
    assert await add(store, article(feed_id, "https://a/2", digest="other")) is not None
    assert await store.count_articles() == 2
    (health,) = await store.feed_health()
    assert health.articles == 2


async def test_datetimes_come_back_aware_utc(store: Store) -> None:
    feed_id = (await store.sync_feeds(feeds=[("https://a/feed", "A")], now=NOW))["https://a/feed"]
    dhaka = NOW.astimezone(ZoneInfo("Asia/Dhaka"))
    await store.record_feed_success(feed_id=feed_id, now=dhaka, status=200, etag=None, last_modified=None,
                                    next_attempt_at=dhaka)
    (health,) = await store.feed_health()
    assert health.last_success_at == NOW and health.last_success_at.tzinfo == UTC


async def test_summaries_are_stored_once_per_configuration(store: Store) -> None:
    feed_id = (await store.sync_feeds(feeds=[("https://a/feed", "A")], now=NOW))["https://a/feed"]
    first = await add(store, article(feed_id, "https://a/1"))
    second = await add(store, article(feed_id, "https://a/2", digest="h2"))
    assert first is not None and second is not None
    pending = await store.articles_needing_summary(config="lead:3:600", since=NOW - timedelta(days=1), limit=10)
    assert {p.id for p in pending} == {first, second}
    summary = Summary(sentences=("Body text.",), algorithm="lead", language="en")
    await store.save_summaries(config="lead:3:600", summaries={first: summary}, now=NOW)
    await store.save_summaries(config="lead:3:600", summaries={first: summary}, now=NOW)  # kept, no error
    pending = await store.articles_needing_summary(config="lead:3:600", since=NOW - timedelta(days=1), limit=10)
    assert [p.id for p in pending] == [second]
    other = await store.articles_needing_summary(config="textrank:3:600", since=NOW - timedelta(days=1), limit=10)
    assert len(other) == 2
    assert await store.articles_needing_summary(config="x", since=NOW + timedelta(days=1), limit=10) == []


async def test_recent_articles_are_those_of_the_window_with_their_summaries(store: Store) -> None:
    ids = await store.sync_feeds(feeds=[("https://a/feed", "A"), ("https://b/feed", "B")], now=NOW)
    inside = await add(store, article(ids["https://a/feed"], "https://a/1"))
    await add(store, article(ids["https://b/feed"], "https://b/1", digest="h2"))
    old = replace(article(ids["https://a/feed"], "https://a/old", digest="h3"), published_at=NOW - timedelta(days=3))
    await add(store, old)
    assert inside is not None
    await store.save_summaries(config="k", summaries={inside: Summary(("Body text.",), "lead", "en")}, now=NOW)
    docs = await store.recent_articles(feed_urls=["https://a/feed"], since=NOW - timedelta(days=1), until=NOW,
                                       config="k")
    assert [(d.id, d.summary, d.source) for d in docs] == [(inside, ("Body text.",), "Outlet")]
    assert docs[0].url == "https://a/1?utm_source=x"  # readers get the outlet's own link


async def test_full_text_search_finds_english_and_bengali_words(store: Store) -> None:
    feed_id = (await store.sync_feeds(feeds=[("https://a/feed", "A")], now=NOW))["https://a/feed"]
    texts = {
        "https://a/flood": ("Floods in Sylhet", "Rivers rose across Sylhet district after heavy rain."),
        "https://a/cricket": ("Sri Lanka beat Nepal", "The hosts won the Twenty20 match in Colombo."),
        "https://a/bn": ("সিলেটে বন্যা", "সিলেটে বন্যা পরিস্থিতির অবনতি হয়েছে।"),
    }
    for n, (url, (title, text)) in enumerate(texts.items()):
        await add(store, replace(article(feed_id, url, digest=f"s{n}"), title=title, text=text))
    since = NOW - timedelta(days=1)
    found = await store.search(words="sylhet flooding rain", since=since, limit=5, config="k")
    assert found[0].url.startswith("https://a/flood")
    assert [d.title for d in await store.search(words="বন্যা", since=since, limit=5, config="k")] == ["সিলেটে বন্যা"]
    assert await store.search(words='" OR * NEAR( -- ;', since=since, limit=5, config="k") == []
    assert await store.search(words="colombo", since=NOW + timedelta(days=2), limit=5, config="k") == []


async def test_categories_and_topic_placements_round_trip(store: Store) -> None:
    ids = await store.sync_feeds(feeds=[("https://a/feed", "A")], now=NOW)
    stored = await add(store, replace(article(ids["https://a/feed"], "https://a/1"),
                                                     categories=["Sport", "ক্রিকেট"]))
    other = await add(store, article(ids["https://a/feed"], "https://a/2", digest="h2"))
    assert stored is not None and other is not None
    await store.save_placements(region="south-asia", topics={stored: "Economy"}, now=NOW)
    await store.save_placements(region="south-asia", topics={stored: "Sport"}, now=NOW)  # the later one wins
    await store.save_placements(region="europe", topics={other: "Politics"}, now=NOW)
    placed = await store.placed_articles(region="south-asia", since=NOW - timedelta(days=3), before=NOW,
                                         config="k", limit=10)
    assert [(doc.id, doc.categories, doc.feed_url, topic) for doc, topic in placed] == [
        (stored, ("Sport", "ক্রিকেট"), "https://a/feed", "Sport")]
    assert await store.placed_articles(region="south-asia", since=NOW, before=NOW + timedelta(days=1),
                                       config="k", limit=10) == []
