"""The sweeps that set the summary constants, on the even halves of BBC, CNN and Daily Mail together.

Prints ROUGE-2 per corpus for each setting, beside the goals from the same run (BBC: sumy's best offline
set-up + 2; CNN and Daily Mail: Lead-3 + 0.5), and the worst shortfall over the three: a setting is chosen
for BBC, CNN and Daily Mail together (never for one). Sweeps (``--sweeps``, comma-separated):
- ``support``: the default's position prior and redundancy (digests.summarize.SUPPORT_POSITION, _REDUNDANCY);
- ``mix``: ``support``'s score (at three position priors) plus WEIGHT x PacSum's directed centrality (scaled
  to at most 1) at three backward weights: can PacSum's lead signal lift CNN and Daily Mail without costing
  BBC? (Not beyond noise: see digests.summarize's SUPPORT_* constants.)
- ``pacsum``: the ``pacsum`` algorithm's backward weight (lambda1) and edge threshold (beta).
Report the choice with ``bench/summary_quality.py --split odd``.
Run: ``.venv/bin/python bench/summary_tune.py [--n 200] [--sweeps support,mix,pacsum]``
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bbc

from digests import pacsum
from digests import summarize as module
from digests.summarize import SummaryConfig, summarize, sumy_algorithms

POSITION = (0.0, 0.15, 0.2, 0.3, 0.45)
REDUNDANCY = (0.0, 0.5, 1.0, 2.0)
MIX_POSITION = (0.0, 0.1, 0.2)
MIX_WEIGHT = (0.1, 0.25, 0.5, 1.0)
MIX_BACKWARD = (-1.0, 0.0, 0.5)
BACKWARD = (-2.0, -1.0, -0.5, 0.0)
THRESHOLD = (0.0, 0.3)
SUMY_FOR_BBC = ("reduction", "textrank", "luhn")  # sumy's best on BBC is among these (bench/summary_quality.py)


def rouge2(articles: list[bbc.Article], system: bbc.Summarizer) -> float:
    return statistics.fmean(bbc.rouge(a.reference, system(a.text))[1] for a in articles)


def ours(algorithm: str) -> bbc.Summarizer:
    config = SummaryConfig(algorithm=algorithm, sentences=bbc.SENTENCES)
    return lambda text: list(summarize(text, language="en", config=config).sentences)


def goals(corpora: dict[str, list[bbc.Article]]) -> dict[str, float]:
    """Each corpus's goal, measured now: BBC sumy's best + 2, the others Lead-3 + 0.5."""
    found = {name: rouge2(articles, ours("lead")) + 0.5 for name, articles in corpora.items() if name != "bbc"}
    if "bbc" in corpora:
        found["bbc"] = 2 + max(rouge2(corpora["bbc"], bbc.sumy_peer(sumy_algorithms()[a])) for a in SUMY_FOR_BBC)
    return found


def support_sweep() -> Iterator[tuple[str, str]]:
    for module.SUPPORT_POSITION, module.SUPPORT_REDUNDANCY in itertools.product(POSITION, REDUNDANCY):
        yield f"support position {module.SUPPORT_POSITION:.2f} redundancy {module.SUPPORT_REDUNDANCY:.2f}", "support"


def mix_sweep() -> Iterator[tuple[str, str]]:
    """``support`` at its defaults plus a weight of PacSum's centrality, through the default's own code path."""
    plain, position = module._support_order, module.SUPPORT_POSITION
    for module.SUPPORT_POSITION, weight, pacsum.PACSUM_BACKWARD in itertools.product(
        MIX_POSITION, MIX_WEIGHT, MIX_BACKWARD
    ):
        module._support_order = _mixed(weight)
        yield (f"support pos {module.SUPPORT_POSITION:.1f} + {weight:.2f} x pacsum "
               f"(lambda1 {pacsum.PACSUM_BACKWARD:+.1f})", "support")
    module._support_order, module.SUPPORT_POSITION = plain, position


def _mixed(weight: float) -> Callable[[Sequence[Sequence[str]], frozenset[str]], Iterator[int]]:
    def order(words: Sequence[Sequence[str]], stop: frozenset[str]) -> Iterator[int]:
        score, shared = module.support_scores(words, stop)
        central, _ = pacsum.pacsum_scores(words, "en", stop)
        top = float(np.abs(central).max()) or 1.0
        return module._diverse_order(score + weight * central / top, shared, module.SUPPORT_REDUNDANCY)

    return order


def pacsum_sweep() -> Iterator[tuple[str, str]]:
    for pacsum.PACSUM_BACKWARD, pacsum.PACSUM_THRESHOLD in itertools.product(BACKWARD, THRESHOLD):
        yield f"pacsum lambda1 {pacsum.PACSUM_BACKWARD:+.1f} beta {pacsum.PACSUM_THRESHOLD:.1f}", "pacsum"


SWEEPS = {"support": support_sweep, "mix": mix_sweep, "pacsum": pacsum_sweep}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=0, help="articles per corpus from the even half (0: all)")
    parser.add_argument("--sweeps", default=",".join(SWEEPS), help="support, mix, pacsum (comma-separated)")
    args = parser.parse_args()
    corpora = {name: bbc.load_corpus(name, args.n or None, "even") for name in bbc.CORPORA}
    goal = goals(corpora)
    print("goals (R-2): " + "  ".join(f"{name} {goal[name]:.2f}" for name in corpora))
    print(f"{'setting':48s} | R-2 " + " ".join(f"{name:>9s}" for name in corpora) + " | worst vs goal")
    for sweep in args.sweeps.split(","):
        for setting, algorithm in SWEEPS[sweep]():
            scores = {name: rouge2(articles, ours(algorithm)) for name, articles in corpora.items()}
            worst = min(scores[name] - goal[name] for name in corpora)
            print(f"{setting:48s} |     " + " ".join(f"{scores[name]:9.2f}" for name in corpora)
                  + f" | {worst:+.2f}", flush=True)


if __name__ == "__main__":
    main()
