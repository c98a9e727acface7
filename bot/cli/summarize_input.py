"""What `khobor summarize` reads: a URL (through the fetch guard), a file, or standard input."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.app import fetch_config
from bot.core.summary import link_scheme
from bot.errors import UsageError
from bot.settings import Settings
from digests.clean import looks_binary
from digests.extract import extract_article, looks_like_html
from digests.fetch import Fetcher


async def read_target(target: str, settings: Settings) -> tuple[str | None, str]:
    """(title, text) of ``target``: an http(s) URL, ``-`` for standard input, or a file path."""
    if link_scheme(target) in ("http", "https"):
        async with Fetcher(fetch_config(settings)) as fetcher:
            # a user's URL: public addresses only, answered within the same deadline as `summary URL`
            page = await fetcher.fetch(target, guarded=True, deadline_s=settings.summary.url_deadline_seconds)
        return await asyncio.to_thread(text_of, page.body, url=page.final_url, name=target)
    return await asyncio.to_thread(read_local, target)


def read_local(target: str) -> tuple[str | None, str]:
    """(title, text) of a file, or of standard input for ``-``."""
    if target == "-":
        return text_of(sys.stdin.buffer.read(), url="stdin:", name="standard input")
    if link_scheme(target) is not None:
        raise UsageError(f"{target}: only http and https URLs can be summarised")
    path = Path(target)
    try:
        return text_of(path.read_bytes(), url=path.resolve().as_uri(), name=target)
    except OSError as exc:
        raise UsageError(f"{target}: cannot read it ({exc.strerror}); give a URL, a file or -") from None


def text_of(body: bytes, *, url: str, name: str) -> tuple[str | None, str]:
    """An HTML page's article (title, text), or plain text as it is; binary files are refused."""
    if looks_binary(body):
        raise UsageError(f"{name}: this is a binary file (an archive, a program or an image), not text; "
                         "give an article's URL, an HTML page or a text file")
    if looks_like_html(body):
        article = extract_article(body, url=url)
        if article is None:
            raise UsageError(f"{name}: no article text found on the page (paywall or script-only page?)")
        return article.title, article.text
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        raise UsageError(f"{name}: nothing to summarise (empty)")
    return None, text
