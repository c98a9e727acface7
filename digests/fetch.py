"""HTTP GET for feeds and article pages: size cap, conditional GET, checked redirects, polite retries (which
failures are worth one: :mod:`digests.fetch_failures`)."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Self

import aiohttp
from aiohttp.abc import AbstractResolver
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt, stop_before_delay
from tenacity.wait import wait_random_exponential
from yarl import URL

from digests.errors import BlockedURLError, FetchError
from digests.fetch_failures import TransientError, connection_problem, missing_host, status_error
from digests.guard import (
    PUBLIC_ONLY,
    AddressPolicy,
    AddressRefusedError,
    GuardedResolver,
    check_scheme,
    check_url,
)
from digests.models import FetchResult

Sleep = Callable[[float], Awaitable[None]]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """How the fetcher behaves. ``retries`` counts the attempts after the first one."""

    timeout_s: float = 15.0  # one request (a redirect hop), body included; not the wait for a host slot
    connect_timeout_s: float = 5.0
    max_body_bytes: int = 5 * 1024 * 1024  # after decompression
    max_redirects: int = 5
    user_agent: str = "Khobor/0.1 (news digest bot)"
    per_host_concurrency: int = 2
    retries: int = 3
    backoff_base_s: float = 1.0
    backoff_max_s: float = 60.0
    max_retry_after_s: float = 30.0  # a longer Retry-After is left to the caller's schedule
    deadline_s: float = 60.0  # one fetch in all: attempts, redirects and waits between them


class HostSlots:
    """A semaphore per host, ``per_host`` wide. Weak values: a host's semaphore lives while someone holds it,
    so the map cannot grow for ever."""

    def __init__(self, per_host: int) -> None:
        self.per_host = per_host
        self._slots: weakref.WeakValueDictionary[str, asyncio.Semaphore] = weakref.WeakValueDictionary()

    def __call__(self, host: str) -> asyncio.Semaphore:
        slot = self._slots.get(host)
        if slot is None:
            slot = self._slots[host] = asyncio.Semaphore(self.per_host)
        return slot


class Fetcher:
    """Fetch URLs over one aiohttp session (two, counting the guarded one). Use ``async with``."""

    def __init__(self, config: FetchConfig | None = None, *, policy: AddressPolicy = PUBLIC_ONLY,
                 resolver: AbstractResolver | None = None, sleep: Sleep = asyncio.sleep) -> None:
        self.config = config or FetchConfig()
        self._policy = policy
        self._resolver = resolver
        self._owned_resolver: AbstractResolver | None = None
        self._sleep = sleep
        self._sessions: dict[bool, aiohttp.ClientSession] = {}
        self._slots = HostSlots(self.config.per_host_concurrency)
        self._backoff = wait_random_exponential(multiplier=self.config.backoff_base_s,
                                                max=self.config.backoff_max_s)

    async def start(self) -> None:
        """Create the sessions (the guarded one resolves through :class:`GuardedResolver`)."""
        if self._sessions:
            return
        resolver = self._resolver
        if resolver is None:
            resolver = self._owned_resolver = aiohttp.DefaultResolver()
        self._sessions = {
            False: self._new_session(resolver),
            True: self._new_session(GuardedResolver(resolver, self._policy)),
        }

    def _new_session(self, resolver: AbstractResolver) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(resolver=resolver),
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.config.connect_timeout_s),
            headers={"User-Agent": self.config.user_agent},
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=False,
            auto_decompress=True,
        )

    async def close(self) -> None:
        """Close the sessions and the resolver this fetcher made."""
        sessions, self._sessions = self._sessions, {}
        for session in sessions.values():
            await session.close()
        if self._owned_resolver is not None:
            await self._owned_resolver.close()
            self._owned_resolver = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()

    async def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
                    guarded: bool = False, deadline_s: float | None = None) -> FetchResult:
        """GET ``url``, retrying transient failures; raise :class:`FetchError` when it cannot be had.

        ``guarded`` is for URLs that users supply: every hop is checked by :mod:`digests.guard`.
        ``deadline_s`` (default: the config's) bounds the whole fetch, retries and their waits included:
        a wait that would end past it is not started. A 304 answer to ``etag``/``last_modified`` comes back
        as a result with an empty body.
        """
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempts, limit = self.config.retries + 1, deadline_s or self.config.deadline_s
        retrying = AsyncRetrying(stop=stop_after_attempt(attempts) | stop_before_delay(limit), wait=self._wait,
                                 sleep=self._sleep, retry=retry_if_exception_type(TransientError), reraise=True)
        try:
            async with asyncio.timeout(limit):
                return await retrying(self._attempt, url, headers, guarded)
        except TransientError as exc:
            tried = int(retrying.statistics.get("attempt_number", attempts))
            if tried < attempts:  # stopped by the deadline, not by the count
                wait = f"; the server asks to wait {exc.retry_after:g} s" if exc.retry_after else ""
                exc.message = f"{exc.message} (gave up after {tried} attempt(s) within {limit:g} s{wait})"
                tried = 1
            raise exc.final(url, tried) from exc.__cause__
        except TimeoutError:
            raise FetchError(url, f"no complete answer within {limit:g} s; gave up", reason="timeout") from None

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, TransientError) and error.retry_after is not None:
            return error.retry_after
        return float(self._backoff(state))

    async def _attempt(self, url: str, headers: dict[str, str], guarded: bool) -> FetchResult:
        config = self.config
        try:
            return await self._follow(url, headers, guarded)
        except aiohttp.ConnectionTimeoutError as exc:
            raise TransientError(f"could not connect within {config.connect_timeout_s:g} s",
                                  reason="timeout") from exc
        except TimeoutError as exc:
            raise TransientError(f"timed out after {config.timeout_s:g} s", reason="timeout") from exc
        except aiohttp.ClientPayloadError as exc:
            raise FetchError(url, f"the response body is broken ({exc})", reason="bad_body") from exc
        except aiohttp.ClientConnectionError as exc:
            if (host := missing_host(exc)) is not None:
                raise FetchError(url, f"no such host: the DNS has no address for {host}; check the address",
                                 reason="no_such_host") from exc
            raise TransientError(connection_problem(exc), reason="connection") from exc
        except aiohttp.ClientError as exc:
            raise FetchError(url, f"request failed ({exc})", reason="client") from exc

    async def _follow(self, url: str, headers: dict[str, str], guarded: bool) -> FetchResult:
        session = self._session(guarded)
        hop = self._check(url, url, guarded)
        seen = {hop}
        for _ in range(self.config.max_redirects + 1):
            outcome = await self._hop(session, url, hop, headers)
            if isinstance(outcome, FetchResult):
                return outcome
            if outcome in seen:
                raise FetchError(url, f"redirect loop: {outcome} was already visited", reason="redirects")
            seen.add(outcome)
            hop = self._check(url, outcome, guarded)
        raise FetchError(url, f"more than {self.config.max_redirects} redirects", reason="redirects")

    async def _hop(self, session: aiohttp.ClientSession, url: str, hop: URL,
                   headers: dict[str, str]) -> FetchResult | URL:
        """One request: the result, or where it redirects to."""
        try:
            async with (
                self._slots(hop.host or ""),
                asyncio.timeout(self.config.timeout_s),
                session.get(hop, headers=headers, allow_redirects=False) as resp,
            ):
                target = _redirect_target(url, hop, resp)
                return target if target is not None else await self._finish(url, hop, resp)
        except AddressRefusedError as exc:
            raise BlockedURLError(str(hop), exc.detail) from None

    def _session(self, guarded: bool) -> aiohttp.ClientSession:
        if not self._sessions:
            raise RuntimeError("Fetcher.start() must be awaited before fetch()")
        return self._sessions[guarded]

    def _check(self, url: str, hop: str | URL, guarded: bool) -> URL:
        if guarded:
            return check_url(hop, self._policy)
        try:
            parsed = hop if isinstance(hop, URL) else URL(hop)
        except ValueError as exc:
            raise FetchError(url, f"not a valid URL ({exc})", reason="invalid_url") from None
        check_scheme(parsed)
        return parsed

    async def _finish(self, url: str, hop: URL, resp: aiohttp.ClientResponse) -> FetchResult:
        if resp.status == 304:
            return _result(url, hop, resp, b"")
        if 200 <= resp.status < 300:
            return _result(url, hop, resp, await self._read_capped(url, resp))
        raise status_error(url, resp, max_retry_after_s=self.config.max_retry_after_s)

    async def _read_capped(self, url: str, resp: aiohttp.ClientResponse) -> bytes:
        cap = self.config.max_body_bytes
        if resp.content_length is not None and resp.content_length > cap:
            raise FetchError(url, f"body larger than {_size(cap)} (Content-Length {resp.content_length})",
                             reason="too_large")
        body = bytearray()
        async for chunk in resp.content.iter_chunked(_CHUNK_BYTES):
            body += chunk
            if len(body) > cap:
                raise FetchError(url, f"body larger than {_size(cap)}", reason="too_large")
        return bytes(body)

def _redirect_target(url: str, hop: URL, resp: aiohttp.ClientResponse) -> URL | None:
    location = resp.headers.get("Location")
    if resp.status not in _REDIRECTS or not location:
        return None
    try:
        return hop.join(URL(location))
    except ValueError:
        raise FetchError(url, f"HTTP {resp.status} with a bad Location header", reason="redirects") from None


def _result(url: str, hop: URL, resp: aiohttp.ClientResponse, body: bytes) -> FetchResult:
    headers: dict[str, str] = {}
    for name, value in resp.headers.items():
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return FetchResult(url=url, final_url=str(hop), status=resp.status, body=body, headers=headers,
                       etag=resp.headers.get("ETag"), last_modified=resp.headers.get("Last-Modified"))


def _size(n: int) -> str:
    for unit, scale in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if n >= scale:
            return f"{n / scale:g} {unit}"
    return f"{n} bytes"
