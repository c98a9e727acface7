"""A real HTTP server on loopback for tests: register routes at any time, see every request it got.

    async with WebServer() as server:
        server.add_bytes("/feed.xml", rss, content_type="application/rss+xml")
        result = await fetcher.fetch(server.url("/feed.xml"))
        assert server.hits("/feed.xml") == 1

``WebServer("127.0.0.1", "127.0.0.2")`` listens on both addresses, same port, so a test can treat one
as a "public" host. :class:`FakeResolver` maps made-up names to loopback addresses, no real DNS.
"""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Self

from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class SeenRequest:
    """One request the server received."""

    method: str
    path: str
    query: str
    local_host: str  # the address it arrived on
    headers: dict[str, str]


class WebServer:
    """An aiohttp server on loopback whose routes are looked up per request, so they can change live."""

    def __init__(self, *hosts: str) -> None:
        self.hosts = hosts or ("127.0.0.1",)
        self.port = 0
        self.requests: list[SeenRequest] = []
        self._routes: dict[tuple[str, str], Handler] = {}
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen on every host, on one free port."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        # handler_cancellation: a handler stops when its client hangs up, so slow routes end with the test.
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.5)
        await self._runner.setup()
        for host in self.hosts:
            sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, self.port))
            self.port = sock.getsockname()[1]
            await web.SockSite(self._runner, sock).start()

    async def close(self) -> None:
        """Stop listening and drop open connections."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()

    def url(self, path: str = "/", *, host: str | None = None) -> str:
        """The absolute URL of ``path`` on this server (on ``host``, one of its addresses or a name)."""
        name = host or self.hosts[0]
        name = f"[{name}]" if ":" in name else name
        return f"http://{name}:{self.port}{path}"

    def route(self, path: str, handler: Handler, *, method: str = "GET") -> None:
        """Serve ``path`` (query string ignored) with ``handler``; replaces any earlier route."""
        self._routes[(method.upper(), path)] = handler

    def add_bytes(self, path: str, body: bytes, *, status: int = 200, content_type: str | None = None,
                  headers: Mapping[str, str] | None = None) -> None:
        """Serve fixed bytes (and headers) at ``path``."""

        async def handler(_: web.Request) -> web.StreamResponse:
            return web.Response(body=body, status=status, content_type=content_type, headers=headers)

        self.route(path, handler)

    def add_text(self, path: str, text: str, *, content_type: str = "text/html",
                 headers: Mapping[str, str] | None = None) -> None:
        """Serve UTF-8 text at ``path``."""
        content = {"Content-Type": f"{content_type}; charset=utf-8"}
        self.add_bytes(path, text.encode(), headers={**content, **(headers or {})})

    def add_redirect(self, path: str, location: str, *, status: int = 302) -> None:
        """Answer ``path`` with a redirect to ``location`` (sent as given, so it may be relative)."""
        self.add_bytes(path, b"", status=status, headers={"Location": location})

    def hits(self, path: str) -> int:
        """How many requests arrived for ``path``."""
        return sum(1 for seen in self.requests if seen.path == path)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        sockname = request.transport.get_extra_info("sockname") if request.transport else None
        self.requests.append(SeenRequest(
            method=request.method, path=request.path, query=request.query_string,
            local_host=str(sockname[0]) if sockname else "", headers=dict(request.headers),
        ))
        handler = self._routes.get((request.method, request.path))
        if handler is None:
            raise web.HTTPNotFound(text=f"no route for {request.method} {request.path}")
        return await handler(request)


class FakeResolver(AbstractResolver):
    """Resolve made-up names from a mapping (name -> addresses); anything else is 'not found'."""

    def __init__(self, names: Mapping[str, str | list[str]]) -> None:
        self._names = {name.lower(): [a] if isinstance(a, str) else list(a) for name, a in names.items()}

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """The mapped addresses of ``host``, or OSError like a failed DNS lookup."""
        addresses = self._names.get(host.lower().rstrip("."))
        if not addresses:
            raise OSError(socket.EAI_NONAME, f"{host}: name not known to FakeResolver")
        return [
            ResolveResult(hostname=host, host=address, port=port, proto=0, flags=socket.AI_NUMERICHOST,
                          family=socket.AF_INET6 if ":" in address else socket.AF_INET)
            for address in addresses
        ]

    async def close(self) -> None:
        """Nothing to release."""
