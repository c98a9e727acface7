"""Summary speed: milliseconds per article for the whole text -> summary step, ours vs sumy offline.

Ours: ``summarize(text, language="en")`` with the default configuration (cleaning, sentencex, ranking,
budget), once more with ``language=None`` (detection included), and with the ``pacsum`` and ``learned``
algorithms. Peer: sumy as commonly set up offline (PlaintextParser, pysbd sentences, NLTK Treebank words,
sumy's English stemmer and stop words) with the algorithm that scores best for sumy in bench/summary_quality.py
(Reduction; TextRank is shown too). Same articles, same run, interleaved per round so machine load hits
every system alike; the best of ``--rounds`` rounds is reported per system.

Run: ``.venv/bin/python bench/summary_speed.py [--n 300] [--rounds 3]``
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sumy.summarizers.reduction import ReductionSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bbc

from digests.summarize import SummaryConfig, summarize

PACSUM = SummaryConfig(algorithm="pacsum")
LEARNED = SummaryConfig(algorithm="learned")


def per_article_ms(system: Callable[[str], object], texts: list[str]) -> float:
    """Mean milliseconds per text for one pass over the texts."""
    started = time.perf_counter()
    for text in texts:
        system(text)
    return 1000 * (time.perf_counter() - started) / len(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="articles, spread evenly over the file")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    texts = [article.text for article in bbc.load(args.n)]
    systems: dict[str, Callable[[str], object]] = {
        "ours (default, language='en')": lambda text: summarize(text, language="en"),
        "ours (default, language detected)": lambda text: summarize(text, language=None),
        "ours (pacsum, language='en')": lambda text: summarize(text, language="en", config=PACSUM),
        "ours (learned, language='en')": lambda text: summarize(text, language="en", config=LEARNED),
        "sumy+pysbd reduction": bbc.sumy_peer(ReductionSummarizer),
        "sumy+pysbd textrank": bbc.sumy_peer(TextRankSummarizer),
    }
    for system in systems.values():  # warm-up: imports, caches, the language model
        system(texts[0])
    best = dict.fromkeys(systems, float("inf"))
    for _ in range(args.rounds):
        for name, system in systems.items():
            best[name] = min(best[name], per_article_ms(system, texts))
    print(f"BBC News Summary: {len(texts)} articles, best of {args.rounds} rounds, ms per article")
    ours = best["ours (default, language='en')"]
    for name, ms in best.items():
        print(f"{name:36s} {ms:7.2f} ms   {ms / ours:5.1f}x ours")


if __name__ == "__main__":
    main()
