"""Functions that run in worker processes. This module imports only what they need (no database)."""

from __future__ import annotations

from collections.abc import Sequence

from digests.models import Summary
from digests.summarize import SummaryConfig, summarize


def summarize_texts(texts: Sequence[tuple[str, str | None]], config: SummaryConfig) -> list[Summary]:
    """Summarise (text, language) pairs in one trip to a worker."""
    return [summarize(text, language=language, config=config) for text, language in texts]
