"""Stories: the articles of one window that report the same event, from one outlet or many.

Articles are compared only within one language. Each is represented by its headline's words (counted
twice) and the first ``LEAD_WORDS`` content words of its text, as a TF-IDF vector fitted on that
language's articles of the window, so the words that tell events apart (names, places) weigh most. Pairs
whose cosine similarity reaches the threshold are found with a sparse radius-neighbours search; within each
connected set of such pairs, average-linkage agglomerative clustering stops merging below the same
threshold, so one chain of look-alike reports never links two different events.

The threshold is conservative: syndicated and lightly edited copies are merged (they score 0.6-1.0),
different events on one subject stay apart (0.1-0.3 in the tests), and so do reports of one event written
independently with little wording in common (0.35-0.5): those show as separate stories.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain

import numpy as np
import numpy.typing as npt
import regex
from rapidfuzz import fuzz, process
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.neighbors import radius_neighbors_graph

from digests.models import ArticleDoc
from digests.story_words import LEAD_WORDS as LEAD_WORDS  # re-exported
from digests.story_words import SAME_STORY as SAME_STORY  # re-exported
from digests.story_words import Tokenizer as Tokenizer  # re-exported
from digests.story_words import story_stop_words as _stop_words
from digests.story_words import word_tokens as word_tokens  # re-exported
from digests.urls import canonical_url

Labels = npt.NDArray[np.int64]

NEAR_SAME_RATIO = 85.0  # rapidfuzz token_sort_ratio at or above which two sentences are one
NEAR_SAME_COVERAGE = 0.8  # share of a sentence's words already said, at or above which it adds nothing

_TOKEN = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}\u200c\u200d]*")
_NEGATIONS = frozenset(unicodedata.normalize("NFC", w) for w in (
    "not", "no", "never", "nor", "without", "না", "নয়", "নি", "नहीं", "न", "नही", "نہیں", "نہ"))


def group_stories(docs: Sequence[ArticleDoc], *, threshold: float = SAME_STORY,
                  tokenize: Tokenizer = word_tokens) -> list[list[int]]:
    """Group ``docs`` into stories: lists of indices into ``docs``, each doc in exactly one group.

    Reports of one event and syndicated or lightly edited copies share a group; articles in different
    languages never do. Groups come largest first, then the most recently published first.
    """
    labels = np.full(len(docs), -1, dtype=np.int64)
    for members in _by_language(docs):
        local = _cluster([_story_words(docs[i], tokenize) for i in members], threshold)
        labels[members] = local + labels.max() + 1
    return _ordered(labels, docs)


def _by_language(docs: Sequence[ArticleDoc]) -> list[npt.NDArray[np.int64]]:
    buckets: dict[str, list[int]] = {}
    for i, doc in enumerate(docs):
        buckets.setdefault((doc.language or "").casefold(), []).append(i)
    return [np.asarray(members, dtype=np.int64) for members in buckets.values()]


def _story_words(doc: ArticleDoc, tokenize: Tokenizer) -> list[str]:
    title = tokenize(doc.title)
    return [*title, *title, *tokenize(doc.text or " ".join(doc.summary))[:LEAD_WORDS]]


def _cluster(words: Sequence[list[str]], threshold: float) -> Labels:
    """Story labels 0..k-1 for the (already tokenised) articles of one language."""
    if len(words) < 2:
        return np.zeros(len(words), dtype=np.int64)
    vectorizer = TfidfVectorizer(analyzer=_given, sublinear_tf=True, dtype=np.float32)
    try:
        vectors = vectorizer.fit_transform(words)
    except ValueError:  # not one word in any text
        return np.arange(len(words), dtype=np.int64)
    graph = radius_neighbors_graph(vectors, radius=1.0 - threshold, metric="cosine", mode="connectivity",
                                   include_self=False, n_jobs=-1)
    _, sets = connected_components(graph, directed=False)
    labels = sets.astype(np.int64)
    for members in _multi_member_sets(sets):
        if len(members) > 2:
            labels[members] = _average_linkage(vectors[members], threshold) + labels.max() + 1
    return np.unique(labels, return_inverse=True)[1].astype(np.int64)


def _given(words: list[str]) -> list[str]:
    return words


def _multi_member_sets(sets: npt.NDArray[np.int32]) -> Iterable[npt.NDArray[np.int64]]:
    order = np.argsort(sets, kind="stable")
    bounds = np.flatnonzero(np.diff(sets[order])) + 1
    return (part for part in np.split(order, bounds) if len(part) > 1)


def _average_linkage(vectors: csr_matrix, threshold: float) -> Labels:
    distances = 1.0 - (vectors @ vectors.T).toarray()
    np.clip(distances, 0.0, 2.0, out=distances)
    model = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                    distance_threshold=1.0 - threshold + 1e-6)
    labels: Labels = model.fit_predict(distances).astype(np.int64)
    return labels


def _ordered(labels: Labels, docs: Sequence[ArticleDoc]) -> list[list[int]]:
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels.tolist()):
        groups.setdefault(label, []).append(i)

    def key(members: list[int]) -> tuple[int, float, int]:
        return -len(members), -max(_timestamp(docs[i].published) for i in members), members[0]

    return sorted(groups.values(), key=key)


def _timestamp(moment: datetime | None) -> float:
    if moment is None:
        return float("-inf")
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def merge_summary(summaries: Sequence[Sequence[str]], *, max_sentences: int, max_chars: int) -> tuple[str, ...]:
    """One summary for a story from its articles' summaries: the first article's sentences in order, then
    sentences the others add.

    A sentence that repeats one already taken (the same words once normalised, a light rewording, or content
    words mostly said already) is skipped, and so is one that would overflow ``max_chars`` (counting one
    space between sentences): sentences are never cut.
    """
    taken: list[str] = []
    keys: list[_Key] = []
    used = 0
    for sentence in (s.strip() for s in chain.from_iterable(summaries)):
        if len(taken) >= max_sentences:
            break
        cost = len(sentence) + (1 if taken else 0)
        if used + cost > max_chars:
            continue
        key = _sentence_key(sentence)
        if not key.text or _repeats(key, keys):
            continue
        taken.append(sentence)
        keys.append(key)
        used += cost
    return tuple(taken)


def new_sentences(sentences: Sequence[str], said: Sequence[str]) -> tuple[str, ...]:
    """The ``sentences`` that ``said`` does not already say (by :func:`merge_summary`'s rule: the same words,
    a light rewording, or content words mostly said), in order, none twice."""
    keys = [_sentence_key(s) for s in said]
    fresh: list[str] = []
    for sentence in (s.strip() for s in sentences):
        key = _sentence_key(sentence)
        if key.text and not _repeats(key, keys):
            fresh.append(sentence)
            keys.append(key)
    return tuple(fresh)


@dataclass(frozen=True, slots=True)
class _Key:
    text: str  # every word and number, normalised
    content: frozenset[str]  # without stop words
    negations: frozenset[str]  # "not" turns a near-same sentence into its opposite


def _sentence_key(sentence: str) -> _Key:
    words = _TOKEN.findall(unicodedata.normalize("NFC", sentence).casefold())
    stop = _stop_words()
    every = frozenset(words)
    content = every - stop or every
    return _Key(" ".join(words), content, _NEGATIONS.intersection(words))


def _repeats(key: _Key, taken: Sequence[_Key]) -> bool:
    taken = [other for other in taken if other.negations == key.negations]
    if not taken:
        return False
    if process.extractOne(key.text, [k.text for k in taken], scorer=fuzz.token_sort_ratio,
                          score_cutoff=NEAR_SAME_RATIO):
        return True
    return any(len(key.content & other.content) >= NEAR_SAME_COVERAGE * len(key.content) for other in taken)


def story_id(urls: Sequence[str]) -> str:
    """A short id, stable across digests, from the first URL (in canonical form, so tracking parameters and
    AMP/mobile variants of the page give the same id)."""
    if not urls:
        raise ValueError("stories: a story needs at least one article URL to derive its id")
    return _id_of(canonical_url(urls[0]))


def lead_story_id(lead: ArticleDoc) -> str:
    """:func:`story_id` of a story led by ``lead``, from the canonical URL the store read with it
    (:attr:`ArticleDoc.key`, computed once when the article was stored) where it has one."""
    return _id_of(lead.key) if lead.key else story_id([lead.url])


def _id_of(canonical: str) -> str:
    return hashlib.blake2b(canonical.encode(), digest_size=6).hexdigest()
