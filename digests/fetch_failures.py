"""What a failed request means for a fetch: worth another attempt (:class:`TransientError`: a timeout, a
connection error, 5xx, 408, 429) or final (:class:`digests.errors.FetchError`), and the wait a server asks for
(``Retry-After``), in words a person can act on. Used by :mod:`digests.fetch`."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import aiohttp

from digests.clock import utcnow
from digests.errors import FetchError


class TransientError(Exception):
    """A failure worth another attempt (timeout, connection error, 5xx, 408, 429)."""

    def __init__(self, message: str, *, reason: str, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.status = status
        self.retry_after = retry_after

    def final(self, url: str, attempts: int) -> FetchError:
        message = self.message if attempts == 1 else f"{self.message} (gave up after {attempts} attempts)"
        return FetchError(url, message, reason=self.reason, status=self.status, retry_after=self.retry_after)


# getaddrinfo's answers that a name has no address: the DNS said so (not "try again": EAI_AGAIN stays transient)
_NO_SUCH_HOST = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}


def missing_host(exc: aiohttp.ClientConnectionError) -> str | None:
    """The host name a connection failed on because it does not exist (asking again will not change that), else
    None. (getaddrinfo's codes are negative: no errno is one of them.)"""
    if isinstance(exc, aiohttp.ClientConnectorError) and exc.os_error.errno in _NO_SUCH_HOST:
        return exc.host
    return None


def connection_problem(exc: aiohttp.ClientConnectionError) -> str:
    """What went wrong, in words: "cannot connect to 127.0.0.1:9: Connection refused". aiohttp's own text
    says "ssl:default" even for plain http://, which sends people looking for a TLS problem; TLS failures
    (certificate, handshake) keep aiohttp's text, where TLS is the point."""
    if isinstance(exc, aiohttp.ClientSSLError) or not isinstance(exc, aiohttp.ClientConnectorError):
        return f"connection failed ({exc})"
    error = exc.os_error
    reason = os.strerror(error.errno) if error.errno and error.errno > 0 else (error.strerror or str(error))
    return f"cannot connect to {exc.host}:{exc.port}: {reason or type(error).__name__}"


def status_error(url: str, resp: aiohttp.ClientResponse, *, max_retry_after_s: float) -> Exception:
    """The error for an answer that is neither a success nor a redirect: transient (5xx, 408, 429) or final
    (other 4xx, anything else, and a wait asked for that is longer than ``max_retry_after_s``: the caller's
    schedule comes back later)."""
    status = resp.status
    message = f"HTTP {status} {resp.reason or ''}".rstrip()
    retry_after = parse_retry_after(resp.headers.get("Retry-After")) if status in (429, 503) else None
    if retry_after is not None and retry_after > max_retry_after_s:
        return FetchError(url, f"{message}: the server asks to wait {retry_after:g} s; try later",
                          reason="rate_limited", status=status, retry_after=retry_after)
    if status == 429:
        return TransientError(message, reason="rate_limited", status=status, retry_after=retry_after)
    if status >= 500:
        return TransientError(message, reason="http_5xx", status=status, retry_after=retry_after)
    if status == 408:
        return TransientError(message, reason="http_4xx", status=status)
    if status >= 400:
        return FetchError(url, message, reason="http_4xx", status=status)
    return FetchError(url, f"unexpected {message}", reason="http_status", status=status)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or utcnow())).total_seconds())
