"""The SSRF guard: refused schemes, addresses and odd literal forms, at the first hop and after redirects."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from ipaddress import ip_address, ip_network

import pytest
from yarl import URL

from digests.errors import BlockedURLError
from digests.fetch import FetchConfig, Fetcher
from digests.guard import (
    AddressPolicy,
    AddressRefusedError,
    GuardedResolver,
    check_url,
    describe_address,
    parse_ip_literal,
)
from tests.fakes.webserver import FakeResolver, WebServer

# 127.0.0.2 plays a public host; 127.0.0.1 stays what it is, a loopback address.
PUBLIC_STAND_IN = AddressPolicy(allow=(ip_network("127.0.0.2/32"),))
NAMES = FakeResolver({
    "news.example": "127.0.0.2",
    "evil.example": "127.0.0.1",
    "intranet.example": ["10.0.0.5", "192.168.0.9"],
})


@pytest.mark.parametrize(("url", "why"), [
    ("file:///etc/passwd", "scheme 'file' is not allowed; only http and https"),
    ("ftp://example.com/feed", "scheme 'ftp' is not allowed"),
    ("gopher://example.com:70/_GET", "scheme 'gopher' is not allowed"),
    ("javascript:alert(1)", "scheme 'javascript' is not allowed"),
    ("data:text/html,<b>hi</b>", "scheme 'data' is not allowed"),
    ("//example.com/feed", "scheme '(none)' is not allowed"),
    ("http:///feed", "the URL has no host"),
    ("http://[::1", "not a valid URL"),
    ("http://localhost:8080/", "localhost is a loopback name"),
    ("http://LOCALHOST./", "localhost. is a loopback name"),
    ("http://admin.localhost/", "admin.localhost is a loopback name"),
    ("http://127.0.0.1/", "127.0.0.1 is a loopback address"),
    ("http://127.8.9.10/", "127.8.9.10 is a loopback address"),
    ("http://public.example@127.0.0.1/", "127.0.0.1 is a loopback address"),
    ("http://user:pw@10.1.2.3/", "10.1.2.3 is a private address"),
    ("http://10.0.0.5/", "10.0.0.5 is a private address"),
    ("http://172.16.0.1/", "172.16.0.1 is a private address"),
    ("http://192.168.1.1/", "192.168.1.1 is a private address"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a cloud metadata address"),
    ("http://169.254.1.1/", "169.254.1.1 is a link-local address"),
    ("http://100.64.0.1/", "100.64.0.1 is a carrier-grade NAT address"),
    ("http://224.0.0.1/", "224.0.0.1 is a multicast address"),
    ("http://0.0.0.0/", "0.0.0.0 is an unspecified address"),
    ("http://240.0.0.1/", "240.0.0.1 is a reserved address"),
    ("http://255.255.255.255/", "255.255.255.255 is a reserved address"),
    ("http://2130706433/", "2130706433 (= 127.0.0.1) is a loopback address"),
    ("http://017700000001/", "017700000001 (= 127.0.0.1) is a loopback address"),
    ("http://0x7f.1/", "0x7f.1 (= 127.0.0.1) is a loopback address"),
    ("http://0x7f000001/", "0x7f000001 (= 127.0.0.1) is a loopback address"),
    ("http://0177.0.0.1/", "0177.0.0.1 (= 127.0.0.1) is a loopback address"),
    ("http://127.1/", "127.1 (= 127.0.0.1) is a loopback address"),
    ("http://10.1/", "10.1 (= 10.0.0.1) is a private address"),
    ("http://127.0.0.1./", "127.0.0.1. (= 127.0.0.1) is a loopback address"),
    ("http://[::1]/", "::1 is a loopback address"),
    ("http://[::]/", ":: is an unspecified address"),
    ("http://[fe80::1]/", "fe80::1 is a link-local address"),
    ("http://[fe80::1%25eth0]/", "is a link-local address"),
    ("http://[fc00::1]/", "fc00::1 is a unique-local (private) address"),
    ("http://[fd12:3456::1]/", "is a unique-local (private) address"),
    ("http://[fd00:ec2::254]/", "is a cloud metadata address"),
    ("http://[ff02::1]/", "is a multicast address"),
    ("http://[::ffff:127.0.0.1]/", "an IPv4-mapped address of 127.0.0.1, a loopback address"),
    ("http://[::ffff:7f00:1]/", "an IPv4-mapped address of 127.0.0.1, a loopback address"),
    ("http://[::ffff:169.254.169.254]/", "of 169.254.169.254, a cloud metadata address"),
    ("http://[::127.0.0.1]/", "an IPv4-compatible address of 127.0.0.1, a loopback address"),
    ("http://[2002:a00:5::1]/", "a 6to4 address of 10.0.0.5, a private address"),
    ("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "a Teredo address of 127.0.0.1, a loopback address"),
    ("http://[64:ff9b::a00:5]/", "a NAT64 address of 10.0.0.5, a private address"),
])
def test_refused_before_connecting(url: str, why: str) -> None:
    with pytest.raises(BlockedURLError, match="refused: ") as caught:
        check_url(url)
    assert why in str(caught.value)
    assert caught.value.reason == "blocked"


@pytest.mark.parametrize("url", [
    "https://www.bbc.co.uk/news/rss.xml",
    "http://93.184.216.34/",
    "http://[2606:4700:4700::1111]/",
    "http://[::ffff:8.8.8.8]/",
    "http://[2002:808:808::1]/",
    "https://xn--4ca.example/",
])
def test_public_urls_pass(url: str) -> None:
    assert check_url(url) == URL(url)


@pytest.mark.parametrize(("literal", "expected"), [
    ("2130706433", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("127.1", "127.0.0.1"),
    ("0", "0.0.0.0"), ("0x", "0.0.0.0"), ("1.2.3.4", "1.2.3.4"), ("[::1]", "::1"),
    ("256.1", None), ("1.2.3.4.5", None), ("4294967296", None), ("08.1", None), ("news.example", None),
])
def test_parse_ip_literal(literal: str, expected: str | None) -> None:
    parsed = parse_ip_literal(literal)
    assert (str(parsed) if parsed else None) == expected


def test_policy_allows_listed_networks_only() -> None:
    assert PUBLIC_STAND_IN.is_allowed(ip_address("127.0.0.2"))
    assert not PUBLIC_STAND_IN.is_allowed(ip_address("127.0.0.1"))
    assert PUBLIC_STAND_IN.is_allowed(ip_address("1.1.1.1"))
    assert describe_address(ip_address("1.1.1.1")) is None


async def test_resolver_drops_refused_answers_and_names_the_address() -> None:
    resolver = GuardedResolver(FakeResolver({"mixed.example": ["10.0.0.5", "93.184.216.34"]}))
    answers = await resolver.resolve("mixed.example", 80)
    assert [answer["host"] for answer in answers] == ["93.184.216.34"]
    with pytest.raises(AddressRefusedError, match=r"intranet\.example resolves to 10\.0\.0\.5, a private"):
        await GuardedResolver(NAMES).resolve("intranet.example", 80, socket.AF_INET)


async def test_resolver_refuses_odd_numeric_names_the_os_would_resolve() -> None:
    # getaddrinfo("2130706433") answers 127.0.0.1: a name that slips past the literal check ends here.
    resolver = GuardedResolver(FakeResolver({"2130706433": "127.0.0.1", "0x7f.1": "127.0.0.1"}))
    for name in ("2130706433", "0x7f.1"):
        with pytest.raises(AddressRefusedError, match=r"resolves to 127\.0\.0\.1, a loopback address"):
            await resolver.resolve(name, 80)


@pytest.fixture
async def server() -> AsyncIterator[WebServer]:
    try:
        async with WebServer("127.0.0.1", "127.0.0.2") as srv:
            yield srv
    except OSError as exc:
        pytest.skip(f"cannot listen on 127.0.0.2: {exc}")


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(FetchConfig(retries=0), policy=PUBLIC_STAND_IN, resolver=NAMES) as started:
        yield started


async def test_public_stand_in_is_fetched(server: WebServer, fetcher: Fetcher) -> None:
    server.add_bytes("/feed", b"<rss/>")
    by_address = await fetcher.fetch(server.url("/feed", host="127.0.0.2"), guarded=True)
    by_name = await fetcher.fetch(server.url("/feed", host="news.example"), guarded=True)
    assert by_address.body == by_name.body == b"<rss/>"
    assert {seen.local_host for seen in server.requests} == {"127.0.0.2"}


@pytest.mark.parametrize(("host", "why"), [
    ("127.0.0.1", "127.0.0.1 is a loopback address"),
    ("evil.example", "evil.example resolves to 127.0.0.1, a loopback address"),
    ("intranet.example", "intranet.example resolves to 10.0.0.5, a private address"),
])
async def test_refused_hosts_are_never_contacted(server: WebServer, fetcher: Fetcher, host: str,
                                                 why: str) -> None:
    server.add_bytes("/secret", b"token")
    url = server.url("/secret", host=host)
    with pytest.raises(BlockedURLError) as caught:
        await fetcher.fetch(url, guarded=True)
    assert str(caught.value) == f"fetch: {url}: refused: {why}"
    assert server.requests == []


async def test_userinfo_does_not_hide_the_host(server: WebServer, fetcher: Fetcher) -> None:
    with pytest.raises(BlockedURLError, match=r"127\.0\.0\.1 is a loopback address"):
        await fetcher.fetch(f"http://news.example@127.0.0.1:{server.port}/secret", guarded=True)
    assert server.requests == []


@pytest.mark.parametrize("target", ["http://127.0.0.1:{port}/secret", "http://evil.example:{port}/secret",
                                    "http://2130706433:{port}/secret", "file:///etc/passwd"])
async def test_redirect_from_public_to_private_is_refused_at_the_hop(server: WebServer, fetcher: Fetcher,
                                                                     target: str) -> None:
    server.add_redirect("/go", target.format(port=server.port))
    server.add_bytes("/secret", b"token")
    with pytest.raises(BlockedURLError, match="refused: ") as caught:
        await fetcher.fetch(server.url("/go", host="news.example"), guarded=True)
    assert caught.value.url.startswith(target.format(port=server.port).split("/secret")[0])
    assert server.hits("/go") == 1 and server.hits("/secret") == 0


async def test_unguarded_fetch_may_use_loopback(server: WebServer, fetcher: Fetcher) -> None:
    server.add_bytes("/feed", b"ok")
    assert (await fetcher.fetch(server.url("/feed"))).body == b"ok"
