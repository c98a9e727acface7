"""SSRF guard for URLs that users supply: only http(s), only public addresses.

Two layers, both needed: :func:`check_url` refuses bad schemes and IP literals before a request is
made (aiohttp never asks the resolver about a literal), and :class:`GuardedResolver` filters what a name
resolves to, so the connection goes to an address that was checked and no second DNS answer is used.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from typing import TypeAlias

from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from digests.errors import BlockedURLError

IPAddress: TypeAlias = IPv4Address | IPv6Address
IPNetwork: TypeAlias = IPv4Network | IPv6Network

ALLOWED_SCHEMES = frozenset({"http", "https"})

_CGNAT = IPv4Network("100.64.0.0/10")
_NAT64 = IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = IPv6Network("::/96")
_UNIQUE_LOCAL = IPv6Network("fc00::/7")
_METADATA = frozenset({IPv4Address("169.254.169.254"), IPv6Address("fd00:ec2::254")})
# One part of a legacy IPv4 literal, as browsers and inet_aton read it: hex, octal or decimal.
_IPV4_PART = re.compile(r"0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*")


def describe_address(ip: IPAddress) -> str | None:
    """Say why ``ip`` is not a public address ("a private address"), or return None if it is public."""
    embedded, via = _embedded_ipv4(ip)
    if embedded is not None:
        why = describe_address(embedded)
        if why is not None:
            return f"{via} of {embedded}, {why}"
        if via == "an IPv4-mapped address":
            return None
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    if ip in _METADATA:
        return "a cloud metadata address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    return _describe_nonpublic(ip)


def _describe_nonpublic(ip: IPAddress) -> str | None:
    if isinstance(ip, IPv4Address) and ip in _CGNAT:
        return "a carrier-grade NAT address"
    if isinstance(ip, IPv6Address) and (ip in _UNIQUE_LOCAL or ip.is_site_local):
        return "a unique-local (private) address"
    if ip.is_reserved:
        return "a reserved address"
    if ip.is_private:
        return "a private address"
    if not ip.is_global:
        return "not a public address"
    return None


def _embedded_ipv4(ip: IPAddress) -> tuple[IPv4Address | None, str]:
    """The IPv4 address an IPv6 one carries, and how it carries it."""
    if isinstance(ip, IPv4Address):
        return None, ""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped, "an IPv4-mapped address"
    if ip.sixtofour is not None:
        return ip.sixtofour, "a 6to4 address"
    if ip.teredo is not None:
        return ip.teredo[1], "a Teredo address"
    if ip in _NAT64:
        return IPv4Address(int(ip) & 0xFFFFFFFF), "a NAT64 address"
    if ip in _IPV4_COMPATIBLE and int(ip) > 1:
        return IPv4Address(int(ip) & 0xFFFFFFFF), "an IPv4-compatible address"
    return None, ""


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which addresses a guarded fetch may connect to: public ones, plus any network in ``allow``.

    ``allow`` is for a deployment that reads an intranet feed, and for tests, which stand a loopback
    address in for a public host.
    """

    allow: tuple[IPNetwork, ...] = ()

    def refusal(self, ip: IPAddress) -> str | None:
        """Why ``ip`` is refused, or None when a connection to it is allowed."""
        if any(ip in network for network in self.allow):
            return None
        return describe_address(ip)

    def is_allowed(self, ip: IPAddress) -> bool:
        """Whether a connection to ``ip`` is allowed."""
        return self.refusal(ip) is None


PUBLIC_ONLY = AddressPolicy()


def parse_ip_literal(host: str) -> IPAddress | None:
    """Read ``host`` as an IP address, including legacy IPv4 forms (2130706433, 0x7f.1, 127.1)."""
    try:
        return ip_address(host.strip("[]"))
    except ValueError:
        return _parse_legacy_ipv4(host)


def _parse_legacy_ipv4(host: str) -> IPv4Address | None:
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    if not 1 <= len(parts) <= 4 or not all(_IPV4_PART.fullmatch(part) for part in parts):
        return None
    values = [_ipv4_part_value(part) for part in parts]
    *head, last = values
    if any(value > 255 for value in head) or last >= 256 ** (5 - len(values)):
        return None
    return IPv4Address(sum(value << (8 * (3 - i)) for i, value in enumerate(head)) + last)


def _ipv4_part_value(part: str) -> int:
    if part[:2].lower() == "0x":
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part, 8)
    return int(part)


def check_scheme(url: URL) -> None:
    """Refuse (:class:`BlockedURLError`) any URL that is not absolute http or https."""
    if url.scheme not in ALLOWED_SCHEMES:
        scheme = url.scheme or "(none)"
        raise BlockedURLError(str(url), f"scheme '{scheme}' is not allowed; only http and https")
    if not url.host:
        raise BlockedURLError(str(url), "the URL has no host")


def check_url(url: str | URL, policy: AddressPolicy = PUBLIC_ONLY) -> URL:
    """Refuse what can be refused before connecting: bad schemes, localhost and refused IP literals.

    Host names are left to :class:`GuardedResolver`. Returns the parsed URL.
    """
    try:
        parsed = url if isinstance(url, URL) else URL(url)
    except ValueError as exc:
        raise BlockedURLError(str(url), f"not a valid URL ({exc})") from None
    check_scheme(parsed)
    host = (parsed.host or "").lower()
    name = host.rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        raise BlockedURLError(str(parsed), f"{host} is a loopback name")
    ip = parse_ip_literal(host)
    why = None if ip is None else policy.refusal(ip)
    if ip is not None and why is not None:
        shown = host if str(ip) == host.strip("[]") else f"{host} (= {ip})"
        raise BlockedURLError(str(parsed), f"{shown} is {why}")
    return parsed


class AddressRefusedError(BlockedURLError):
    """Every address a host name resolved to was refused; ``detail`` says which and why."""

    def __init__(self, host: str, detail: str) -> None:
        super().__init__(host, detail)
        self.host = host
        self.detail = detail


class GuardedResolver(AbstractResolver):
    """Resolve with ``inner`` and keep only the answers ``policy`` allows."""

    def __init__(self, inner: AbstractResolver, policy: AddressPolicy = PUBLIC_ONLY) -> None:
        self._inner = inner
        self._policy = policy

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve ``host``; raise :class:`AddressRefusedError` when no answer is allowed."""
        answers = await self._inner.resolve(host, port, family)
        reasons = [_answer_refusal(answer["host"], self._policy.refusal) for answer in answers]
        allowed = [answer for answer, why in zip(answers, reasons, strict=True) if why is None]
        if allowed:
            return allowed
        if not answers:
            raise AddressRefusedError(host, f"{host} resolves to no address")
        raise AddressRefusedError(host, f"{host} resolves to {answers[0]['host']}, {reasons[0]}")

    async def close(self) -> None:
        """Nothing to release: the inner resolver belongs to whoever made it."""


def _answer_refusal(address: str, refusal: Callable[[IPAddress], str | None]) -> str | None:
    try:
        ip = ip_address(address)
    except ValueError:
        return "not an IP address"
    return refusal(ip)
