"""The regions a deployment offers, as settings: each one's feeds, topics, timezone and label language.

The core reads a region only through ``RegionSettings``; ``check_timezone`` is the one check of a timezone
name, for regions and subscriptions alike. ``bot.settings`` re-exports these and builds the rest on
``SettingsModel``.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from collections import Counter
from collections.abc import Collection, Sequence
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from digests.topic_seeds import LABEL_LANGUAGES, fallback_label

# Names in the tz database that are not places: they follow the server's own configuration.
NOT_PLACES = frozenset({"localtime", "posixrules", "Factory"})


class SettingsModel(BaseModel):
    """The base of every settings table: frozen once validated, and an unknown key is a problem."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@cache
def _folded() -> dict[str, str]:
    """Each timezone by its name in lower case (no two IANA names differ only in case)."""
    return {name.casefold(): name for name in _timezones()}


def check_timezone(name: str) -> str:
    """Return the IANA timezone ``name`` names (in any case: ``asia/dhaka`` is ``Asia/Dhaka``), else raise
    ValueError naming the closest ones."""
    if name.casefold() in {place.casefold() for place in NOT_PLACES}:
        raise ValueError(f"{name!r} depends on the server's configuration; use an IANA name like 'Asia/Dhaka'")
    if name in _timezones():
        return name
    if name.casefold() in _folded():
        return _folded()[name.casefold()]
    offset = re.fullmatch(r"(?:UTC|GMT)?\s*([+-])0?(\d{1,2})(?::?00)?", name.strip(), re.IGNORECASE)
    if offset is not None and int(offset.group(2)) <= 14:
        posix = f"Etc/GMT{'-' if offset.group(1) == '+' else '+'}{int(offset.group(2))}"
        raise ValueError(f"{name!r} is an offset, not a timezone; use a city's timezone such as 'Asia/Dhaka', or "
                         f"{posix!r} (the sign of Etc/GMT names is inverted), which never changes for summer time")
    close = difflib.get_close_matches(name, sorted(_timezones()), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else " (use an IANA name like 'Asia/Dhaka')"
    raise ValueError(f"{name!r} is not a timezone{hint}")


def check_http_url(value: str) -> str:
    """Return ``value`` if it is an http(s) URL with a host, else raise ValueError saying so."""
    if not re.match(r"^https?://[^/\s]+", value):
        raise ValueError(f"{value!r} is not an http(s) URL")
    try:
        urlsplit(value).port  # noqa: B018 (reading it checks the port and an IPv6 host's brackets)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a usable URL ({exc})") from None
    return value


def _host_name(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.") or url


def _path_parts(url: str) -> list[str]:
    parts = urlsplit(url)
    return [segment for segment in parts.path.split("/") if segment] + ([f"?{parts.query}"] if parts.query else [])


def _telling_parts(urls: Sequence[str]) -> dict[str, str]:
    """Each URL's path without the segments that all of ``urls`` share at its start and its end (the whole
    path where that leaves nothing, or for a URL alone)."""
    paths = {url: _path_parts(url) for url in urls}
    shortest = min(len(parts) for parts in paths.values())
    lead = 0
    while len(paths) > 1 and lead < shortest and len({tuple(p[:lead + 1]) for p in paths.values()}) == 1:
        lead += 1
    tail = 0
    while len(paths) > 1 and lead + tail < shortest and len({p[len(p) - tail - 1] for p in paths.values()}) == 1:
        tail += 1
    return {url: "/".join(parts[lead:len(parts) - tail] or parts) for url, parts in paths.items()}


def default_feed_names(urls: Sequence[str], *, taken: Collection[str] = ()) -> list[str]:
    """Names for feeds the settings leave unnamed: the URL's host without "www."; where two of them, or a
    feed named in ``taken``, would share a host's name, the host and what tells their paths apart
    ("bbc.co.uk (world)", "bbc.co.uk (business)"), so the digest's notes and the feed lists tell them apart."""
    by_host: dict[str, list[str]] = {}
    for url in dict.fromkeys(urls):
        by_host.setdefault(_host_name(url), []).append(url)
    names: dict[str, str] = {}
    for host, group in by_host.items():
        if len(group) == 1 and host not in taken:
            names[group[0]] = host
            continue
        for url, part in _telling_parts(group).items():
            names[url] = f"{host} ({part})" if part else host
    counts = Counter([*names.values(), *taken])
    return [names[url] if counts[names[url]] == 1 else url for url in urls]


class FeedSettings(SettingsModel):
    url: str
    name: str = Field(min_length=1)  # default: the URL's host without "www." (see default_feed_names)
    topic: str | None = Field(default=None, min_length=1, max_length=40)  # a section feed's topic: evidence

    @model_validator(mode="before")
    @classmethod
    def _default_name(cls, data: Any) -> Any:
        if isinstance(data, dict) and "name" not in data and isinstance(data.get("url"), str):
            return {**data, "name": _host_name(data["url"])}
        return data

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return check_http_url(value)


class TopicSettings(SettingsModel):
    label: str = Field(min_length=1, max_length=40)
    keywords: list[str] = Field(min_length=1)


_REGION_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


def check_region_name(value: str) -> str:
    """Return ``value`` if it can name a region in commands, else raise ValueError with a name that could."""
    if _REGION_NAME.fullmatch(value):
        return value
    suggestion = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")[:40] or "south-asia"
    raise ValueError(f"{value!r} is not a region name: use lowercase letters, digits and dashes (at most 40), "
                     f"e.g. {suggestion!r}")


class RegionSettings(SettingsModel):
    name: str
    title: str = Field(min_length=1)  # default: the name in words ("south-asia" -> "South Asia")
    timezone: str = "UTC"
    # The first names the built-in topic labels' language (unless label_language); exports list them. Each
    # article's language is detected from its text either way.
    languages: list[str] = Field(default_factory=list)
    feeds: list[FeedSettings] = Field(min_length=1)
    topics: list[TopicSettings] | None = None  # None: the built-in taxonomy
    label_language: str | None = None  # the built-in topics' labels: en, bn, hi or ur; None: first of languages
    other_topic: str = Field(default="", max_length=40)  # "": "Other news" in the label language

    @property
    def labels_language(self) -> str:
        """The language of the built-in topics' labels: ``label_language``, else the first of ``languages``,
        else English."""
        return self.label_language or (self.languages[0] if self.languages else "en")

    @model_validator(mode="after")
    def _labels(self) -> RegionSettings:
        language = self.labels_language
        if self.label_language is not None and language not in LABEL_LANGUAGES:
            raise ValueError(f"label_language {language!r} has no built-in labels; use one of {LABEL_LANGUAGES}")
        if not self.other_topic:  # the model is frozen: set the derived default once, while validating
            object.__setattr__(self, "other_topic", fallback_label(language))
        return self

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        return check_timezone(value)

    @field_validator("feeds", mode="before")
    @classmethod
    def _feed_names(cls, feeds: Any) -> Any:
        """Unnamed feeds are named knowing their neighbours: two on one host get different names."""
        if not isinstance(feeds, list):
            return feeds
        unnamed = [i for i, feed in enumerate(feeds)
                   if isinstance(feed, dict) and "name" not in feed and isinstance(feed.get("url"), str)]
        taken = [feed.get("name") if isinstance(feed, dict) else getattr(feed, "name", None) for feed in feeds]
        names = default_feed_names([feeds[i]["url"] for i in unnamed],
                                   taken=[name for name in taken if isinstance(name, str)])
        named = dict(zip(unnamed, names, strict=True))
        return [{**feed, "name": named[i]} if i in named else feed for i, feed in enumerate(feeds)]

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check_region_name(value)

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        wrong = [code for code in value if not re.fullmatch(r"[a-z]{2,3}", code)]
        if wrong:
            raise ValueError(f"{wrong[0]!r} is not a language code: use ISO 639-1 codes in lower case, like 'en' "
                             "or 'bn'")
        return value

    @model_validator(mode="before")
    @classmethod
    def _default_title(cls, data: Any) -> Any:
        if isinstance(data, dict) and "title" not in data and isinstance(data.get("name"), str):
            return {**data, "title": data["name"].replace("-", " ").title()}
        return data
