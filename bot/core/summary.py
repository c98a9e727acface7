"""The `summary TARGET` command: a URL (through the fetch guard) or words matching a recent story."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime

from bot.core.ports import Newsroom, Reply
from digests.models import Story

SEARCH_DAYS = 3
FETCH_SHARE = 0.75  # of a `summary URL`'s deadline, for the fetch; the rest for extraction and the summary
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*)://\S", re.IGNORECASE)


def link_scheme(target: str) -> str | None:
    """The scheme when ``target`` is a link (``https``, ``HTTP``, ``ftp``...), None when it is words."""
    found = _SCHEME.match(target.strip())
    return found.group(1).lower() if found else None


async def summary_reply(news: Newsroom, target: str, *, now: datetime, url_deadline_s: float) -> Reply:
    """Summarise ``target``: fetched and extracted when it is a URL, else the best matching recent story."""
    scheme = link_scheme(target)
    if scheme in ("http", "https"):
        return await _url_summary(news, target.strip(), deadline_s=url_deadline_s)
    if scheme is not None:
        return Reply(f"summary: only http and https links can be summarised, not {scheme}://; give a web page's "
                     "address, or some words to find a recent story", ok=False)
    story = await news.find_story(target, now=now, days=SEARCH_DAYS)
    if story is None:
        return Reply(f"No story matches {target!r} in the last {SEARCH_DAYS} days.", ok=False)
    return _reply(story)


async def _url_summary(news: Newsroom, url: str, *, deadline_s: float) -> Reply:
    """Any channel member can send a URL: the answer comes within the deadline, a summary or a failure."""
    try:
        async with asyncio.timeout(deadline_s):
            story = await news.summarize_url(url, deadline_s=deadline_s * FETCH_SHARE)
    except TimeoutError:
        return Reply(f"I could not summarise {url} within {deadline_s:g} s (the site is slow); try again later.",
                     ok=False)
    if story is None:
        return Reply(f"I could not find article text at {url} (a paywall or a script-only page?).", ok=False)
    return _reply(story)


def _reply(story: Story) -> Reply:
    outlets = "1 outlet" if len(story.sources) == 1 else f"{len(story.sources)} outlets"
    if len(story.development) < 2:
        return Reply(f"Summary ({outlets}):", story=story)
    days = len(story.development)
    return Reply(f"Summary ({outlets}, over {days} days). How it developed:", story=story,
                 lines=development_lines(story))


def development_lines(story: Story) -> tuple[str, ...]:
    """Each day of a story's development on a line: the day, its outlets, its new facts (third-party text:
    the adapters show these lines plain)."""
    lines = []
    for day in story.development:
        facts = " ".join(day.sentences) or "(no new facts; more outlets reported it)"
        lines.append(f"{day.day} · {', '.join(day.outlets)}: {facts}")
    return tuple(lines)
