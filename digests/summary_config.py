"""How to summarise, as a plain value: cheap to import (settings and the command line read it without
loading numpy, sumy or NLTK; :mod:`digests.summarize` does the work)."""

from __future__ import annotations

from dataclasses import dataclass

# sumy's algorithms by name (digests.summarize maps them to sumy's classes). sumy's Edmundson is left out:
# its cue and key methods need hand-picked bonus and stigma words.
SUMY_NAMES = ("textrank", "lexrank", "lsa", "luhn", "kl", "sumbasic", "reduction")
ALGORITHMS = ("support", "lead", *SUMY_NAMES)


@dataclass(frozen=True, slots=True)
class SummaryConfig:
    """How to summarise: algorithm (one of :data:`ALGORITHMS`), sentence count, budget, time limit."""

    # Chosen with bench/summary_quality.py (BBC News Summary, 3 sentences scored at 75 words, R-1/R-2/R-Lsum
    # F1), tuned on the even-index articles. Held-out odd half: support 59.3/55.7/59.0; sumy's best offline
    # set-up (Reduction, pysbd) 57.8/53.7/57.4; sumy TextRank 55.7/50.0/55.0; Lead-3 44.7/35.9/43.6.
    # All 2,225: support 59.3/55.9/59.0, sumy Reduction 57.5/53.3/57.0, sumy TextRank 55.9/50.4/55.2.
    algorithm: str = "support"
    sentences: int = 3
    max_chars: int = 600
    timeout_s: float = 2.0

    def __post_init__(self) -> None:
        if self.algorithm not in ALGORITHMS:
            raise ValueError(f"summarize: unknown algorithm {self.algorithm!r}; choose one of {ALGORITHMS}")
        if self.sentences < 1 or self.max_chars < 2:
            raise ValueError("summarize: sentences must be >= 1 and max_chars >= 2")
