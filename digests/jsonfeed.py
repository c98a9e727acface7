"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) into the same :class:`FeedEntry` values as RSS.

feedparser 6 reads no JSON. The mapping follows Miniflux's: ``url``, else ``external_url``, is the link;
``summary``, else the text of ``content_html``, else ``content_text``, is the summary; ``date_published``,
else ``date_modified``, is the date; 1.1's ``authors`` or 1.0's ``author`` (the item's, else the feed's);
``tags`` are categories; ``language`` (the item's, else the feed's) is kept as its ISO 639-1 code.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from digests.clean import MAX_TEXT_CHARS, MAX_TITLE_CHARS, clip, scrub
from digests.feedtext import html_to_text, http_link, past_or_none, plain, unique_categories
from digests.models import FeedEntry, ParsedFeed

VERSION_PREFIX = "https://jsonfeed.org/version/"
MEDIA_TYPES = ("application/feed+json", "application/json")
MAX_ITEMS = 1_000  # a feed is the latest items; a longer list is an archive or an attack
NOT_A_JSON_FEED = (f'feed: got JSON, but not a JSON Feed (no "version" starting {VERSION_PREFIX} and no "items" '
                   "list); check the feed URL")
_LANGUAGE = re.compile(r"([A-Za-z]{2})(?:[-_][A-Za-z0-9]{1,8})*")


def is_json_feed(body: bytes, content_type: str | None) -> bool:
    """Whether ``body`` is to be read as JSON: it starts like JSON, or is served as JSON and not as XML."""
    start = body.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
    media_type = (content_type or "").split(";")[0].strip().lower()
    return start in (b"{", b"[") or (media_type in MEDIA_TYPES and start != b"<")


def parse_json_feed(body: bytes, *, url: str) -> ParsedFeed:
    """Parse a JSON Feed ``body`` fetched from ``url``. Never raises; broken JSON keeps nothing and says why."""
    try:
        document = json.loads(body.decode("utf-8-sig", errors="replace"))
    except json.JSONDecodeError as exc:
        return ParsedFeed(title=None, error=f"feed: not valid JSON at line {exc.lineno} column {exc.colno}: "
                                            f"{exc.msg}; nothing kept, check the feed URL")
    except (ValueError, RecursionError) as exc:  # digits past Python's limit, nesting past the stack
        return ParsedFeed(title=None, error=f"feed: JSON could not be read ({type(exc).__name__}); nothing kept")
    if not isinstance(document, dict) or not (_versioned(document) or isinstance(document.get("items"), list)):
        return ParsedFeed(title=None, error=NOT_A_JSON_FEED)
    title = clip(_string(document.get("title")), MAX_TITLE_CHARS) or None
    items = document.get("items")
    if not isinstance(items, list):
        return ParsedFeed(title=title, error='feed: the JSON Feed has no "items" list; check the feed URL')
    defaults = FeedEntry(url=url, title="", summary="", author=_author(document),
                         language=_language(document.get("language")))
    entries = [entry for entry in (_entry(item, url, defaults) for item in items[:MAX_ITEMS]) if entry is not None]
    error = None
    if items and not entries:
        error = f"feed: none of its {len(items)} items has an http(s) url; nothing to fetch"
    elif len(items) > MAX_ITEMS:
        error = f"feed: {len(items)} items; read the first {MAX_ITEMS}"
    return ParsedFeed(title=title, entries=entries, error=error)


def _versioned(document: dict[str, Any]) -> bool:
    return _string(document.get("version")).startswith(VERSION_PREFIX)


def _entry(item: object, base: str, defaults: FeedEntry) -> FeedEntry | None:
    if not isinstance(item, dict):
        return None
    link = _link(item.get("url"), base) or _link(item.get("external_url"), base)
    if link is None:
        return None
    guid = item.get("id")
    return FeedEntry(
        url=link,
        title=clip(_string(item.get("title")), MAX_TITLE_CHARS),
        summary=clip(_summary(item), MAX_TEXT_CHARS),
        author=_author(item) or defaults.author,
        published=_published(item),
        guid=_string(guid) if isinstance(guid, str | int) and not isinstance(guid, bool) else None,
        categories=_tags(item.get("tags")),
        language=_language(item.get("language")) or defaults.language,
    )


def _link(value: object, base: str) -> str | None:
    return http_link(scrub(value), base) if isinstance(value, str) and len(value) <= 8_000 else None


def _summary(item: dict[str, Any]) -> str:
    if summary := _string(item.get("summary")):
        return summary
    content_html = item.get("content_html")
    if isinstance(content_html, str) and (text := html_to_text(scrub(content_html[:4 * MAX_TEXT_CHARS]))):
        return text
    return _string(item.get("content_text"))


def _author(holder: dict[str, Any]) -> str | None:
    """The names of 1.1's ``authors`` list, else of 1.0's ``author`` object, joined with commas."""
    authors = holder.get("authors")
    if not isinstance(authors, list):
        authors = [holder.get("author")]
    names = [_string(person.get("name")) for person in authors[:20] if isinstance(person, dict)]
    return clip(", ".join(name for name in names if name), 300) or None


def _published(item: dict[str, Any]) -> datetime | None:
    """``date_published``, else ``date_modified`` (RFC 3339), as aware UTC; None if unreadable or ahead."""
    for key in ("date_published", "date_modified"):
        value = item.get(key)
        if not isinstance(value, str) or len(value) > 64:
            continue
        try:
            moment = datetime.fromisoformat(value.strip())
            moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 moved past the end by its offset
            continue
        return past_or_none(moment)
    return None


def _tags(tags: object) -> tuple[str, ...]:
    if not isinstance(tags, list):
        return ()
    return unique_categories(scrub(tag) for tag in tags[:100] if isinstance(tag, str))


def _language(value: object) -> str | None:
    """The ISO 639-1 code of a language tag ("en-US" -> "en"), or None."""
    match = _LANGUAGE.fullmatch(value.strip()) if isinstance(value, str) and len(value) <= 35 else None
    return match.group(1).lower() if match else None


def _string(value: object) -> str:
    """A JSON string's text, whitespace collapsed and lone surrogates (from ``\\udc80`` escapes) replaced;
    anything else (numbers aside) is empty."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return plain(scrub(value)) if isinstance(value, str) else ""
