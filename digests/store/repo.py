"""The repository: every read and write the pipeline makes. Methods take keyword-only arguments.

``Store`` is one object for the pipeline; what it does to the feeds' rows (their names, health, backoff) is
written in :mod:`digests.store.feed_state`, and the batch inserts in :mod:`digests.store.batches`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, delete, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from digests.models import ArticleDoc, Summary
from digests.store.batches import (
    Stored,
    StoryPlacer,
    article_values,
    fresh_indices,
    insert_batch,
    insert_summaries,
    summary_row,
)
from digests.store.feed_state import FeedStates
from digests.store.gate import GatedSessions
from digests.store.retention import prune_batch
from digests.store.search import search_article_ids
from digests.store.tables import ArticleRow, SummaryRow, TopicPlacementRow
from digests.store.windows import (
    article_openings,
    docs_of,
    docs_query,
    in_window,
    light_docs,
    light_query,
    story_count,
    when,
)


@dataclass(frozen=True, slots=True)
class PendingText:
    """An article waiting for its summary."""

    id: int
    text: str
    title: str
    language: str | None


@dataclass(frozen=True, slots=True)
class StorySource:
    """What the story index reads back of a stored article: its headline and the opening of its text."""

    id: int
    story_id: int
    title: str
    text: str
    language: str | None
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class NewArticle:
    """An article ready to be stored."""

    feed_id: int
    url: str
    link: str
    title: str
    text: str
    source: str
    content_hash: str
    text_origin: str
    fetched_at: datetime
    author: str | None = None
    language: str | None = None
    published_at: datetime | None = None
    extraction_error: str | None = None
    categories: list[str] | None = None


def columns(article: NewArticle) -> dict[str, Any]:
    """The article's fields by name (a shallow copy: ``dataclasses.asdict`` deep-copies, at a cost)."""
    return {name: getattr(article, name) for name in NewArticle.__dataclass_fields__}


# Built once (building a query costs more than running it here; they run for every feed).
_KNOWN_URLS = select(ArticleRow.url).where(ArticleRow.url.in_(bindparam("urls", expanding=True)))
_STORY_IDS = (select(ArticleRow.id)
              .where(ArticleRow.id > bindparam("after"), ArticleRow.fetched_at >= bindparam("since"),
                     ArticleRow.story_id.is_not(None))
              .order_by(ArticleRow.id).limit(bindparam("most")))


# Enough text for the story words (the headline and the lead's first LEAD_WORDS content words).
STORY_TEXT_CHARS = 3000


class Store(FeedStates):
    """Async access to the database. No I/O happens until a method is awaited. The feeds' state is
    :class:`digests.store.feed_state.FeedStates`; the rest is here: articles, summaries, stories, placements."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._session = GatedSessions(engine)

    async def close(self) -> None:
        """Release the connection pool."""
        await self.engine.dispose()

    async def known_urls(self, *, urls: Iterable[str]) -> set[str]:
        """Which of these canonical URLs are already stored."""
        wanted = list(set(urls))
        found: set[str] = set()
        async with self._session() as session:
            connection = await session.connection()  # Core: the ORM's handling of a query cost more than it
            for start in range(0, len(wanted), 500):
                found.update((await connection.scalars(_KNOWN_URLS, {"urls": wanted[start:start + 500]})).all())
        return found

    async def add_articles(self, *, articles: Sequence[NewArticle], words: Sequence[Sequence[str]] = (),
                           summaries: Sequence[Summary | None] = (), summary_config: str | None = None,
                           stories: StoryPlacer | None = None, now: datetime) -> list[Stored | None]:
        """Store a batch in one transaction: the articles not stored yet (by URL or text), each with its story
        (found or started by ``stories`` from its ``words``) and its summary under ``summary_config``. Returns,
        per article, what was stored, or None for one already there."""
        for attempt in (1, 2):
            added: list[int] = []
            try:
                return await self._add_batch(articles, words, summaries, summary_config, stories, now, added)
            except BaseException as exc:  # nothing was stored: the index forgets what it was told
                for article_id in added if stories is not None else ():
                    stories.discard(article_id)  # type: ignore[union-attr]
                if attempt == 2 or not isinstance(exc, IntegrityError):  # else another process stored one
                    raise
        raise AssertionError("unreachable")

    async def _add_batch(self, articles: Sequence[NewArticle], words: Sequence[Sequence[str]],
                         summaries: Sequence[Summary | None], config: str | None, stories: StoryPlacer | None,
                         now: datetime, added: list[int]) -> list[Stored | None]:
        results: list[Stored | None] = [None] * len(articles)
        async with self._session.begin() as session:
            connection = await session.connection()
            fresh = await fresh_indices(connection, [a.url for a in articles], [a.content_hash for a in articles])
            stored = await insert_batch(connection, [article_values(columns(articles[i])) for i in fresh],
                                        [words[i] for i in fresh] if words else [], stories, added)
            summarised: list[tuple[int, Summary]] = []
            for i, done in zip(fresh, stored, strict=True):
                results[i] = done
                summary = summaries[i] if summaries else None
                if summary is not None:
                    summarised.append((done.article_id, summary))
            if config is not None:
                await insert_summaries(connection, config, summarised, now)
        return results

    async def story_article_ids(self, *, after_id: int, since: datetime, limit: int) -> list[int]:
        """Ids of the articles with a story, fetched since ``since``, with ids above ``after_id``, in order."""
        async with self._session() as session:
            connection = await session.connection()
            found = await connection.scalars(_STORY_IDS, {"after": after_id, "since": since, "most": limit})
            return list(found.all())

    async def story_sources(self, *, ids: Sequence[int]) -> list[StorySource]:
        """These articles' stories, headlines and the openings of their texts, in id order."""
        opening = func.substr(ArticleRow.text, 1, STORY_TEXT_CHARS).label("opening")
        query = (select(ArticleRow.id, ArticleRow.story_id, ArticleRow.title, opening, ArticleRow.language,
                        ArticleRow.fetched_at)
                 .where(ArticleRow.id.in_(ids), ArticleRow.story_id.is_not(None)).order_by(ArticleRow.id))
        async with self._session() as session:
            rows = (await session.execute(query)).all()
        return [StorySource(r.id, r.story_id, r.title, r.opening, r.language, r.fetched_at) for r in rows]

    async def articles_needing_summary(self, *, config: str, since: datetime, limit: int) -> list[PendingText]:
        """Articles fetched since ``since`` that have no summary under ``config`` yet, newest first."""
        done = exists().where(SummaryRow.article_id == ArticleRow.id, SummaryRow.config == config)
        query = (select(ArticleRow.id, ArticleRow.text, ArticleRow.title, ArticleRow.language)
                 .where(ArticleRow.fetched_at >= since, ~done)
                 .order_by(ArticleRow.fetched_at.desc()).limit(limit))
        async with self._session() as session:
            rows = (await session.execute(query)).all()
        return [PendingText(id=r.id, text=r.text, title=r.title, language=r.language) for r in rows]

    async def save_summaries(self, *, config: str, summaries: Mapping[int, Summary], now: datetime) -> None:
        """Store summaries (article id -> summary) under ``config``; ones stored meanwhile are kept."""
        try:
            async with self._session.begin() as session:
                done = set((await session.scalars(select(SummaryRow.article_id).where(
                    SummaryRow.config == config, SummaryRow.article_id.in_(list(summaries))))).all())
                session.add_all(summary_row(article_id, config, summary, now)
                                for article_id, summary in summaries.items() if article_id not in done)
        except IntegrityError:  # another process stored some meanwhile: one at a time, keeping theirs
            for article_id, summary in summaries.items():
                try:
                    async with self._session.begin() as session:
                        session.add(summary_row(article_id, config, summary, now))
                except IntegrityError:
                    continue

    async def recent_articles(self, *, feed_urls: Sequence[str], since: datetime, until: datetime,
                              config: str, text_chars: int | None = None) -> list[ArticleDoc]:
        """Articles of these feeds published (or, undated, fetched) in [since, until), with summaries and
        stories. ``text_chars``: only the opening of each text (a digest reads headlines, summaries and leads);
        0: no text (see :meth:`article_texts`)."""
        return await self._docs(*in_window(feed_urls, since, until), config=config,
                                order=(when.desc(), ArticleRow.id.asc()), text_chars=text_chars)

    async def window_articles(self, *, feed_urls: Sequence[str], since: datetime,
                              until: datetime) -> list[ArticleDoc]:
        """The articles :meth:`recent_articles` reads, in its order, with only what places them in stories and
        ranks those (story, outlet, time, feed): no headline, link, categories or summary (a large window's
        summaries are most of its reading, and only its most important stories are shown; see
        :meth:`articles`)."""
        async with self._session() as session:
            rows = (await (await session.connection()).execute(light_query(feed_urls, since, until))).all()
        return light_docs(rows)

    async def window_stories(self, *, feed_urls: Sequence[str], since: datetime, until: datetime) -> int:
        """How many stories the articles :meth:`recent_articles` reads make at most: their distinct stories and
        those without a story yet (counted in the database, no row read)."""
        async with self._session() as session:
            return int(await session.scalar(story_count(feed_urls, since, until)) or 0)

    async def articles(self, *, ids: Iterable[int], config: str,
                       text_chars: int | None = None) -> dict[int, ArticleDoc]:
        """These articles as :meth:`recent_articles` reads them (``text_chars`` as there), by id."""
        wanted, docs = sorted(set(ids)), dict[int, ArticleDoc]()
        for start in range(0, len(wanted), 500):
            found = await self._docs(ArticleRow.id.in_(wanted[start:start + 500]), config=config,
                                     text_chars=text_chars)
            docs.update((doc.id, doc) for doc in found)
        return docs

    async def article_texts(self, *, ids: Iterable[int], text_chars: int) -> dict[int, str]:
        """The opening ``text_chars`` characters of these articles' texts, by id (ids not stored are absent)."""
        async with self._session() as session:
            return await article_openings(session, ids, text_chars)

    async def _docs(self, *where: ColumnElement[bool], config: str, order: Sequence[ColumnElement[Any]] = (),
                    text_chars: int | None = None) -> list[ArticleDoc]:
        query = docs_query(*where, config=config, order=order, text_chars=text_chars)
        async with self._session() as session:  # Core: the ORM's per-row handling took seconds at 100,000
            rows = (await (await session.connection()).execute(query)).all()
        return docs_of(rows)

    async def save_placements(self, *, region: str, topics: Mapping[int, str], now: datetime) -> None:
        """Record the topic each article (id -> topic) was placed under in ``region``'s digest; a later
        placement of the same article replaces the earlier one."""
        if not topics:
            return
        async with self._session.begin() as session:
            await session.execute(delete(TopicPlacementRow).where(
                TopicPlacementRow.region == region, TopicPlacementRow.article_id.in_(list(topics))))
            session.add_all(TopicPlacementRow(region=region, article_id=article_id, topic=topic[:100], placed_at=now)
                            for article_id, topic in topics.items())

    async def placed_articles(self, *, region: str, since: datetime, before: datetime, config: str,
                              limit: int, text_chars: int | None = None) -> list[tuple[ArticleDoc, str]]:
        """Articles ``region``'s digests placed, published (or fetched) in [since, before), newest first,
        each with its topic: the labelled context of a new digest (``text_chars``: as for :meth:`recent_articles`)."""
        query = (select(TopicPlacementRow.article_id, TopicPlacementRow.topic)
                 .join(ArticleRow, ArticleRow.id == TopicPlacementRow.article_id)
                 .where(TopicPlacementRow.region == region, when >= since, when < before)
                 .order_by(when.desc()).limit(limit))
        async with self._session() as session:
            topics = {row.article_id: row.topic for row in (await session.execute(query)).all()}
        docs = await self._docs(ArticleRow.id.in_(list(topics)), config=config, text_chars=text_chars)
        return [(doc, topics[doc.id]) for doc in docs]

    async def search(self, *, words: str, since: datetime, limit: int, config: str) -> list[ArticleDoc]:
        """Articles fetched since ``since`` matching ``words`` (full-text, in the database), best first."""
        ids = await search_article_ids(self.engine, words=words, since=since, limit=limit)
        docs = {doc.id: doc for doc in await self._docs(ArticleRow.id.in_(ids), config=config)}
        return [docs[i] for i in ids if i in docs]

    async def prune_articles(self, *, before: datetime, batch: int = 500, pause_s: float = 0.05) -> int:
        """Delete the articles fetched before ``before`` with their summaries and search rows, ``batch`` per
        transaction with a pause between, so the bot keeps working meanwhile. Returns how many went."""
        pruned = 0
        while True:
            async with self._session.begin() as session:
                count = await prune_batch(session, before=before, limit=batch)
            pruned += count
            if count < batch:
                return pruned
            await asyncio.sleep(pause_s)

    async def count_articles(self) -> int:
        """How many articles are stored."""
        async with self._session() as session:
            return int(await session.scalar(select(func.count()).select_from(ArticleRow)) or 0)
