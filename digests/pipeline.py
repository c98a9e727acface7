"""Pipeline stages over the store that run after collection: summarising new articles once, and building a
digest from what is stored."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial

from digests import compose
from digests.compose import (
    REGROUP_UP_TO,
    DigestSpec,
    add_additions,
    additions_needed,
    lead_indices,
    place_stories,
    pool_stories,
    ranked_groups,
    story_groups,
)
from digests.continuity import RECENT_LIMIT, STORY_OPEN, Group
from digests.models import ArticleDoc, Digest, Story
from digests.store import FeedHealth, PendingText, Store
from digests.summarize import SummaryConfig
from digests.summary_config import summary_key as summary_key  # re-exported
from digests.workers import summarize_texts

# Articles handed to a worker at once: large enough to amortise the trip, small enough to spread work.
CHUNK = 16
# The region's stories placed in the days before a digest's window are its topics' labelled context.
HISTORY_DAYS = 3
HISTORY_STORIES = 600
# Stories come assigned from the database: of a text, a digest reads only the lead's opening (topics).
LEAD_CHARS = 2000


async def summarize_pending(store: Store, *, config: SummaryConfig, since: datetime, now: datetime,
                            executor: Executor | None = None, batch: int = 256) -> int:
    """Summarise every article fetched since ``since`` that has no summary under ``config``; returns how many."""
    key, done = summary_key(config), 0
    loop = asyncio.get_running_loop()
    while pending := await store.articles_needing_summary(config=key, since=since, limit=batch):
        chunks = [pending[i:i + CHUNK] for i in range(0, len(pending), CHUNK)]
        results = await asyncio.gather(*(
            loop.run_in_executor(executor, partial(summarize_texts, _inputs(chunk), config)) for chunk in chunks
        ))
        summaries = {item.id: summary for chunk, out in zip(chunks, results, strict=True)
                     for item, summary in zip(chunk, out, strict=True)}
        await store.save_summaries(config=key, summaries=summaries, now=now)
        done += len(summaries)
        if len(pending) < batch:
            break
    return done


def _inputs(chunk: Sequence[PendingText]) -> list[tuple[str, str, str | None]]:
    return [(item.title, item.text, item.language) for item in chunk]


def failing_feed_notes(health: Sequence[FeedHealth], *, now: datetime) -> list[str]:
    """A line for each feed that has not been read for a day, so readers know what is missing."""
    notes = []
    for feed in health:
        since = feed.last_success_at
        if feed.consecutive_failures and (since is None or now - since >= timedelta(days=1)):
            when = f"since {since:%d %b}" if since else "so far"
            notes.append(f"{feed.name} could not be read {when}; its stories may be missing.")
    return notes


async def build_digest(store: Store, spec: DigestSpec, *, feed_urls: Sequence[str], summary: SummaryConfig,
                       now: datetime, executor: Executor | None = None) -> Digest:
    """The digest of ``spec`` from what is stored (summaries as they are): the feeds' articles in the window,
    the stories of the days before that they continue, the region's stories placed in the days before as the
    topics' context, and notes on feeds that failed all day. Its topic placements are saved for the next digests.

    A window of more than TOPIC_POOL stories is read light (stories come assigned from the database): only the
    articles of the stories a digest composes are read in full (:func:`_window`, :func:`_picked`). Of texts,
    only the picked stories' leads, the shown stories' articles (for what further outlets add), articles that
    have no story yet and small windows are read for their openings."""
    key = summary_key(summary)
    docs = await _window(store, spec, feed_urls, key)
    small = len(docs) <= REGROUP_UP_TO
    notes = failing_feed_notes(await store.feed_health(urls=list(feed_urls)), now=now)
    history = await store.placed_articles(region=spec.region, since=spec.start - timedelta(days=HISTORY_DAYS),
                                          before=spec.start, config=key, limit=HISTORY_STORIES,
                                          text_chars=LEAD_CHARS)
    recent = []  # a large window's stories come from the database, already joined across days
    if small:
        recent = (await store.recent_articles(feed_urls=list(feed_urls), since=spec.start - STORY_OPEN,
                                              until=spec.start, config=key, text_chars=LEAD_CHARS))[:RECENT_LIMIT]
    stories, groups, docs = await _picked(store, docs, spec, recent, key, executor)
    docs = await _with_texts(store, docs, lead_indices(groups))
    loop = asyncio.get_running_loop()
    digest = await loop.run_in_executor(executor, partial(place_stories, stories, [[docs[i] for i in group]
                                                                                   for group in groups], spec,
                                                          now=now, notes=notes, history=history))
    digest = await _with_additions(store, digest, docs, spec, executor)
    await store.save_placements(region=spec.region, now=now, topics={
        article: story.topic for story in digest.stories if story.topic != spec.fallback_topic
        for article in story.article_ids})
    return digest


async def _window(store: Store, spec: DigestSpec, feed_urls: Sequence[str], key: str) -> list[ArticleDoc]:
    """The window's articles: read in full when they make at most TOPIC_POOL stories (every one is composed),
    else light (:meth:`Store.window_articles`: :func:`_picked` reads the composed stories' articles); with the
    openings of the texts of the articles without a story, and of every article of a small window."""
    urls = list(feed_urls)
    if await store.window_stories(feed_urls=urls, since=spec.start, until=spec.end) <= compose.TOPIC_POOL:
        docs = await store.recent_articles(feed_urls=urls, since=spec.start, until=spec.end, config=key,
                                           text_chars=0)
    else:
        docs = await store.window_articles(feed_urls=urls, since=spec.start, until=spec.end)
    small = len(docs) <= REGROUP_UP_TO
    needed = [i for i, doc in enumerate(docs) if small or doc.story_id is None]
    return await _with_texts(store, await _completed(store, docs, needed, key, text_chars=LEAD_CHARS), needed)


async def _picked(store: Store, docs: list[ArticleDoc], spec: DigestSpec, recent: Sequence[ArticleDoc], key: str,
                  executor: Executor | None) -> tuple[list[Story], list[list[int]], list[ArticleDoc]]:
    """:func:`digests.compose.pick_stories` over a window read light, reading in full only the articles of the
    stories it composes: every story of a window of at most TOPIC_POOL, else the most important first, a pool's
    worth at a time, until TOPIC_POOL of them pass the keywords. Returns the stories, their articles' indices
    and ``docs`` with those articles read."""
    loop = asyncio.get_running_loop()
    ranked, every = await loop.run_in_executor(executor, partial(_ranked, docs, recent))
    stories: list[Story] = []
    groups: list[list[int]] = []
    step = max(1, len(ranked) if every else compose.TOPIC_POOL)
    for start in range(0, len(ranked), step):
        batch = ranked[start:start + step]
        docs = await _completed(store, docs, [i for group, _ in batch for i in group], key)
        found, kept = await loop.run_in_executor(executor, partial(
            pool_stories, docs, batch, spec, every=every, room=compose.TOPIC_POOL - len(stories)))
        stories += found
        groups += kept
        if not every and len(stories) >= compose.TOPIC_POOL:
            break
    return stories, groups, docs


def _ranked(docs: Sequence[ArticleDoc], recent: Sequence[ArticleDoc]) -> tuple[list[Group], bool]:
    return ranked_groups(docs, story_groups(docs, recent))


async def _completed(store: Store, docs: list[ArticleDoc], indices: Sequence[int], key: str,
                     text_chars: int = 0) -> list[ArticleDoc]:
    """``docs`` with those at ``indices`` that were read light (:meth:`Store.window_articles`) read in full,
    with the openings (``text_chars``) of their texts."""
    light = [i for i in indices if not docs[i].key]
    if not light:
        return docs
    found = await store.articles(ids=[docs[i].id for i in light], config=key, text_chars=text_chars)
    docs = list(docs)
    for i in light:
        docs[i] = found.get(docs[i].id, docs[i])
    return docs


async def _with_additions(store: Store, digest: Digest, docs: list[ArticleDoc], spec: DigestSpec,
                          executor: Executor | None) -> Digest:
    """``digest`` with what its shown stories' further outlets add (their articles' texts read first)."""
    wanted = set(additions_needed(digest, spec.max_additions))
    if not wanted:
        return digest
    shown = [i for i, doc in enumerate(docs) if doc.id in wanted]
    docs = await _with_texts(store, docs, shown)
    return await asyncio.get_running_loop().run_in_executor(executor, partial(
        add_additions, digest, [docs[i] for i in shown], limit=spec.max_additions))


async def _with_texts(store: Store, docs: list[ArticleDoc], indices: Sequence[int]) -> list[ArticleDoc]:
    """``docs`` with the openings (LEAD_CHARS) of the texts of those at ``indices`` read in."""
    missing = [i for i in indices if not docs[i].text]
    if not missing:
        return docs
    texts = await store.article_texts(ids=[docs[i].id for i in missing], text_chars=LEAD_CHARS)
    docs = list(docs)
    for i in missing:
        docs[i] = replace(docs[i], text=texts.get(docs[i].id, ""))
    return docs
