"""Building a digest from the store reads the window without its texts: only the picked stories' leads and the
shown stories' articles are read, and the digest is the one composing the whole window with its texts gives."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

import digests.compose as compose
import digests.pipeline as pipeline
from digests.compose import DigestSpec, compose_digest, importance, pick_stories
from digests.intake import Intake
from digests.models import ArticleDoc, Story
from digests.store import NewArticle, Store
from digests.store.windows import json_lists
from digests.stories import lead_story_id, story_id
from digests.story_index import StoryIndex
from digests.summarize import SummaryConfig
from digests.topics import matches_filters
from tests.digests.news_fixtures import news_day

NOW = datetime(2026, 11, 25, 23, 0, tzinfo=UTC)
FEED = "https://outlet.example/feed"


async def fill(store: Store) -> list[ArticleDoc]:
    feed_id = (await store.sync_feeds(feeds=[(FEED, "Outlet")], now=NOW))[FEED]
    docs = news_day()
    intake = Intake(store, summary=SummaryConfig(), summary_key=pipeline.summary_key(SummaryConfig()),
                    stories=StoryIndex(), clock=lambda: NOW)
    await intake.add([NewArticle(feed_id=feed_id, url=f"https://outlet{n}.example/a/{n}", link=doc.url,
                                 title=doc.title, text=doc.text, source=doc.source, content_hash=f"h{n}",
                                 text_origin="page", fetched_at=NOW, published_at=NOW - timedelta(hours=n + 1),
                                 language=doc.language) for n, doc in enumerate(docs)])
    return docs


async def test_only_the_picked_stories_leads_are_read_and_the_digest_is_the_same(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # a window bigger than the ones grouped afresh, as every window of a running bot is
    monkeypatch.setattr(compose, "REGROUP_UP_TO", 3)
    monkeypatch.setattr(pipeline, "REGROUP_UP_TO", 3)
    await fill(store)
    spec = DigestSpec(region="r", title="R", start=NOW - timedelta(days=2), end=NOW, max_stories=4)
    read: list[list[int]] = []
    texts = store.article_texts

    async def spy(*, ids: list[int], text_chars: int) -> dict[int, str]:
        read.append(sorted(ids))
        return await texts(ids=ids, text_chars=text_chars)

    monkeypatch.setattr(store, "article_texts", spy)
    built = await pipeline.build_digest(store, spec, feed_urls=[FEED], summary=SummaryConfig(), now=NOW)
    window = await store.recent_articles(feed_urls=[FEED], since=spec.start, until=spec.end,
                                         config=pipeline.summary_key(SummaryConfig()), text_chars=pipeline.LEAD_CHARS)
    assert built == compose_digest(window, spec, now=NOW)
    _, groups = pick_stories(window, spec)
    leads = sorted(window[group[0]].id for group in groups)
    shown = {i for story in built.stories if story.outlet_count > 1 for i in story.article_ids}
    assert read[0] == leads  # the leads, for the topics
    assert read[1:] == [sorted(shown - set(leads))]  # then the shown stories' other articles, for additions
    assert len(read[0]) + len(read[1]) < len(window)  # the rest of the window's texts are never read


async def test_a_window_read_without_texts_has_empty_texts(store: Store) -> None:
    docs = await fill(store)
    light = await store.recent_articles(feed_urls=[FEED], since=NOW - timedelta(days=2), until=NOW, config="x",
                                        text_chars=0)
    assert len(light) == len(docs) and {d.text for d in light} == {""}
    texts = await store.article_texts(ids=[light[0].id, light[1].id, 10**9], text_chars=12)
    assert set(texts) == {light[0].id, light[1].id} and all(0 < len(t) <= 12 for t in texts.values())


def test_a_big_window_composes_only_the_stories_it_picks(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = [replace(doc, story_id=n) for n, doc in enumerate(news_day())]
    docs += [replace(doc, id=doc.id + 100, url=doc.url + "/copy", source="Copy desk", story_id=n)
             for n, doc in enumerate(news_day()) if n % 3 == 0]  # these stories have two outlets
    monkeypatch.setattr(compose, "REGROUP_UP_TO", 3)
    monkeypatch.setattr(compose, "TOPIC_POOL", 5)
    made: list[int] = []
    story = compose._story

    def counted(d: list[ArticleDoc], group: list[int], spec: DigestSpec, stored: int | None) -> Story:
        made.append(1)
        return story(d, group, spec, stored)

    monkeypatch.setattr(compose, "_story", counted)
    for keywords in ((), ("missing",)):
        spec = DigestSpec(region="r", title="R", start=NOW - timedelta(days=2), end=NOW, keywords=keywords)
        made.clear()
        stories, groups = pick_stories(docs, spec)
        every = [story(docs, group, spec, stored) for group, stored in compose.story_groups(docs)]
        expected = sorted((s for s in every if matches_filters(compose._topic_text(s), topics=None, story_topic="",
                                                               keywords=keywords)), key=importance, reverse=True)
        assert stories == expected[:5]
        assert [tuple(sorted(docs[i].id for i in group)) for group in groups] == \
            [tuple(sorted(s.article_ids)) for s in stories]
        assert len(made) < len(every) or keywords  # without keywords only the five picked are composed


@pytest.mark.parametrize("keywords", [(), ("prices", "floods")])
async def test_a_window_of_more_stories_than_the_pool_reads_in_full_only_the_stories_it_composes(
        store: Store, monkeypatch: pytest.MonkeyPatch, keywords: tuple[str, ...]) -> None:
    monkeypatch.setattr(compose, "REGROUP_UP_TO", 3)
    monkeypatch.setattr(pipeline, "REGROUP_UP_TO", 3)
    monkeypatch.setattr(compose, "TOPIC_POOL", 4)  # read a pool at a time until four pass the keywords
    await fill(store)
    spec = DigestSpec(region="r", title="R", start=NOW - timedelta(days=2), end=NOW, max_stories=3,
                      keywords=keywords)
    read: list[int] = []
    articles = store.articles

    async def spy(*, ids: list[int], config: str, text_chars: int | None = None) -> dict[int, ArticleDoc]:
        read.extend(ids)
        return await articles(ids=ids, config=config, text_chars=text_chars)

    monkeypatch.setattr(store, "articles", spy)
    built = await pipeline.build_digest(store, spec, feed_urls=[FEED], summary=SummaryConfig(), now=NOW)
    window = await store.recent_articles(feed_urls=[FEED], since=spec.start, until=spec.end,
                                         config=pipeline.summary_key(SummaryConfig()), text_chars=pipeline.LEAD_CHARS)
    assert built == compose_digest(window, spec, now=NOW)
    assert built.stories and len(set(read)) == len(read)  # each article read in full once
    if not keywords:
        _, groups = pick_stories(window, spec)
        assert sorted(read) == sorted(window[i].id for group in groups for i in group)  # those four stories'
        assert len(read) < len(window)


async def test_a_window_read_light_has_what_ranks_stories_and_nothing_more(store: Store) -> None:
    await fill(store)
    full = await store.recent_articles(feed_urls=[FEED], since=NOW - timedelta(days=2), until=NOW, config="x",
                                       text_chars=0)
    light = await store.window_articles(feed_urls=[FEED], since=NOW - timedelta(days=2), until=NOW)
    assert [(d.id, d.source, d.published, d.story_id, d.feed_url) for d in light] == \
        [(d.id, d.source, d.published, d.story_id, d.feed_url) for d in full]
    assert {(d.title, d.url, d.key, d.summary, d.categories) for d in light} == {("", "", "", (), ())}
    stories = {d.story_id for d in full}
    assert await store.window_stories(feed_urls=[FEED], since=NOW - timedelta(days=2), until=NOW) == len(stories)
    assert await store.articles(ids=[full[0].id, 10**9], config="x", text_chars=0) == {full[0].id: full[0]}


async def test_stored_articles_carry_their_canonical_url_and_story_ids_follow_it(store: Store) -> None:
    await fill(store)
    docs = await store.recent_articles(feed_urls=[FEED], since=NOW - timedelta(days=2), until=NOW, config="x")
    assert {d.key for d in docs} == {f"https://outlet{n}.example/a/{n}" for n in range(len(docs))}
    assert lead_story_id(docs[0]) == story_id([docs[0].key])
    assert lead_story_id(replace(docs[0], key="")) == story_id([docs[0].url])


def test_json_columns_read_as_text_are_decoded_in_one_pass() -> None:
    assert json_lists(['["a", "b"]', None, "null", ["already", "decoded"], "[]"]) == \
        [["a", "b"], None, None, ["already", "decoded"], []]
    assert json_lists([]) == []
