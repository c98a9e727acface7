"""Retention: articles older than the kept days go, with their summaries and search rows, a batch at a time.

Each batch is its own short transaction, so the bot's reads and writes interleave with a long prune instead of
waiting behind it. Stories stay (story memory: their headline and first and last sighting outlive their
articles), and so do feeds, subscriptions and delivery records, none of which refer to articles.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from digests.store.tables import ArticleRow, SummaryRow


async def prune_batch(session: AsyncSession, *, before: datetime, limit: int) -> int:
    """Delete up to ``limit`` articles fetched before ``before`` (oldest first) and their summaries; the
    full-text rows follow (SQLite triggers, PostgreSQL's index). Returns how many articles went."""
    ids = list((await session.scalars(select(ArticleRow.id).where(ArticleRow.fetched_at < before)
                                      .order_by(ArticleRow.fetched_at).limit(limit))).all())
    if ids:
        await session.execute(delete(SummaryRow).where(SummaryRow.article_id.in_(ids)))
        await session.execute(delete(ArticleRow).where(ArticleRow.id.in_(ids)))
    return len(ids)
