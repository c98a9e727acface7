"""Full-text search over stored articles, in the database: FTS5 (SQLite) or tsvector (PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

import regex
from sqlalchemy import TextClause, bindparam, text
from sqlalchemy.ext.asyncio import AsyncEngine

from digests.store.tables import UTCDateTime

_TERM = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}\u200c\u200d]*")
MAX_TERMS = 12

_SQLITE = """
SELECT a.id FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
WHERE articles_fts MATCH :query AND a.fetched_at >= :since
ORDER BY bm25(articles_fts, 3.0, 1.0) LIMIT :limit
"""
_POSTGRES = """
SELECT a.id FROM articles a, websearch_to_tsquery('simple', :query) q
WHERE to_tsvector('simple', coalesce(a.title, '') || ' ' || coalesce(a.text, '')) @@ q AND a.fetched_at >= :since
ORDER BY ts_rank_cd(to_tsvector('simple', coalesce(a.title, '') || ' ' || coalesce(a.text, '')), q) DESC,
         a.fetched_at DESC
LIMIT :limit
"""


def search_terms(words: str) -> list[str]:
    """The words of a query as plain terms: no operators, no syntax of either engine."""
    return [term.casefold() for term in _TERM.findall(words)][:MAX_TERMS]


def _statement(dialect: str, terms: list[str]) -> tuple[TextClause, str]:
    if dialect == "sqlite":
        # Each term quoted (FTS5 string syntax), any of them may match; bm25 ranks more matches higher.
        sql, query = _SQLITE, " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
    else:
        sql, query = _POSTGRES, " or ".join(terms)
    return text(sql).bindparams(bindparam("since", type_=UTCDateTime())), query


async def search_article_ids(engine: AsyncEngine, *, words: str, since: datetime, limit: int) -> list[int]:
    """Ids of articles fetched since ``since`` that match ``words``, best first."""
    terms = search_terms(words)
    if not terms:
        return []
    statement, query = _statement(engine.dialect.name, terms)
    params = {"query": query, "since": since, "limit": limit}
    async with engine.connect() as connection:
        rows = (await connection.execute(statement, params)).all()
    return [int(row[0]) for row in rows]
