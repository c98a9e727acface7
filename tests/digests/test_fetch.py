"""The fetcher against a real loopback server: every fault is a FetchError with a clear message."""

from __future__ import annotations

import asyncio
import socket
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from aiohttp import web
from aiohttp.abc import ResolveResult

from digests.errors import BlockedURLError, FetchError
from digests.fetch import FetchConfig, Fetcher
from digests.fetch_failures import parse_retry_after
from tests.fakes.webserver import FakeResolver, WebServer

MiB = 1024 * 1024


class Sleeps:
    """Records the waits the fetcher asks for, without waiting."""

    def __init__(self) -> None:
        self.requested: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.requested.append(seconds)


MakeFetcher = Callable[..., Awaitable[Fetcher]]


@pytest.fixture
async def server() -> AsyncIterator[WebServer]:
    async with WebServer() as srv:
        yield srv


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def make_fetcher(sleeps: Sleeps) -> AsyncIterator[MakeFetcher]:
    started: list[Fetcher] = []

    async def make(**config: object) -> Fetcher:
        fetcher = Fetcher(FetchConfig(**config), sleep=sleeps)  # type: ignore[arg-type]
        await fetcher.start()
        started.append(fetcher)
        return fetcher

    yield make
    for fetcher in started:
        await fetcher.close()


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def sequence(*responses: Callable[[], web.StreamResponse]) -> Handler:
    """A handler that answers with each response in turn, then repeats the last one."""
    calls = 0

    async def handler(_: web.Request) -> web.StreamResponse:
        nonlocal calls
        calls += 1
        return responses[min(calls, len(responses)) - 1]()

    return handler


async def fetch_error(fetcher: Fetcher, url: str, **kwargs: object) -> FetchError:
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(url, **kwargs)  # type: ignore[arg-type]
    return caught.value


async def test_ok_result_carries_body_headers_and_validators(server: WebServer,
                                                             make_fetcher: MakeFetcher) -> None:
    server.add_bytes("/feed", b"<rss/>", content_type="application/rss+xml",
                     headers={"ETag": '"v1"', "Last-Modified": "Tue, 01 Jul 2025 08:00:00 GMT"})
    fetcher = await make_fetcher()
    result = await fetcher.fetch(server.url("/feed"))
    assert (result.status, result.body, result.content_type) == (200, b"<rss/>", "application/rss+xml")
    assert (result.etag, result.last_modified) == ('"v1"', "Tue, 01 Jul 2025 08:00:00 GMT")
    assert result.url == result.final_url == server.url("/feed")
    assert server.requests[0].headers["User-Agent"].startswith("Khobor/")


async def test_garbage_bytes_are_fetched_as_they_are(server: WebServer, make_fetcher: MakeFetcher) -> None:
    garbage = bytes(range(256)) * 64 + b"\x00\xff<rss"
    server.add_bytes("/feed", garbage, content_type="application/rss+xml")
    result = await (await make_fetcher()).fetch(server.url("/feed"))
    assert result.body == garbage


async def test_timeout(server: WebServer, make_fetcher: MakeFetcher, sleeps: Sleeps) -> None:
    async def slow(_: web.Request) -> web.StreamResponse:
        await asyncio.sleep(5)
        return web.Response(text="late")

    server.route("/slow", slow)
    fetcher = await make_fetcher(timeout_s=0.2, retries=1)
    error = await fetch_error(fetcher, server.url("/slow"))
    assert error.reason == "timeout"
    assert str(error) == f"fetch: {server.url('/slow')}: timed out after 0.2 s (gave up after 2 attempts)"
    assert server.hits("/slow") == 2 and len(sleeps.requested) == 1


async def test_connection_refused(make_fetcher: MakeFetcher) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago, with nobody listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    error = await fetch_error(await make_fetcher(retries=0), f"http://127.0.0.1:{port}/")
    assert error.reason == "connection"
    # Plain http:// has no TLS: aiohttp's "ssl:default" would send people looking for a TLS problem.
    assert str(error) == f"fetch: http://127.0.0.1:{port}/: cannot connect to 127.0.0.1:{port}: Connection refused"
    assert "ssl" not in str(error)


async def test_500_is_retried_with_jittered_backoff_then_fails(server: WebServer, make_fetcher: MakeFetcher,
                                                              sleeps: Sleeps) -> None:
    server.add_bytes("/feed", b"oops", status=500)
    error = await fetch_error(await make_fetcher(retries=3, backoff_base_s=1.0), server.url("/feed"))
    assert (error.reason, error.status) == ("http_5xx", 500)
    assert str(error).endswith("HTTP 500 Internal Server Error (gave up after 4 attempts)")
    assert server.hits("/feed") == 4
    assert len(sleeps.requested) == 3
    for attempt, wait in enumerate(sleeps.requested):
        assert 0 <= wait <= 2**attempt  # full jitter below base * 2^n


async def test_500_then_success(server: WebServer, make_fetcher: MakeFetcher) -> None:
    server.route("/feed", sequence(lambda: web.Response(status=502), lambda: web.Response(body=b"ok")))
    assert (await (await make_fetcher()).fetch(server.url("/feed"))).body == b"ok"


async def test_429_retry_after_is_honoured(server: WebServer, make_fetcher: MakeFetcher,
                                          sleeps: Sleeps) -> None:
    server.route("/feed", sequence(lambda: web.Response(status=429, headers={"Retry-After": "2"}),
                                   lambda: web.Response(body=b"ok")))
    result = await (await make_fetcher()).fetch(server.url("/feed"))
    assert result.body == b"ok"
    assert sleeps.requested == [2.0]


async def test_503_retry_after_as_http_date(server: WebServer, make_fetcher: MakeFetcher,
                                           sleeps: Sleeps) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    server.route("/feed", sequence(lambda: web.Response(status=503, headers={"Retry-After": when}),
                                   lambda: web.Response(body=b"ok")))
    await (await make_fetcher()).fetch(server.url("/feed"))
    assert len(sleeps.requested) == 1 and 25 <= sleeps.requested[0] <= 30


async def test_long_retry_after_is_left_to_the_caller(server: WebServer, make_fetcher: MakeFetcher,
                                                     sleeps: Sleeps) -> None:
    server.add_bytes("/feed", b"", status=429, headers={"Retry-After": "600"})
    error = await fetch_error(await make_fetcher(max_retry_after_s=120), server.url("/feed"))
    assert (error.reason, error.status, error.retry_after) == ("rate_limited", 429, 600.0)
    assert "asks to wait 600 s" in str(error)
    assert server.hits("/feed") == 1 and sleeps.requested == []


async def test_429_exhausted_keeps_rate_limited_reason(server: WebServer, make_fetcher: MakeFetcher) -> None:
    server.add_bytes("/feed", b"", status=429, headers={"Retry-After": "1"})
    error = await fetch_error(await make_fetcher(retries=1), server.url("/feed"))
    assert (error.reason, error.status, error.retry_after) == ("rate_limited", 429, 1.0)


async def test_404_is_not_retried(server: WebServer, make_fetcher: MakeFetcher, sleeps: Sleeps) -> None:
    error = await fetch_error(await make_fetcher(), server.url("/missing"))
    assert (error.reason, error.status) == ("http_4xx", 404)
    assert str(error).endswith("HTTP 404 Not Found")
    assert server.hits("/missing") == 1 and sleeps.requested == []


async def test_content_length_over_the_cap_is_refused_before_reading(server: WebServer,
                                                                     make_fetcher: MakeFetcher) -> None:
    server.add_bytes("/big", bytes(2 * MiB))
    error = await fetch_error(await make_fetcher(max_body_bytes=MiB), server.url("/big"))
    assert error.reason == "too_large" and "body larger than 1 MiB (Content-Length 2097152)" in str(error)


async def test_50_mb_stream_is_cut_near_the_cap(server: WebServer, make_fetcher: MakeFetcher) -> None:
    sent = 0

    async def endless(request: web.Request) -> web.StreamResponse:
        nonlocal sent
        response = web.StreamResponse()  # chunked, no Content-Length to refuse early
        await response.prepare(request)
        chunk = b"x" * 65536
        while sent < 50 * MiB:
            await response.write(chunk)
            sent += len(chunk)
        await response.write_eof()
        return response

    server.route("/endless", endless)
    fetcher = await make_fetcher(max_body_bytes=MiB)
    tracemalloc.start()
    try:
        error = await fetch_error(fetcher, server.url("/endless"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.reason == "too_large" and str(error).endswith("body larger than 1 MiB")
    assert peak < 8 * MiB
    await asyncio.sleep(0.05)
    assert sent < 25 * MiB  # the server saw the hang-up long before 50 MB


def gzip_of_zeros(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(MiB)
    return b"".join([*(compressor.compress(block) for _ in range(size // MiB)), compressor.flush()])


async def test_gzip_bomb_is_cut_after_decompressing_the_cap(server: WebServer,
                                                            make_fetcher: MakeFetcher) -> None:
    bomb = gzip_of_zeros(64 * MiB)
    assert len(bomb) < 100_000
    server.add_bytes("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    fetcher = await make_fetcher(max_body_bytes=MiB)
    tracemalloc.start()
    try:
        error = await fetch_error(fetcher, server.url("/bomb"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.reason == "too_large"
    assert peak < 8 * MiB  # 64 MiB were never held


async def test_small_gzip_body_is_decompressed(server: WebServer, make_fetcher: MakeFetcher) -> None:
    server.add_bytes("/gz", gzip_of_zeros(MiB), headers={"Content-Encoding": "gzip"})
    result = await (await make_fetcher(max_body_bytes=2 * MiB)).fetch(server.url("/gz"))
    assert result.body == bytes(MiB)


async def test_redirects_are_followed_including_relative_ones(server: WebServer,
                                                              make_fetcher: MakeFetcher) -> None:
    server.add_redirect("/old/feed", "../new/feed", status=301)
    server.add_redirect("/new/feed", "/final?x=1", status=307)
    server.add_bytes("/final", b"ok")
    result = await (await make_fetcher()).fetch(server.url("/old/feed"))
    assert (result.body, result.url, result.final_url) == (b"ok", server.url("/old/feed"),
                                                           server.url("/final?x=1"))


async def test_redirect_loop(server: WebServer, make_fetcher: MakeFetcher) -> None:
    server.add_redirect("/a", "/b")
    server.add_redirect("/b", "/a")
    error = await fetch_error(await make_fetcher(), server.url("/a"))
    assert error.reason == "redirects"
    assert f"redirect loop: {server.url('/a')} was already visited" in str(error)


async def test_too_many_redirects(server: WebServer, make_fetcher: MakeFetcher) -> None:
    for n in range(10):
        server.add_redirect(f"/r{n}", f"/r{n + 1}")
    error = await fetch_error(await make_fetcher(max_redirects=3), server.url("/r0"))
    assert error.reason == "redirects" and str(error).endswith("more than 3 redirects")
    assert server.hits("/r3") == 1 and server.hits("/r4") == 0


async def test_redirect_to_another_scheme_is_refused(server: WebServer, make_fetcher: MakeFetcher) -> None:
    server.add_redirect("/feed", "file:///etc/passwd")
    with pytest.raises(BlockedURLError, match="scheme 'file' is not allowed"):
        await (await make_fetcher()).fetch(server.url("/feed"))


async def conditional(request: web.Request) -> web.StreamResponse:
    validators = {"ETag": '"v7"', "Last-Modified": "Tue, 01 Jul 2025 08:00:00 GMT"}
    if (request.headers.get("If-None-Match") == validators["ETag"]
            or request.headers.get("If-Modified-Since") == validators["Last-Modified"]):
        return web.Response(status=304, headers=validators)
    return web.Response(body=b"<feed/>", headers=validators)


@pytest.mark.parametrize("validator", ["etag", "last_modified"])
async def test_conditional_get(server: WebServer, make_fetcher: MakeFetcher, validator: str) -> None:
    server.route("/feed", conditional)
    fetcher = await make_fetcher()
    first = await fetcher.fetch(server.url("/feed"))
    assert first.status == 200 and not first.not_modified
    if validator == "etag":
        second = await fetcher.fetch(server.url("/feed"), etag=first.etag)
    else:
        second = await fetcher.fetch(server.url("/feed"), last_modified=first.last_modified)
    assert (second.status, second.not_modified, second.body) == (304, True, b"")
    assert (second.etag, second.last_modified) == (first.etag, first.last_modified)


async def test_per_host_concurrency_is_respected(server: WebServer, make_fetcher: MakeFetcher) -> None:
    active = peak = 0

    async def counted(_: web.Request) -> web.StreamResponse:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.03)
        active -= 1
        return web.Response(body=b"ok")

    server.route("/item", counted)
    fetcher = await make_fetcher(per_host_concurrency=2)
    results = await asyncio.gather(*(fetcher.fetch(server.url("/item")) for _ in range(7)))
    assert all(result.body == b"ok" for result in results)
    assert peak == 2


async def test_waiting_for_a_host_slot_does_not_count_against_the_timeout(server: WebServer,
                                                                          make_fetcher: MakeFetcher) -> None:
    async def steady(_: web.Request) -> web.StreamResponse:
        await asyncio.sleep(0.4)
        return web.Response(body=b"ok")

    server.route("/item", steady)
    # Four in a row take 1.6 s against a 1 s timeout each: only the request's own time counts (with room
    # for a loaded machine).
    fetcher = await make_fetcher(per_host_concurrency=1, timeout_s=1.0, retries=0)
    results = await asyncio.gather(*(fetcher.fetch(server.url("/item")) for _ in range(4)))
    assert [result.body for result in results] == [b"ok"] * 4


async def test_fetch_before_start_says_so() -> None:
    with pytest.raises(RuntimeError, match="start"):
        await Fetcher().fetch("http://127.0.0.1/")


async def test_names_go_through_the_injected_resolver(server: WebServer) -> None:
    server.add_bytes("/feed", b"ok")
    async with Fetcher(resolver=FakeResolver({"feeds.example": "127.0.0.1"})) as fetcher:
        result = await fetcher.fetch(server.url("/feed", host="feeds.example"))
    assert result.body == b"ok"


def test_parse_retry_after() -> None:
    now = datetime(2025, 7, 1, 8, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Tue, 01 Jul 2025 08:00:30 GMT", now) == 30.0
    assert parse_retry_after("Tue, 01 Jul 2025 07:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


async def test_a_wait_that_would_end_past_the_deadline_is_not_started(server: WebServer, make_fetcher: MakeFetcher,
                                                                      sleeps: Sleeps) -> None:
    server.add_bytes("/feed", b"", status=503, headers={"Retry-After": "20"})
    fetcher = await make_fetcher(retries=3, max_retry_after_s=30)
    error = await fetch_error(fetcher, server.url("/feed"), deadline_s=15)
    assert (error.reason, error.status, error.retry_after) == ("http_5xx", 503, 20.0)
    assert str(error).endswith("HTTP 503 Service Unavailable (gave up after 1 attempt(s) within 15 s; "
                               "the server asks to wait 20 s)")
    assert server.hits("/feed") == 1 and sleeps.requested == []


class FlakyDNS(FakeResolver):
    """A resolver that answers "try again" (EAI_AGAIN) once per name, then the mapped addresses."""

    def __init__(self, names: dict[str, str]) -> None:
        super().__init__(names)
        self.asked: list[str] = []

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        self.asked.append(host)
        if self.asked.count(host) == 1:
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return await super().resolve(host, port, family)


async def test_a_host_name_that_does_not_exist_fails_at_once_and_says_so() -> None:
    resolver, sleeps = FlakyDNS({}), Sleeps()
    async with Fetcher(resolver=resolver, sleep=sleeps) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch("http://no-such-host.example/feed")
    # asked twice: the first answer was "try again" (retried after a backoff), the second "no such name" (final)
    assert resolver.asked == ["no-such-host.example"] * 2 and len(sleeps.requested) == 1
    assert caught.value.reason == "no_such_host"
    assert "no such host: the DNS has no address for no-such-host.example; check the address" in str(caught.value)


async def test_a_name_the_dns_could_not_answer_for_is_asked_again(server: WebServer) -> None:
    server.add_bytes("/feed", b"ok")
    resolver = FlakyDNS({"feeds.example": "127.0.0.1"})
    async with Fetcher(resolver=resolver, sleep=Sleeps()) as fetcher:
        result = await fetcher.fetch(server.url("/feed", host="feeds.example"))
    assert result.body == b"ok" and resolver.asked == ["feeds.example"] * 2
