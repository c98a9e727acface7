"""What a channel can ask for, as values and plain rules: the built-in topics and the keyword filters. Cheap to
import (the catalogue, the subscriptions and ``khobor collect`` read them without loading NumPy, SciPy or
scikit-learn; :mod:`digests.topics` places stories under the topics)."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

import regex

from digests.topic_seeds import LABELS, SEEDS


@dataclass(frozen=True, slots=True)
class TopicSpec:
    """A topic and its seed words: plain words, phrases of up to three words, or ``stem*`` for every word
    starting with ``stem`` (``world cup*``: the last word's stem). Matching is case-insensitive; stop words
    in a seed are ignored."""

    label: str
    keywords: tuple[str, ...]


DEFAULT_TAXONOMY: tuple[TopicSpec, ...] = tuple(TopicSpec(label, seeds) for label, seeds in SEEDS.items())


def default_taxonomy(language: str = "en") -> tuple[TopicSpec, ...]:
    """The built-in topics with their labels in ``language`` (one of :data:`LABEL_LANGUAGES`; others get
    English); the seeds are the same in every language."""
    labels = LABELS.get(language, LABELS["en"])
    return tuple(TopicSpec(label, spec.keywords) for label, spec in zip(labels, DEFAULT_TAXONOMY, strict=False))


_CURLY_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_KEYWORD = regex.compile(r'"([^"]*)"?|([^\s,"]+)|(,)')
_EDGE = r"[\p{L}\p{M}\p{N}_]"


def parse_keywords(raw: str) -> list[str]:
    """Keywords from what a user typed, in the one grammar every door uses: keywords are separated by commas,
    or, where there is no comma, by spaces; double (or curly) quotes keep a phrase together either way.
    ``"climate change, flood"`` and ``'"climate change" flood'`` both give ``["climate change", "flood"]``;
    ``"climate flood"`` gives two keywords. Repeats (in any case) are dropped."""
    tokens = list(_KEYWORD.finditer(raw.translate(_CURLY_QUOTES)))
    commas = any(t.group(3) for t in tokens)
    groups: list[list[str]] = [[]]
    for token in tokens:
        if token.group(3):
            groups.append([])
        elif commas:
            groups[-1].append(token.group(1) if token.group(1) is not None else token.group(2))
        else:
            groups.append([token.group(1) if token.group(1) is not None else token.group(2)])
    found: dict[str, str] = {}
    for group in groups:
        keyword = " ".join(" ".join(group).split())
        if keyword:
            found.setdefault(keyword.casefold(), keyword)
    return list(found.values())


def matches_filters(text: str, *, topics: Collection[str] | None, story_topic: str, keywords: Sequence[str]) -> bool:
    """Whether a story passes a channel's filters: its topic is one of ``topics`` (None or empty: any), and
    ``text`` contains one of ``keywords`` (none: any) as whole words, case-insensitively. Keywords are
    literal text, never patterns."""
    if topics and story_topic.casefold() not in {topic.casefold() for topic in topics}:
        return False
    return not any(k.strip() for k in keywords) or bool(matched_keywords(text, keywords))


def matched_keywords(text: str, keywords: Sequence[str]) -> tuple[str, ...]:
    """Which of ``keywords`` ``text`` contains as whole words, case-insensitively, in the keywords' order and as
    the channel spelled them: why a story is in a channel's digest (the same rule as :func:`matches_filters`)."""
    normalized = unicodedata.normalize("NFC", text)
    return tuple(k for k in keywords if k.strip() and _keyword_pattern(k).search(normalized))


@lru_cache(maxsize=4096)
def _keyword_pattern(keyword: str) -> regex.Pattern[str]:
    words = unicodedata.normalize("NFC", keyword).split()
    body = r"\s+".join(regex.escape(word) for word in words)
    return regex.compile(rf"(?<!{_EDGE}){body}(?!{_EDGE})", regex.IGNORECASE | regex.V1)
