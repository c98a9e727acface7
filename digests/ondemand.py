"""Stories on request: a page someone sends, summarised; a recent story found by its words.

Both return a :class:`digests.models.Story` (or None when there is none), for the core to answer with.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import Executor
from datetime import datetime
from functools import partial

from digests.compose import REGROUP_UP_TO, source_of
from digests.continuity import development
from digests.extract import extract_article
from digests.fetch import Fetcher
from digests.models import ArticleDoc, SourceRef, Story
from digests.store import Store
from digests.stories import group_stories, merge_summary, story_id
from digests.summarize import SummaryConfig, summarize
from digests.summary_config import summary_key
from digests.urls import host_of


async def summarize_page(fetcher: Fetcher, url: str, *, config: SummaryConfig, deadline_s: float | None = None,
                         executor: Executor | None = None) -> Story | None:
    """Fetch ``url`` through the fetch guard (public addresses only, every hop; within ``deadline_s``),
    extract its article and summarise it; None when the page holds no article text."""
    page = await fetcher.fetch(url, guarded=True, deadline_s=deadline_s)
    loop = asyncio.get_running_loop()
    article = await loop.run_in_executor(executor, partial(extract_article, page.body, url=page.final_url))
    if article is None:
        return None
    summary = await loop.run_in_executor(executor, partial(summarize, article.text, language=article.language,
                                                           config=config, title=article.title))
    title = article.title or url
    source = SourceRef(name=host_of(page.final_url) or url, url=url, title=title)
    return Story(id=story_id([url]), title=title, summary=summary.sentences, sources=(source,), topic="",
                 language=summary.language, published=article.published)


async def find_story(store: Store, words: str, *, feed_urls: Sequence[str], since: datetime, now: datetime,
                     config: SummaryConfig, executor: Executor | None = None) -> Story | None:
    """The recent story that best matches ``words`` (full-text search), with every outlet's article of it, a
    summary merged from theirs, and its development day by day; None when nothing since ``since`` matches."""
    key = summary_key(config)
    found = await store.search(words=words, since=since, limit=1, config=key)
    if not found:
        return None
    recent = await store.recent_articles(feed_urls=list(feed_urls), since=since, until=now, config=key)
    loop = asyncio.get_running_loop()
    story = await loop.run_in_executor(executor, partial(story_of, found[0], recent))
    sentences = merge_summary([d.summary for d in story if d.summary], max_sentences=config.sentences,
                              max_chars=config.max_chars)
    lead = story[0]
    days = development(story, max_sentences=config.sentences, max_chars=config.max_chars)
    return Story(id=story_id([d.url for d in story]), title=lead.title, summary=sentences,
                 sources=first_article_per_outlet(story), topic="", language=lead.language,
                 published=lead.published, article_ids=tuple(d.id for d in story), story_id=lead.story_id,
                 development=days)


def first_article_per_outlet(story: list[ArticleDoc]) -> tuple[SourceRef, ...]:
    """One source per outlet, its first article in the story: the one the headline and the digest show."""
    sources: dict[str, SourceRef] = {}
    for doc in story:
        sources.setdefault(doc.source, source_of(doc))
    return tuple(sources.values())


def story_of(match: ArticleDoc, recent: list[ArticleDoc]) -> list[ArticleDoc]:
    """The articles of ``match``'s story among ``recent``, ``match`` first: as a digest finds them (a few
    hundred recent articles grouped afresh, :mod:`digests.continuity`), else the story it was given when
    stored, or (stored before stories were) the grouping of everything recent."""
    if match.story_id is not None and len(recent) > REGROUP_UP_TO:
        return [match, *(d for d in recent if d.story_id == match.story_id and d.id != match.id)]
    docs = [match, *(d for d in recent if d.id != match.id)]
    group = next(g for g in group_stories(docs) if 0 in g)
    return [docs[i] for i in sorted(group)]
