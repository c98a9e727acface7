"""Topics: each story placed under a label by what it says, and the channel filters on topics and keywords.

:func:`assign_topics` is seed-guided and transductive. Each story's seed words (a topic's share of its TF-IDF
weight) and its outlet's hints are soft evidence, a distribution over the topics as strong as the evidence
is. Label spreading over a graph of each story's most similar stories (today's and the region's placed
stories of previous days) lets the window's own vocabulary carry that evidence to stories with few seed words;
then a nearest-centroid classifier self-trained on the window's stories settles the stories in between
(:mod:`digests.topic_spread`). A story is placed only where it has evidence of its own: at least
:data:`MIN_SEED_TERMS` seed terms of its topic, or fewer with today's neighbours mostly agreeing; else it goes
to the fallback group, since a wrong topic costs a reader's trust more than "Other news" does. The number of
topics shown is found, not given: topics no story reaches are absent.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix

from digests.stories import Tokenizer, word_tokens
from digests.taxonomy import DEFAULT_TAXONOMY as DEFAULT_TAXONOMY  # re-exported
from digests.taxonomy import TopicSpec as TopicSpec
from digests.taxonomy import default_taxonomy as default_taxonomy
from digests.taxonomy import matched_keywords as matched_keywords
from digests.taxonomy import matches_filters as matches_filters
from digests.taxonomy import parse_keywords as parse_keywords
from digests.topic_hints import hint_scores
from digests.topic_seeds import LABEL_LANGUAGES as LABEL_LANGUAGES  # re-exported
from digests.topic_seeds import fallback_label as fallback_label  # re-exported
from digests.topic_spread import settle, similarity_graph, spread
from digests.topic_terms import Seed, StoryTerms, seed_words, seeds_of, story_terms

Labels = npt.NDArray[np.int64]  # topic index per story, -1 for none
Scores = npt.NDArray[np.float64]

FALLBACK_TOPIC = "Other news"
# Set on the even-numbered half of each evaluation set (bench/topic_windows.py --split even), reported on the
# odd-numbered half.
FULL_EVIDENCE = 0.1  # TF-IDF weight (of a unit-length story vector) on seed words that makes a story's prior sure
MIN_SEED_TERMS = 2  # seed terms of its topic that place a story on its own words
AGREEMENT = 0.5  # ... or, with fewer, the share of today's neighbours' evidence that must be for its topic
NO_SEED_AGREEMENT = 0.8  # ... that share for a story without a single seed term of its topic
NEIGHBOURS = 10  # each story's links to the stories most like it
MIN_SIMILARITY = 0.05  # cosine below which a link is no evidence
SPREAD_ALPHA = 0.6  # how much of a story's evidence comes from its neighbours rather than its own seed words
SPREAD_ROUNDS = 20  # label-spreading iterations (alpha^20 < 1e-4: converged)
SETTLE_ROUNDS = 5  # self-training rounds of the nearest-centroid classifier
SETTLE_MIX = 0.5  # how much of a story's evidence each round keeps (the rest: its likeness to the centroids)
SETTLE_TEMPERATURE = 0.05  # softmax temperature on cosine likeness to the centroids
HISTORY_PRIOR = 0.5  # evidence a placed story of a previous day brings for its topic (today's: at most 1)
HINT_WEIGHT = 0.3  # what a hint from the outlet adds to its topic's seed score (3x what makes a prior sure)
MAX_HISTORY = 600  # placed stories of previous days used as labelled context (the latest)


def assign_topics(texts: Sequence[str], taxonomy: Sequence[TopicSpec] = DEFAULT_TAXONOMY, *,
                  fallback: str = FALLBACK_TOPIC, tokenize: Tokenizer = word_tokens,
                  hints: Sequence[Sequence[str]] | None = None,
                  history: Sequence[tuple[str, str]] = ()) -> list[str]:
    """A topic label for each of ``texts`` (a story's headline, summary and lead): one of ``taxonomy``'s
    labels, or ``fallback`` when no topic matches well enough.

    ``hints`` (one list per text): what the outlet says, item categories, URL sections, the feed's topic
    (see :mod:`digests.topic_hints`); they count like seed words, strongly. ``history``: (text, label) of
    stories placed before (the region's previous days), labelled context so a small window is not grouped
    alone: they share today's word weights, bring :data:`HISTORY_PRIOR` evidence for their topics into the
    spreading and stand in their topics' centroids, but count as no story's agreeing neighbour, so a story
    that only resembles one of them is not placed by it. Only their last :data:`MAX_HISTORY` with a label of
    ``taxonomy`` are used; on a fresh database there are none and the window is placed by its own seeds and
    neighbours."""
    if not texts or not taxonomy:
        return [fallback] * len(texts)
    index = {spec.label.casefold(): k for k, spec in enumerate(taxonomy)}
    past = [(text, index[label.casefold()]) for text, label in history if label.casefold() in index][-MAX_HISTORY:]
    seeds = seeds_of(taxonomy, tokenize)
    terms = story_terms([*texts, *(text for text, _ in past)], seeds, tokenize)
    if terms is None:
        return [fallback] * len(texts)
    scores, matched = _seed_evidence(terms, len(texts), [spec.label for spec in taxonomy], seeds, hints)
    labels = _window_labels(terms.words, scores, matched, [k for _, k in past])
    return [taxonomy[k].label if k >= 0 else fallback for k in labels.tolist()]


def _seed_evidence(terms: StoryTerms, count: int, labels: Sequence[str], seeds: Sequence[Sequence[Seed]],
                   hints: Sequence[Sequence[str]] | None) -> tuple[Scores, Scores]:
    """For today's ``count`` stories: each topic's share of the story's TF-IDF weight on its seed terms (plus
    :data:`HINT_WEIGHT` per hint of the outlet for it), and how many distinct seed terms it has (a hint counts
    as :data:`MIN_SEED_TERMS`)."""
    scores = (terms.vectors[:count] @ terms.seeds).toarray()
    matched = ((terms.vectors[:count] > 0).astype(np.float64) @ terms.seeds).toarray()
    if hints is not None:
        outlet = hint_scores(hints, labels, seed_words(seeds))
        scores += HINT_WEIGHT * outlet
        matched += MIN_SEED_TERMS * (outlet > 0)
    return scores, matched


def _window_labels(words: csr_matrix, scores: Scores, matched: Scores, past: Sequence[int]) -> Labels:
    """Today's stories' topics (-1: the fallback): seed evidence spread over the similarity graph of today's
    and the ``past`` stories (rows of ``words`` after today's), settled by self-training, then kept only
    where the story has evidence of its own (:func:`_placed`)."""
    count, topics = scores.shape
    known = np.concatenate([np.full(count, -1), past]).astype(np.int64)
    evidence = _prior(scores, known)
    agreement = np.zeros((count, topics))
    if len(known) >= 3:
        graph = similarity_graph(words, neighbours=NEIGHBOURS, min_similarity=MIN_SIMILARITY)
        evidence = spread(graph, evidence, alpha=SPREAD_ALPHA, rounds=SPREAD_ROUNDS)
        agreement = np.asarray(graph[:count, :count] @ evidence[:count])  # what today's neighbours say
    settled = settle(words, evidence, known, rounds=SETTLE_ROUNDS, mix=SETTLE_MIX, temperature=SETTLE_TEMPERATURE)
    return _placed(settled[:count], matched, agreement)


def _prior(scores: Scores, known: Labels) -> Scores:
    """Each story's own evidence: today's (the first ``len(scores)``) its seed scores as a distribution, as
    strong as its best score (full at :data:`FULL_EVIDENCE`); a past story's, :data:`HISTORY_PRIOR` for the
    topic it was placed under."""
    prior = np.zeros((len(known), scores.shape[1]))
    strength = np.minimum(1.0, scores.max(axis=1, initial=0.0) / FULL_EVIDENCE)
    prior[: len(scores)] = scores / np.maximum(scores.sum(axis=1, keepdims=True), 1e-12) * strength[:, None]
    past = np.flatnonzero(known >= 0)
    prior[past, known[past]] = HISTORY_PRIOR
    return prior


def _placed(settled: Scores, matched: Scores, agreement: Scores) -> Labels:
    """Each story's most likely topic where it has evidence of its own (see the module's docstring), else -1."""
    rows = np.arange(len(settled))
    best = settled.argmax(axis=1)
    terms = matched[rows, best]
    share = agreement[rows, best] / np.maximum(agreement.sum(axis=1), 1e-12)
    sure = (terms >= MIN_SEED_TERMS) | ((terms >= 1) & (share >= AGREEMENT)) | (share >= NO_SEED_AGREEMENT)
    return np.where(sure & (settled.max(axis=1) > 0), best, -1).astype(np.int64)
