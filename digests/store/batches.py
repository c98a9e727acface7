"""Writing collected articles in batches: one transaction stores a feed's new articles, their summaries and
their stories, instead of a session (and, on SQLite, a thread hop and a commit) per article and per check.

Rows are written with Core statements (``INSERT ... RETURNING id``; the summaries in one executemany), not ORM
objects: the unit of work's flush per article cost more CPU than the database's own work. Each article still
goes in one at a time, after its story is decided, so the next article of the batch can join that story.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import bindparam, case, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from digests.clean import MAX_TEXT_CHARS, MAX_TITLE_CHARS, clip, scrub
from digests.models import Summary
from digests.store.tables import ArticleRow, StoryRow, SummaryRow

MAX_AUTHOR_CHARS = 300
_ARTICLES = ArticleRow.metadata.tables[ArticleRow.__tablename__]
_STORIES = StoryRow.metadata.tables[StoryRow.__tablename__]
_SUMMARIES = SummaryRow.metadata.tables[SummaryRow.__tablename__]
# Built once, values bound at execution: building a statement (and coercing the values into it) cost more than
# running it.
# The stored articles with one of a batch's URLs or texts: one query (each is a trip to the database's thread).
_KNOWN = select(_ARTICLES.c.url, _ARTICLES.c.content_hash).where(or_(
    _ARTICLES.c.url.in_(bindparam("urls", expanding=True)),
    _ARTICLES.c.content_hash.in_(bindparam("hashes", expanding=True))))
_INSERT_ARTICLE = insert(_ARTICLES).returning(_ARTICLES.c.id)
_INSERT_STORY = insert(_STORIES).returning(_STORIES.c.id)
_MAX_ARTICLE = select(func.max(_ARTICLES.c.id))
_MAX_IDS = select(select(func.max(_ARTICLES.c.id)).scalar_subquery(), select(func.max(_STORIES.c.id)).scalar_subquery())
_SEEN = bindparam("seen", type_=_STORIES.c.last_seen.type)
_JOIN_STORIES = (update(_STORIES).where(_STORIES.c.id == bindparam("story"))
                 .values(articles=_STORIES.c.articles + bindparam("more"),
                         last_seen=case((_STORIES.c.last_seen < _SEEN, _SEEN), else_=_STORIES.c.last_seen)))


class StoryPlacer(Protocol):
    """What a batch needs from the story index (:class:`digests.story_index.StoryIndex`)."""

    def match(self, words: Sequence[str], language: str | None) -> int | None: ...

    def add(self, *, article_id: int, story_id: int, words: Sequence[str], language: str | None,
            arrived: datetime) -> None: ...

    def discard(self, article_id: int) -> None: ...


@dataclass(frozen=True, slots=True)
class Stored:
    """A stored article's id and its story (None when no story index was given)."""

    article_id: int
    story_id: int | None


async def fresh_indices(connection: AsyncConnection, urls: Sequence[str], hashes: Sequence[str]) -> list[int]:
    """Which items are not stored yet (by canonical URL or content hash), the first of repeats in the batch."""
    known = (await connection.execute(_KNOWN, {"urls": list(set(urls)), "hashes": list(set(hashes))})).all()
    known_urls = {url for url, _ in known}
    known_hashes = {digest for _, digest in known}
    fresh: list[int] = []
    for i, (url, digest) in enumerate(zip(urls, hashes, strict=True)):
        if url in known_urls or digest in known_hashes:
            continue
        known_urls.add(url)
        known_hashes.add(digest)
        fresh.append(i)
    return fresh


def article_values(values: dict[str, Any]) -> dict[str, Any]:
    """An article's column values with title, text and author cut to the stored maximums (a hostile feed can
    send megabytes) and lone surrogates replaced (the database would refuse the text)."""
    author = values.get("author")
    return values | {"title": clip(scrub(values["title"]), MAX_TITLE_CHARS),
                     "text": clip(scrub(values["text"]), MAX_TEXT_CHARS),
                     "author": clip(scrub(author), MAX_AUTHOR_CHARS) if author else None}


async def insert_batch(connection: AsyncConnection, rows: Sequence[dict[str, Any]], words: Sequence[Sequence[str]],
                       placer: StoryPlacer | None, added: list[int]) -> list[Stored]:
    """Insert articles (``rows``: their columns, see :func:`article_values`), each with its story found or
    started in order, so an article can join a story started earlier in the batch. ``added`` collects the ids
    the story index was told of (to forget them if the transaction fails).

    On SQLite, whose writer holds the database for the whole transaction, the ids are the next ones after the
    largest (what SQLite itself would give) and all rows go in one executemany per table; an id taken by another
    process meanwhile fails the transaction with an IntegrityError, which the caller retries. Elsewhere rows go
    one at a time with ``RETURNING``."""
    if not rows:
        return []
    if connection.dialect.name != "sqlite":
        stored = []
        for row, terms in zip(rows, words or [()] * len(rows), strict=True):
            stored.append(await insert_article(connection, row, terms, placer))
            added.append(stored[-1].article_id)
        return stored
    if placer is None:
        next_article = (await connection.scalar(_MAX_ARTICLE) or 0) + 1
        rows = [row | {"id": next_article + k} for k, row in enumerate(rows)]
        await connection.execute(insert(_ARTICLES), rows)
        return [Stored(row["id"], None) for row in rows]
    last_article, last_story = (await connection.execute(_MAX_IDS)).one()
    next_article = (last_article or 0) + 1
    placed = _Placement(placer, (last_story or 0) + 1)
    rows = [row | {"id": next_article + k} for k, row in enumerate(rows)]
    for row, terms in zip(rows, words or [()] * len(rows), strict=True):
        row["story_id"] = placed.place(row, terms)
        added.append(row["id"])
    if placed.new:
        await connection.execute(insert(_STORIES), list(placed.new.values()))
    if placed.joined:
        await connection.execute(_JOIN_STORIES, [{"story": story, "more": more, "seen": seen}
                                                 for story, (more, seen) in placed.joined.items()])
    await connection.execute(insert(_ARTICLES), rows)
    return [Stored(row["id"], row["story_id"]) for row in rows]


class _Placement:
    """A batch's story decisions, made in order with ids known in advance: the new stories' rows, and per
    existing story how many articles joined and the latest time among them."""

    def __init__(self, placer: StoryPlacer, next_story: int) -> None:
        self.placer = placer
        self.next_story = next_story
        self.new: dict[int, dict[str, Any]] = {}
        self.joined: dict[int, tuple[int, datetime]] = {}

    def place(self, row: dict[str, Any], words: Sequence[str]) -> int:
        when: datetime = row["published_at"] or row["fetched_at"]
        story = self.placer.match(words, row["language"])
        if story is None:
            story, self.next_story = self.next_story, self.next_story + 1
            self.new[story] = {"id": story, "language": row["language"], "title": row["title"], "first_seen": when,
                               "last_seen": when, "articles": 1}
        elif story in self.new:
            new = self.new[story]
            new["articles"] += 1
            new["last_seen"] = max(new["last_seen"], when)
        else:
            more, seen = self.joined.get(story, (0, when))
            self.joined[story] = (more + 1, max(seen, when))
        self.placer.add(article_id=row["id"], story_id=story, words=words, language=row["language"],
                        arrived=row["fetched_at"])
        return story


async def insert_article(connection: AsyncConnection, values: dict[str, Any], words: Sequence[str],
                         placer: StoryPlacer | None) -> Stored:
    """Insert one article (``values``: its columns, see :func:`article_values`), its story found or started
    first."""
    if placer is None:
        return Stored(_id(await connection.scalar(_INSERT_ARTICLE, values)), None)
    when = values["published_at"] or values["fetched_at"]
    story_id = placer.match(words, values["language"])
    if story_id is None:
        story_id = _id(await connection.scalar(_INSERT_STORY, {
            "language": values["language"], "title": values["title"], "first_seen": when, "last_seen": when,
            "articles": 1}))
    else:
        await connection.execute(_JOIN_STORIES, {"story": story_id, "more": 1, "seen": when})
    article_id = _id(await connection.scalar(_INSERT_ARTICLE, values | {"story_id": story_id}))
    placer.add(article_id=article_id, story_id=story_id, words=words, language=values["language"],
               arrived=values["fetched_at"])
    return Stored(article_id, story_id)


async def insert_summaries(connection: AsyncConnection, config: str, summaries: Sequence[tuple[int, Summary]],
                           now: datetime) -> None:
    """Insert (article id, summary) pairs under ``config`` in one statement."""
    if summaries:
        await connection.execute(insert(_SUMMARIES), [
            {"article_id": article_id, "config": config, "sentences": list(summary.sentences),
             "algorithm": summary.algorithm, "language": summary.language, "created_at": now}
            for article_id, summary in summaries])


def summary_row(article_id: int, config: str, summary: Summary, now: datetime) -> SummaryRow:
    return SummaryRow(article_id=article_id, config=config, sentences=list(summary.sentences),
                      algorithm=summary.algorithm, language=summary.language, created_at=now)


def _id(value: object) -> int:
    if not isinstance(value, int):
        raise RuntimeError(f"store: the database returned {value!r} for a new row's id")
    return value
