"""Per-sentence evidence that exists in any language and any outlet, for ranking an article's sentences.

:func:`support_terms` are the terms of the ``support`` score (:mod:`digests.summarize`); :func:`features` adds
PacSum's directed centrality (:mod:`digests.pacsum`), position, the article's length, and how central the
lead is in this article, as the columns of :data:`FEATURES`. None needs a stemmer, a tagger or a model: words
are what :class:`digests.text.Tokenizer` finds, the stop list may be empty.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from digests.pacsum import PACSUM_THRESHOLD, directed_centrality, tfidf_vectors

# The length at which the ``support`` length prior stops rising (words).
SUPPORT_LENGTH_CAP = 30


class SupportTerms(NamedTuple):
    """The terms of the ``support`` score, one value per sentence (see :func:`support_terms`)."""

    centrality: np.ndarray
    commonness: np.ndarray
    length: np.ndarray
    shared: np.ndarray  # rows: each sentence's counts of the content words it shares with another sentence


def support_terms(words: Sequence[Sequence[str]], stop: frozenset[str], backward: float) -> SupportTerms:
    """Centrality, commonness and length of each sentence, and its shared-word counts.

    - centrality: content words shared with each other sentence, each pair divided by the sum of the two
      sentences' log lengths (sumy's Reduction edge weight), summed over the sentences after it, plus
      ``backward`` times the sum over those before it (PacSum's direction: a sentence that introduces what
      follows beats one that repeats it);
    - commonness: the mean, over the sentence's distinct words (function words included), of how many other
      sentences use the word; lists of names and figures, asides and off-topic lines score low;
    - length: the sentence's word count.
    """
    distinct = [set(sentence) for sentence in words]
    spread = Counter(word for sentence in distinct for word in sentence)  # sentences using each word
    # Only words in two or more sentences link sentences, which keeps the matrix small.
    columns = {word: i for i, word in enumerate(w for w, k in spread.items() if k > 1 and w not in stop)}
    cells = [(row, columns[word]) for row, sentence in enumerate(words) for word in sentence if word in columns]
    shared = np.zeros((len(words), max(len(columns), 1)))
    if cells:
        np.add.at(shared, tuple(np.array(cells).T), 1.0)
    overlap = shared @ shared.T
    np.fill_diagonal(overlap, 0.0)
    content = np.array([len(s) - sum(map(stop.__contains__, s)) for s in words], dtype=np.float64)
    log_length = np.log(np.maximum(content, 1.0))
    norm = log_length[:, None] + log_length[None, :]
    edges = overlap / np.where(norm > 0, norm, 1.0)
    later = np.triu(np.ones_like(edges), k=1)
    centrality = (edges * (later + backward * (1.0 - later))).sum(axis=1)
    commonness = np.array([(sum(map(spread.__getitem__, d)) - len(d)) / max(len(d), 1) for d in distinct])
    length = np.array([max(len(sentence), 1) for sentence in words], dtype=np.float64)
    return SupportTerms(centrality, commonness, length, shared)


FEATURES = (
    "centrality", "commonness", "length_rise", "length", "length_relative", "forward", "backward",
    "position", "relative_position", "first", "second", "third", "position_x_size", "first_similarity",
    "document_similarity", "centrality_rank", "position_x_lead_rank", "position_x_lead_similarity",
)  # fmt: skip


# Fitted by bench/summary_train.py (one command re-derives and prints them) on the even halves of BBC News Summary,
# CNN and Daily Mail, each corpus a third of the loss: a softmax over each article's sentences, the target the
# sentences a greedy oracle picks for the best ROUGE-1 + ROUGE-2 against the reference. The features are
# collinear (length three ways, the lead three ways), so single weights mean little; the sum is what ranks.
# The redundancy (0, 0.5, 1, 2) was chosen on the same halves by the worst shortfall against the goals.
# Held-out odd halves, ROUGE-2 (bench/summary_quality.py): BBC 49.89, CNN 12.11, Daily Mail 19.56, between
# ``support`` (53.72, 10.48, 18.82) and ``pacsum`` (42.88, 12.32, 20.05) on each: selectable, not the default.
LEARNED_WEIGHTS = {
    "centrality": 0.5763,
    "commonness": 0.0620,
    "length_rise": 0.4742,
    "length": -0.0329,
    "length_relative": -0.0381,
    "forward": 0.9158,
    "backward": 0.7364,
    "position": -0.6414,
    "relative_position": 0.7274,
    "first": -1.4810,
    "second": 0.0131,
    "third": 0.1128,
    "position_x_size": -0.0666,
    "first_similarity": 0.7007,
    "document_similarity": -3.6443,
    "centrality_rank": 0.8102,
    "position_x_lead_rank": 0.3024,
    "position_x_lead_similarity": -3.9032,
}
LEARNED_REDUNDANCY = 0.0


def features(words: Sequence[Sequence[str]], language: str, stop: frozenset[str]) -> np.ndarray:
    """One row per sentence, the columns of :data:`FEATURES` (two or more sentences):

    - centrality, commonness, length_rise, length: the logs of :func:`support_terms` (undirected), the
      length capped at :data:`SUPPORT_LENGTH_CAP` and uncapped; length_relative: log of length / the mean;
    - forward, backward: PacSum's edges (TF-IDF cosines) to later and to earlier sentences, each / its article max;
    - position: log(1 + index); relative_position: index / (count - 1); first, second, third: 0 or 1;
      position_x_size: position x log(count);
    - first_similarity, document_similarity: TF-IDF cosine to the first sentence and to the article's centroid;
    - centrality_rank: the share of the article's sentences less central (document_similarity) than this one;
    - position_x_lead_rank, position_x_lead_similarity: position x how central the article's first sentence
      is (its centrality_rank; its mean cosine to the others): how lead-heavy this article is.
    """
    return _features(words, language, stop)[0]


def _features(words: Sequence[Sequence[str]], language: str, stop: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`features` and the shared-word counts of :func:`support_terms`."""
    count = len(words)
    terms = support_terms(words, stop, 1.0)
    vectors = tfidf_vectors(words, language, stop)
    cosine = vectors @ vectors.T
    forward, backward = directed_centrality(cosine, PACSUM_THRESHOLD)
    centroid = vectors.sum(axis=0)
    document = vectors @ (centroid / (np.linalg.norm(centroid) or 1.0))
    rank = document.argsort().argsort() / max(count - 1, 1)
    index = np.arange(count, dtype=np.float64)
    position = np.log1p(index)
    lead_similarity = float(cosine[0, 1:].mean())
    columns = (
        np.log(np.maximum(terms.centrality, 0.0) + 0.5),
        np.log(terms.commonness + 0.5),
        np.log(np.minimum(terms.length, SUPPORT_LENGTH_CAP)),
        np.log(terms.length),
        np.log(terms.length / terms.length.mean()),
        forward / (forward.max() or 1.0),
        backward / (backward.max() or 1.0),
        position,
        index / max(count - 1, 1),
        index == 0,
        index == 1,
        index == 2,
        position * np.log(count),
        cosine[0],
        document,
        rank,
        position * rank[0],
        position * lead_similarity,
    )
    return np.column_stack(columns).astype(np.float64), terms.shared


def learned_scores(
    words: Sequence[Sequence[str]], language: str, stop: frozenset[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Each sentence's ``learned`` score, :func:`features` weighted by :data:`LEARNED_WEIGHTS`, and its
    shared-word counts (rows, for the redundancy of the picks)."""
    weights = np.array([LEARNED_WEIGHTS[name] for name in FEATURES])
    matrix, shared = _features(words, language, stop)
    return matrix @ weights, shared
