"""How to summarise, as a plain value: cheap to import (settings and the command line read it without
loading numpy, sumy or NLTK; :mod:`digests.summarize` does the work)."""

from __future__ import annotations

from dataclasses import dataclass

# sumy's algorithms by name (digests.summarize maps them to sumy's classes). sumy's Edmundson is left out:
# its cue and key methods need hand-picked bonus and stigma words.
SUMY_NAMES = ("textrank", "lexrank", "lsa", "luhn", "kl", "sumbasic", "reduction")
ALGORITHMS = ("support", "pacsum", "learned", "lead", *SUMY_NAMES)


@dataclass(frozen=True, slots=True)
class SummaryConfig:
    """How to summarise: algorithm (one of :data:`ALGORITHMS`), sentence count, budget, time limit."""

    # Chosen with bench/summary_tune.py on the even halves of BBC News Summary, CNN and Daily Mail together
    # (3 sentences scored at 75 words). Held-out odd halves, ROUGE-2 (bench/summary_quality.py): BBC 53.7
    # (sumy's best, Reduction + pysbd, 53.7; Lead-3 35.9), CNN 10.5 (Lead-3 11.7; sumy 9.0), Daily Mail 18.8
    # (Lead-3 21.3; sumy 17.9). A learned scorer over 18 per-sentence features (``learned``, fitted on the three
    # even halves by bench/summary_train.py) scores BBC 49.9, CNN 11.9, Daily Mail 19.5 there: not the default.
    algorithm: str = "support"
    sentences: int = 3
    max_chars: int = 600
    timeout_s: float = 2.0

    def __post_init__(self) -> None:
        if self.algorithm not in ALGORITHMS:
            raise ValueError(f"summarize: unknown algorithm {self.algorithm!r}; choose one of {ALGORITHMS}")
        if self.sentences < 1 or self.max_chars < 2:
            raise ValueError("summarize: sentences must be >= 1 and max_chars >= 2")


def summary_key(config: SummaryConfig) -> str:
    """The name summaries are stored under; a new configuration gets its own summaries."""
    return f"{config.algorithm}:{config.sentences}:{config.max_chars}"
