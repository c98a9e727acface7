"""The window's part in placing stories: similarity graph, label spreading, self-trained centroids; and the
terms (words and seed phrases) they work on."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from sklearn.preprocessing import normalize

from digests import topic_spread
from digests.stories import word_tokens
from digests.topic_seeds import SEEDS
from digests.topic_spread import settle, similarity_graph, spread
from digests.topic_terms import MAX_PHRASE_WORDS, seed_words, seeds_of, story_terms
from digests.topics import DEFAULT_TAXONOMY, TopicSpec

# Words 0-1 are one subject's, 2-3 another's; story 4 shares nothing with anyone.
VECTORS = normalize(csr_matrix(np.array([[1, 1, 0, 0, 0], [1, 0.8, 0, 0, 0], [0.9, 1, 0, 0, 0], [0, 0, 1, 1, 0],
                                         [0, 0, 1, 0.9, 0], [0, 0, 0, 0, 1]], dtype=np.float64)))


def test_the_graph_links_like_stories_symmetrically_and_never_a_story_to_itself() -> None:
    graph = similarity_graph(VECTORS, neighbours=2, min_similarity=0.05).toarray()
    assert np.allclose(graph, graph.T)
    assert not np.diag(graph).any()
    assert graph[0, 1] > 0 and graph[3, 4] > 0
    assert not graph[0, 3] and not graph[5].any()  # unlike stories are not linked; a loner has no links


def test_the_graph_is_the_same_however_many_stories_are_compared_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    whole = similarity_graph(VECTORS, neighbours=2, min_similarity=0.05).toarray()
    monkeypatch.setattr(topic_spread, "CHUNK", 2)
    assert np.allclose(similarity_graph(VECTORS, neighbours=2, min_similarity=0.05).toarray(), whole)


def test_spreading_carries_a_topic_to_stories_without_seed_words_but_not_across_subjects() -> None:
    prior = np.zeros((6, 3))
    prior[0, 0] = 1.0  # one story of the first subject has seed words of topic 0
    prior[3, 2] = 1.0  # one of the second subject, of topic 2
    found = spread(similarity_graph(VECTORS, neighbours=2, min_similarity=0.05), prior, alpha=0.6, rounds=20)
    assert found[1].argmax() == 0 and found[2].argmax() == 0 and found[4].argmax() == 2
    assert not found[5].any()  # nothing reaches the loner
    assert found[1, 2] == 0 and found[4, 0] == 0


def test_self_training_moves_a_story_to_the_topic_it_reads_like() -> None:
    # Story 2 reads like stories 0-1 but its seed words said topic 2, that of stories 3-4.
    evidence = np.zeros((6, 3))
    evidence[[0, 1], 0] = 1.0
    evidence[2, 2] = 0.6
    evidence[[3, 4], 2] = 1.0
    found = settle(VECTORS, evidence, np.full(6, -1), rounds=5, mix=0.5, temperature=0.05)
    assert found[:5].argmax(axis=1).tolist() == [0, 0, 0, 2, 2]
    assert np.allclose(found[:5].sum(axis=1), 1.0)


def test_self_training_counts_history_fully_for_its_topic() -> None:
    # Stories 0-1 are yesterday's, placed under topic 1; today's story 2, like them, has no seed evidence.
    evidence = np.zeros((6, 3))
    evidence[[3, 4], 2] = 1.0
    known = np.array([1, 1, -1, -1, -1, -1])
    found = settle(VECTORS, evidence, known, rounds=5, mix=0.5, temperature=0.05)
    assert found[2].argmax() == 1 and found[3].argmax() == 2


def test_seed_phrases_and_stems_are_found_without_counting_every_word_sequence() -> None:
    taxonomy = [TopicSpec("Sport", ("world cup*", "goal")), TopicSpec("Economy", ("central bank", "inflat*"))]
    seeds = seeds_of(taxonomy, word_tokens)
    texts = ["The World Cups of football; a late goal.", "The central bank fears inflation; the bank is central.",
             "Nothing here at all, just words."]
    terms = story_terms(texts, seeds, word_tokens)
    assert terms is not None
    matched = ((terms.vectors > 0).astype(np.float64) @ terms.seeds).toarray()
    assert matched.tolist() == [[2, 0], [0, 2], [0, 0]]  # "bank is central" is not the phrase
    assert terms.words.shape[1] < terms.vectors.shape[1]  # likeness is measured on words, not seed phrases
    assert np.allclose(np.asarray(terms.words.multiply(terms.words).sum(axis=1)).ravel(), 1.0)
    assert seed_words(seeds) == [frozenset({"goal"}), frozenset({"inflat*"})]
    assert story_terms(["!!!", "..."], seeds, word_tokens) is None


def test_every_built_in_seed_keeps_its_words() -> None:
    # A seed that is a stop word ("novel", Bengali "গুলি") would never match, and a phrase reduced to one of
    # its words ("six nations" -> "nations") would match far too much.
    for label, keywords in SEEDS.items():
        for seed in keywords:
            words = word_tokens(seed.rstrip("*"))
            assert 0 < len(words) <= MAX_PHRASE_WORDS, (label, seed)
            assert len(words) == 1 or len(words) >= min(len(seed.split()), 2), (label, seed)
    assert [len(topic) for topic in seeds_of(DEFAULT_TAXONOMY, word_tokens)] == [len(spec.keywords) for spec in
                                                                               DEFAULT_TAXONOMY]
