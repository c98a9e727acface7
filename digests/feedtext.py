"""The rules every feed format shares (RSS/Atom/RDF via feedparser, JSON Feed): text, links, dates, categories."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
import trafilatura

from digests.clock import utcnow

logger = logging.getLogger(__name__)

# Feeds whose clocks run fast are common; beyond this a "future" date is wrong, not early.
MAX_CLOCK_SKEW = timedelta(days=1)
MAX_CATEGORIES = 20
MAX_CATEGORY_CHARS = 100
# C0 controls other than tab/newline/CR are illegal in XML and make lxml refuse the whole string.
_CONTROL_CHARS = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def plain(value: str | None) -> str:
    """``value`` with whitespace collapsed."""
    return " ".join((value or "").split())


def html_to_text(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed (scripts and styles dropped)."""
    cleaned = fragment.encode("utf-8", "replace").decode("utf-8").translate(_CONTROL_CHARS)
    if not cleaned.strip():
        return ""
    try:
        element = lxml.html.fragment_fromstring(cleaned, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return plain(cleaned)
    return plain(trafilatura.html2txt(element))


def http_link(candidate: object, base: str) -> str | None:
    """``candidate`` made absolute against ``base`` when it is then an http(s) URL with a host, else None."""
    if not candidate or not isinstance(candidate, str):
        return None
    absolute = urljoin(base, candidate.strip())
    parts = urlsplit(absolute)
    return absolute if parts.scheme in ("http", "https") and parts.netloc else None


def unique_categories(terms: Iterable[str]) -> tuple[str, ...]:
    """Each term once (case-insensitively), at most :data:`MAX_CATEGORIES` of :data:`MAX_CATEGORY_CHARS`."""
    found: dict[str, str] = {}
    for raw in terms:
        term = plain(raw)[:MAX_CATEGORY_CHARS]
        if term:
            found.setdefault(term.casefold(), term)
    return tuple(found.values())[:MAX_CATEGORIES]


def past_or_none(moment: datetime) -> datetime | None:
    """``moment`` unless it is more than :data:`MAX_CLOCK_SKEW` ahead of now (a wrong date, not an early one)."""
    if moment > utcnow() + MAX_CLOCK_SKEW:
        logger.debug("feed: ignoring future date %s", moment.isoformat())
        return None
    return moment
