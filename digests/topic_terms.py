"""Words and seed matches of the stories a window places: the vectors :mod:`digests.topics` works on.

A story's terms are its words (:func:`digests.stories.word_tokens` by default) and the seed phrases of the
taxonomy found in it, nothing else: counting every two- and three-word sequence of a window of 2,000 stories
took seconds; a seed phrase is found by a look-up on its first word.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from typing import Protocol

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.preprocessing import normalize

from digests.stories import Tokenizer

MAX_PHRASE_WORDS = 3  # longer seed phrases are not looked for


class _Topic(Protocol):
    @property
    def keywords(self) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class Seed:
    """One seed as tokens: ``words``, and whether its last word is a stem (``elect*``)."""

    words: tuple[str, ...]
    stem: bool

    @property
    def term(self) -> str:
        return " ".join(self.words) + ("*" if self.stem and len(self.words) > 1 else "")


@dataclass(frozen=True, slots=True)
class StoryTerms:
    """Unit-length TF-IDF rows over words and seed phrases, ``words`` (the same rows over the words alone,
    unit length again: what likeness between stories is measured on) and ``seeds`` (terms x topics, 1 where
    a topic's seed matches the term)."""

    vectors: csr_matrix
    words: csr_matrix
    seeds: csr_matrix


def seeds_of(taxonomy: Sequence[_Topic], tokenize: Tokenizer) -> tuple[tuple[Seed, ...], ...]:
    """Each topic's seeds as tokens (seeds of stop words alone, or longer than MAX_PHRASE_WORDS, dropped)."""
    return _seeds_of(tuple(tuple(spec.keywords) for spec in taxonomy), tokenize)


@lru_cache(maxsize=64)
def _seeds_of(keywords: tuple[tuple[str, ...], ...], tokenize: Tokenizer) -> tuple[tuple[Seed, ...], ...]:
    found: list[tuple[Seed, ...]] = []
    for topic in keywords:
        seeds = [Seed(tuple(tokenize(seed.rstrip("*"))), seed.endswith("*")) for seed in topic]
        found.append(tuple(seed for seed in seeds if 0 < len(seed.words) <= MAX_PHRASE_WORDS))
    return tuple(found)


def story_terms(texts: Sequence[str], seeds: Sequence[Sequence[Seed]], tokenize: Tokenizer) -> StoryTerms | None:
    """The terms of ``texts``; None when not one of them has a word."""
    phrases: dict[str, list[Seed]] = {}
    for seed in {seed for topic in seeds for seed in topic if len(seed.words) > 1}:
        phrases.setdefault(seed.words[0], []).append(seed)
    counted = term_counts(_with_phrases(tokenize(text), phrases) for text in texts)
    if counted is None:  # not one word in any text
        return None
    counts, terms, vocabulary = counted
    vectors = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
    single = np.char.find(terms, " ") < 0
    words = normalize(vectors[:, np.flatnonzero(single)])
    return StoryTerms(vectors, words, _seed_matrix(terms, single, vocabulary, seeds))


def term_counts(documents: Iterable[list[str]]) -> tuple[csr_matrix, npt.NDArray[np.str_], dict[str, int]] | None:
    """The terms' counts in each of ``documents`` (one row each, columns in the terms' sorted order), the terms
    in that order and their columns; None when there is not one term. The very matrix scikit-learn's
    ``CountVectorizer`` counts (to the bit, in the same layout), without its Python step per token or its list
    of every index, and reading the documents one at a time: a window's token lists held at once were 30 MB
    of small strings at the peak of a 5,000-article digest build."""
    vocabulary: dict[str, int] = {}  # term -> its column, first numbered in order of first appearance
    indices, values, indptr = array("i"), array("i"), array("i", [0])
    for document in documents:  # every step per term in C: a Python step per term was most of the cost
        counts = Counter(document)
        if new := set(counts).difference(vocabulary):
            for term in compress(counts, map(new.__contains__, counts)):
                vocabulary[term] = len(vocabulary)
        indices.extend(map(vocabulary.__getitem__, counts))
        values.extend(counts.values())
        indptr.append(len(indices))
    if not vocabulary:
        return None
    matrix = csr_matrix((np.frombuffer(values, dtype=np.intc), np.frombuffer(indices, dtype=np.int32),
                         np.frombuffer(indptr, dtype=np.int32)), shape=(len(indptr) - 1, len(vocabulary)),
                        dtype=np.float64)
    matrix.sort_indices()  # by first appearance, as the vectorizer does before renumbering by term
    ordered = sorted(vocabulary)
    renumber = np.empty(len(ordered), dtype=matrix.indices.dtype)
    renumber[np.fromiter(map(vocabulary.__getitem__, ordered), dtype=np.int64, count=len(ordered))] = \
        np.arange(len(ordered))
    matrix.indices = renumber.take(matrix.indices, mode="clip")
    return matrix, np.array(ordered, dtype=str), dict(zip(ordered, range(len(ordered)), strict=True))


def _with_phrases(tokens: list[str], phrases: dict[str, list[Seed]]) -> list[str]:
    """``tokens`` and the seed phrases that start at any of them (as their :attr:`Seed.term`)."""
    found = list(tokens)
    for i in [i for i, token in enumerate(tokens) if token in phrases]:
        for seed in phrases[tokens[i]]:
            following = tokens[i + 1 : i + len(seed.words)]
            rest = seed.words[1:]
            if len(following) == len(rest) and following[:-1] == list(rest[:-1]) and (
                    following[-1].startswith(rest[-1]) if seed.stem else following[-1] == rest[-1]):
                found.append(seed.term)
    return found


def _seed_matrix(terms: npt.NDArray[np.str_], single: npt.NDArray[np.bool_], vocabulary: dict[str, int],
                 seeds: Sequence[Sequence[Seed]]) -> csr_matrix:
    """A (terms x topics) 0/1 matrix: which ``terms`` each topic's seeds match (a stem: every word with it)."""
    words = np.flatnonzero(single)
    ordered = words[np.argsort(terms[words])]
    sorted_terms = terms[ordered]
    rows: list[int] = []
    cols: list[int] = []
    for k, topic in enumerate(seeds):
        for seed in topic:
            if len(seed.words) == 1 and seed.stem:
                lo, hi = np.searchsorted(sorted_terms, [seed.words[0], seed.words[0] + "\U0010ffff"])
                hits = ordered[lo:hi].tolist()
            else:
                hits = [vocabulary[seed.term]] if seed.term in vocabulary else []
            rows.extend(hits)
            cols.extend([k] * len(hits))
    matrix = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(terms), len(seeds)))
    matrix.data[:] = 1.0  # a term matched by several seeds of one topic still counts once
    return matrix


def seed_words(seeds: Sequence[Sequence[Seed]]) -> list[frozenset[str]]:
    """Each topic's one-word seeds (``stem*`` for stems), for matching the outlet's hints."""
    return [frozenset(seed.words[0] + ("*" if seed.stem else "") for seed in topic if len(seed.words) == 1)
            for topic in seeds]
