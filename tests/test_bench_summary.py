"""The summary benches' own parts: the Unicode-aware ROUGE tokenizer (bench/summary_south_asia.py), and the
oracle labels and the fit of bench/summary_train.py, on text and numbers written for these tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

BENCH = Path(__file__).parents[1] / "bench"
pytest.importorskip("rouge_score", reason="the bench extra is not installed (make bench installs it)")
pytest.importorskip("pysbd", reason="the bench extra is not installed (make bench installs it)")


def load(name: str) -> ModuleType:
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def south_asia() -> ModuleType:
    return load("summary_south_asia")


@pytest.fixture(scope="module")
def train() -> ModuleType:
    return load("summary_train")


def test_the_tokenizer_keeps_bengali_and_urdu_words_that_rouge_scores_own_drops(south_asia: ModuleType) -> None:
    from rouge_score.tokenizers import DefaultTokenizer

    # ো stored as ে + া, as most Bengali web text is: the same word as the composed form.
    decomposed = "পদ্মা নদীর পানি বিপৎসীমার ওপরে, ব\u09c7\u09beর্ড 12"
    assert DefaultTokenizer().tokenize(decomposed) == ["12"]
    tokens = south_asia.UnicodeTokenizer().tokenize(decomposed)
    assert tokens == ["পদ্মা", "নদীর", "পানি", "বিপৎসীমার", "ওপরে", "বোর্ড", "12"]
    assert south_asia.UnicodeTokenizer().tokenize("دریائے سندھ میں پانی") == ["دریائے", "سندھ", "میں", "پانی"]
    score = south_asia._SCORER.score("পদ্মা নদীর পানি", "নদীর পানি বেড়েছে")
    assert score["rouge2"].fmeasure == pytest.approx(0.5)


def test_the_oracle_picks_the_sentences_the_reference_repeats(train: ModuleType) -> None:
    sentences = [
        "The council met on Monday to talk about the weather.",
        "The river rose above the danger mark at Goalundo.",
        "Ferries stopped running after the ghat flooded in the morning.",
        "A local singer released a new album last week.",
    ]
    reference = ["The river rose above the danger mark at Goalundo.", "Ferries stopped after the ghat flooded."]
    assert train.oracle(sentences, reference) == (1, 2)
    assert train.precision(sentences, reference)[1] == pytest.approx(1.0)
    assert train.precision(sentences, reference)[3] == 0.0


def test_the_fit_learns_which_feature_marks_the_oracle_and_weighs_corpora_equally(train: ModuleType) -> None:
    rng = np.random.default_rng(0)

    def example(marker: int) -> object:
        matrix = rng.normal(size=(6, 3))
        matrix[:, marker] -= 3.0
        matrix[0, marker] += 6.0  # the oracle's sentence stands out on the marker column
        return train.Example(("s",) * 6, matrix, np.eye(6), (0,), np.zeros(6), ("s",))

    # One corpus of 40 articles marked by column 0, one of 4 marked by column 1: equal shares of the loss.
    weights = train.fit({"a": [example(0) for _ in range(40)], "b": [example(1) for _ in range(4)]}, 0.1)
    assert weights[0] > 0.5 and weights[1] > 0.5
    assert abs(weights[2]) < min(weights[0], weights[1])


def test_the_searchs_extra_signals_exist_in_scripts_without_case() -> None:
    search = load("summary_search")
    sentences = [
        '"We will rebuild the bridge," the minister said on 12 May.',
        "পদ্মা নদীর পানি বিপৎসীমার ওপরে।",
        "کیا دریائے سندھ میں پانی بڑھ رہا ہے?",
    ]
    found = search.extra(sentences)
    assert found.shape == (3, len(search.EXTRA))
    assert found[0, 0] == 1.0 and found[0, 2] > 0  # the quote, the digits
    assert found[1, 1] == 0.0 and found[2, 1] == 0.0  # no capitals in Bengali or Urdu
    assert found[2, 4] == 1.0 and found[1, 4] == 0.0
    assert (search.extra(sentences) == found).all()
