"""The words that tell stories apart, shared by :mod:`digests.stories` (a digest's grouping) and
:mod:`digests.story_index` (stories assigned as articles arrive): content-word tokens, the lead's length and
the same-story threshold.

Kept apart from :mod:`digests.stories` so that the worker processes and the collector, which only tokenise,
do not import scikit-learn and SciPy (2 s of CPU and 140 MB in each process).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import timedelta
from functools import cache
from itertools import chain, filterfalse

import regex

from digests.text import stop_words, sumy_stop_words

Tokenizer = Callable[[str], list[str]]

LEAD_WORDS = 120
# The first opening tried for a lead, in characters per lead word: enough for most news texts (an English word
# is ~6 characters with its space, and about half the words are stop words).
_CHARS_PER_WORD = 14
STORY_OPEN = timedelta(days=3)  # a story takes new articles until its newest article is this old
SAME_STORY = 0.5  # cosine similarity; set on the synthetic syndication benchmark, see bench/stories_scale.py

# Keeps Bengali/Hindi vowel signs and viramas, and the joiners inside Bengali/Urdu words.
_WORD = regex.compile(r"\p{L}[\p{L}\p{M}\u200c\u200d]*")


@cache
def story_stop_words() -> frozenset[str]:
    """The stop words dropped from story words (English, Bengali, Hindi, Urdu), NFC-normalised and casefolded."""
    # sumy's English list, not scikit-learn's: that one drops news words such as "interest", "bill", "fire".
    regional = (stop_words(code) for code in ("bn", "hi", "ur"))  # Urdu's list repaired there
    words = chain(sumy_stop_words("en"), *regional)
    return frozenset(unicodedata.normalize("NFC", w).casefold() for w in words)


def word_tokens(text: str) -> list[str]:
    """Content words of ``text``: NFC-normalised, casefolded letter runs, stop words (en, bn, hi, ur) removed."""
    stop = story_stop_words()
    return list(filterfalse(stop.__contains__, _WORD.findall(unicodedata.normalize("NFC", text).casefold())))


def story_words(title: str, text: str, tokenize: Tokenizer = word_tokens) -> list[str]:
    """What identifies an article's event: its headline's words (counted twice) and its lead's content words
    (the same as :func:`digests.stories.group_stories` compares)."""
    heading = tokenize(title)
    lead = lead_tokens(text) if tokenize is word_tokens else tokenize(text)[:LEAD_WORDS]
    return [*heading, *heading, *lead]


def lead_tokens(text: str, count: int = LEAD_WORDS) -> list[str]:
    """``word_tokens(text)[:count]``, tokenising only as much of the opening as that needs.

    An opening is cut at a space: NFC normalisation never joins characters across a space and casefolding
    is per character, so the opening's tokens are the whole text's first tokens. A lead is a few hundred
    characters; tokenising a whole long article for it cost more than the rest of its story words."""
    size = count * _CHARS_PER_WORD
    while size < len(text):
        cut = text.find(" ", size)
        if cut < 0:
            break
        words = word_tokens(text[:cut])
        if len(words) >= count:
            return words[:count]
        size = cut * 4
    return word_tokens(text)[:count]
