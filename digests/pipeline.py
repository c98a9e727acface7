"""Pipeline stages over the store that run after collection: summarising new articles once."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import Executor
from datetime import datetime
from functools import partial

from digests.store import PendingText, Store
from digests.summarize import SummaryConfig
from digests.workers import summarize_texts

# Articles handed to a worker at once: large enough to amortise the trip, small enough to spread work.
CHUNK = 16


def summary_key(config: SummaryConfig) -> str:
    """The name summaries are stored under; a new configuration gets its own summaries."""
    return f"{config.algorithm}:{config.sentences}:{config.max_chars}"


async def summarize_pending(store: Store, *, config: SummaryConfig, since: datetime, now: datetime,
                            executor: Executor | None = None, batch: int = 256) -> int:
    """Summarise every article fetched since ``since`` that has no summary under ``config``; returns how many."""
    key, done = summary_key(config), 0
    loop = asyncio.get_running_loop()
    while pending := await store.articles_needing_summary(config=key, since=since, limit=batch):
        chunks = [pending[i:i + CHUNK] for i in range(0, len(pending), CHUNK)]
        results = await asyncio.gather(*(
            loop.run_in_executor(executor, partial(summarize_texts, _inputs(chunk), config)) for chunk in chunks
        ))
        summaries = {item.id: summary for chunk, out in zip(chunks, results, strict=True)
                     for item, summary in zip(chunk, out, strict=True)}
        await store.save_summaries(config=key, summaries=summaries, now=now)
        done += len(summaries)
        if len(pending) < batch:
            break
    return done


def _inputs(chunk: Sequence[PendingText]) -> list[tuple[str, str | None]]:
    return [(item.text, item.language) for item in chunk]
