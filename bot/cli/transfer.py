"""``khobor export`` / ``khobor import``: subscriptions and feeds as JSON, feeds as OPML.

Subscriptions live in the database and are imported; feeds live in the settings file, so an import only
prints the ``[[regions]]`` TOML for feeds that are not configured yet, to paste into ``settings.toml``.
OPML is read with lxml without entities, DTDs or network access, and any DOCTYPE is refused.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET

from lxml import etree

from bot.cli.feeds_toml import ImportedFeed, RegionFeeds
from bot.core.catalogue import Catalogue
from bot.core.subscriptions import InvalidSubscription, Values, Wanted, normalise
from bot.errors import UsageError
from bot.settings import Settings
from digests.clean import has_lone_surrogate, scrub
from digests.store import Subscription, Subscriptions
from digests.store.subscriptions import SubscriptionSpec

EXPORT_VERSION = 1
PLATFORMS = ("discord", "slack", "console")
IMPORT_USER = "import"  # created_by of subscriptions an import creates
MAX_IMPORT_BYTES = 10 * 1024 * 1024
_FIELDS = {"platform", "workspace_id", "channel_id", "region", "time", "timezone", "topics", "keywords", "paused",
           "pause_reason"}


class TransferError(UsageError):
    """An import file that cannot be used at all (nothing was imported)."""


@dataclass(frozen=True, slots=True)
class SubscriptionEntry:
    """One valid subscription of an import file."""

    platform: str
    workspace_id: str
    channel_id: str
    region: str
    time: str
    timezone: str
    topics: tuple[str, ...] | None
    keywords: tuple[str, ...]
    paused: bool
    pause_reason: str | None


@dataclass(frozen=True, slots=True)
class Problem:
    index: int
    reason: str

    def __str__(self) -> str:
        return f"subscriptions[{self.index}]: {self.reason}"


@dataclass(slots=True)
class ImportFile:
    kind: str  # "json" | "opml"
    regions: list[RegionFeeds] = field(default_factory=list)
    subscriptions: list[SubscriptionEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    total: int = 0  # subscription entries in the file, valid or not


# ---- export ---------------------------------------------------------------------------------------------------

async def export_data(settings: Settings, subscriptions: Subscriptions, *, now: datetime) -> dict[str, Any]:
    """Every region's feeds and every subscription (paused ones too), as the JSON export's value."""
    subs = await subscriptions.all(active_only=False)
    return {
        "khobor_export": EXPORT_VERSION,
        "exported_at": now.isoformat(timespec="seconds"),
        "regions": [{"name": r.name, "title": r.title, "timezone": r.timezone, "languages": list(r.languages),
                     "feeds": [{"name": f.name, "url": f.url} for f in r.feeds]} for r in settings.regions],
        "subscriptions": [_subscription_json(s) for s in subs],
    }


def _subscription_json(sub: Subscription) -> dict[str, Any]:
    return {"platform": sub.platform, "workspace_id": sub.workspace_id, "channel_id": sub.channel_id,
            "region": sub.region, "time": sub.delivery_time, "timezone": sub.timezone,
            "topics": list(sub.topics) if sub.topics is not None else None, "keywords": list(sub.keywords),
            "paused": not sub.active, "pause_reason": sub.pause_reason}


def export_opml(settings: Settings, *, now: datetime) -> bytes:
    """OPML 2.0 of the configured feeds, one outline per region (UTF-8 bytes)."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "Khobor feeds"
    ET.SubElement(head, "dateCreated").text = now.strftime("%a, %d %b %Y %H:%M:%S %z")
    body = ET.SubElement(root, "body")
    for region in settings.regions:
        group = ET.SubElement(body, "outline", text=region.title, title=region.title)
        for feed in region.feeds:
            ET.SubElement(group, "outline", type="rss", text=feed.name, title=feed.name, xmlUrl=feed.url)
    ET.indent(root)
    xml: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return xml + b"\n"


# ---- reading an import file -----------------------------------------------------------------------------------

def read_import(data: bytes, settings: Settings) -> ImportFile:
    """A JSON export or an OPML file, its subscriptions validated against ``settings``."""
    if len(data) > MAX_IMPORT_BYTES:
        raise TransferError(f"import: the file is over {MAX_IMPORT_BYTES // 2**20} MB; is it an export?")
    start = data[:1024].replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xfe\xff \t\r\n")  # past BOMs, UTF-16/32
    if start.startswith(b"{"):
        return _read_json(data, settings)
    if start.startswith(b"<"):
        return ImportFile(kind="opml", regions=parse_opml(data))
    raise TransferError("import: the file is neither a khobor JSON export nor OPML")


def _read_json(data: bytes, settings: Settings) -> ImportFile:
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise TransferError(f"import: not valid JSON ({exc})") from None
    except RecursionError:
        raise TransferError("import: the JSON is nested too deeply to be a khobor export") from None
    if not isinstance(doc, dict) or doc.get("khobor_export") != EXPORT_VERSION:
        raise TransferError(f"import: not a khobor export (expected \"khobor_export\": {EXPORT_VERSION})")
    raw_regions, raw_subs = doc.get("regions", []), doc.get("subscriptions", [])
    if not isinstance(raw_regions, list) or not isinstance(raw_subs, list):
        raise TransferError("import: \"regions\" and \"subscriptions\" must be lists")
    result = ImportFile(kind="json", regions=[_json_region(r, i) for i, r in enumerate(raw_regions)
                                              if isinstance(r, dict)], total=len(raw_subs))
    seen: dict[tuple[str, str, str, str], int] = {}
    catalogue = Catalogue(settings.regions)
    for index, raw in enumerate(raw_subs):
        entry, reasons = _subscription_entry(raw, catalogue)
        if entry is not None:
            key = (entry.platform, entry.workspace_id, entry.channel_id, entry.region)
            if key in seen:
                reasons.append(f"repeats subscriptions[{seen[key]}] (same channel and region)")
            else:
                seen[key] = index
        if reasons:
            result.problems.append(Problem(index, "; ".join(reasons)))
        elif entry is not None:
            result.subscriptions.append(entry)
    return result


def _json_region(raw: dict[str, Any], index: int) -> RegionFeeds:
    raw_feeds, languages = raw.get("feeds", []), raw.get("languages")
    if not isinstance(raw_feeds, list):
        raise TransferError(f"import: regions[{index}].feeds must be a list of {{\"name\", \"url\"}} objects")
    feeds = tuple(ImportedFeed(name=_text(f.get("name") or f.get("url")), url=_text(f["url"]).strip())
                  for f in raw_feeds if isinstance(f, dict) and f.get("url"))
    return RegionFeeds(title=_text(raw.get("title") or raw.get("name") or "Imported feeds"), feeds=feeds,
                       name=_text(raw["name"]) if raw.get("name") else None,
                       timezone=_text(raw["timezone"]) if raw.get("timezone") else None,
                       languages=tuple(map(_text, languages)) if isinstance(languages, list) else ())


def _text(value: Any) -> str:
    """A value of the file as text that can be printed and stored (lone surrogates replaced)."""
    return scrub(str(value))


def _subscription_entry(raw: Any, catalogue: Catalogue) -> tuple[SubscriptionEntry | None, list[str]]:
    """The entry, or None and every reason it is invalid."""
    if not isinstance(raw, dict):
        return None, ["not an object"]
    if any(isinstance(v, str) and has_lone_surrogate(v) for v in _strings(raw)):
        return None, ["holds text that is not valid Unicode (a lone surrogate such as \\ud800)"]
    reasons = [f"unknown key {key!r}" for key in sorted(set(raw) - _FIELDS)]
    ids = {}
    for key, limit in (("platform", 20), ("workspace_id", 64), ("channel_id", 64)):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            reasons.append(f"{key} must be a non-empty string of at most {limit} characters")
        ids[key] = value.strip() if isinstance(value, str) else ""
    if ids["platform"] and ids["platform"] not in PLATFORMS:
        reasons.append(f"platform {ids['platform']!r} is not one of {', '.join(PLATFORMS)}")
    values, problems = _values(raw, catalogue)
    reasons += problems
    paused, pause_reason = raw.get("paused", False), raw.get("pause_reason")
    if not isinstance(paused, bool) or not (pause_reason is None or isinstance(pause_reason, str)):
        reasons.append("paused must be true or false and pause_reason a string or null")
    if reasons or values is None:
        return None, reasons
    return SubscriptionEntry(platform=ids["platform"], workspace_id=ids["workspace_id"], channel_id=ids["channel_id"],
                             region=values.region.name, time=values.time, timezone=values.timezone,
                             topics=values.topics, keywords=values.keywords, paused=paused,
                             pause_reason=pause_reason), reasons


def _values(raw: dict[str, Any], catalogue: Catalogue) -> tuple[Values | None, list[str]]:
    """The entry's subscription values through the core's one normaliser (as every other door), or None and
    what is wrong with them."""
    region, time, timezone = raw.get("region"), raw.get("time"), raw.get("timezone")
    topics, keywords = raw.get("topics"), raw.get("keywords", [])
    reasons: list[str] = []
    if not isinstance(region, str):
        reasons.append("region must be a string")
    if not isinstance(time, str):
        reasons.append('time must be a string like "08:00"')
    if not (timezone is None or isinstance(timezone, str)):
        reasons.append("timezone must be a string or null")
    if topics is not None and not (isinstance(topics, list) and all(isinstance(t, str) for t in topics)):
        reasons.append("topics must be null (every topic) or a list of strings")
    if not (isinstance(keywords, list) and all(isinstance(k, str) for k in keywords)):
        reasons.append("keywords must be a list of strings")
    if reasons or not isinstance(region, str):
        return None, reasons
    try:
        return normalise(Wanted(region=region, time=time, timezone=timezone, topics=topics, keywords=keywords),
                         catalogue), []
    except InvalidSubscription as exc:
        return None, exc.problems


def _strings(value: Any) -> list[Any]:
    """The keys and values of an entry, one level of lists deep (topics, keywords)."""
    items = [*value.keys(), *value.values()] if isinstance(value, dict) else []
    return [*items, *(x for item in items if isinstance(item, list) for x in item)]


def parse_opml(data: bytes) -> list[RegionFeeds]:
    """The feeds of an OPML file grouped by their category outline; refuses DTDs and entities outright."""
    if _declares_dtd(data):
        raise TransferError("import: OPML with a DOCTYPE (entities, external references) is refused")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise TransferError(f"import: not well-formed XML ({exc})") from None
    docinfo = root.getroottree().docinfo
    if getattr(docinfo, "doctype", "") or docinfo.internalDTD is not None:  # lxml-stubs lack ``doctype``
        raise TransferError("import: OPML with a DOCTYPE (entities, external references) is refused")
    if root.tag != "opml" or root.find("body") is None:
        raise TransferError("import: not an OPML file (no <opml><body>)")
    groups: dict[str, list[ImportedFeed]] = {}
    _walk(root.find("body"), None, groups)
    return [RegionFeeds(title=title, feeds=tuple(feeds)) for title, feeds in groups.items() if feeds]


def _declares_dtd(data: bytes) -> bool:
    """Look for a DOCTYPE before parsing, so entity bombs are refused by name, not by libxml2's limits."""
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                       (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            text = data.decode(codec, errors="replace").encode()
            break
    else:
        text = data.replace(b"\x00", b"")  # UTF-16 without a BOM still spells ASCII with zero bytes between
    return b"<!DOCTYPE" in text or b"<!ENTITY" in text


def _walk(parent: Any, group: str | None, groups: dict[str, list[ImportedFeed]]) -> None:
    for outline in parent.iterchildren("outline"):
        label = (outline.get("text") or outline.get("title") or "").strip()
        url = (outline.get("xmlUrl") or "").strip()
        if url:
            groups.setdefault(group or "Imported feeds", []).append(ImportedFeed(name=label or url, url=url))
        _walk(outline, label or group, groups)


# ---- applying -------------------------------------------------------------------------------------------------

async def import_subscriptions(entries: Sequence[SubscriptionEntry], subscriptions: Subscriptions, *,
                               now: datetime) -> tuple[int, int]:
    """Upsert every entry (create, or replace the same channel and region's settings and paused state) in one
    transaction: all of them land, or none; returns (created, updated)."""
    specs = [SubscriptionSpec(platform=e.platform, workspace_id=e.workspace_id, channel_id=e.channel_id,
                              region=e.region, delivery_time=e.time, timezone=e.timezone, topics=e.topics,
                              keywords=e.keywords, pause_reason=(e.pause_reason or "paused") if e.paused else None)
             for e in entries]
    results = await subscriptions.upsert_many(specs=specs, user_id=IMPORT_USER, now=now)
    created = sum(1 for _, new in results if new)
    return created, len(results) - created
