"""Crash injection: a process delivering to 200 channels of a loopback fake Slack API (which also answers 429s,
500s and "channel gone" for some) is killed at random moments, over and over, and started again. In the end
every channel has exactly one digest, and the gone channels are paused."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bot.app import App
from digests.store.deliveries import Deliveries
from tests.fakes.deliver_child import child_settings
from tests.fakes.flaky_slack import FlakySlackApi
from tests.fakes.slack_api import TEAM_ID

ROOT = Path(__file__).resolve().parents[2]
CHANNELS = [f"C{i:04d}" for i in range(200)]
GONE = {"C0007": "channel_not_found", "C0042": "not_in_channel", "C0150": "is_archived"}
TROUBLE = {"C0003": ["429"], "C0011": ["500", "500"], "C0099": ["500-after-post"], "C0120": ["429", "500"]}
DAY = date(2025, 3, 4)
KILLS = 22


@dataclass
class Zygote:
    """The forking child process: ``run`` starts a delivery process and returns its pid."""

    process: asyncio.subprocess.Process

    async def line(self) -> str:
        assert self.process.stdout is not None
        raw = await asyncio.wait_for(self.process.stdout.readline(), timeout=60)
        assert raw, "the delivery zygote ended"
        return raw.decode().strip()

    async def run(self, exit_after: int) -> int:
        assert self.process.stdin is not None
        self.process.stdin.write(f"run {exit_after}\n".encode())
        await self.process.stdin.drain()
        line = await self.line()
        assert line.startswith("pid "), line
        return int(line.split()[1])

    async def until(self, *prefixes: str) -> str:
        while not (line := await self.line()).startswith(prefixes):
            assert not line.startswith("error"), line
        return line


def kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it may have ended on its own
        os.kill(pid, signal.SIGKILL)


async def one_round(zygote: Zygote, api: FlakySlackApi, rng: random.Random) -> bool:
    """Start a delivery process and crash it one of three ways; True if it was killed before it finished."""
    mode = rng.choice(["exit-after-post", "kill-inside-post", "sigkill"])
    pid = await zygote.run(rng.randint(1, 4) if mode == "exit-after-post" else 0)
    if mode == "kill-inside-post":  # the post is stored, the answer never arrives
        posts, limit = [0], rng.randint(1, 4)

        def hook(channel: str, args: dict[str, Any]) -> None:
            posts[0] += 1
            if posts[0] == limit:
                kill(pid)

        api.on_post = hook
    if mode == "sigkill" and (await zygote.until("ready", "exit")).startswith("ready"):
        await asyncio.sleep(rng.uniform(0.0, 0.15))
        kill(pid)
    line = await zygote.until("exit")
    api.on_post = None
    return int(line.split()[1]) in (9, -signal.SIGKILL)


async def subscribe_all(settings_app: App) -> None:
    now = datetime(2025, 3, 3, tzinfo=UTC)
    for channel in CHANNELS:
        await settings_app.subscriptions.upsert(
            platform="slack", workspace_id=TEAM_ID, channel_id=channel, region="test", delivery_time="08:00",
            timezone="Asia/Dhaka", topics=None, keywords=(), user_id="UADMIN", now=now)


async def test_killed_deliveries_leave_exactly_one_digest_per_channel(tmp_path: Path) -> None:
    rng = random.Random(int(os.environ.get("KHOBOR_CRASH_SEED", "20261125")))
    async with FlakySlackApi() as api:
        api.gone.update(GONE)
        api.script.update({k: list(v) for k, v in TROUBLE.items()})
        url = f"sqlite+aiosqlite:///{tmp_path / 'khobor.db'}"
        settings = child_settings(url, api.base_url, tmp_path)
        async with App(settings) as app:
            await subscribe_all(app)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.fakes.deliver_child", "--zygote", url, api.base_url, DAY.isoformat(),
            str(tmp_path), cwd=ROOT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        zygote = Zygote(process)
        try:
            kills = rounds = 0
            while kills < KILLS and rounds < 80:
                kills += await one_round(zygote, api, rng)
                rounds += 1
            assert kills >= KILLS
            await zygote.run(0)
            assert await zygote.until("exit") == "exit 0"  # and a last, undisturbed run finishes
        finally:
            assert process.stdin is not None
            process.stdin.write(b"quit\n")
            await process.wait()
        async with App(settings) as app:
            records = await Deliveries(app.store.engine).of_dates(digest_dates=[DAY])
            subs = {s.id: s for s in await app.subscriptions.all(active_only=False)}
    for channel in CHANNELS:
        assert len(api.heads(channel)) == (0 if channel in GONE else 1), channel
    assert len(records) == len(CHANNELS)
    for record in records:
        sub = subs[record.subscription_id]
        gone = sub.channel_id in GONE
        assert record.status == ("paused" if gone else "posted"), (sub.channel_id, record)
        assert sub.active != gone
    assert api.limited >= 2 and api.errors >= 4
    assert api.calls_to("conversations.history")  # interrupted deliveries were read back
