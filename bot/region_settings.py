"""The regions a deployment offers, as settings: each one's feeds, topics, timezone and label language.

The core reads a region only through ``RegionSettings``; ``check_timezone`` is the one check of a timezone
name, for regions and subscriptions alike. ``bot.settings`` re-exports these and builds the rest on
``SettingsModel``.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from functools import cache
from typing import Annotated, Any
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


def check_timezone(name: str) -> str:
    """Return ``name`` if it is an IANA timezone, else raise ValueError naming the closest ones."""
    if name in NOT_PLACES:
        raise ValueError(f"{name!r} depends on the server's configuration; use an IANA name like 'Asia/Dhaka'")
    if name in _timezones():
        return name
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


class FeedSettings(SettingsModel):
    url: str
    name: str = Field(min_length=1)  # default: the URL's host without "www."
    topic: str | None = Field(default=None, min_length=1, max_length=40)  # a section feed's topic: evidence

    @model_validator(mode="before")
    @classmethod
    def _default_name(cls, data: Any) -> Any:
        if isinstance(data, dict) and "name" not in data and isinstance(data.get("url"), str):
            host = urlsplit(data["url"]).hostname or ""
            return {**data, "name": host.removeprefix("www.") or data["url"]}
        return data

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return check_http_url(value)


class TopicSettings(SettingsModel):
    label: str = Field(min_length=1, max_length=40)
    keywords: list[str] = Field(min_length=1)


class RegionSettings(SettingsModel):
    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
    title: str = Field(min_length=1)  # default: the name in words ("south-asia" -> "South Asia")
    timezone: str = "UTC"
    # The first names the built-in topic labels' language (unless label_language); exports list them. Each
    # article's language is detected from its text either way.
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]] = Field(default_factory=list)
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

    @model_validator(mode="before")
    @classmethod
    def _default_title(cls, data: Any) -> Any:
        if isinstance(data, dict) and "title" not in data and isinstance(data.get("name"), str):
            return {**data, "title": data["name"].replace("-", " ").title()}
        return data
