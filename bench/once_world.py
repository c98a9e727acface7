"""The world of bench/exactly_once.py: a flaky fake Slack, a loopback news site, the settings and the import
file, `khobor run` process groups (``Bot``), and what they left behind, counted per channel (``Outcome``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from tests.adapters.slack_fixtures import SIGNING_SECRET  # noqa: E402
from tests.fakes.flaky_slack import FlakySlackApi  # noqa: E402
from tests.fakes.news import FakeArticle, article_page, make_article, rss  # noqa: E402
from tests.fakes.slack_api import TEAM_ID  # noqa: E402
from tests.fakes.webserver import WebServer  # noqa: E402

ZONES = ("Asia/Dhaka", "Asia/Kolkata", "Asia/Karachi", "Europe/London", "America/New_York", "Australia/Sydney")
GONE = {"C0007": "channel_not_found", "C0042": "not_in_channel", "C0077": "is_archived"}
TROUBLE = {"C0003": ["429"], "C0011": ["500", "500"], "C0019": ["500-after-post"], "C0023": ["drop-after-post"],
           "C0031": ["429", "500"], "C0058": ["drop-after-post", "500"], "C0064": ["500-after-post", "429"]}
KHOBOR = [sys.executable, "-m", "bot"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def news_site(server: WebServer, now: datetime, count: int = 30) -> None:
    """A feed of ``count`` articles published in the last hours (so they are in the digest's window)."""
    articles = [FakeArticle(a.path, a.title, a.paragraphs, now - timedelta(minutes=20 * (n + 1)))
                for n, a in enumerate(make_article("daily", n) for n in range(count))]
    server.add_text("/daily/feed", rss("Daily", server.url("").rstrip("/"), articles),
                    content_type="application/rss+xml")
    for article in articles:
        server.add_text(article.path, article_page(article))


def settings_toml(folder: Path, *, database_url: str, api: str, feed: str, http_port: int) -> Path:
    path = folder / f"settings-{http_port}.toml"
    path.write_text(f"""data_dir = "{folder}"
[storage]
url = "{database_url}"
[collect]
allow_private_links = true
retries = 0
[schedule]
resync_seconds = 5
[health]
enabled = false
[slack]
mode = "http"
http_host = "127.0.0.1"
http_port = {http_port}
api_base_url = "{api}"
[[regions]]
name = "test"
title = "Test Region"
timezone = "Asia/Dhaka"
languages = ["en"]
feeds = [{{ name = "Daily", url = "{feed}" }}]
""", encoding="utf-8")
    return path


def subscriptions_json(folder: Path, channels: list[str], due: datetime) -> Path:
    """The import file: every channel due at the instant ``due``, spread over six timezones."""
    subs = []
    for n, channel in enumerate(channels):
        zone = ZONES[n % len(ZONES)]
        local = due.astimezone(ZoneInfo(zone))
        subs.append({"platform": "slack", "workspace_id": TEAM_ID, "channel_id": channel, "region": "test",
                     "time": f"{local:%H:%M}", "timezone": zone, "topics": None, "keywords": []})
    path = folder / "subscriptions.json"
    path.write_text(json.dumps({"khobor_export": 1, "subscriptions": subs}), encoding="utf-8")
    return path


@dataclass
class Bot:
    """One `khobor run` process group and its log."""

    settings: Path
    log: Path
    env: dict[str, str]
    process: asyncio.subprocess.Process | None = None
    runs: int = 0

    async def start(self) -> None:
        self.runs += 1
        with self.log.open("a") as log:
            log.write(f"\n=== run {self.runs} ===\n")
        handle = self.log.open("a")
        self.process = await asyncio.create_subprocess_exec(
            *KHOBOR, "--settings", str(self.settings), "run", env=self.env, cwd=ROOT, stdin=asyncio.subprocess.DEVNULL,
            stdout=handle, stderr=handle, start_new_session=True)
        handle.close()

    def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)

    async def stop(self) -> int | None:
        if self.process is None:
            return None
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.process.wait(), timeout=30)
        except TimeoutError:
            self.kill()
            return await self.process.wait()

    def tracebacks(self) -> int:
        return self.log.read_text(encoding="utf-8", errors="replace").count("Traceback")


@dataclass
class Outcome:
    name: str
    channels: int
    exact: int = 0
    doubles: int = 0
    missing: int = 0
    incomplete: int = 0
    paused_ok: bool = False
    kills: int = 0
    tracebacks: int = 0
    first_digest_s: float | None = None
    last_digest_s: float | None = None
    limited: int = 0
    limited_workspace: int = 0
    limited_channel: int = 0
    errors: int = 0
    notes: list[str] = field(default_factory=list)

    gone: int = 0

    def ok(self) -> bool:
        return self.doubles == 0 and self.missing == 0 and self.incomplete == 0 and self.paused_ok \
            and self.tracebacks == 0

    def line(self) -> str:
        timing = "" if self.first_digest_s is None else \
            f"; first digest {self.first_digest_s:.1f} s after the due time, last {self.last_digest_s:.1f} s"
        return (f"{self.name:<10} {self.exact}/{self.channels - self.gone} channels exactly once, "
                f"{self.doubles} doubled, {self.missing} missing, {self.incomplete} incomplete threads, "
                f"gone channels paused: {'yes' if self.paused_ok else 'NO'}; {self.kills} kills; "
                f"429s {self.limited} (workspace {self.limited_workspace}, channel {self.limited_channel}), "
                f"500s {self.errors}; tracebacks {self.tracebacks}{timing}"
                f"{'' if self.ok() else '  <-- FAILED'}")


def gone_of(channels: list[str]) -> dict[str, str]:
    return {c: error for c, error in GONE.items() if c in channels}


def count(api: FlakySlackApi, channels: list[str], outcome: Outcome) -> None:
    """Per channel: heads (messages with the nonce metadata) and thread completeness (no reply twice, all
    threads as long as the longest)."""
    lengths = {}
    for channel in channels:
        if channel in GONE:
            continue
        heads = api.heads(channel)
        if not heads:
            outcome.missing += 1
            continue
        if len(heads) > 1:
            outcome.doubles += 1
            continue
        replies = [m for m in api.messages.get(channel, []) if m.get("thread_ts") == heads[0]["ts"]
                   and m["ts"] != heads[0]["ts"]]
        texts = Counter(json.dumps(m.get("blocks")) for m in replies)
        if any(n > 1 for n in texts.values()):
            outcome.doubles += 1
            continue
        lengths[channel] = len(replies)
        outcome.exact += 1
    longest = max(lengths.values(), default=0)
    outcome.incomplete = sum(1 for n in lengths.values() if n < longest)
    if outcome.incomplete:
        outcome.notes.append(f"thread lengths: {sorted(Counter(lengths.values()).items())}")


async def paused(database_url: str) -> set[str]:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT channel_id FROM subscriptions WHERE paused_at IS NOT NULL"))
            return {str(r[0]) for r in rows}
    finally:
        await engine.dispose()


def heads_total(api: FlakySlackApi, channels: list[str]) -> int:
    return sum(1 for c in channels if api.heads(c))


class World:
    """The fake Slack, the news site, the settings and the import, for one scenario."""

    def __init__(self, folder: Path, channels: int, database_url: str) -> None:
        self.folder, self.database_url = folder, database_url
        self.channels = [f"C{n:04d}" for n in range(channels)]
        # Tighter than Slack's own limits, so both buckets answer 429s during the run.
        self.api = FlakySlackApi(rate=8.0, burst=5.0, channel_rate=0.5, channel_burst=1.0)
        self.site = WebServer()
        self.posted_at: list[float] = []

    async def __aenter__(self) -> World:
        await self.api.start()
        await self.site.start()
        self.api.gone.update(gone_of(self.channels))
        self.api.script.update({k: list(v) for k, v in TROUBLE.items()})
        self.api.on_post = self._stamp
        news_site(self.site, datetime.now(UTC))
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.api.close()
        await self.site.close()

    def _stamp(self, channel: str, args: dict[str, Any]) -> None:
        if args.get("metadata"):
            self.posted_at.append(time.time())

    def env(self) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith("KHOBOR_")}
        return base | {"KHOBOR_SLACK_BOT_TOKEN": self.api.bot_token, "KHOBOR_SLACK_SIGNING_SECRET": SIGNING_SECRET,
                       "KHOBOR_LOG_LEVEL": "INFO", "KHOBOR_LOG_FORMAT": "json"}

    def bot(self, name: str) -> Bot:
        settings = settings_toml(self.folder, database_url=self.database_url, api=self.api.base_url,
                                 feed=self.site.url("/daily/feed"), http_port=free_port())
        return Bot(settings, self.folder / f"{name}.log", self.env())

    async def subscribe(self, bot: Bot, lead_s: float) -> datetime:
        """Import every channel due at the first whole minute at least ``lead_s`` seconds away."""
        now = datetime.now(UTC)
        due = (now + timedelta(seconds=lead_s + 60)).replace(second=0, microsecond=0)
        path = subscriptions_json(self.folder, self.channels, due)
        process = await asyncio.create_subprocess_exec(*KHOBOR, "--settings", str(bot.settings), "import",
                                                       str(path), env=bot.env, cwd=ROOT,
                                                       stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        output, _ = await process.communicate()
        if process.returncode != 0:
            raise SystemExit(f"khobor import failed: {output.decode()}")
        return due

    async def settle(self, until: float) -> None:
        """Wait until every live channel has its digest and the threads stopped growing, or ``until``."""
        live = [c for c in self.channels if c not in GONE]
        stable, last = 0, -1
        while time.time() < until:
            total = sum(len(self.api.messages.get(c, [])) for c in live)
            done = heads_total(self.api, live) == len(live)
            stable = stable + 1 if done and total == last else 0
            if stable >= 8:
                return
            last = total
            await asyncio.sleep(1.0)

    async def outcome(self, name: str, due: datetime, bots: list[Bot], kills: int) -> Outcome:
        gone = gone_of(self.channels)
        result = Outcome(name, len(self.channels), kills=kills, limited=self.api.limited, errors=self.api.errors,
                         gone=len(gone), limited_workspace=self.api.limited_workspace,
                         limited_channel=self.api.limited_channel)
        count(self.api, self.channels, result)
        result.paused_ok = await paused(self.database_url) == set(gone)
        result.tracebacks = sum(b.tracebacks() for b in bots)
        if self.posted_at:
            result.first_digest_s = min(self.posted_at) - due.timestamp()
            result.last_digest_s = max(self.posted_at) - due.timestamp()
        return result
