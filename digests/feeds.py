"""Parse RSS, Atom and RDF feeds (feedparser) and JSON Feeds (:mod:`digests.jsonfeed`) into plain
:class:`~digests.models.FeedEntry` values."""

from __future__ import annotations

import calendar
import io
import logging
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin
from xml.sax import SAXParseException

import feedparser
import lxml.etree
import lxml.html
from feedparser.exceptions import ThingsNobodyCaresAboutButMe

from digests import jsonfeed
from digests.clean import surrogate_refs_replaced
from digests.extract import looks_like_html
from digests.feedtext import MAX_CLOCK_SKEW, html_to_text, http_link, past_or_none, plain, unique_categories
from digests.models import FeedEntry, ParsedFeed

__all__ = ["MAX_CLOCK_SKEW", "html_to_text", "parse_feed"]

logger = logging.getLogger(__name__)

_FEED_LINK_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")


def parse_feed(body: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse a fetched feed ``body`` (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, RDF, CDF, JSON Feed 1.0/1.1)
    into entries.

    ``url`` is where the body came from (after redirects): relative links resolve against it.
    ``content_type`` is the response's Content-Type header, charset included, which feedparser weighs
    when decoding. Entries without an http(s) link are skipped. Never raises: a broken feed yields the
    entries that could be read and ``error`` says what is wrong, starting with "feed:".
    """
    try:
        return _parse(body, url, content_type)
    except Exception as exc:  # feedparser, sgmllib and lxml raise assorted errors on hostile input
        logger.warning("feed: %s could not be parsed", url, exc_info=True)
        return ParsedFeed(title=None, error=f"feed: could not be parsed ({type(exc).__name__}: {exc})")


def _parse(body: bytes, url: str, content_type: str | None) -> ParsedFeed:
    if not body.strip():
        return ParsedFeed(title=None, error="feed: the server sent an empty body; check the feed URL")
    if jsonfeed.is_json_feed(body, content_type):
        return jsonfeed.parse_json_feed(body, url=url)
    result = _read(body, url, content_type)
    raw_entries = result.get("entries", [])
    entries = [entry for entry in (_entry(raw, url) for raw in raw_entries) if entry is not None]
    title = _text(result.get("feed", {}).get("title_detail")) or None
    error = _problem(result, body, url, content_type, kept=len(entries))
    if error is None and raw_entries and not entries:
        error = f"feed: none of its {len(raw_entries)} entries has an http(s) link; nothing to fetch"
    return ParsedFeed(title=title, entries=entries, error=error)


def _read(body: bytes, url: str, content_type: str | None) -> Any:
    """feedparser's result, read with the server's Content-Type; when its charset makes the body unreadable
    (a UTF-8 feed served as ``charset=utf-16``, a charset Python cannot decode with), read without it, from
    the body's own declaration or byte order mark, as a browser would."""
    media_type, _, charset = (content_type or "").partition(";")
    try:
        result = _feedparser(body, url, content_type)
    except (ValueError, LookupError):
        if not charset:
            raise
        return _feedparser(body, url, media_type)
    if charset and not (result.get("version") or result.get("entries")):
        without = _feedparser(body, url, media_type)
        if without.get("version") or without.get("entries"):
            return without
    return result


def _feedparser(body: bytes, url: str, content_type: str | None) -> Any:
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    # A BytesIO, never bare bytes: feedparser treats a bytes value that names a file as a path to open. feedparser's
    # rewriting of the HTML inside entries (sanitising it, making its links absolute) is for a reader that shows that
    # HTML; Khobor keeps only its text (feedtext.html_to_text, which drops scripts and styles), and the links it
    # follows, feedparser resolves either way. Without the rewriting, parsing takes 37 % less CPU over the feed
    # corpus (../shared/data/feeds-corpus, 2,129 feeds) with the same entries, and only 2 texts change: a title's
    # script that the sanitiser left as text is gone, and a comment left open hides the rest, as in a browser.
    return feedparser.parse(io.BytesIO(surrogate_refs_replaced(body)), response_headers=headers,
                            sanitize_html=False, resolve_relative_uris=False)


def _problem(result: Any, body: bytes, url: str, content_type: str | None, *, kept: int) -> str | None:
    """What is wrong with the parsed feed, as a message for the operator, or None."""
    exc = _harmful_exception(result)
    if result.get("version") or result.get("entries"):
        return _bozo_message(exc, body, kept) if exc is not None else None
    if looks_like_html(body) or (content_type or "").lower().startswith("text/html"):
        return _html_message(body, url)
    detail = f" ({_bozo_message(exc, body, 0).removeprefix('feed: ')})" if exc is not None else ""
    return f"feed: not an RSS, Atom or RDF feed{detail}; check the feed URL"


def _harmful_exception(result: Any) -> BaseException | None:
    """feedparser's complaint, unless it is a wrong charset or media type it worked around."""
    exc = result.get("bozo_exception") if result.get("bozo") else None
    if isinstance(exc, BaseException) and not isinstance(exc, ThingsNobodyCaresAboutButMe):
        return exc
    return None


def _bozo_message(exc: BaseException, body: bytes, read: int) -> str:
    read_note = f"; kept the {read} {'entry' if read == 1 else 'entries'} before it" if read else ""
    if isinstance(exc, SAXParseException):
        # feedparser puts its own XML declaration on a line of its own before a body that has none
        added = 0 if body.removeprefix(b"\xef\xbb\xbf").startswith(b"<?xml") else 1
        line = max((exc.getLineNumber() or 1) - added, 1)
        return f"feed: not well-formed XML at line {line}: {exc.getMessage()}{read_note}"
    return f"feed: could not be read fully ({type(exc).__name__}: {exc}){read_note}"


def _html_message(body: bytes, url: str) -> str:
    message = "feed: got an HTML page, not RSS/Atom; check the feed URL"
    advertised = _advertised_feed(body, url)
    return f"{message} (the page names a feed at {advertised})" if advertised else message


def _advertised_feed(body: bytes, url: str) -> str | None:
    """The first feed an HTML page advertises with ``<link rel="alternate" type="...">``."""
    try:
        page = lxml.html.document_fromstring(body)
    except (lxml.etree.ParserError, ValueError):
        return None
    for link in page.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and (link.get("type") or "").lower() in _FEED_LINK_TYPES and href:
            return urljoin(url, href)
    return None


def _entry(raw: Any, base: str) -> FeedEntry | None:
    link = _link(raw, base)
    if link is None:
        return None
    return FeedEntry(
        url=link,
        title=_text(raw.get("title_detail")) or plain(raw.get("title")),
        summary=_summary(raw),
        author=plain(raw.get("author")) or None,
        published=_published(raw),
        guid=str(raw.get("id") or "").strip() or None,
        categories=_categories(raw),
    )


def _categories(raw: Any) -> tuple[str, ...]:
    """The item's categories (feedparser gathers RSS ``<category>``, Atom ``category`` and ``dc:subject``
    as ``tags``)."""
    return unique_categories(str(tag.get("label") or tag.get("term") or "") for tag in raw.get("tags") or [])


def _link(raw: Any, base: str) -> str | None:
    """The entry's absolute http(s) link, or None."""
    candidates = [raw.get("link")]
    candidates += [link.get("href") for link in raw.get("links", []) if link.get("rel", "alternate") == "alternate"]
    return next((link for link in (http_link(c, base) for c in candidates) if link is not None), None)


def _summary(raw: Any) -> str:
    detail = raw.get("summary_detail")
    if not detail or not detail.get("value"):
        contents = raw.get("content") or []
        detail = contents[0] if contents else None
    return _text(detail)


def _published(raw: Any) -> datetime | None:
    """Publication time as aware UTC; None when absent, unparseable or more than a day ahead."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed: time.struct_time | None = raw.get(key)
        if parsed is None:
            continue
        try:
            moment = datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
        except (OverflowError, ValueError, OSError):
            continue
        return past_or_none(moment)
    return None


def _text(detail: Any) -> str:
    """Plain text of a feedparser text construct (``*_detail``), HTML or not, whitespace collapsed."""
    if not detail:
        return ""
    value = str(detail.get("value") or "")
    if "html" in str(detail.get("type") or "").lower():
        return html_to_text(value)
    return plain(value)
