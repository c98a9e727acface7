"""The console as a person meets it (issue 14): a quiet log, lines printed above the prompt, `help`, `quit`,
`exit` and Ctrl-D that say what they do."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from bot.adapters.console.adapter import PROMPT, ConsoleAdapter
from bot.adapters.console.terminal import CLEAR_LINE
from bot.adapters.console.terminal import PROMPT as PROMPT_LINE
from bot.app import App
from bot.core.service import CoreService
from bot.runtime.logs import setup_logging
from bot.settings import LogSettings, load_settings
from digests.models import Digest
from tests.fakes.settings import Region, write_settings


@pytest.fixture
def terminal() -> Iterator[io.StringIO]:
    """Root logging as `khobor run` sets it up, into a buffer standing for the terminal; restored afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    screen = io.StringIO()
    setup_logging(LogSettings(), console=Console(file=screen, width=200, no_color=True))
    yield screen
    PROMPT_LINE.answered()
    root.handlers[:] = handlers
    root.setLevel(level)


def test_library_info_lines_are_quiet_and_khobor_lines_print_above_the_prompt(terminal: io.StringIO) -> None:
    PROMPT_LINE.show(terminal, PROMPT)
    logging.getLogger("apscheduler.executors.default").info('Running job "collect" executed successfully')
    logging.getLogger("apscheduler.scheduler").info("Adding job tentatively")
    logging.getLogger("bot.runtime").info("collect: 3 new article(s) from 2 due feed(s), 0 failed")
    logging.getLogger("aiohttp.access").warning("a library warning still shows")
    screen = terminal.getvalue()
    assert "Running job" not in screen and "Adding job" not in screen
    first, second = screen.split(CLEAR_LINE)[1:]
    assert screen.startswith(PROMPT + CLEAR_LINE)
    assert "collect: 3 new article(s)" in first and first.endswith("\n" + PROMPT)
    assert "a library warning still shows" in second and second.endswith("\n" + PROMPT)


def test_discord_voice_warnings_are_left_out(terminal: io.StringIO) -> None:
    """Outside review (q17r): every `khobor run` with Discord began with two WARNING lines about voice libraries
    (PyNaCl, davey) that Khobor never uses."""
    logging.getLogger("discord.client").warning("PyNaCl is not installed, voice will NOT be supported")
    logging.getLogger("discord.client").warning("Shard ID None heartbeat blocked for more than 10 seconds.")
    screen = terminal.getvalue()
    assert "PyNaCl" not in screen and "heartbeat blocked" in screen


def test_library_lines_follow_library_level(terminal: io.StringIO) -> None:
    setup_logging(LogSettings(library_level="INFO"), console=Console(file=terminal, width=200))
    logging.getLogger("apscheduler.scheduler").info("Adding job tentatively")
    assert "Adding job tentatively" in terminal.getvalue()


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[CoreService]:
    region = Region("south-asia", "South Asia", [("Nowhere", "http://127.0.0.1:9/feed")])
    async with App(load_settings(write_settings(tmp_path, region), {})) as app:
        yield app.core_service()


def console_on(service: CoreService, typed: str, *, interactive: bool = True) -> tuple[ConsoleAdapter, io.StringIO]:
    screen = io.StringIO()
    adapter = ConsoleAdapter(service, service.news.settings.console,
                             output=Console(file=screen, width=200, no_color=True), stdin=io.StringIO(typed),
                             interactive=interactive)
    return adapter, screen


async def test_help_lists_the_console_words_and_the_bot_commands(service: CoreService) -> None:
    adapter, screen = console_on(service, "help\n")
    await adapter.run()
    text = screen.getvalue()
    assert "Type `help` for the commands; `quit`, `exit` or Ctrl-D leaves the console." in text
    assert "`quit` or `exit` (or Ctrl-D) leaves the console; Ctrl-C stops khobor." in text
    assert "digest subscribe REGION" in text  # the core's own help follows


@pytest.mark.parametrize("word", ["quit", "exit", "  EXIT "])
async def test_quit_and_exit_stop_khobor_run(service: CoreService, word: str) -> None:
    stopped: list[bool] = []
    adapter, screen = console_on(service, f"{word}\ndigest regions\n")
    await adapter.run(on_quit=lambda: stopped.append(True))
    assert stopped == [True]
    assert "bye; this stops khobor." in screen.getvalue()
    assert "south-asia" not in screen.getvalue().split("bye")[1]  # nothing after quit was run


async def test_ctrl_d_says_what_it_does(service: CoreService) -> None:
    stopped: list[bool] = []
    adapter, screen = console_on(service, "")
    await adapter.run(on_quit=lambda: stopped.append(True))
    assert stopped == [True] and "Ctrl-D (end of input): bye; this stops khobor." in screen.getvalue()
    adapter, screen = console_on(service, "")
    await adapter.run()  # khobor console
    assert "Ctrl-D (end of input): bye; this leaves the console." in screen.getvalue()


async def test_closed_stdin_in_a_container_keeps_the_bot_running(service: CoreService,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    stopped: list[bool] = []
    adapter, screen = console_on(service, "", interactive=False)
    with caplog.at_level(logging.INFO, logger="bot.adapters.console"):
        await adapter.run(on_quit=lambda: stopped.append(True))
    assert stopped == [] and screen.getvalue() == ""
    assert "standard input is closed; the bot keeps running without it" in caplog.text


async def test_a_scheduled_digest_is_printed_above_the_waiting_prompt(service: CoreService) -> None:
    adapter, screen = console_on(service, "")
    now = datetime(2026, 11, 25, tzinfo=UTC)
    PROMPT_LINE.show(screen, PROMPT)
    try:
        await adapter.post_digest(adapter.channel, Digest("south-asia", "South Asia", now, now, now, ()))
    finally:
        PROMPT_LINE.answered()
    assert screen.getvalue().startswith(PROMPT + CLEAR_LINE + "South Asia news digest")
    assert screen.getvalue().endswith("\n" + PROMPT)
