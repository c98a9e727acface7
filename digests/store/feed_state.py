"""The feeds' rows: one a configured feed (named as the settings name it), with its health: when it was last
read, its validators (ETag, Last-Modified), its failures and when to try it again. ``Store`` has these methods
through :class:`FeedStates`; methods take keyword-only arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, bindparam, func, select, update

from digests.store.gate import GatedSessions
from digests.store.tables import ArticleRow, FeedRow

_FEEDS = FeedRow.metadata.tables[FeedRow.__tablename__]


def _value(name: str, column: str) -> BindParameter[Any]:
    return bindparam(name, type_=_FEEDS.c[column].type)


# A feed read, as Core statements built once: one runs for every feed, and building it (and the ORM's handling
# of an UPDATE) cost more than the database's work. _READ_SAME: a 304 keeps the validators.
_READ_SAME = (update(_FEEDS).where(_FEEDS.c.id == bindparam("feed"))
              .values(last_attempt_at=_value("at", "last_attempt_at"), last_success_at=_value("at", "last_success_at"),
                      next_attempt_at=_value("next_at", "next_attempt_at"), consecutive_failures=0,
                      last_error=_value("warning", "last_error"), last_status=_value("status", "last_status")))
_READ_NEW = _READ_SAME.values(etag=_value("new_etag", "etag"), last_modified=_value("new_modified", "last_modified"))


@dataclass(frozen=True, slots=True)
class FeedHealth:
    """A feed's state as shown by ``khobor feeds``."""

    id: int
    url: str
    name: str
    etag: str | None
    last_modified: str | None
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    next_attempt_at: datetime | None
    consecutive_failures: int
    last_error: str | None
    last_status: int | None
    articles: int


class FeedStates:
    """The feeds' part of :class:`digests.store.repo.Store` (which makes ``_session``)."""

    _session: GatedSessions

    async def sync_feeds(self, *, feeds: Iterable[tuple[str, str]], now: datetime) -> dict[str, int]:
        """Make sure every (url, name) has a row; return url -> feed id. Names follow the settings."""
        wanted = dict(feeds)
        async with self._session.begin() as session:
            rows = (await session.scalars(select(FeedRow).where(FeedRow.url.in_(wanted)))).all()
            known = {row.url: row for row in rows}
            for url, name in wanted.items():
                if url not in known:
                    known[url] = FeedRow(url=url, name=name, created_at=now, consecutive_failures=0)
                    session.add(known[url])
                elif known[url].name != name:
                    known[url].name = name
            await session.flush()
            return {url: row.id for url, row in known.items()}

    async def feed_health(self, *, urls: Sequence[str] | None = None) -> list[FeedHealth]:
        """Health of the given feeds (all when ``urls`` is None), with their article counts."""
        counts = (select(ArticleRow.feed_id, func.count().label("n"))
                  .group_by(ArticleRow.feed_id).subquery())
        query = select(FeedRow, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.feed_id == FeedRow.id)
        if urls is not None:
            query = query.where(FeedRow.url.in_(urls))
        async with self._session() as session:
            result = (await session.execute(query.order_by(FeedRow.id))).all()
        return [_health(row, int(n)) for row, n in result]

    async def record_feed_success(self, *, feed_id: int, now: datetime, status: int, etag: str | None,
                                  last_modified: str | None, next_attempt_at: datetime,
                                  warning: str | None = None) -> None:
        """The feed was read (``warning`` notes a partly broken feed); reset its failures."""
        params: dict[str, object] = {"feed": feed_id, "at": now, "next_at": next_attempt_at, "warning": warning,
                                     "status": status}
        if status != 304:
            params |= {"new_etag": etag, "new_modified": last_modified}
        async with self._session.begin() as session:
            await (await session.connection()).execute(_READ_SAME if status == 304 else _READ_NEW, params)

    async def record_feed_failure(self, *, feed_id: int, now: datetime, error: str, status: int | None,
                                  next_attempt_at: datetime) -> None:
        """The feed could not be read; count the failure and set when to try again."""
        async with self._session.begin() as session:
            await session.execute(
                update(FeedRow).where(FeedRow.id == feed_id).values(
                    last_attempt_at=now, next_attempt_at=next_attempt_at, last_error=error[:2000],
                    last_status=status, consecutive_failures=FeedRow.consecutive_failures + 1,
                )
            )


def _health(row: FeedRow, articles: int) -> FeedHealth:
    return FeedHealth(
        id=row.id, url=row.url, name=row.name, etag=row.etag, last_modified=row.last_modified,
        last_attempt_at=row.last_attempt_at, last_success_at=row.last_success_at,
        next_attempt_at=row.next_attempt_at, consecutive_failures=row.consecutive_failures,
        last_error=row.last_error, last_status=row.last_status, articles=articles,
    )
