"""Errors of the news pipeline. Each message names the stage, the thing and what to do."""

from __future__ import annotations


class DigestsError(Exception):
    """Base class of every error raised by :mod:`digests`."""


class FetchError(DigestsError):
    """A URL could not be fetched. ``reason`` is a short machine-friendly tag."""

    def __init__(self, url: str, message: str, *, reason: str, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(f"fetch: {url}: {message}")
        self.url = url
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


class BlockedURLError(FetchError):
    """The fetch guard refused a URL (bad scheme, private address, ...)."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(url, f"refused: {message}", reason="blocked")


class StoreError(DigestsError):
    """The database could not be opened or migrated."""
