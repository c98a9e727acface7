"""Feeds found in an import file, as TOML to paste into ``settings.toml`` (feeds are settings, never data)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.settings import FeedSettings, Settings, check_timezone


@dataclass(frozen=True, slots=True)
class ImportedFeed:
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class RegionFeeds:
    """Feeds grouped as in the file: a JSON export's region, or an OPML category (``name`` None)."""

    title: str
    feeds: tuple[ImportedFeed, ...]
    name: str | None = None
    timezone: str | None = None
    languages: tuple[str, ...] = ()


def new_feeds_toml(groups: Sequence[RegionFeeds], settings: Settings) -> tuple[str, int]:
    """TOML for the feeds whose region does not list them yet, and how many there are. A group that matches
    a configured region (by name, else title) gives commented lines to add to its ``feeds``; any other
    group a whole ``[[regions]]`` table."""
    by_key = {r.name: r for r in settings.regions} | {r.title.lower(): r for r in settings.regions}
    taken = {r.name for r in settings.regions}
    blocks: list[str] = []
    count = 0
    for group in groups:
        region = by_key.get(group.name or "") or by_key.get(group.title.lower())
        known = {f.url for f in region.feeds} if region else set()
        feeds, seen = [], set(known)
        for feed in group.feeds:
            if feed.url not in seen and _is_feed_url(feed.url):
                feeds.append(feed)
                seen.add(feed.url)
        if not feeds:
            continue
        count += len(feeds)
        if region is not None:
            lines = [f"#   {_feed_toml(f)}," for f in feeds]
            blocks.append(f"# Add to the feeds of the configured region {region.name!r}:\n" + "\n".join(lines))
        else:
            name = _region_name(group, taken)
            taken.add(name)
            blocks.append(_region_toml(group, name, feeds))
    return "\n\n".join(blocks), count


def _is_feed_url(url: str) -> bool:
    try:
        FeedSettings(name="x", url=url)
    except ValueError:
        return False
    return True


def _region_name(group: RegionFeeds, taken: set[str]) -> str:
    base = group.name if group.name and re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", group.name) else (
        re.sub(r"[^a-z0-9]+", "-", group.title.lower()).strip("-")[:34].strip("-") or "imported")
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    return name


def _region_toml(group: RegionFeeds, name: str, feeds: Sequence[ImportedFeed]) -> str:
    try:
        timezone, tz_note = check_timezone(group.timezone or ""), ""
    except ValueError:
        timezone, tz_note = "UTC", "  # check: the region's IANA timezone"
    languages = [lang for lang in group.languages if re.fullmatch(r"[a-z]{2,3}", lang)]
    lang_note = "" if languages else "  # check: the feeds' languages"
    feed_lines = "\n".join(f"  {_feed_toml(f)}," for f in feeds)
    return (f"[[regions]]\nname = {_toml_str(name)}\ntitle = {_toml_str(group.title)}\n"
            f"timezone = {_toml_str(timezone)}{tz_note}\n"
            f"languages = [{', '.join(_toml_str(x) for x in languages or ['en'])}]{lang_note}\n"
            f"feeds = [\n{feed_lines}\n]")


def _feed_toml(feed: ImportedFeed) -> str:
    return f"{{ name = {_toml_str(feed.name)}, url = {_toml_str(feed.url)} }}"


def _toml_str(value: str) -> str:
    """A TOML basic string (escapes quotes, backslashes and every control character)."""
    escapes = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\b": "\\b", "\f": "\\f"}
    out = [escapes.get(ch) or (f"\\u{ord(ch):04x}" if ord(ch) < 0x20 or ord(ch) == 0x7F else ch) for ch in value]
    return '"' + "".join(out) + '"'
