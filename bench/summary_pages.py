"""Summaries of real pages: how many hold a line that is not a sentence, as a reader would see it.

The pages of ../shared/data/extraction-benchmark (scrapinghub's 181 and trafilatura's 990), extracted by
Khobor's extract_article and summarised with the default configuration and with ``lead``. A summary line that
does not end as a sentence does (a full stop, question or exclamation mark, danda, Urdu or CJK full stop,
ellipsis, closing quote or bracket) is a heading, a list item, a table row or a line the page cut off. Also
counted: summaries that hold one sentence twice, one that starts with a lowercase word (the rest of a sentence
a line break or a wrong split cut), a list item's bullet, or a sentence that repeats the page's title (the
summary is given the title, as the collector gives it); summaries of fewer than 3 sentences, and all their
characters. ``--previous DIR`` measures the same with another checkout's ``digests`` (``git archive REV | tar -x
-C DIR``), in a child process.

    .venv/bin/python bench/summary_pages.py [--previous DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import regex

HERE = Path(__file__).resolve().parent
# The flaws are defined here, not taken from digests.text and digests.summarize: a yardstick that shares the code
# it measures agrees with its mistakes, and the previous checkout it also measures has no such functions.
ENDS = tuple(".!?।॥۔؟…。！？\"'”’»)")
BULLETS = tuple("-*•·▪►‣◦–—")


def _lowercase(sentence: str) -> bool:
    return sentence[:1].islower() and not sentence[1:2].isupper()


def _repeats(title: str | None, sentence: str) -> bool:
    """Whether ``sentence`` has nearly the title's words (Jaccard >= 0.7), as the collector's summaries are given it."""
    words = [set(regex.findall(r"\w+", text.lower())) for text in (title or "", sentence)]
    return bool(words[0]) and len(words[0] & words[1]) / len(words[0] | words[1]) >= 0.7


def _summary(summarize: Any, text: str, language: str | None, config: Any, title: str | None) -> Any:
    """``summarize`` as the collector calls it: with the article's title (a checkout from before it took one: not)."""
    try:
        return summarize(text, language=language, config=config, title=title)
    except TypeError:
        return summarize(text, language=language, config=config)


def measure() -> dict[str, dict[str, int]]:
    """Per algorithm: how many summaries, and how many of them have each flaw; their characters."""
    sys.path.insert(1, str(HERE))
    import extraction_quality as eq

    if not eq.DATA.exists():
        sys.exit(f"summary_pages: {eq.BENCHMARKS} is missing; it comes with ../shared/data (see its SOURCE.md)")

    from digests.extract import extract_article
    from digests.summarize import SummaryConfig, summarize

    warnings.simplefilter("ignore")
    pages = [(p["html"], p["url"]) for p in eq.load_pages()] + [(html, url) for html, url, _ in eq.load_multilingual()]
    articles = [article for html, url in pages if (article := extract_article(html, url=url))]
    found: dict[str, dict[str, int]] = {}
    for algorithm in ("support", "lead"):
        counts: Counter[str] = Counter()
        for article in articles:
            config = SummaryConfig(algorithm=algorithm)
            summary = _summary(summarize, article.text, article.language, config, article.title)
            counts["summaries"] += 1
            counts["with a line that is not a sentence"] += any(not s.endswith(ENDS) for s in summary.sentences)
            counts["with a sentence twice"] += len(set(summary.sentences)) < len(summary.sentences)
            counts["with one that starts with a lowercase word"] += any(_lowercase(s) for s in summary.sentences)
            counts["with a list bullet"] += any(s.startswith(BULLETS) for s in summary.sentences)
            counts["repeating the title"] += any(_repeats(article.title, s) for s in summary.sentences)
            counts["under 3 sentences"] += len(summary.sentences) < 3
            counts["characters"] += len(summary.text)
        found[algorithm] = dict(counts)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--previous", type=Path, help="another checkout to measure the same way")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # the child's output
    args = parser.parse_args()
    ours = measure()
    if args.json:
        print(json.dumps(ours))
        return
    rows = {"ours": ours}
    if args.previous:
        child = subprocess.run([sys.executable, str(HERE / "summary_pages.py"), "--json"], cwd=args.previous,
                               env={"PYTHONPATH": str(args.previous.resolve())}, capture_output=True, text=True,
                               check=True)
        rows["previous"] = json.loads(child.stdout.splitlines()[-1])
    for name, found in rows.items():
        for algorithm, counts in found.items():
            print(f"{name:9s} {algorithm:8s} " + ", ".join(f"{key}: {value:,}" for key, value in counts.items()))


if __name__ == "__main__":
    main()
