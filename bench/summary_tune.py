"""The sweep that set ``support``'s position constants, on the even-position halves of all three corpora.

Prints ROUGE-2 per corpus for each (backward, position) pair and Lead-3's beside it, so one setting is
chosen for BBC, CNN and Daily Mail together (never for one). Report the choice with
``bench/summary_quality.py --split odd``. Run: ``.venv/bin/python bench/summary_tune.py``
"""

from __future__ import annotations

import itertools
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bbc

from digests import summarize as module
from digests.summarize import SummaryConfig, summarize

BACKWARD = (1.0, 0.5, 0.0, -0.5)
POSITION = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5)
N = None  # articles per corpus, spread evenly over its even half (None: all)


def rouge2(articles: list[bbc.Article], algorithm: str) -> float:
    config = SummaryConfig(algorithm=algorithm, sentences=bbc.SENTENCES)
    return statistics.fmean(bbc.rouge(a.reference, summarize(a.text, language="en", config=config).sentences)[1]
                            for a in articles)


def main() -> None:
    corpora = {name: bbc.load_corpus(name, N, "even") for name in bbc.CORPORA}
    lead = {name: rouge2(articles, "lead") for name, articles in corpora.items()}
    print("Lead-3 R-2: " + "  ".join(f"{name} {value:.2f}" for name, value in lead.items()))
    print("backward position | R-2 " + " ".join(f"{name:>9s}" for name in corpora) + " | min gain over Lead-3")
    for module.SUPPORT_BACKWARD, module.SUPPORT_POSITION in itertools.product(BACKWARD, POSITION):
        scores = {name: rouge2(articles, "support") for name, articles in corpora.items()}
        gain = min(scores[name] - lead[name] for name in corpora)
        print(f"{module.SUPPORT_BACKWARD:8.2f} {module.SUPPORT_POSITION:8.2f} |     "
              + " ".join(f"{scores[name]:9.2f}" for name in corpora) + f" | {gain:+.2f}", flush=True)


if __name__ == "__main__":
    main()
