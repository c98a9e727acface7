"""How a digest's articles are read: the queries of :meth:`Store.recent_articles` and
:meth:`Store.window_articles`, and their rows as :class:`ArticleDoc`; the openings of articles' texts read later
(:func:`article_openings`, for :meth:`Store.article_texts` and :meth:`Deliveries.article_texts`).

The JSON columns (summaries' sentences, items' categories) are read as text and decoded in one pass for all
rows: decoding them one value at a time was a tenth of a 5,000-article digest build.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, String, func, literal, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from digests.models import ArticleDoc
from digests.store.tables import ArticleRow, FeedRow, SummaryRow

when = func.coalesce(ArticleRow.published_at, ArticleRow.fetched_at)  # an undated article counts when fetched


def in_window(feed_urls: Sequence[str], since: Any, until: Any) -> tuple[ColumnElement[bool], ...]:
    """The conditions of a digest's window: these feeds' articles published (or, undated, fetched) in
    [since, until). The query must join :class:`FeedRow`."""
    return FeedRow.url.in_(feed_urls), when >= since, when < until


def docs_query(*where: ColumnElement[bool], config: str, order: Sequence[ColumnElement[Any]] = (),
               text_chars: int | None = None) -> Select[Any]:
    """Articles with their summaries under ``config`` and their feeds' URLs (``text_chars``: only the opening
    of each text; 0: none; None: all)."""
    text = ArticleRow.text if text_chars is None else \
        literal("") if text_chars <= 0 else func.substr(ArticleRow.text, 1, text_chars)
    return (
        select(ArticleRow.id, ArticleRow.title, text.label("text"), ArticleRow.source, ArticleRow.link,
               ArticleRow.url, when.label("published"), ArticleRow.language, ArticleRow.story_id,
               type_coerce(ArticleRow.categories, String).label("categories"),
               type_coerce(SummaryRow.sentences, String).label("sentences"),
               SummaryRow.language.label("summary_language"), FeedRow.url.label("feed_url"))
        .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
        .outerjoin(SummaryRow, (SummaryRow.article_id == ArticleRow.id) & (SummaryRow.config == config))
        .where(*where).order_by(*order)
    )


def docs_of(rows: Sequence[Row[Any]]) -> list[ArticleDoc]:
    """The rows of :func:`docs_query` as articles."""
    sentences = json_lists([r.sentences for r in rows])
    categories = json_lists([r.categories for r in rows])
    return [
        ArticleDoc(id=r.id, title=r.title, text=r.text, summary=tuple(said or ()), source=r.source, url=r.link,
                   published=r.published, language=r.language or r.summary_language,
                   categories=tuple(kinds or ()), feed_url=r.feed_url, story_id=r.story_id, key=r.url)
        for r, said, kinds in zip(rows, sentences, categories, strict=True)
    ]


def light_query(feed_urls: Sequence[str], since: Any, until: Any) -> Select[*tuple[Any, ...]]:
    """The articles of these feeds in [since, until) in :meth:`Store.recent_articles`' order, with only their
    ids, outlets, times, stories and feeds."""
    return (select(ArticleRow.id, ArticleRow.source, when.label("published"), ArticleRow.story_id,
                   FeedRow.url.label("feed_url"))
            .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
            .where(*in_window(feed_urls, since, until))
            .order_by(when.desc(), ArticleRow.id.asc()))


def story_count(feed_urls: Sequence[str], since: Any, until: Any) -> Select[int]:
    """The most stories the articles of :func:`light_query` make: their distinct stories and those without."""
    counted = func.count(func.distinct(ArticleRow.story_id)) + func.count() - func.count(ArticleRow.story_id)
    return (select(counted).select_from(ArticleRow).join(FeedRow, FeedRow.id == ArticleRow.feed_id)
            .where(*in_window(feed_urls, since, until)))


def light_docs(rows: Sequence[Row[Any]]) -> list[ArticleDoc]:
    """The rows of :func:`light_query` as articles without headline, link, categories, summary or text (a feed's
    URL and an outlet's name held once, not once an article: 15 MB at 120,000 articles)."""
    shared: dict[str, str] = {}
    return [ArticleDoc(id=r.id, title="", text="", summary=(), source=shared.setdefault(r.source, r.source), url="",
                       published=r.published, feed_url=shared.setdefault(r.feed_url, r.feed_url),
                       story_id=r.story_id) for r in rows]


def json_lists(values: Sequence[Any]) -> list[Any]:
    """JSON column values read as text, decoded in one pass (None stays None). A value that arrives decoded
    already (PostgreSQL's driver decodes JSON itself) is kept as it is."""
    raw = [value for value in values if isinstance(value, str)]
    decoded = iter(json.loads("[" + ",".join(raw) + "]") if raw else ())
    return [next(decoded) if isinstance(value, str) else value for value in values]


async def article_openings(session: AsyncSession, ids: Iterable[int], text_chars: int) -> dict[int, str]:
    """The opening ``text_chars`` characters of these articles' texts, by id (ids not stored are absent)."""
    wanted, texts = sorted(set(ids)), dict[int, str]()
    opening = func.substr(ArticleRow.text, 1, text_chars).label("opening")
    for start in range(0, len(wanted), 500):
        query = select(ArticleRow.id, opening).where(ArticleRow.id.in_(wanted[start:start + 500]))
        texts.update((row.id, row.opening) for row in (await session.execute(query)).all())
    return texts
