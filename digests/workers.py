"""Functions that run in worker processes. This module imports only what they need (no database)."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Sequence

from digests.extract import extract_article
from digests.models import ExtractedArticle, Summary
from digests.story_words import story_words
from digests.summarize import SummaryConfig, summarize
from digests.urls import content_hash

# Texts shorter than this are too generic ("Read the full story") to identify an article by content.
MIN_HASHED_TEXT = 200

PARENT_CHECK_S = 0.5


def init_worker(parent_pid: int) -> None:
    """Set up a worker process: Ctrl-C is the parent's to handle (no traceback from here), and the worker
    exits when its parent is gone, even killed with SIGKILL, instead of running on as an orphan."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), name="parent-watch", daemon=True).start()


def _exit_with_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(PARENT_CHECK_S)
    os._exit(1)  # the parent died: nobody will read our results


def read_page(html: bytes, *, url: str, dated: bool) -> tuple[ExtractedArticle | None, str | None]:
    """A collected page's article (:func:`digests.extract.extract_article`) and the content hash that identifies
    it when its text is long enough (hashing a text costs as much as storing it: done here, not in the
    process that stores)."""
    article = extract_article(html, url=url, dated=dated)
    if article is None or len(article.text) < MIN_HASHED_TEXT:
        return article, None
    return article, content_hash(article.text)


def read_pages(pages: Sequence[tuple[bytes, str, bool]]) -> list[tuple[ExtractedArticle | None, str | None]]:
    """:func:`read_page` of (html, url, dated) triples, in one trip to a worker (see :mod:`digests.page_reader`)."""
    return [read_page(html, url=url, dated=dated) for html, url, dated in pages]


def summarize_texts(texts: Sequence[tuple[str, str | None]], config: SummaryConfig) -> list[Summary]:
    """Summarise (text, language) pairs in one trip to a worker."""
    return [summarize(text, language=language, config=config) for text, language in texts]


def prepare_texts(items: Sequence[tuple[str, str, str | None]],
                  config: SummaryConfig | None) -> list[tuple[Summary | None, list[str]]]:
    """For (title, text, language) triples of articles about to be stored: the summary (when ``config`` is
    given) and the words that identify the article's story, in one trip to a worker."""
    return [(summarize(text, language=language, config=config) if config is not None and text else None,
             story_words(title, text)) for title, text, language in items]


def words_of(items: Sequence[tuple[str, str]]) -> list[list[str]]:
    """The story words of (title, text) pairs (rebuilding the story index from the database)."""
    return [story_words(title, text) for title, text in items]
