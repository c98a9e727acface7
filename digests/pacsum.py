"""PacSum's directed centrality (Zheng and Lapata 2019, "Sentence Centrality Revisited for Unsupervised
Summarization", ACL 2019) over TF-IDF sentence vectors: the ``pacsum`` algorithm of :mod:`digests.summarize`.

Sentences are TF-IDF vectors of their stemmed content words (the article's sentences are the documents);
an edge is the cosine of two sentences less a threshold ``min + PACSUM_THRESHOLD * (max - min)`` of the
article's off-diagonal cosines, floored at 0. A sentence's centrality is the sum of its edges to the
sentences after it (lambda2 = 1) plus :data:`PACSUM_BACKWARD` (lambda1) times the sum of its edges to the
sentences before it: with lambda1 < 0, a sentence that introduces what follows beats one that repeats what
came before, which is how news is written.

Measured on the even halves (bench/summary_tune.py): it beats Lead-3 on CNN and matches it on Daily Mail,
whose highlights are written by the outlet around the lead, but falls far behind ``support`` on BBC News
Summary, whose references are sentences spread through the text. It is selectable, not the default.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from digests.text import stem

# Chosen on the even halves (bench/summary_tune.py, "pacsum" sweep): of lambda1 -2, -1, -0.5 and 0, -0.5 falls
# least short of the goals on CNN and Daily Mail (and on all three); a threshold of 0.3 lost 1-3 points on each.
PACSUM_BACKWARD = -0.5
PACSUM_THRESHOLD = 0.0


def pacsum_scores(
    words: Sequence[Sequence[str]], language: str, stop: frozenset[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Each sentence's directed centrality, and the sentences' unit TF-IDF vectors (rows)."""
    vectors = tfidf_vectors(words, language, stop)
    cosine = vectors @ vectors.T
    count = len(words)
    if count < 2:
        return np.zeros(count), vectors
    forward, backward = directed_centrality(cosine, PACSUM_THRESHOLD)
    return forward + PACSUM_BACKWARD * backward, vectors


def directed_centrality(cosine: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Each sentence's summed edges to the sentences after it and to those before it (two or more sentences).

    An edge is the cosine less ``min + threshold * (max - min)`` of the off-diagonal cosines, floored at 0.
    """
    count = len(cosine)
    off_diagonal = cosine[~np.eye(count, dtype=bool)]
    low, high = float(off_diagonal.min()), float(off_diagonal.max())
    edges = np.maximum(cosine - (low + threshold * (high - low)), 0.0)
    later = np.triu(np.ones_like(edges), k=1)
    return (edges * later).sum(axis=1), (edges * later.T).sum(axis=1)


def tfidf_vectors(words: Sequence[Sequence[str]], language: str, stop: frozenset[str]) -> np.ndarray:
    """Unit-length TF-IDF rows of the sentences' stemmed content words; idf = log((n + 1) / (df + 1)) + 1."""
    stems = [[stem(language, word) for word in sentence if word not in stop] for sentence in words]
    columns: dict[str, int] = {}
    for sentence in stems:
        for term in sentence:
            columns.setdefault(term, len(columns))
    counts = np.zeros((len(words), max(len(columns), 1)))
    cells = [(row, columns[term]) for row, sentence in enumerate(stems) for term in sentence]
    if cells:
        np.add.at(counts, tuple(np.array(cells).T), 1.0)
    frequency = (counts > 0).sum(axis=0)
    weighted = counts * (np.log((len(words) + 1) / (frequency + 1)) + 1.0)
    norms = np.linalg.norm(weighted, axis=1)
    unit: np.ndarray = weighted / np.where(norms > 0, norms, 1.0)[:, None]
    return unit

