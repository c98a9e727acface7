"""What a story's outlet says about its topic: item categories, the section in its URL, the feed's topic.

Each hint is a short text ("Sport", "uk-politics", "খেলাধুলা", a feed's configured topic). It points to the
topics whose label (in any language of :data:`digests.topic_seeds.LABELS`) or section name
(:data:`digests.topic_seeds.SECTIONS`) it is, or else whose seed words it contains. A hint that points to
several topics is split between them; a hint that points nowhere ("Bangladesh", "Top stories") is no
evidence. :func:`digests.topics.assign_topics` weighs hints with the story's own words: never a hard rule.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import unquote, urlsplit

import numpy as np
import numpy.typing as npt
import regex

from digests.topic_seeds import LABELS, SECTIONS

Scores = npt.NDArray[np.float64]

MAX_SEGMENT_CHARS = 30  # a longer path segment is a slug (the headline), not a section
_SPLIT = regex.compile(r"[\s/_\-–—:|,.&+]+")
_WORD = regex.compile(r"\p{L}[\p{L}\p{M}\u200c\u200d]*")
_PLAIN_HTTP = re.compile(r"https?://([^/?#]*)([^?#]*)")  # host, then the path up to the query or fragment
_SPECIAL = re.compile(r"[\t\r\n]")  # what urlsplit removes before splitting


def url_sections(url: str) -> list[str]:
    """The path segments of ``url`` that can name a section: all but the last (the article's own slug or
    id), without numbers-only segments or long slugs. ``https://x.com/sport/football/123-abc`` gives
    ``["sport", "football"]``."""
    parts = [unquote(part) for part in url_path(url).split("/") if part]
    return [part for part in parts[:-1] if len(part) <= MAX_SEGMENT_CHARS and _WORD.search(part)]


def url_path(url: str) -> str:
    """``urlsplit(url).path``, read straight off a plain http(s) URL (a digest reads one per article: urlsplit
    was most of the cost of the outlets' hints); anything else goes through urlsplit."""
    plain = _PLAIN_HTTP.match(url)
    if plain is None or "[" in plain[1] or "]" in plain[1] or _SPECIAL.search(url):
        return urlsplit(url).path
    return plain[2]


def _key(text: str) -> str:
    return " ".join(_SPLIT.split(unicodedata.normalize("NFC", text).casefold())).strip()


def _names(labels: Sequence[str]) -> list[set[str]]:
    """Per topic, every name that means it: its label, its translations, its section names."""
    names = [{_key(label)} for label in labels]
    english = LABELS["en"]
    for k, label in enumerate(labels):
        if label in english[:-1]:
            index = english.index(label)
            names[k].update(_key(translated[index]) for translated in LABELS.values())
            names[k].update(_key(section) for section in SECTIONS[label])
        for translated in LABELS.values():
            if label in translated[:-1]:  # a translated built-in label: its English name's sections too
                names[k].update(_key(section) for section in SECTIONS[english[translated.index(label)]])
    return names


def hint_scores(hints: Sequence[Sequence[str]], labels: Sequence[str],
                seed_topics: Sequence[frozenset[str]]) -> Scores:
    """A (stories x topics) matrix: how strongly each story's hints point to each topic, each row summing
    to at most 1 per distinct hint and each cell capped at 1.

    ``seed_topics[k]`` is topic k's seed words (lowercase, ``stem*`` for prefixes), used when a hint is not
    a topic's name."""
    names = _names(labels)
    scores = np.zeros((len(hints), len(labels)))
    pointed: dict[str, list[int]] = {}  # a window's stories share few hints (sections, feeds): each read once
    for row, story_hints in enumerate(hints):
        for hint in {_key(h) for h in story_hints if h.strip()}:
            if hint not in pointed:
                pointed[hint] = _topics_of(hint, names, seed_topics)
            topics = pointed[hint]
            for k in topics:
                scores[row, k] += 1.0 / len(topics)
    return np.minimum(scores, 1.0)


def _topics_of(hint: str, names: Sequence[set[str]], seed_topics: Sequence[frozenset[str]]) -> list[int]:
    """The topics a hint (as :func:`_key` gives it) points to: those it names, else those it has seed words of."""
    topics = [k for k, known in enumerate(names) if hint in known]
    if not topics:
        words = hint.split()
        topics = [k for k, seeds in enumerate(seed_topics) if _seeded(words, seeds)]
    return topics


def _seeded(words: Sequence[str], seeds: frozenset[str]) -> bool:
    return any(word in seeds or any(word.startswith(seed[:-1]) for seed in seeds if seed.endswith("*"))
               for word in words)
