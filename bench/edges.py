"""The edges of issue 13, measured against loopback servers: how fast the program stops and answers.

Figures (each run as a fresh `python -m bot` process, or a child script for `summary URL`):
- `khobor run` with a refused Slack app token (``apps.connections.open`` answers ``ok: false``): seconds to exit,
  and seconds from SIGTERM to exit when ``apps.connections.open`` never answers (a stop during start-up).
- `khobor collect` killed with SIGKILL while its pages are being read: its processes still alive 5 s later.
- `summary URL` against a server answering 503 with ``Retry-After: 100``, and one sending a byte a second:
  seconds to the reply.
Peer, in the same run: the same scenarios on another checkout (``--before PATH``, e.g. the code before the fix:
``git archive d73023a | tar -x -C /tmp/before``). Peer runs are cut at ``--cap`` seconds.

    .venv/bin/python bench/edges.py [--before /tmp/before] [--cap 90]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.bot.test_edges import alive, descendants_of, serve_hostile, slow_pages_site  # noqa: E402
from tests.fakes.settings import Region, write_settings  # noqa: E402
from tests.fakes.slack_api import FakeSlackApi  # noqa: E402
from tests.fakes.webserver import WebServer  # noqa: E402

NOWHERE = Region("test", "Test Region", [("Nowhere", "http://127.0.0.1:9/feed")])
Scenario = Callable[[str, float], Awaitable[str]]


def env_for(code: str, **extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KHOBOR_") and k != "PYTHONPATH"}
    return clean | {"PYTHONPATH": code} | extra


async def start(code: str, *args: str, env: dict[str, str], new_session: bool = False) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(sys.executable, *args, cwd=code, env=env, start_new_session=new_session,
                                                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)


async def finish(process: asyncio.subprocess.Process, cap: float) -> float | None:
    """Seconds until ``process`` exits, or None (and it is killed) past ``cap``."""
    began = time.monotonic()
    try:
        await asyncio.wait_for(process.wait(), timeout=cap)
    except TimeoutError:
        process.kill()
        await process.wait()
        return None
    return time.monotonic() - began


def seconds(value: float | None, cap: float) -> str:
    return f"{value:.1f} s" if value is not None else f"> {cap:g} s (still running; killed)"


async def refused_token(code: str, cap: float) -> str:
    async with FakeSlackApi() as api:
        folder = Path(tempfile.mkdtemp())
        settings = write_settings(folder, NOWHERE, more=f'[slack]\napi_base_url = "{api.base_url}"\n'
                                                        "[health]\nenabled = false\n")
        env = env_for(code, KHOBOR_SLACK_BOT_TOKEN=api.bot_token, KHOBOR_SLACK_APP_TOKEN="xapp-refused")
        process = await start(code, "-m", "bot", "--settings", settings, "run", env=env)
        return f"{seconds(await finish(process, cap), cap)} to exit (status {process.returncode})"


async def sigterm_in_start_up(code: str, cap: float) -> str:
    async with FakeSlackApi() as api:
        arrived = asyncio.Event()

        async def never(_: web.Request) -> web.StreamResponse:
            arrived.set()
            await asyncio.sleep(3600)
            raise AssertionError

        api.server.route("/api/apps.connections.open", never, method="POST")
        folder = Path(tempfile.mkdtemp())
        settings = write_settings(folder, NOWHERE, more=f'[slack]\napi_base_url = "{api.base_url}"\n'
                                                        "[health]\nenabled = false\n")
        env = env_for(code, KHOBOR_SLACK_BOT_TOKEN=api.bot_token, KHOBOR_SLACK_APP_TOKEN=api.app_token)
        process = await start(code, "-m", "bot", "--settings", settings, "run", env=env)
        await asyncio.wait_for(arrived.wait(), timeout=60)
        process.send_signal(signal.SIGTERM)
        return f"{seconds(await finish(process, cap), cap)} from SIGTERM to exit"


async def kill_9_during_collect(code: str, cap: float) -> str:
    async with WebServer() as server:
        folder = Path(tempfile.mkdtemp())
        settings = write_settings(folder, Region("slow", "Slow", [("Slow", slow_pages_site(server))]),
                                  collect={"workers": 1, "timeout_seconds": 300})
        process = await start(code, "-m", "bot", "--settings", settings, "collect", env=env_for(code),
                              new_session=True)
        for _ in range(600):
            await asyncio.sleep(0.1)
            if server.hits("/slow/0") and len(descendants_of(process.pid)) >= 2:
                break
        await asyncio.sleep(0.5)
        children = descendants_of(process.pid)
        process.kill()
        await process.wait()
        await asyncio.sleep(5)
        left = [pid for pid in children if alive(pid)]
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        return f"{len(left)} of {len(children)} child processes left 5 s after kill -9"


SUMMARY_CHILD = """
import asyncio, io, sys, time
from ipaddress import ip_network
from rich.console import Console
from bot.adapters.console.adapter import ConsoleAdapter
from bot.app import App, fetch_config
from bot.core.service import CoreService
from bot.settings import load_settings
from digests.fetch import Fetcher
from digests.guard import AddressPolicy

async def main(settings_path, url):
    settings = load_settings(settings_path, {})
    async with App(settings) as app:
        await app.fetcher.close()
        app._fetcher = Fetcher(fetch_config(settings), policy=AddressPolicy(allow=(ip_network("127.0.0.0/8"),)))
        await app.fetcher.start()
        harness = ConsoleAdapter(app.core_service(), settings.console, output=Console(file=io.StringIO()))
        began = time.monotonic()
        said = await harness.command("summary " + url)
        print(f"{time.monotonic() - began:.1f}", said.splitlines()[0][:150], flush=True)

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


async def summary_of(path: str, code: str, cap: float) -> str:
    async with WebServer() as server:
        serve_hostile(server)
        folder = Path(tempfile.mkdtemp())
        settings = write_settings(folder, NOWHERE, collect={"workers": 0, "retries": 3})
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", SUMMARY_CHILD, settings, server.url(path), cwd=code, env=env_for(code),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
        assert process.stdout is not None
        try:
            line = await asyncio.wait_for(process.stdout.readline(), timeout=cap)
        except TimeoutError:
            process.kill()
            await process.wait()
            return f"> {cap:g} s (no reply yet; killed)"
        await process.wait()
        took, _, said = line.decode().strip().partition(" ")
        return f"{took} s to the reply: {said!r}"


SCENARIOS: list[tuple[str, Scenario]] = [
    ("run, refused Slack app token", refused_token),
    ("run, SIGTERM during start-up", sigterm_in_start_up),
    ("collect, kill -9", kill_9_during_collect),
    ("summary URL, 503 Retry-After: 100", lambda code, cap: summary_of("/busy", code, cap)),
    ("summary URL, 1 byte a second", lambda code, cap: summary_of("/trickle", code, cap)),
]


async def measure(before: str | None, cap: float) -> None:
    for name, scenario in SCENARIOS:
        print(f"{name}:", flush=True)
        print(f"  ours:   {await scenario(str(ROOT), cap)}", flush=True)
        if before:
            print(f"  before: {await scenario(before, cap)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--before", help="another checkout to measure the same way (the peer)")
    parser.add_argument("--cap", type=float, default=90.0, help="seconds after which a run is cut")
    args = parser.parse_args()
    asyncio.run(measure(str(Path(args.before).resolve()) if args.before else None, args.cap))


if __name__ == "__main__":
    main()
