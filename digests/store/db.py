"""Opening the database: engine, SQLite pragmas, and Alembic migrations applied on start (Alembic is imported
only when the schema is behind: 0.15 s of every command's start otherwise)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from digests.errors import StoreError

MIGRATIONS = Path(__file__).parent / "migrations"
HEAD = "0008_i16m"  # the newest migration's revision (tests/digests/test_store.py checks it against Alembic's head)
CONNECT_TIMEOUT_S = 10.0
MIGRATION_LOCK = 0x6B686F6D6967  # "khomig": serialises migrations; not the leader lock ("khobor"), which a running
# leader holds for its lifetime (the same key would keep every other instance from starting)


def create_engine(url: str, *, connect_timeout_s: float = CONNECT_TIMEOUT_S) -> AsyncEngine:
    """An async engine for ``url``; SQLite gets its folder created, WAL, foreign keys and a busy timeout;
    PostgreSQL a connect timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(url, pool_pre_ping=True, connect_args={"timeout": connect_timeout_s})
    if parsed.database and parsed.database != ":memory:":
        try:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"store: cannot make the folder of {parsed.database} ({exc.strerror}); check "
                             "data_dir / KHOBOR_DATA_DIR") from None
    engine = create_async_engine(url, connect_args={"timeout": 30})
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _upgrade(connection: Connection) -> None:
    # One migration at a time, across processes: two instances starting together on a fresh database
    # would both create the tables. The lock is held until the migration's transaction ends.
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock, before reading the schema version
    if _revision(connection) == HEAD:
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _revision(connection: Connection) -> str | None:
    """The schema's revision (Alembic's ``alembic_version`` row), None on a database without one."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


async def migrate(engine: AsyncEngine, *, timeout_s: float = CONNECT_TIMEOUT_S) -> None:
    """Bring the schema to the newest migration, one process at a time. Safe to call on every start.

    A database that does not answer within ``timeout_s`` (waiting for another process's migration
    included) is a :class:`StoreError` saying so."""
    where = engine.url.render_as_string(hide_password=True)
    try:
        async with asyncio.timeout(timeout_s * 3), engine.begin() as connection:
            await connection.run_sync(_upgrade)
    except TimeoutError:
        raise StoreError(f"store: {where} did not answer in time (connecting: {timeout_s:g} s, migrating: "
                         f"{timeout_s * 3:g} s); check that the database server is up and that [storage] url / "
                         "KHOBOR_DATABASE_URL points at it") from None
    except (SQLAlchemyError, OSError) as exc:
        raise StoreError(f"store: cannot open or migrate {where}: {exc.__class__.__name__}: {exc}; "
                         "check [storage] url / KHOBOR_DATABASE_URL and that the database is reachable") from exc


async def open_database(url: str, *, timeout_s: float = CONNECT_TIMEOUT_S) -> AsyncEngine:
    """Create the engine and apply migrations (the engine is disposed of when that fails)."""
    engine = create_engine(url, connect_timeout_s=timeout_s)
    try:
        await migrate(engine, timeout_s=timeout_s)
    except BaseException:
        await engine.dispose()
        raise
    return engine
