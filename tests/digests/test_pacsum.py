"""PacSum's directed centrality (digests/pacsum.py), on text written for these tests, in English and Bangla."""

from __future__ import annotations

import numpy as np
import pytest

import digests.pacsum as pacsum_module
from digests.pacsum import pacsum_scores, tfidf_vectors
from digests.summarize import SummaryConfig, summarize
from digests.text import Tokenizer, article_sentences, stop_words

# Each story opens with the fact, follows it with details that each repeat part of it, and closes with a recap
# that repeats them all: the recap is the most central sentence undirected, and the one PacSum puts last.
STORIES = {
    "en": [
        "The river Padma rose above the danger mark at Goalundo on Monday, the water board said.",
        "Ferry services at Goalundo stopped after the river flooded the ghat in the morning.",
        "Farmers near Goalundo said the Padma had taken their jute fields in a single night.",
        "The water board expects the river to stay above the danger mark for two more days.",
        "By evening the Padma at Goalundo was still above the danger mark, the ghat flooded and the jute fields lost.",
    ],
    "bn": [
        "সোমবার গোয়ালন্দে পদ্মা নদীর পানি বিপৎসীমার ওপরে উঠেছে বলে পানি উন্নয়ন বোর্ড জানিয়েছে।",
        "সকালে নদীর পানিতে ফেরিঘাট ডুবে যাওয়ায় গোয়ালন্দে ফেরি চলাচল বন্ধ হয়ে গেছে।",
        "গোয়ালন্দের কৃষকেরা জানান, পদ্মা নদীর পানিতে তাঁদের পাটখেত এক রাতেই তলিয়ে গেছে।",
        "পানি উন্নয়ন বোর্ড বলছে, আরও দুই দিন পদ্মা নদীর পানি বিপৎসীমার ওপরে থাকবে।",
        "সন্ধ্যায়ও গোয়ালন্দে পদ্মা নদীর পানি বিপৎসীমার ওপরে ছিল, ফেরিঘাট ও পাটখেত পানিতে ডুবে ছিল।",
    ],
}


def ranking(language: str) -> list[int]:
    tokenizer = Tokenizer(language)
    words = [tokenizer.to_words(sentence) for sentence in STORIES[language]]
    score, _ = pacsum_scores(words, language, stop_words(language))
    return sorted(range(len(words)), key=lambda index: (-score[index], index))


@pytest.mark.parametrize("language", STORIES)
def test_the_sentence_that_introduces_what_follows_comes_first_and_the_recap_last(language: str) -> None:
    order = ranking(language)
    assert order[0] == 0
    assert order[-1] == len(STORIES[language]) - 1


@pytest.mark.parametrize("language", STORIES)
def test_undirected_the_recap_would_win(language: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # lambda1 = lambda2 = 1 is plain degree centrality: the recap shares the most with the rest.
    monkeypatch.setattr(pacsum_module, "PACSUM_BACKWARD", 1.0)
    assert ranking(language)[0] == len(STORIES[language]) - 1


@pytest.mark.parametrize("language", STORIES)
def test_a_pacsum_summary_is_whole_sentences_led_by_the_opening(language: str) -> None:
    text = " ".join(STORIES[language])
    config = SummaryConfig(algorithm="pacsum", sentences=2)
    summary = summarize(text, language=language, config=config)
    assert summary.algorithm == "pacsum"
    assert summary.sentences[0] == STORIES[language][0]
    assert STORIES[language][-1] not in summary.sentences
    assert set(summary.sentences) <= set(article_sentences(text, language))


def test_the_threshold_drops_the_weak_edges(monkeypatch: pytest.MonkeyPatch) -> None:
    # beta = 1 puts the threshold at the strongest edge: no edge is left, every score is 0 and ties go to
    # the earlier sentence, so the summary is the lead.
    monkeypatch.setattr(pacsum_module, "PACSUM_THRESHOLD", 1.0)
    tokenizer = Tokenizer("en")
    words = [tokenizer.to_words(sentence) for sentence in STORIES["en"]]
    score, _ = pacsum_scores(words, "en", stop_words("en"))
    assert not score.any()
    summary = summarize(" ".join(STORIES["en"]), language="en", config=SummaryConfig(algorithm="pacsum"))
    assert summary.sentences == tuple(STORIES["en"][:3])


def test_tfidf_rows_join_inflections_and_skip_stop_words() -> None:
    words = [("the", "river", "flooded", "roads"), ("floods", "closed", "the", "road"), ("it", "is", "the", "one")]
    vectors = tfidf_vectors(words, "en", stop_words("en"))
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0)
    assert vectors[0] @ vectors[1] > 0  # "flooded"/"floods" and "roads"/"road" share stems; "the" does not count
    assert not vectors[2].any()  # only stop words: a zero row, not NaN
    score, _ = pacsum_scores(words, "en", stop_words("en"))
    assert np.isfinite(score).all()


def test_one_sentence_has_no_edges() -> None:
    score, vectors = pacsum_scores([("river", "padma")], "en", stop_words("en"))
    assert score.tolist() == [0.0] and vectors.shape[0] == 1
