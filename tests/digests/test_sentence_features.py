"""Per-sentence features and the ``learned`` scorer (digests/sentence_features.py), on text written for these
tests, in English and Bangla."""

from __future__ import annotations

import numpy as np
import pytest

import digests.sentence_features as features_module
from digests.sentence_features import FEATURES, features, learned_scores, support_terms
from digests.summarize import SummaryConfig, summarize
from digests.text import Tokenizer, stop_words
from tests.digests.test_pacsum import STORIES


def words_of(language: str) -> list[tuple[str, ...]]:
    tokenizer = Tokenizer(language)
    return [tokenizer.to_words(sentence) for sentence in STORIES[language]]


def column(matrix: np.ndarray, name: str) -> np.ndarray:
    return matrix[:, FEATURES.index(name)]


@pytest.mark.parametrize("language", STORIES)
def test_one_finite_row_per_sentence_in_every_language(language: str) -> None:
    matrix = features(words_of(language), language, stop_words(language))
    assert matrix.shape == (len(STORIES[language]), len(FEATURES))
    assert np.isfinite(matrix).all()


def test_position_columns_follow_the_sentence_order() -> None:
    matrix = features(words_of("en"), "en", stop_words("en"))
    assert list(column(matrix, "first")) == [1, 0, 0, 0, 0]
    assert list(column(matrix, "third")) == [0, 0, 1, 0, 0]
    assert list(column(matrix, "relative_position")) == [0, 0.25, 0.5, 0.75, 1.0]
    assert np.all(np.diff(column(matrix, "position")) > 0)
    assert column(matrix, "first_similarity")[0] == pytest.approx(1.0)


def test_the_recap_shares_with_earlier_sentences_and_the_opening_with_later_ones() -> None:
    matrix = features(words_of("en"), "en", stop_words("en"))
    assert column(matrix, "forward")[-1] == 0.0 and column(matrix, "backward")[-1] == 1.0
    assert column(matrix, "backward")[0] == 0.0 and column(matrix, "forward")[0] > 0.0


def test_support_centrality_counts_earlier_sentences_by_the_backward_weight() -> None:
    words, stop = words_of("en"), stop_words("en")
    both = support_terms(words, stop, 1.0).centrality
    forward = support_terms(words, stop, 0.0).centrality
    assert forward[-1] == 0.0 and both[-1] > 0.0
    assert np.all(forward <= both)


def test_a_lead_heavy_article_scores_higher_on_the_lead_interaction() -> None:
    words, stop = words_of("en"), stop_words("en")
    reversed_story = features(words[::-1], "en", stop)
    story = features(words, "en", stop)
    # The recap leads the reversed story: the most central sentence, so that article counts as lead-heavy.
    assert column(reversed_story, "centrality_rank")[0] > column(story, "centrality_rank")[0]


def test_learned_scores_are_the_features_weighted(monkeypatch: pytest.MonkeyPatch) -> None:
    words, stop = words_of("en"), stop_words("en")
    monkeypatch.setattr(features_module, "LEARNED_WEIGHTS", {name: float(name == "position") for name in FEATURES})
    score, shared = learned_scores(words, "en", stop)
    assert np.array_equal(score, np.log1p(np.arange(5)))
    assert shared.shape[0] == 5


def test_the_learned_summary_follows_its_weights(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\n".join(STORIES["en"])
    config = SummaryConfig(algorithm="learned", sentences=1)
    monkeypatch.setattr(features_module, "LEARNED_WEIGHTS", {name: -float(name == "position") for name in FEATURES})
    assert summarize(text, language="en", config=config).sentences == (STORIES["en"][0],)
    monkeypatch.setattr(features_module, "LEARNED_WEIGHTS", {name: float(name == "position") for name in FEATURES})
    assert summarize(text, language="en", config=config).sentences == (STORIES["en"][-1],)
