"""BBC News Summary data, reference sentences, ROUGE, and sumy set up the way a user would offline.

Shared by bench/summary_quality.py and bench/summary_speed.py (bench-only dependencies: rouge-score,
pysbd). Data: ../shared/data/bbc-news-summary/articles.jsonl.gz (see its SOURCE.md).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import nltk
import pysbd
import sentencex
from rouge_score import rouge_scorer
from sumy.nlp.stemmers import Stemmer
from sumy.nlp.tokenizers import Tokenizer as SumyTokenizer
from sumy.parsers.plaintext import PlaintextParser
from sumy.summarizers.text_rank import TextRankSummarizer
from sumy.utils import get_stop_words

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc-news-summary" / "articles.jsonl.gz"
CAP_WORDS = 75
SENTENCES = 3

Summarizer = Callable[[str], list[str]]


@dataclass(frozen=True, slots=True)
class Article:
    """One BBC article: its index in the file, title, body and reference sentences."""

    index: int
    title: str
    text: str
    reference: tuple[str, ...]


def load(n: int | None = None, split: str = "all") -> list[Article]:
    """``n`` articles spread evenly over the file (all when None), from the even or odd indices or all."""
    with gzip.open(DATA, "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    indices = list(range(len(rows)))
    if split in ("even", "odd"):
        indices = indices[split == "odd" :: 2]
    if n is not None and n < len(indices):
        indices = [indices[k * len(indices) // n] for k in range(n)]
    return [_article(i, rows[i]) for i in indices]


def _article(index: int, row: dict[str, str]) -> Article:
    return Article(index, row["title"], row["text"], reference_sentences(row["text"], row["summary"]))


def reference_sentences(text: str, summary: str) -> tuple[str, ...]:
    """The reference summary as sentences, in its own order.

    The summaries are article sentences concatenated without spaces (SOURCE.md), so they are recovered by
    finding the article's sentences (sentencex) inside the summary; any text left over is kept as a piece.
    """
    found: list[tuple[int, int]] = []
    for sentence in {s.strip() for s in sentencex.segment("en", text) if len(s.strip()) > 1}:
        start = summary.find(sentence)
        if start >= 0:
            found.append((start, start + len(sentence)))
    pieces: list[str] = []
    cursor = 0
    for start, end in sorted(found):
        if start < cursor:
            continue
        if summary[cursor:start].strip():
            pieces.append(summary[cursor:start].strip())
        pieces.append(summary[start:end])
        cursor = end
    if summary[cursor:].strip():
        pieces.append(summary[cursor:].strip())
    return tuple(pieces)


def cap(sentences: Sequence[str], words: int = CAP_WORDS) -> list[str]:
    """The first ``words`` words of the sentences, keeping sentence boundaries (for rougeLsum)."""
    capped: list[str] = []
    left = words
    for sentence in sentences:
        tokens = sentence.split()[:left]
        if not tokens:
            break
        capped.append(" ".join(tokens))
        left -= len(tokens)
    return capped


_SCORER = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)


def rouge(reference: Sequence[str], candidate: Sequence[str]) -> tuple[float, float, float]:
    """ROUGE-1, ROUGE-2 and ROUGE-Lsum F1 x 100 of the candidate capped at CAP_WORDS words."""
    scores = _SCORER.score("\n".join(reference), "\n".join(cap(candidate)))
    return tuple(100 * scores[key].fmeasure for key in ("rouge1", "rouge2", "rougeLsum"))


class PysbdTokenizer:
    """How sumy runs offline without NLTK's punkt data: pysbd sentences, NLTK's Treebank words.

    ``nltk.word_tokenize(..., preserve_line=True)`` skips the punkt step; words are filtered the way
    sumy's own Tokenizer filters them.
    """

    language = "english"

    def __init__(self) -> None:
        self._segmenter = pysbd.Segmenter(language="en", clean=False)

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(s.strip() for s in self._segmenter.segment(paragraph) if s.strip())

    def to_words(self, sentence: str) -> tuple[str, ...]:
        words = nltk.word_tokenize(sentence, preserve_line=True)
        return tuple(w for w in words if SumyTokenizer._is_word(w))


def sumy_peer(summarizer_class: type = TextRankSummarizer) -> Summarizer:
    """sumy's best offline set-up: PlaintextParser + pysbd, English stemmer and stop words."""
    tokenizer = PysbdTokenizer()
    summarizer = summarizer_class(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")

    def run(text: str) -> list[str]:
        document = PlaintextParser.from_string(text, tokenizer).document
        return [str(s) for s in summarizer(document, SENTENCES)]

    return run


CNNDM = Path(__file__).resolve().parents[2] / "shared" / "data" / "cnndm-sample" / "articles.jsonl.gz"
CORPORA = ("bbc", "cnn", "dailymail")


def load_corpus(corpus: str, n: int | None = None, split: str = "all") -> list[Article]:
    """Articles of one corpus: "bbc" (see :func:`load`), or "cnn" / "dailymail" from the CNN/DailyMail
    sample (reference: the outlet's highlights), from the even or odd positions or all, ``n`` spread evenly."""
    if corpus == "bbc":
        return load(n, split)
    with gzip.open(CNNDM, "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    indexed = [(i, row) for i, row in enumerate(r for r in rows if r["source"] == corpus)]
    if split in ("even", "odd"):
        indexed = indexed[split == "odd" :: 2]
    if n is not None and n < len(indexed):
        indexed = [indexed[k * len(indexed) // n] for k in range(n)]
    return [Article(i, "", row["text"], tuple(row["highlights"])) for i, row in indexed]
