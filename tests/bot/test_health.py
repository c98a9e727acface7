"""Health, readiness and metrics over HTTP on a real App (temporary SQLite, loopback feeds); log ids and
redaction; `khobor healthcheck`; and `khobor run` serving all of it."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import re
import signal
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from rich.console import Console
from sqlalchemy.ext.asyncio import create_async_engine

from bot.adapters.console.adapter import ConsoleAdapter
from bot.app import App
from bot.cli.main import main
from bot.runtime.delivery import Deliverer
from bot.runtime.delivery_policy import DeliveryPolicy
from bot.runtime.health import HealthServer, Readiness
from bot.runtime.logs import REDACTED, RedactSecrets, secret_values, setup_logging
from bot.runtime.run import collect_due
from bot.runtime.scheduler import Scheduler
from bot.settings import LogSettings, Settings, load_settings
from digests.store import Store
from digests.store.subscriptions import Subscription
from tests.fakes.settings import Region, write_settings
from tests.fakes.stories import day_of_news
from tests.fakes.webserver import WebServer

TOKEN = "xoxb-1111-2222-secretvalue"
DHAKA = ZoneInfo("Asia/Dhaka")


def make_settings(tmp_path: Path, server: WebServer) -> Settings:
    return Settings.model_validate({
        "data_dir": tmp_path, "collect": {"allow_private_links": True, "retries": 0, "workers": 0},
        "health": {"host": "127.0.0.1", "port": 0},
        "regions": [{"name": "test", "title": "Test Region", "timezone": "Asia/Dhaka", "languages": ["en"],
                     "feeds": [{"name": "Dhaka Daily", "url": server.url("/dhaka-daily/feed")},
                               {"name": "Delta", "url": server.url("/delta/feed")},
                               {"name": "Gone", "url": server.url("/gone/feed")}]}],
    })


@dataclass
class World:
    server: WebServer
    app: App
    readiness: Readiness
    health: HealthServer

    async def get(self, path: str) -> tuple[int, str]:
        async with aiohttp.ClientSession() as session, session.get(f"{self.health.url}{path}") as response:
            return response.status, await response.text()

    async def json(self, path: str) -> tuple[int, Any]:
        status, body = await self.get(path)
        return status, json.loads(body)


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with WebServer() as server:
        day_of_news(server)
        async with App(make_settings(tmp_path, server)) as app:
            readiness = Readiness()
            health = HealthServer.from_settings(app, readiness, app.settings.health)
            await health.start()
            try:
                yield World(server, app, readiness, health)
            finally:
                await health.stop()


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """Root logging as `khobor` sets it up (JSON, the token redacted), into a buffer; restored afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    buffer = io.StringIO()
    setup_logging(LogSettings(format="json"), console=Console(file=buffer), secrets=[TOKEN])
    yield buffer
    root.handlers[:] = handlers
    root.setLevel(level)


def json_lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.startswith("{")]


def metric(exposition: str, name: str, **labels: str) -> float | None:
    """The value of one sample in Prometheus' text format, or None when absent."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in exposition.splitlines():
        head, _, value = line.rpartition(" ")
        if head == (f"{name}{{{wanted}}}" if labels else name):
            return float(value)
    return None


async def subscribe(app: App, platform: str, channel: str, workspace: str = "local") -> tuple[Subscription, Any]:
    """A subscription due this minute in Dhaka, and today's local date (its digest covers the last 24 h)."""
    local = datetime.now(UTC).astimezone(DHAKA)
    sub, _ = await app.subscriptions.upsert(platform=platform, workspace_id=workspace, channel_id=channel,
                                            region="test", delivery_time=f"{local:%H:%M}", timezone="Asia/Dhaka",
                                            topics=None, keywords=(), user_id="U1", now=datetime.now(UTC))
    return sub, local.date()


async def test_healthz_is_ok_with_the_database_and_503_without(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    assert await world.json("/healthz") == (200, {"status": "ok"})
    broken = Store(create_async_engine("sqlite+aiosqlite:////nonexistent-dir/khobor.db"))
    monkeypatch.setattr(world.app, "_store", broken)
    status, body = await world.json("/healthz")
    assert status == 503 and body["status"] == "failing"
    assert body["problems"][0].startswith("database: OperationalError")
    await broken.close()


async def test_readyz_waits_for_the_adapters_and_the_leaders_scheduler(world: World) -> None:
    status, body = await world.json("/readyz")
    assert status == 503 and body["problems"] == ["adapters: none started yet"]
    console = ConsoleAdapter(world.app.core_service(), world.app.settings.console, output=Console(file=io.StringIO()))
    world.readiness.adapters = [console]
    status, body = await world.json("/readyz")
    assert status == 503 and body["problems"] == ["console: not connected"]
    await console.start()
    assert await world.json("/readyz") == (200, {"status": "ready", "leader": False})  # a follower
    world.readiness.leader = True
    status, body = await world.json("/readyz")
    assert status == 503 and body["problems"] == ["scheduler: not running on the leader"]
    deliver = Deliverer(world.app, {"console": console}).deliver
    scheduler = Scheduler(world.app.subscriptions, deliver, grace=timedelta(hours=1))
    world.readiness.scheduler = scheduler
    await scheduler.start()
    assert await world.json("/readyz") == (200, {"status": "ready", "leader": True})
    await scheduler.stop()
    assert (await world.json("/readyz"))[0] == 503
    await console.stop()
    assert (await world.json("/readyz"))[1]["problems"] == ["console: not connected",
                                                            "scheduler: not running on the leader"]


async def test_metrics_reflect_a_collection_pass_and_deliveries(world: World, log_output: io.StringIO) -> None:
    _, before = await world.get("/metrics")
    for name in ("khobor_articles_collected_total", "khobor_feed_failures_total", "khobor_summaries_total",
                 "khobor_digests_built_total", "khobor_deliveries_total", "khobor_rate_limit_wait_seconds_total",
                 "khobor_delivery_queue_depth", "khobor_last_collection_success_timestamp"):
        assert f"# TYPE {name.removesuffix('_total')}" in before
    await collect_due(world.app, now=datetime.now(UTC))
    status, text = await world.get("/metrics")
    assert status == 200
    gone = world.server.url("/gone/feed")
    assert (metric(text, "khobor_articles_collected_total", region="test") or 0) >= 5
    assert metric(text, "khobor_feed_failures_total", feed=gone) == 1
    assert (metric(text, "khobor_summaries_total") or 0) >= 5
    stamp = metric(text, "khobor_last_collection_success_timestamp", region="test")
    assert stamp is not None and abs(stamp - datetime.now(UTC).timestamp()) < 120
    failure = next(line for line in json_lines(log_output) if "failed" in line["message"])
    assert failure["feed"] == gone and failure["region"] == "test" and failure["level"] == "warning"

    console = ConsoleAdapter(world.app.core_service(), world.app.settings.console, output=Console(file=io.StringIO()))
    deliverer = Deliverer(world.app, {"console": console}, policy=DeliveryPolicy(rates={"console": 10.0}))
    first, day = await subscribe(world.app, "console", "console")
    second, _ = await subscribe(world.app, "console", "news")
    nowhere, _ = await subscribe(world.app, "slack", "C1", workspace="T1")  # no Slack adapter runs
    statuses = await deliverer.deliver_many([first, second, nowhere], digest_date=day)
    assert statuses == {first.id: "posted", second.id: "posted", nowhere.id: "failed"}
    _, text = await world.get("/metrics")
    assert metric(text, "khobor_deliveries_total", platform="console", status="posted") == 2
    assert metric(text, "khobor_deliveries_total", platform="slack", status="failed") == 1
    assert metric(text, "khobor_digests_built_total", region="test") == 1  # built once, shared by both channels
    assert metric(text, "khobor_delivery_queue_depth", platform="console") == 0
    assert (metric(text, "khobor_rate_limit_wait_seconds_total", platform="console") or 0) > 0  # 10/s: one waits
    error = next(line for line in json_lines(log_output) if "no slack adapter" in line["message"])
    assert error["channel"] == "slack:T1/C1" and error["region"] == "test" and error["subscription"] == nowhere.id


def test_secrets_are_redacted_from_messages_arguments_extras_and_tracebacks() -> None:
    redact = RedactSecrets([TOKEN, "abc"])  # too short to redact safely: ignored
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token %s and %r", (TOKEN, {"t": TOKEN}), None)
    record.__dict__["channel"] = f"slack:{TOKEN}"  # as extra= sets it
    try:
        raise ValueError(f"refused {TOKEN}")
    except ValueError:
        record.exc_info = sys.exc_info()
    assert redact.filter(record)
    assert record.getMessage() == f"token {REDACTED} and {{'t': '{REDACTED}'}}"
    assert record.__dict__["channel"] == f"slack:{REDACTED}"
    assert record.exc_text is not None and TOKEN not in record.exc_text and REDACTED in record.exc_text
    assert redact.redact("abc") == "abc"


def test_logs_never_show_a_token_and_text_lines_carry_the_ids() -> None:
    settings = load_settings(None, {"KHOBOR_SLACK_BOT_TOKEN": TOKEN, "KHOBOR_SLACK_APP_TOKEN": "xapp-1-A0-9-abc",
                                    "KHOBOR_DATABASE_URL": "postgresql://khobor:pa55word@db/khobor"})
    assert secret_values(settings) == [TOKEN, "xapp-1-A0-9-abc", "pa55word"]
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        for fmt in ("text", "json"):
            buffer = io.StringIO()
            setup_logging(LogSettings(format=fmt), console=Console(file=buffer, width=300),
                          secrets=secret_values(settings))
            log = logging.getLogger("khobor.test")
            log.warning("posting with %s", TOKEN, extra={"channel": "slack:T1/C1", "region": "test"})
            try:
                raise RuntimeError("connect to postgresql://khobor:pa55word@db failed")
            except RuntimeError:
                log.exception("database down", extra={"feed": "https://x/feed"})
            output = buffer.getvalue()
            assert TOKEN not in output and "pa55word" not in output and REDACTED in output, output
            if fmt == "text":
                assert "[region=test channel=slack:T1/C1]" in output
                assert "[feed=https://x/feed]" in output
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


async def test_healthcheck_exits_0_when_healthy_and_1_otherwise(world: World, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert world.health.url is not None
    port = int(world.health.url.rsplit(":", 1)[1])
    settings = tmp_path / "settings.toml"
    settings.write_text(f'[health]\nhost = "0.0.0.0"\nport = {port}\n')
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        assert await asyncio.to_thread(main, ["--settings", str(settings), "healthcheck"]) == 0
        broken = Store(create_async_engine("sqlite+aiosqlite:////nonexistent-dir/khobor.db"))
        monkeypatch.setattr(world.app, "_store", broken)
        assert await asyncio.to_thread(main, ["--settings", str(settings), "healthcheck"]) == 1
        await broken.close()
        closed = world.server.url("/nothing-here")  # answers 404
        assert await asyncio.to_thread(main, ["--settings", str(settings), "healthcheck", "--url", closed]) == 1
        settings.write_text("[health]\nport = 0\n")
        assert await asyncio.to_thread(main, ["--settings", str(settings), "healthcheck"]) == 1
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


async def test_run_serves_health_readiness_and_metrics(tmp_path: Path) -> None:
    async with WebServer() as server:
        day_of_news(server)
        region = Region("test", "Test Region", [("Dhaka Daily", server.url("/dhaka-daily/feed"))])
        settings = Path(write_settings(tmp_path, region, collect={"workers": 0},
                                       more='[health]\nhost = "127.0.0.1"\nport = 0\n[log]\nformat = "json"'))

        env = {k: v for k, v in os.environ.items() if not k.startswith("KHOBOR_")} | {"COLUMNS": "200"}
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "--settings", str(settings), "run", env=env,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        assert process.stdout is not None
        base = None
        while base is None:
            line = await asyncio.wait_for(process.stdout.readline(), timeout=60)
            assert line, "khobor run ended before serving /healthz"
            found = re.search(r"serving /healthz, /readyz and /metrics at (http://\S+?)\"", line.decode())
            base = found.group(1) if found else None
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{base}/healthz") as response:
                assert response.status == 200
            for _ in range(300):  # ready once the console is up and this instance leads with its scheduler
                async with session.get(f"{base}/readyz") as response:
                    body = await response.json()
                    if response.status == 200 and body["leader"] and server.hits("/dhaka-daily/sl-beat-nepal"):
                        break
                await asyncio.sleep(0.1)
            assert body == {"status": "ready", "leader": True}
            for _ in range(300):  # the first pass collects at start
                async with session.get(f"{base}/metrics") as response:
                    metrics = await response.text()
                if metric(metrics, "khobor_last_collection_success_timestamp", region="test"):
                    break
                await asyncio.sleep(0.1)
            assert (metric(metrics, "khobor_articles_collected_total", region="test") or 0) >= 3
        process.send_signal(signal.SIGTERM)
        rest, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, rest.decode()
    assert "Traceback" not in rest.decode()


def test_text_logs_into_a_file_or_pipe_are_one_whole_line_a_record() -> None:
    """Outside review (q17r): `khobor run 2>run.log` cut every line at 80 columns (Rich's table), so a line about a
    channel spread over four lines and `grep subscription=3 run.log` missed its message."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        buffer = io.StringIO()
        setup_logging(LogSettings(), console=Console(file=buffer, width=40))  # not a terminal
        message = "delivery: channel slack:T1/CGONE is gone or forbids the bot (channel_not_found); paused"
        logging.getLogger("bot.runtime.delivery").warning(message, extra={"channel": "slack:T1/CGONE",
                                                                           "subscription": 3})
        lines = buffer.getvalue().splitlines()
        assert len(lines) == 1, lines
        assert lines[0].endswith(f"WARNING {message} [channel=slack:T1/CGONE subscription=3]")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
