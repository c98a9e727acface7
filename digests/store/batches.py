"""Writing collected articles in batches: one transaction stores a feed's new articles, their summaries and
their stories, instead of a session (and, on SQLite, a thread hop and a commit) per article and per check."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from digests.models import Summary
from digests.store.tables import ArticleRow, StoryRow, SummaryRow


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


async def fresh_indices(session: AsyncSession, urls: Sequence[str], hashes: Sequence[str]) -> list[int]:
    """Which items are not stored yet (by canonical URL or content hash), the first of repeats in the batch."""
    known_urls = set((await session.scalars(select(ArticleRow.url).where(ArticleRow.url.in_(set(urls))))).all())
    known_hashes = set((await session.scalars(
        select(ArticleRow.content_hash).where(ArticleRow.content_hash.in_(set(hashes))))).all())
    fresh: list[int] = []
    for i, (url, digest) in enumerate(zip(urls, hashes, strict=True)):
        if url in known_urls or digest in known_hashes:
            continue
        known_urls.add(url)
        known_hashes.add(digest)
        fresh.append(i)
    return fresh


async def insert_article(session: AsyncSession, row: ArticleRow, words: Sequence[str],
                         placer: StoryPlacer | None) -> Stored:
    """Insert one article (the session flushes it), its story found or started first."""
    if placer is None:
        session.add(row)
        await session.flush()
        return Stored(row.id, None)
    when = row.published_at or row.fetched_at
    story_id = placer.match(words, row.language)
    if story_id is None:
        story = StoryRow(language=row.language, title=row.title, first_seen=when, last_seen=when, articles=1)
        session.add(story)
        await session.flush()
        story_id = story.id
    else:
        await session.execute(update(StoryRow).where(StoryRow.id == story_id).values(articles=StoryRow.articles + 1))
        await session.execute(update(StoryRow).where(StoryRow.id == story_id, StoryRow.last_seen < when)
                              .values(last_seen=when))
    row.story_id = story_id
    session.add(row)
    await session.flush()
    placer.add(article_id=row.id, story_id=story_id, words=words, language=row.language, arrived=row.fetched_at)
    return Stored(row.id, story_id)


def summary_row(article_id: int, config: str, summary: Summary, now: datetime) -> SummaryRow:
    return SummaryRow(article_id=article_id, config=config, sentences=list(summary.sentences),
                      algorithm=summary.algorithm, language=summary.language, created_at=now)

