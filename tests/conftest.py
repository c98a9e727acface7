"""Shared fixtures: databases (SQLite always, PostgreSQL when KHOBOR_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from digests.store import Store, open_database
from tests.fakes.stories import day_of_news
from tests.fakes.webserver import WebServer

POSTGRES_URL = os.environ.get("KHOBOR_TEST_POSTGRES_URL")
# The decompressed language model (digests.language.model_cache) is kept out of the home directory, in one place
# for all the tests' processes.
os.environ.setdefault("KHOBOR_CACHE_DIR", os.path.join(tempfile.gettempdir(), "khobor-test-cache"))
SHARED = Path(__file__).resolve().parents[2] / "shared"

# Property tests (tests/**/test_*_properties.py): the same examples on every run and machine (derandomized, no
# example database), bounded so each property takes seconds; HYPOTHESIS_PROFILE=deep searches at random, twenty
# times as many examples (tests.strategies.examples).
settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("deep", parent=settings.get_profile("ci"), derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def shared_data(*parts: str) -> Path:
    """A path in ../shared/data, or skip the test saying why."""
    path = SHARED.joinpath("data", *parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the evaluation data in ../shared is not beside this checkout")
    return path


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, empty database on each backend: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'khobor.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need KHOBOR_TEST_POSTGRES_URL (.ci/run starts a server and sets it)")
    name = f"khobor_t_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f"CREATE DATABASE {name}"))
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    async with admin.connect() as conn:
        await conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    await admin.dispose()


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    """A migrated store on each backend."""
    repo = Store(await open_database(database_url))
    yield repo
    await repo.close()


@pytest.fixture
def outlets_now() -> datetime | None:
    """When the ``outlets`` fixture's day of news happens (None: the stories' own day); override it per module."""
    return None


@pytest.fixture
async def outlets(outlets_now: datetime | None) -> AsyncIterator[WebServer]:
    """News outlets on loopback with a day of stories (tests/fakes/stories.py)."""
    async with WebServer() as server:
        day_of_news(server, now=outlets_now)
        yield server

