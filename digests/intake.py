"""Storing what a collection pass found: summaries and story words computed in a worker, then one transaction
per batch (a feed's new articles) that also assigns each article its story.

The story index lives in the process that stores articles. Before each batch it catches up with the articles
other processes stored meanwhile (a ``khobor collect`` beside the running bot), and at start it is rebuilt
from the last ``horizon`` of articles in the database, so no story memory is lost on restart.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import TypeVar

from digests.clock import Clock, utcnow
from digests.store import NewArticle, Store
from digests.store.batches import Stored
from digests.story_index import StoryIndex
from digests.summary_config import SummaryConfig
from digests.workers import prepare_texts, run_in, words_of

T = TypeVar("T")
CATCH_UP_CHUNK = 2000  # articles read back from the database, and tokenised in a worker, at once


class Intake:
    """Where the collector hands new articles. ``summary``: summarise as they arrive (stored under
    ``summary_key``); ``stories``: assign stories as they arrive."""

    def __init__(self, store: Store, *, summary: SummaryConfig | None = None, summary_key: str | None = None,
                 stories: StoryIndex | None = None, executor: Executor | None = None,
                 clock: Clock = utcnow, on_summaries: Callable[[int], None] | None = None) -> None:
        """``on_summaries`` is told how many summaries each batch stored (metrics)."""
        self.store = store
        self.on_summaries = on_summaries
        self.summary = summary
        self.summary_key = summary_key
        self.stories = stories
        self.executor = executor
        self.clock = clock
        self._catching_up = asyncio.Lock()
        self._synced = 0  # the newest article id read back from the database

    async def add(self, articles: Sequence[NewArticle]) -> list[Stored | None]:
        """Store a batch (one transaction); per article what was stored, or None for one already there."""
        if not articles:
            return []
        items = [(a.title, a.text, a.language) for a in articles]
        prepared = await self._cpu(prepare_texts, items, self.summary)
        if self.stories is not None:
            await self.catch_up()
        summaries = [summary for summary, _ in prepared]
        stored = await self.store.add_articles(
            articles=articles, words=[words for _, words in prepared], summaries=summaries,
            summary_config=self.summary_key, stories=self.stories, now=self.clock())
        if self.on_summaries is not None and self.summary_key is not None:
            self.on_summaries(sum(1 for s, summary in zip(stored, summaries, strict=True) if s and summary))
        return stored

    async def catch_up(self) -> int:
        """Bring the story index up to date with the database (all of the horizon at first); returns how many
        articles it read."""
        if self.stories is None:
            return 0
        index, read = self.stories, 0
        async with self._catching_up:
            now = self.clock()
            index.expire(now=now)
            while ids := await self.store.story_article_ids(after_id=self._synced, since=now - index.horizon,
                                                            limit=CATCH_UP_CHUNK):
                self._synced = ids[-1]
                # this process's own articles are known already: only the others' texts are read back
                missing = [i for i in ids if i not in index]
                unknown = await self.store.story_sources(ids=missing) if missing else []
                words = await self._cpu(words_of, [(b.title, b.text) for b in unknown]) if unknown else []
                for source, terms in zip(unknown, words, strict=True):
                    index.add(article_id=source.id, story_id=source.story_id, words=terms, language=source.language,
                              arrived=source.fetched_at)
                read += len(unknown)
                if len(ids) < CATCH_UP_CHUNK:
                    break
        return read

    async def _cpu(self, func: Callable[..., T], *args: object) -> T:
        return await run_in(self.executor, func, *args)
