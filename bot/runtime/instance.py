"""One `khobor run` per SQLite database.

SQLite has no leader election (PostgreSQL's advisory lock, :mod:`bot.leader`), and two schedulers on one
database would deliver every digest twice. So `khobor run` holds an exclusive lock on ``<database>.lock``
beside the database file for as long as it runs; a second one is refused at once with the first one's
process id. The operating system releases the lock when the process ends, even when it is killed, so a
crash never leaves a stale lock behind. While it holds it, no other `khobor run` lives on this database, so a
delivery leased by another process is a dead one's (:func:`sole_owner`): taken over at once, not after its lease.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.errors import BotError


class AlreadyRunningError(BotError):
    """Another `khobor run` holds this SQLite database."""


_held: set[Path] = set()  # the lock files this process holds now


def sole_owner(database_url: str) -> bool:
    """True while this process holds the database's instance lock (SQLite): no other `khobor run` is alive on it."""
    path = lock_path(database_url)
    return path is not None and path.resolve() in _held


def lock_path(database_url: str) -> Path | None:
    """``<database>.lock`` for a SQLite file; None for PostgreSQL and in-memory SQLite."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database + ".lock")


@contextmanager
def single_instance(database_url: str) -> Iterator[None]:
    """Hold the database's instance lock while the block runs; raise AlreadyRunningError if it is taken."""
    path = lock_path(database_url)
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise AlreadyRunningError(
                f"run: another khobor is already running on {path.with_suffix('')} (process {holder}); with "
                "SQLite run one instance: stop that one first, or use PostgreSQL to run several") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        _held.add(path.resolve())
        try:
            yield
        finally:
            _held.discard(path.resolve())
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
