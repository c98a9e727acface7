"""The fake Slack Web API with its limits (:class:`~tests.fakes.flaky_slack.FlakySlackApi`) in a process of its own,
as Slack is remote in production: its request handling and the calls and messages it keeps cost the bot's
process nothing (bench/scale_delivery.py).

    async with SlackProcess(rate=20.0, burst=10, channel_rate=1.0, channel_burst=3) as api:
        ...  # point the bot at api.base_url
        await api.reset()               # count 429s and posts from here on
        report = await api.report()     # 429s, each post's time.monotonic() and each channel's digest heads

Run alone, it serves until its standard input closes:
``python -m tests.fakes.slack_process --rate 20 --burst 10 --channel-rate 1 --channel-burst 3``, printing
its base URL on the first line of its standard output. ``POST /_fake/reset`` and ``GET /_fake/report`` are
the two endpoints above.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import aiohttp
from aiohttp import web

from tests.fakes.flaky_slack import FlakySlackApi

ROOT = Path(__file__).resolve().parents[2]  # where ``python -m tests.fakes.slack_process`` finds the package


@dataclass(frozen=True, slots=True)
class SlackReport:
    """What the fake saw since the last reset."""

    limited: int
    limited_workspace: int
    limited_channel: int
    posts: list[float]  # time.monotonic() of each post, in the order stored (the same clock in every process)
    heads: dict[str, int]  # channel -> digest head messages posted there (ever)


class SlackProcess:
    """Starts the fake in a child process; ``base_url`` for the bot, ``reset`` and ``report`` for the bench."""

    def __init__(self, *, rate: float, burst: float, channel_rate: float, channel_burst: float) -> None:
        self.args = [f"--rate={rate}", f"--burst={burst}", f"--channel-rate={channel_rate}",
                     f"--channel-burst={channel_burst}"]
        self.base_url = ""
        self._child: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> Self:
        self._child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.fakes.slack_process", *self.args,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, cwd=ROOT)
        assert self._child.stdout is not None
        line = await asyncio.wait_for(self._child.stdout.readline(), timeout=30)
        if not line.startswith(b"http://"):
            await self._stop()
            raise RuntimeError(f"fake Slack process: expected its base URL on its first line, got {line!r}")
        self.base_url = line.decode().strip()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self._stop()

    async def _stop(self) -> None:
        child, self._child = self._child, None
        if child is None:
            return
        if child.stdin is not None:
            child.stdin.close()
        try:
            await asyncio.wait_for(child.wait(), timeout=10)
        except TimeoutError:
            child.kill()
            await child.wait()

    async def reset(self) -> None:
        await self._call("POST", "reset")

    async def report(self) -> SlackReport:
        data = await self._call("GET", "report")
        return SlackReport(limited=data["limited"], limited_workspace=data["limited_workspace"],
                           limited_channel=data["limited_channel"], posts=data["posts"], heads=data["heads"])

    async def _call(self, verb: str, name: str) -> dict[str, Any]:
        url = self.base_url.removesuffix("/api/") + f"/_fake/{name}"
        async with aiohttp.ClientSession() as session, session.request(verb, url) as response:
            response.raise_for_status()
            data: dict[str, Any] = await response.json()
            return data


async def serve(args: argparse.Namespace) -> None:
    """Serve the fake until standard input closes (the parent exited or closed it)."""
    posts: list[float] = []
    async with FlakySlackApi(rate=args.rate, burst=args.burst, channel_rate=args.channel_rate,
                             channel_burst=args.channel_burst) as api:
        api.on_post = lambda channel, _: posts.append(time.monotonic())

        async def reset(_: web.Request) -> web.StreamResponse:
            api.limited = api.limited_workspace = api.limited_channel = 0
            posts.clear()
            return web.json_response({"ok": True})

        async def report(_: web.Request) -> web.StreamResponse:
            heads = {channel: len(api.heads(channel)) for channel in api.messages}
            return web.json_response({"limited": api.limited, "limited_workspace": api.limited_workspace,
                                      "limited_channel": api.limited_channel, "posts": posts, "heads": heads})

        api.server.route("/_fake/reset", reset, method="POST")
        api.server.route("/_fake/report", report, method="GET")
        print(api.base_url, flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.buffer.read)  # returns at end of input


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rate", type=float, required=True, help="the workspace limit, requests a second")
    parser.add_argument("--burst", type=float, default=10.0)
    parser.add_argument("--channel-rate", type=float, default=1.0, help="chat.postMessage per channel a second")
    parser.add_argument("--channel-burst", type=float, default=3.0)
    asyncio.run(serve(parser.parse_args()))
