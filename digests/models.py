"""Plain values passed between the pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class FeedSource:
    """A feed as configured for a region."""

    url: str
    name: str
    region: str


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one HTTP GET produced (after redirects, decompression and the size cap)."""

    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int
    body: bytes
    headers: dict[str, str]
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a parsed feed."""

    url: str  # the link as given by the feed (absolute)
    title: str
    summary: str  # plain text, may be empty
    author: str | None = None
    published: datetime | None = None  # timezone-aware UTC
    guid: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed parsed from bytes: what could be read, and the problem if there was one."""

    title: str | None
    entries: list[FeedEntry] = field(default_factory=list)
    error: str | None = None  # set when the feed was broken (entries may still be present)


@dataclass(frozen=True, slots=True)
class ExtractedArticle:
    """The main content of an article page."""

    text: str
    title: str | None = None
    author: str | None = None
    published: datetime | None = None  # timezone-aware UTC
    language: str | None = None  # ISO 639-1 code
