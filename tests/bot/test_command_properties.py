"""Properties of the chat commands through the console harness (the core, a real store): any text typed gets
a clear reply and never an exception, and `summary URL` never reaches a non-public address."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from bot.adapters.console.adapter import ConsoleAdapter
from bot.app import App
from bot.settings import load_settings
from tests.fakes.settings import Region, write_settings
from tests.fakes.webserver import WebServer
from tests.strategies import PIECES, examples, hostile_text

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
WORDS = ("digest", "subscribe", "unsubscribe", "list", "regions", "now", "feeds", "help", "summary", "/digest",
         "south-asia", "SOUTH-ASIA", "nope", "08:00", "8", "25:61", "-1:00", "99999999999:00", "8pm", "0:0",
         "Asia/Dhaka", "UTC", "utc+6", "../../etc/passwd", "Etc/GMT+14", "Asia/", "topics=", "topics=politics,sport",
         "topics=,,,", "keywords=", 'keywords="a, b"', "keywords=\"", "keywords='x", '"', "'", "\\", "=", "==")
commands = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(PIECES), hostile_text), max_size=8).map(
    " ".join)


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[ConsoleAdapter]:
    """The core on real SQLite, feeds nowhere (nothing is collected here), the default fetch guard."""
    south_asia = Region("south-asia", "South Asia", [("Nowhere", "http://127.0.0.1:9/feed")])
    path = write_settings(tmp_path, south_asia, collect={"workers": 0, "retries": 0})
    settings_ = load_settings(path, {})
    async with App(settings_) as app:
        yield ConsoleAdapter(app.core_service(clock=lambda: NOW), settings_.console,
                             output=Console(file=io.StringIO()))


def assert_clear(reply: str) -> None:
    assert reply.strip() and "Traceback" not in reply and "Exception" not in reply, reply


@examples(60)
@given(line=commands, manager=st.booleans())
async def test_any_command_line_gets_a_clear_reply(harness: ConsoleAdapter, line: str, manager: bool) -> None:
    assert_clear(await harness.command(line, can_manage=manager))


@examples(60)
@given(time=st.one_of(st.sampled_from(WORDS), hostile_text), timezone=st.one_of(st.sampled_from(WORDS), hostile_text),
       topics=hostile_text, keywords=hostile_text)
async def test_any_subscription_values_get_a_clear_reply(harness: ConsoleAdapter, time: str, timezone: str,
                                                         topics: str, keywords: str) -> None:
    quoted = [v.replace("\\", "\\\\").replace('"', '\\"') for v in (time, timezone, topics, keywords)]
    line = 'digest subscribe south-asia "{}" "{}" "topics={}" "keywords={}"'.format(*quoted)
    assert_clear(await harness.command(line))


@pytest.fixture
async def private_site() -> AsyncIterator[WebServer]:
    """A page on loopback that counts its visitors: the guard must keep every `summary` away from it."""
    async with WebServer() as server:  # it records every request, whatever the path
        yield server


def loopback_forms(port: int) -> list[str]:
    return [f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", f"2130706433:{port}", f"0x7f.0.0.1:{port}",
            f"127.1:{port}", f"0177.0.0.1:{port}", f"[::ffff:127.0.0.1]:{port}", f"user@127.0.0.1:{port}",
            f"news.example@localhost:{port}", f"LOCALHOST.:{port}", f"127.0.0.1.:{port}"]


@examples(40)
@given(form=st.integers(0, 11), scheme=st.sampled_from(["http://", "https://"]), path=hostile_text)
async def test_summary_never_fetches_a_loopback_address(harness: ConsoleAdapter, private_site: WebServer, form: int,
                                                        scheme: str, path: str) -> None:
    url = scheme + loopback_forms(private_site.port)[form] + "/" + path.replace(" ", "")
    assert_clear(await harness.command(f"summary {url}"))
    assert private_site.requests == [], url
