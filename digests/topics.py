"""Topics: each story placed under a label by what it says, and the channel filters on topics and keywords.

:func:`assign_topics` is seed-guided. Stories whose words clearly match one topic's seed words (a large
enough share of their TF-IDF weight, well ahead of any other topic, from at least two seed terms) are the
labelled examples. Label spreading over a graph of each story's most similar stories then carries the
topics to the rest, so the window's own vocabulary decides where a story with few seed words belongs (and
a seeded story whose neighbours all say otherwise can move). A story that neither has a seed word of the
topic it would get nor a close neighbour goes to the fallback. Last, a few nearest-centroid rounds (each
placed story moves to the topic whose stories' mean vector it is most like, until none moves) let each
topic's whole vocabulary in the window, not only its seeds and a story's nearest neighbours, settle where
the stories in between belong. The number of topics shown is found, not given: topics no story reaches
are absent.
"""

from __future__ import annotations

import unicodedata
import warnings
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import regex
from scipy.sparse import csr_matrix
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.neighbors import kneighbors_graph
from sklearn.preprocessing import normalize
from sklearn.semi_supervised import LabelSpreading

from digests.stories import Tokenizer, word_tokens
from digests.topic_hints import hint_scores
from digests.topic_seeds import LABEL_LANGUAGES as LABEL_LANGUAGES  # re-exported
from digests.topic_seeds import LABELS, SEEDS
from digests.topic_seeds import fallback_label as fallback_label  # re-exported

Labels = npt.NDArray[np.int64]  # topic index per story, -1 for none
Scores = npt.NDArray[np.float64]

FALLBACK_TOPIC = "Other news"
# Set on the even-numbered half of the BBC set (bench/topic_grouping.py --tune), reported on the rest.
SEED_SCORE = 0.1  # TF-IDF weight (of a unit-length story vector) on one topic's seeds that makes it an example
SEED_MARGIN = 1.5  # ... when it is at least this many times the runner-up topic's
MIN_SEED_TERMS = 2  # ... and comes from at least this many different seed terms
NEIGHBOURS = 7  # each story's links to the stories most like it
MIN_SIMILARITY = 0.07  # cosine below which a link is no evidence
CLOSE_NEIGHBOUR = 0.1  # ... or a story with no seed word of a topic needs a neighbour this close
SPREAD_ALPHA = 0.95  # how much a story's label comes from its neighbours rather than its own seed words
MAX_PHRASE_WORDS = 3  # longer seed phrases are not looked for
REFINE_ROUNDS = 10  # at most this many nearest-centroid rounds after spreading (they usually settle sooner)
HINT_WEIGHT = 0.3  # what a hint from the outlet adds to its topic's seed score (3x what makes an example)
MAX_HISTORY = 600  # placed stories of previous days used as labelled context (the latest)


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


def assign_topics(texts: Sequence[str], taxonomy: Sequence[TopicSpec] = DEFAULT_TAXONOMY, *,
                  fallback: str = FALLBACK_TOPIC, tokenize: Tokenizer = word_tokens,
                  hints: Sequence[Sequence[str]] | None = None,
                  history: Sequence[tuple[str, str]] = ()) -> list[str]:
    """A topic label for each of ``texts`` (a story's headline, summary and lead): one of ``taxonomy``'s
    labels, or ``fallback`` when no topic matches well enough.

    ``hints`` (one list per text): what the outlet says, item categories, URL sections, the feed's topic
    (see :mod:`digests.topic_hints`); they count like seed words, strongly. ``history``: (text, label) of
    stories placed before (the region's previous days), labelled context so a small window is not grouped
    alone: they share today's word weights, link today's stories in the similarity graph and stand in their
    topics' centroids when placed stories settle (:func:`_refine`), but pass no label on to today's stories
    by likeness alone. Only their last :data:`MAX_HISTORY` with a label of ``taxonomy`` are used; on a fresh
    database there are none and the window is placed by its own seeds and neighbours."""
    if not texts or not taxonomy:
        return [fallback] * len(texts)
    index = {spec.label.casefold(): k for k, spec in enumerate(taxonomy)}
    past = [(text, index[label.casefold()]) for text, label in history if label.casefold() in index][-MAX_HISTORY:]
    count = len(texts)
    longest = max((len(tokenize(seed.rstrip("*"))) for spec in taxonomy for seed in spec.keywords), default=1)
    vectorizer = TfidfVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None, sublinear_tf=True,
                                 ngram_range=(1, min(max(1, longest), MAX_PHRASE_WORDS)), dtype=np.float64)
    try:
        vectors = vectorizer.fit_transform([*texts, *(text for text, _ in past)])
    except ValueError:  # not one word in any text
        return [fallback] * len(texts)
    terms = vectorizer.get_feature_names_out()
    seeds = _seed_matrix(terms, vectorizer.vocabulary_, taxonomy, tokenize)
    scores = (vectors[:count] @ seeds).toarray()
    matched = ((vectors[:count] > 0).astype(np.float64) @ seeds).toarray()  # distinct seed terms per topic
    if hints is not None:
        outlet = hint_scores(hints, [spec.label for spec in taxonomy], _seed_words(taxonomy, tokenize))
        scores += HINT_WEIGHT * outlet
        matched += MIN_SEED_TERMS * (outlet > 0)
    seeded = _confident(scores, matched)
    known = np.array([k for _, k in past], dtype=np.int64)
    unigrams = _unigrams(vectors, terms)
    # History's labels take no part in spreading: they are Khobor's own, and one misplaced story of yesterday
    # would hand its label to today's stories like it (precision fell, bench/topic_windows.py). Its stories
    # still link today's in the graph, and its labels shape the topics' centroids in _refine.
    spread, closest = _spread(unigrams, np.concatenate([seeded, np.full(len(known), -1, dtype=np.int64)]))
    today = _supported(spread[:count], seeded, matched, closest[:count])
    labels = _refine(unigrams, np.concatenate([today, known]), movable=count)[:count]
    return [taxonomy[k].label if k >= 0 else fallback for k in labels.tolist()]


def _seed_words(taxonomy: Sequence[TopicSpec], tokenize: Tokenizer) -> list[frozenset[str]]:
    """Each topic's one-word seeds as tokens (``stem*`` kept), for matching hints."""
    words: list[frozenset[str]] = []
    for spec in taxonomy:
        found = set()
        for seed in spec.keywords:
            tokens = tokenize(seed.rstrip("*"))
            if len(tokens) == 1:
                found.add(tokens[0] + ("*" if seed.endswith("*") else ""))
        words.append(frozenset(found))
    return words


def _supported(spread: Labels, seeded: Labels, matched: Scores, closest: Scores) -> Labels:
    """Keep a spread label where the story has a seed word of that topic or a close neighbour; else the
    story's own seed label (or none)."""
    own = matched[np.arange(len(spread)), np.maximum(spread, 0)] >= 1
    return np.where((spread >= 0) & (own | (closest >= CLOSE_NEIGHBOUR)), spread, seeded)


def _refine(vectors: csr_matrix, labels: Labels, *, movable: int) -> Labels:
    """Move each placed story of the first ``movable`` to the topic whose centroid (the mean of its
    stories' vectors, history's included) it is most like, and repeat until nothing moves: a topic's whole
    vocabulary in this window, not only its seeds and nearest neighbours, decides where a story belongs.
    Stories without a topic stay without one; a topic can empty but none is added."""
    placed = labels >= 0
    moves = placed & (np.arange(len(labels)) < movable)
    for _ in range(REFINE_ROUNDS):
        present = np.unique(labels[placed])
        if len(present) < 2:
            break
        members = csr_matrix((np.ones(int(placed.sum())), (np.flatnonzero(placed), np.searchsorted(
            present, labels[placed]))), shape=(len(labels), len(present)))
        centroids = normalize(members.T @ vectors)
        nearest = present[np.asarray((vectors @ centroids.T).todense()).argmax(axis=1)]
        moved = np.where(moves, nearest, labels)
        if np.array_equal(moved, labels):
            break
        labels = moved
    return labels


def _seed_matrix(terms: npt.NDArray[np.object_], vocabulary: dict[str, int], taxonomy: Sequence[TopicSpec],
                 tokenize: Tokenizer) -> csr_matrix:
    """A (terms x topics) 0/1 matrix: which of the vocabulary's ``terms`` each topic's seeds match."""
    order = np.argsort(terms)
    ordered = terms[order]
    rows: list[int] = []
    cols: list[int] = []
    for k, spec in enumerate(taxonomy):
        for seed in spec.keywords:
            words = tokenize(seed.rstrip("*"))
            if not words:
                continue
            key = " ".join(words)
            if seed.endswith("*"):
                lo, hi = np.searchsorted(ordered, [key, key + "\U0010ffff"])
                hits = [int(order[i]) for i in range(lo, hi) if ordered[i].count(" ") == key.count(" ")]
            else:
                hits = [vocabulary[key]] if key in vocabulary else []
            rows.extend(hits)
            cols.extend([k] * len(hits))
    matrix = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(terms), len(taxonomy)))
    matrix.data[:] = 1.0  # a term matched by several seeds of one topic still counts once
    return matrix


def _confident(scores: Scores, matched: Scores) -> Labels:
    """The topic index of stories whose seed match is strong and clear, -1 for the others."""
    ranked = np.sort(scores, axis=1)
    best = ranked[:, -1]
    runner_up = ranked[:, -2] if scores.shape[1] > 1 else np.zeros(len(scores))
    top = scores.argmax(axis=1)
    several = matched[np.arange(len(top)), top] >= MIN_SEED_TERMS
    sure = (best >= SEED_SCORE) & (best >= SEED_MARGIN * runner_up) & several
    return np.where(sure, top, -1).astype(np.int64)


def _unigrams(vectors: csr_matrix, terms: npt.NDArray[np.object_]) -> csr_matrix:
    """The single-word columns of ``vectors``, rows scaled back to unit length (phrases only serve seeds)."""
    single = np.flatnonzero(np.char.find(terms.astype(str), " ") < 0)
    return normalize(vectors[:, single])


def _neighbour_graph(x: csr_matrix, neighbours: int) -> csr_matrix:
    """Symmetric graph of each story's nearest stories, weighted by cosine similarity; weak links dropped."""
    graph = kneighbors_graph(x, min(neighbours, x.shape[0] - 1), metric="cosine", mode="distance")
    graph.data = 1.0 - graph.data
    graph.data[graph.data < MIN_SIMILARITY] = 0.0
    graph.eliminate_zeros()
    return graph.maximum(graph.T).tocsr()


def _spread(vectors: csr_matrix, seeded: Labels) -> tuple[Labels, Scores]:
    """Spread the seeded topics over the stories' similarity graph: each story's label (-1 where no topic
    reaches it) and its similarity to the story most like it."""
    if len(seeded) < 3 or not (seeded >= 0).any():
        return seeded, np.zeros(len(seeded))
    graph = _neighbour_graph(vectors, NEIGHBOURS)
    model = LabelSpreading(kernel=lambda x, _: graph, alpha=SPREAD_ALPHA, max_iter=200)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(vectors, seeded)
    distributions = model.label_distributions_
    reached = distributions.sum(axis=1) > 0
    labels = np.where(reached, model.classes_[distributions.argmax(axis=1)], -1).astype(np.int64)
    return labels, np.asarray(graph.max(axis=1).todense()).ravel()


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
