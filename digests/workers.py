"""Functions that run in worker processes. This module imports only what they need (no database)."""

from __future__ import annotations

from collections.abc import Sequence

from digests.models import Summary
from digests.story_index import story_words
from digests.summarize import SummaryConfig, summarize


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
