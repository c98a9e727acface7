"""A subscription's values, checked once: every door (chat commands, Discord options, `khobor import`, the
CLI) hands what it was given to :func:`normalise` and gets the values to store, or every problem at once.

    values = normalise(Wanted(region="south-asia", time="৮:৩০", keywords="climate change, flood"), catalogue)
    values.time, values.keywords        # "08:30", ("climate change", "flood")

Times are 24-hour ``HH:MM`` written in any script's digits ("০৮:৩০", "٠٨:٣٠"); a timezone is an IANA name
(not the server's ``localtime``) and defaults to the region's; topics are the region's labels (or, for the
built-in topics, their English names); keywords follow :func:`digests.taxonomy.parse_keywords`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.catalogue import Catalogue, closest
from bot.errors import UnknownRegionError, UsageError
from bot.region_settings import RegionSettings, check_timezone
from digests.taxonomy import parse_keywords

DEFAULT_TIME = "08:00"
MAX_KEYWORDS = 20
MAX_KEYWORD_CHARS = 80
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$", re.ASCII)
_TIME_LIKE = re.compile(r"^\d{1,2}(?:[:.]\d{1,2})?\s*(?:[ap]\.?m\.?)?$", re.IGNORECASE)


class InvalidSubscription(UsageError):
    """Values a subscription cannot have; ``problems`` lists every one, each saying what to do."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Wanted:
    """What a door was given, as typed: text, or (from an import file) lists."""

    region: str
    time: str | None = None
    timezone: str | None = None
    topics: str | Sequence[str] | None = None
    keywords: str | Sequence[str] | None = None


@dataclass(frozen=True, slots=True)
class Values:
    """A subscription's checked values, ready to store."""

    region: RegionSettings
    time: str
    timezone: str
    topics: tuple[str, ...] | None
    keywords: tuple[str, ...]


def _ascii_digits(value: str) -> str:
    """``value`` stripped, its digits of any script as ASCII ("০৮:৩০" -> "08:30")."""
    return "".join(str(unicodedata.decimal(c, "")) or c if c.isdecimal() else c for c in value.strip())


def normalise_time(value: str) -> str | None:
    """"8:05" -> "08:05", digits of any script in ASCII ("০৮:৩০" -> "08:30"); None when not a 24-hour time."""
    match = _TIME.match(_ascii_digits(value))
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else None


def looks_like_time(value: str) -> bool:
    """Whether ``value`` was meant as a time ("8am", "8.30", "20:00"), so a message can point at it."""
    return bool(_TIME_LIKE.match(_ascii_digits(value)))


def normalise(wanted: Wanted, catalogue: Catalogue) -> Values:
    """The values to store for ``wanted``, or InvalidSubscription listing every problem."""
    problems: list[str] = []
    try:
        region = catalogue.region(wanted.region.strip())
    except UnknownRegionError as exc:
        raise InvalidSubscription([catalogue.unknown_region(wanted.region)]) from exc
    time = _time(wanted.time, problems)
    timezone = _timezone(wanted.timezone, region, problems)
    topics = _topics(wanted.topics, region, catalogue, problems)
    keywords = _keywords(wanted.keywords, problems)
    if problems:
        raise InvalidSubscription(problems)
    return Values(region=region, time=time, timezone=timezone, topics=topics, keywords=keywords)


def _time(raw: str | None, problems: list[str]) -> str:
    if raw is None or not raw.strip():
        return DEFAULT_TIME
    time = normalise_time(raw)
    if time is None:
        hint = "08:00 for 8am or 20:00 for 8pm" if looks_like_time(raw) else "07:30"
        if _ascii_digits(raw) == "24:00":
            hint = "00:00 for midnight"
        problems.append(f"{raw!r} is not a time; use 24-hour HH:MM, e.g. {hint}.")
        return DEFAULT_TIME
    return time


def _timezone(raw: str | None, region: RegionSettings, problems: list[str]) -> str:
    if raw is None or not raw.strip():
        return region.timezone
    if looks_like_time(raw):
        problems.append(f"{raw!r} is not a timezone; it looks like a time: use 24-hour HH:MM, e.g. 08:00.")
        return region.timezone
    try:
        return check_timezone(raw.strip())
    except ValueError as exc:
        problems.append(str(exc) if str(exc).endswith(("?", ".")) else f"{exc}.")
        return region.timezone


def _split(raw: str | Sequence[str]) -> list[str]:
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    return [str(item).strip() for item in items if str(item).strip()]


def _topics(raw: str | Sequence[str] | None, region: RegionSettings, catalogue: Catalogue,
            problems: list[str]) -> tuple[str, ...] | None:
    if raw is None:
        return None
    chosen: list[str] = []
    for wanted in _split(raw):
        label = catalogue.topic_label(region, wanted)
        if label is None:
            problems.append(f"Unknown topic {wanted!r}. Topics of {region.name}: "
                            f"{closest(wanted, catalogue.topic_labels(region))}.")
        elif label not in chosen:
            chosen.append(label)
    return tuple(chosen) or None


def _keywords(raw: str | Sequence[str] | None, problems: list[str]) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        found = parse_keywords(raw)
    else:  # a list from an import file: each item is one keyword, as written
        unique = {" ".join(k.split()).casefold(): " ".join(k.split()) for k in reversed(_split(raw))}
        found = list(reversed(unique.values()))
    if len(found) > MAX_KEYWORDS:
        problems.append(f"{len(found)} keywords is too many; use at most {MAX_KEYWORDS}.")
    long = [k for k in found if len(k) > MAX_KEYWORD_CHARS]
    if long:
        problems.append(f"the keyword {long[0][:20]!r}... is too long; keep each under {MAX_KEYWORD_CHARS} characters.")
    return tuple(found[:MAX_KEYWORDS])
