"""Health and metrics over HTTP, for probes, Docker's HEALTHCHECK and Prometheus.

    readiness = Readiness()
    server = HealthServer(app, readiness, host="0.0.0.0", port=8080)
    await server.start()        # GET /healthz, /readyz, /metrics
    ...
    await server.stop()

``/healthz`` (liveness): 200 ``{"status": "ok"}`` while the process answers and ``SELECT 1`` on the database
succeeds within the timeout, else 503 with the problem. ``/readyz``: 200 when every adapter is connected and,
on the leader, the scheduler runs (followers are ready without it), else 503 naming what is not ready.
``/metrics``: the ``bot.metrics`` registry in Prometheus' text format.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol, runtime_checkable

import aiohttp
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from bot.app import App
from bot.core.ports import ChatAdapter
from bot.runtime.scheduler import Scheduler
from bot.settings import HealthSettings

log = logging.getLogger(__name__)


@runtime_checkable
class Connectable(Protocol):
    """An adapter that knows whether it is connected (an adapter without ``connected`` counts as connected)."""

    @property
    def connected(self) -> bool: ...


class Readiness:
    """What ``/readyz`` checks, kept current by the runtime: the adapters, leadership and the scheduler."""

    def __init__(self) -> None:
        self.adapters: list[ChatAdapter] = []
        self.leader = False
        self.scheduler: Scheduler | None = None

    def problems(self) -> list[str]:
        """What is not ready, as readable lines; empty when ready."""
        found = [] if self.adapters else ["adapters: none started yet"]
        found += [f"{a.platform}: not connected" for a in self.adapters
                  if isinstance(a, Connectable) and not a.connected]
        if self.leader and (self.scheduler is None or not self.scheduler.aps.running):
            found.append("scheduler: not running on the leader")
        return found


async def database_problem(app: App, *, limit_s: float) -> str | None:
    """None when ``SELECT 1`` succeeds within ``limit_s`` seconds, else what went wrong."""
    try:
        engine = app.store.engine
    except RuntimeError:
        return "database: not open yet"

    async def select_one() -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    try:
        await asyncio.wait_for(select_one(), limit_s)
    except TimeoutError:
        return f"database: no answer to SELECT 1 within {limit_s:g} s"
    except Exception as exc:  # any driver error means the database is unusable right now
        first = (str(exc).splitlines() or [""])[0][:200]
        return f"database: {exc.__class__.__name__}: {first}"
    return None


class HealthServer:
    """``/healthz``, ``/readyz`` and ``/metrics`` on ``host:port`` (0: any free port). No I/O until ``start``."""

    def __init__(self, app: App, readiness: Readiness, *, host: str, port: int,
                 database_timeout: float = 2.0) -> None:
        self.app = app
        self.readiness = readiness
        self.host = host
        self.port = port
        self.database_timeout = database_timeout
        self._runner: web.AppRunner | None = None

    @classmethod
    def from_settings(cls, app: App, readiness: Readiness, settings: HealthSettings) -> HealthServer:
        """A server as ``[health]`` says."""
        return cls(app, readiness, host=settings.host, port=settings.port,
                   database_timeout=settings.database_timeout_seconds)

    @property
    def url(self) -> str | None:
        """The server's base URL once started (the bound port, even if 0 was asked)."""
        if self._runner is None or not self._runner.addresses:
            return None
        host, port = self._runner.addresses[0][:2]
        return f"http://{host}:{port}"

    async def start(self) -> None:
        """Listen on ``host:port``."""
        web_app = web.Application()
        web_app.router.add_get("/healthz", self.healthz)
        web_app.router.add_get("/readyz", self.readyz)
        web_app.router.add_get("/metrics", self.metrics)
        runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        log.info("health: serving /healthz, /readyz and /metrics at %s", self.url)

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def healthz(self, _: web.Request) -> web.Response:
        problem = await database_problem(self.app, limit_s=self.database_timeout)
        if problem is None:
            return web.json_response({"status": "ok"})
        log.warning("health: %s", problem)
        return web.json_response({"status": "failing", "problems": [problem]}, status=503)

    async def readyz(self, _: web.Request) -> web.Response:
        problems = self.readiness.problems()
        body: dict[str, object] = {"status": "not ready" if problems else "ready", "leader": self.readiness.leader}
        if problems:
            body["problems"] = problems
        return web.json_response(body, status=503 if problems else 200)

    async def metrics(self, _: web.Request) -> web.Response:
        return web.Response(body=self.app.metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST})


def probe_url(settings: HealthSettings) -> str:
    """Where ``khobor healthcheck`` asks: this host's ``/healthz`` on the configured port."""
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "", "::") else settings.host  # noqa: S104
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}/healthz"


async def probe(url: str, *, limit_s: float = 5.0) -> str | None:
    """None when GET ``url`` answers 200, else why not (the status and body, or the connection error)."""
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=limit_s)) as session, \
                session.get(url) as response:
            if response.status == 200:
                return None
            return f"{url} answered {response.status}: {(await response.text())[:500]}"
    except (aiohttp.ClientError, TimeoutError) as exc:
        return f"{url} did not answer: {exc.__class__.__name__}: {exc}"
