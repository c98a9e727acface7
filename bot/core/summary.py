"""The `summary TARGET` command: a URL (through the fetch guard) or words matching a recent story."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from bot.app import App, summary_config
from bot.core.ports import Reply
from digests.compose import source_of
from digests.extract import extract_article
from digests.models import ArticleDoc, SourceRef, Story
from digests.pipeline import summary_key
from digests.stories import group_stories, merge_summary, story_id
from digests.summarize import summarize
from digests.urls import host_of

SEARCH_DAYS = 3
FETCH_SHARE = 0.75  # of a `summary URL`'s deadline, for the fetch; the rest for extraction and the summary


async def summary_reply(app: App, target: str, *, now: datetime) -> Reply:
    """Summarise ``target``: fetched and extracted when it is a URL, else the best matching recent story."""
    if target.startswith(("http://", "https://")):
        return await _url_summary(app, target)
    return await _story_summary(app, target, now=now)


async def _url_summary(app: App, url: str) -> Reply:
    """Any channel member can send a URL: the answer comes within the deadline, a summary or a failure."""
    limit = app.settings.summary.url_deadline_seconds
    try:
        async with asyncio.timeout(limit):
            return await _summarise_url(app, url, fetch_deadline=limit * FETCH_SHARE)
    except TimeoutError:
        return Reply(f"I could not summarise {url} within {limit:g} s (the site is slow); try again later.",
                     ok=False)


async def _summarise_url(app: App, url: str, *, fetch_deadline: float) -> Reply:
    # a user's URL: public addresses only, every hop
    page = await app.fetcher.fetch(url, guarded=True, deadline_s=fetch_deadline)
    article = await app.run_cpu(extract_article, page.body, url=page.final_url)
    if article is None:
        return Reply(f"I could not find article text at {url} (a paywall or a script-only page?).", ok=False)
    summary = await app.run_cpu(summarize, article.text, language=article.language,
                                config=summary_config(app.settings))
    title = article.title or url
    source = SourceRef(name=host_of(page.final_url) or url, url=url, title=title)
    return _reply(Story(id=story_id([url]), title=title, summary=summary.sentences, sources=(source,), topic="",
                        language=summary.language, published=article.published))


async def _story_summary(app: App, words: str, *, now: datetime) -> Reply:
    await app.summarize_pending(now=now, days=SEARCH_DAYS)
    config, since = summary_config(app.settings), now - timedelta(days=SEARCH_DAYS)
    found = await app.store.search(words=words, since=since, limit=1, config=summary_key(config))
    if not found:
        return Reply(f"No story matches {words!r} in the last {SEARCH_DAYS} days.", ok=False)
    # The best match's story: the articles of the same event among everything recent, not only the matches.
    urls = [f.url for r in app.settings.regions for f in r.feeds]
    recent = await app.store.recent_articles(feed_urls=urls, since=since, until=now + timedelta(minutes=1),
                                             config=summary_key(config))
    story = await app.run_cpu(story_of, found[0], recent)
    sentences = merge_summary([d.summary for d in story if d.summary], max_sentences=config.sentences,
                              max_chars=config.max_chars)
    lead = story[0]
    return _reply(Story(id=story_id([d.url for d in story]), title=lead.title, summary=sentences,
                        sources=first_article_per_outlet(story), topic="", language=lead.language,
                        published=lead.published, article_ids=tuple(d.id for d in story)))


def first_article_per_outlet(story: list[ArticleDoc]) -> tuple[SourceRef, ...]:
    """One source per outlet, its first article in the story: the one the headline and the digest show."""
    sources: dict[str, SourceRef] = {}
    for doc in story:
        sources.setdefault(doc.source, source_of(doc))
    return tuple(sources.values())


def story_of(match: ArticleDoc, recent: list[ArticleDoc]) -> list[ArticleDoc]:
    """The articles of ``match``'s story among ``recent``, ``match`` first: the story it was given when stored,
    or (stored before stories were) the grouping of everything recent."""
    if match.story_id is not None:
        return [match, *(d for d in recent if d.story_id == match.story_id and d.id != match.id)]
    docs = [match, *(d for d in recent if d.id != match.id)]
    group = next(g for g in group_stories(docs) if 0 in g)
    return [docs[i] for i in sorted(group)]


def _reply(story: Story) -> Reply:
    outlets = "1 outlet" if len(story.sources) == 1 else f"{len(story.sources)} outlets"
    return Reply(f"Summary ({outlets}):", story=story)
