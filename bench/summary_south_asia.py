"""Summary quality outside English: Bengali and Urdu news, the page's title as the reference.

A proxy, not a summary benchmark: ../shared/data/south-asia-news has no human summaries, but a news title
states the story's main fact, and a summary that carries it shares the title's words. Every system picks 3
sentences with the default budget; the candidate is cut at 75 words (as bench/summary_quality.py does).
ROUGE-1/2 F1 x 100 with rouge-score and a Unicode-aware tokenizer (rouge-score's default one keeps only
[a-z0-9] and so drops every Bengali and Urdu word): NFC, lowercase, words of letters and combining marks
(as digests.text finds them) and digit runs, no stemming.

Systems, same articles, same run: ours ``summarize(text, language=...)`` with each of Khobor's own
algorithms (the default first), Lead-3 (``lead``), and sumy's TextRank, LexRank and Reduction on the same
sentences and words (sumy has no Bengali or Urdu tokenizer; digests.text.Tokenizer is what a user would
hand it). Each row also shows its paired difference from the default, +- the per-article standard error.
Run: ``.venv/bin/python bench/summary_south_asia.py [--n 0]``
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import statistics
import sys
import unicodedata
from pathlib import Path

import regex
from rouge_score import rouge_scorer

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bbc

from digests.summarize import NUMPY_ALGORITHMS, SummaryConfig, summarize

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "south-asia-news"
FILES = {"bn": "topics-bn-inqilab.jsonl.gz", "ur": "topics-ur-news.jsonl.gz"}
PEERS = ("lead", "textrank", "lexrank", "reduction")
_WORD = regex.compile(r"\p{L}[\p{L}\p{M}\u200c\u200d]*|\p{N}+")


class UnicodeTokenizer:
    """rouge-score's tokenizer interface: NFC, lowercase, letter-and-mark words and digit runs."""

    def tokenize(self, text: str) -> list[str]:
        return _WORD.findall(unicodedata.normalize("NFC", text).lower())


_SCORER = rouge_scorer.RougeScorer(["rouge1", "rouge2"], tokenizer=UnicodeTokenizer())


def load(language: str, n: int | None) -> list[tuple[str, str]]:
    """(title, text) of ``n`` articles spread evenly over the file (all when None)."""
    with gzip.open(DATA / FILES[language], "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    if n is not None and n < len(rows):
        rows = [rows[k * len(rows) // n] for k in range(n)]
    return [(row["title"], row["text"]) for row in rows if row["title"].strip() and row["text"].strip()]


def scores(algorithm: str, language: str, articles: list[tuple[str, str]]) -> list[tuple[float, float]]:
    config = SummaryConfig(algorithm=algorithm, sentences=bbc.SENTENCES)
    found = []
    for title, text in articles:
        candidate = "\n".join(bbc.cap(summarize(text, language=language, config=config).sentences))
        result = _SCORER.score(title, candidate)
        found.append((100 * result["rouge1"].fmeasure, 100 * result["rouge2"].fmeasure))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=0, help="articles per language, spread evenly (0: all)")
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"summary_south_asia: {DATA} is missing; it comes with ../shared/data (see its SOURCE.md)")
    default = SummaryConfig().algorithm
    systems = [default, *(a for a in NUMPY_ALGORITHMS if a != default), *PEERS]
    for language in FILES:
        articles = load(language, args.n or None)
        print(f"\n== {language}: {len(articles)} articles, title as reference, 3 sentences, {bbc.CAP_WORDS}-word cap")
        print(f"{'system':14s} {'R-1':>6s} {'R-2':>6s}   R-2 vs default (+- s.e.)")
        base = scores(default, language, articles)
        for system in systems:
            found = base if system == default else scores(system, language, articles)
            gaps = [mine[1] - theirs[1] for mine, theirs in zip(found, base, strict=True)]
            error = statistics.stdev(gaps) / math.sqrt(len(gaps)) if len(gaps) > 1 else 0.0
            r1, r2 = (statistics.fmean(score[k] for score in found) for k in (0, 1))
            print(f"{system:14s} {r1:6.2f} {r2:6.2f}   {statistics.fmean(gaps):+6.2f} +- {error:.2f}", flush=True)


if __name__ == "__main__":
    main()
