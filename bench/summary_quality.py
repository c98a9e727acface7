"""Summary quality on BBC News Summary: Khobor's summarize() vs sumy as a user would set it up offline.

Every system picks 3 sentences; the candidate is cut at 75 words for scoring (as the ARCHITECTURE
measurement did: the references average ~165 words, so uncapped longer picks would win on recall alone).
ROUGE-1/2/Lsum F1 x 100 with rouge-score, Porter-stemmed; rougeLsum over newline-joined sentences, the
reference sentences recovered by matching the article's sentences (bench/bbc.py).

Systems, same articles, same run:
- ours: ``summarize(text, language="en", config=SummaryConfig(algorithm=...))`` for every algorithm,
  the default budget of 600 characters included (sumy's algorithms run through digests.text.Tokenizer);
- peer: sumy's PlaintextParser with pysbd sentences, NLTK Treebank words, sumy's English stemmer and stop
  words (punkt cannot be downloaded at run time), for each of sumy's algorithms; its best by ROUGE-2 is
  "sumy best".

The default was tuned on the even-index articles (``--split even``); report it on ``--split odd`` and on
all. Run: ``.venv/bin/python bench/summary_quality.py [--n 200] [--split all|even|odd]`` (``--n 0``: all).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bbc

from digests.summarize import ALGORITHMS, SummaryConfig, summarize, sumy_algorithms

PEERS = sumy_algorithms()  # the peer runs the same sumy classes through its own parser
Row = tuple[str, float, float, float, float]


def ours(algorithm: str) -> bbc.Summarizer:
    """Our summarize() with one algorithm and otherwise the default configuration."""
    config = SummaryConfig(algorithm=algorithm, sentences=bbc.SENTENCES)
    return lambda text: list(summarize(text, language="en", config=config).sentences)


def score(name: str, system: bbc.Summarizer, articles: list[bbc.Article]) -> Row:
    """Mean ROUGE-1/2/Lsum over the articles and the mean milliseconds per article."""
    scores: list[tuple[float, float, float]] = []
    elapsed = 0.0
    for article in articles:
        started = time.perf_counter()
        candidate = system(article.text)
        elapsed += time.perf_counter() - started
        scores.append(bbc.rouge(article.reference, candidate))
    means = [statistics.fmean(s[k] for s in scores) for k in range(3)]
    return name, means[0], means[1], means[2], 1000 * elapsed / len(articles)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="articles per corpus, spread evenly (0: all)")
    parser.add_argument("--split", choices=("all", "even", "odd"), default="odd")
    parser.add_argument("--only", default="", help="comma-separated algorithm names to run (default: all)")
    parser.add_argument("--corpora", default=",".join(bbc.CORPORA), help="bbc, cnn, dailymail (comma-separated)")
    args = parser.parse_args()
    for corpus in args.corpora.split(","):
        report(corpus, bbc.load_corpus(corpus, args.n or None, args.split), args.split, args.only)


def report(corpus: str, articles: list[bbc.Article], split: str, only: str) -> None:
    """Every system on one corpus's articles, and the default against Lead-3 and sumy's best."""
    print(f"\n== {corpus}: {len(articles)} articles (split {split}), 3 sentences, {bbc.CAP_WORDS}-word cap")
    systems: list[tuple[str, Callable[[str], list[str]]]] = [(f"ours {a}", ours(a)) for a in ALGORITHMS]
    systems += [(f"sumy+pysbd {name}", bbc.sumy_peer(cls)) for name, cls in PEERS.items()]
    wanted = {name for name in only.split(",") if name}
    rows = [score(name, system, articles) for name, system in systems if not wanted or name.split()[-1] in wanted]
    print(f"{'system':26s} {'R-1':>6s} {'R-2':>6s} {'R-Lsum':>6s} {'ms/art':>7s}")
    for name, r1, r2, rl, ms in rows:
        print(f"{name:26s} {r1:6.2f} {r2:6.2f} {rl:6.2f} {ms:7.2f}")
    default = next((row for row in rows if row[0] == f"ours {SummaryConfig().algorithm}"), None)
    peers = [row for row in rows if row[0].startswith("sumy")]
    if default is None or not peers:
        return
    peer = max(peers, key=lambda row: row[2])
    print(f"default ({default[0]}) vs sumy best ({peer[0]}): ROUGE-2 {default[2] - peer[2]:+.2f} points")
    lead = next((row for row in rows if row[0] == "ours lead"), None)
    if lead is not None:
        print(f"default ({default[0]}) vs Lead-3 (ours lead): ROUGE-2 {default[2] - lead[2]:+.2f} points")


if __name__ == "__main__":
    main()
