"""`khobor collect` and `khobor feeds` end to end: loopback feeds and pages, a real SQLite database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cli.main import main
from digests.store import Store, open_database
from tests.fakes.news import serve_site
from tests.fakes.settings import Region, write_settings
from tests.fakes.webserver import WebServer


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # rich wraps tables at 80 columns when not on a terminal


@pytest.fixture
async def site() -> AsyncIterator[WebServer]:
    async with WebServer() as server:
        serve_site(server, "dhaka", 5)
        serve_site(server, "lahore", 4, kind="atom")
        serve_site(server, "kandy", 3)
        yield server


def settings_file(tmp_path: Path, server: WebServer, feeds: list[str]) -> str:
    region = Region("test", "Test Region", [(f"{f.title()} Times", server.url(f"/{f}/feed")) for f in feeds])
    return write_settings(tmp_path, region, collect={"timeout_seconds": 5}, data_dir=tmp_path / "data")


async def run_cli(*argv: str) -> int:
    # The CLI owns its event loop (asyncio.run); run it in a thread so the loopback server keeps serving.
    return await asyncio.to_thread(main, list(argv))


async def count_articles(tmp_path: Path) -> int:
    store = Store(await open_database(f"sqlite+aiosqlite:///{tmp_path / 'data' / 'khobor.db'}"))
    try:
        return await store.count_articles()
    finally:
        await store.close()


async def test_collect_twice_second_pass_adds_nothing_and_uses_conditional_get(
    site: WebServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = settings_file(tmp_path, site, ["dhaka", "lahore", "kandy"])
    assert await run_cli("--settings", path, "collect") == 0
    first = capsys.readouterr().out
    assert "12 new article(s) from 3 feed(s); 0 failed" in first
    assert await count_articles(tmp_path) == 12

    assert await run_cli("--settings", path, "collect") == 0
    second = capsys.readouterr().out
    assert "0 new article(s) from 3 feed(s); 0 failed" in second
    assert second.count("not-modified") == 3
    assert await count_articles(tmp_path) == 12
    conditional = [r for r in site.requests if r.path.endswith("/feed") and "If-None-Match" in r.headers]
    assert len(conditional) == 3
    assert site.hits("/dhaka/news/0") == 1  # no page is fetched twice


async def test_feeds_shows_health_and_region_filter_validates(
    site: WebServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = settings_file(tmp_path, site, ["dhaka"])
    assert await run_cli("--settings", path, "feeds") == 0
    assert "not collected yet" in capsys.readouterr().out
    assert await run_cli("--settings", path, "collect", "--region", "test") == 0
    capsys.readouterr()
    assert await run_cli("--settings", path, "feeds") == 0
    out = capsys.readouterr().out
    assert "Dhaka Times" in out and "ago" in out
    assert await run_cli("--settings", path, "collect", "--region", "mars") == 2
    assert "no region 'mars'; regions: test" in capsys.readouterr().err


async def test_unreachable_database_exits_1_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KHOBOR_DATABASE_URL", "postgresql://khobor:s3cret-pw@127.0.0.1:1/khobor")
    assert await run_cli("feeds") == 1
    err = capsys.readouterr().err
    assert "store: cannot open or migrate" in err and "s3cret-pw" not in err


def test_a_pass_over_many_feeds_lists_only_those_with_a_problem() -> None:
    from rich.console import Console

    from bot.cli.output import collect_table
    from digests.collect import FeedReport

    reports = [FeedReport(url=f"https://n{i}.example/feed", name=f"Outlet {i}", new=3) for i in range(60)]
    reports[7] = FeedReport(url="https://down.example/feed", name="Down Daily", status="failed",
                            error="HTTP 503; next try at 06:30 UTC")
    reports[9].page_errors = ["extract: https://n9.example/a: no article text"]
    console = Console(width=200, record=True)
    console.print(collect_table(reports, limit=50))
    shown = console.export_text()
    assert "Down Daily" in shown and "HTTP 503" in shown and "Outlet 9" in shown
    assert "Outlet 1 " not in shown and "Outlet 59" not in shown
    assert "58 feed(s) read without a problem are not listed: `khobor feeds` shows every feed" in shown
    console.print(collect_table(reports[:50], limit=50))  # up to the limit: every feed
    assert "Outlet 49" in console.export_text()
    console.print(collect_table(reports, limit=1))
    assert "nor 1 more with a problem" in console.export_text()
