"""Topic grouping on the BBC News Summary set: Khobor's assign_topics vs TF-IDF + k-means, same run.

Data: ../shared/data/bbc-news-summary (2,225 articles, 5 categories: business, entertainment, politics,
sport, tech). assign_topics runs with the built-in taxonomy (8 topics and a fallback) and is not told how
many groups there are: that number is found. The peer, TF-IDF + k-means, is given the true k = 5.

Figures: NMI and ARI against the BBC categories (scikit-learn), the number of groups found, a confusion
table, and seconds. Two texts per article: the title and full article text (the setting of the k-means
figure in ARCHITECTURE.md), and the title and reference summary (closer to a digest story's title and
summary). Each on the even-numbered articles (the half the thresholds were tuned on, on a day's windows:
``bench/topic_windows.py --split even --tune``), the odd-numbered ones (never tuned on) and all.

The taxonomy has topics the BBC's five sections lack (Security, Health, Environment) and a fallback group;
a story placed under one of them counts against NMI even where a reader would call it that (a singer
jailed, a drug firm's trial failing, anti-terror law). So beside the plain NMI, clearly labelled and never
to be quoted alone: NMI with Security counted as Politics; how many stories went outside the five
sections' topics (SECTION_TOPIC), per topic; and NMI and precision on the stories placed under those five
topics. ``--headlines`` prints the headlines placed outside them (all articles), to judge them by eye.

Run: ``.venv/bin/python bench/topic_grouping.py [--headlines]``
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from digests.topics import DEFAULT_TAXONOMY, FALLBACK_TOPIC, assign_topics

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc-news-summary" / "articles.jsonl.gz"
GLUED = re.compile(r"(?<=[a-z0-9%)][.!?])(?=[A-Z\"'])")  # the data's summaries lack a space after a full stop
PEER_SEEDS = range(5)
# The built-in topic each BBC section is; stories placed under any other label are "outside" (see above).
SECTION_TOPIC = {"business": "Economy", "entertainment": "Culture", "politics": "Politics", "sport": "Sport",
                 "tech": "Technology"}

Row = dict[str, Any]
TEXTS: dict[str, Callable[[Row], str]] = {
    "title + article": lambda r: f"{r['title']} {r['text']}",
    "title + summary": lambda r: f"{r['title']} {GLUED.sub(' ', r['summary'])}",
}


def load() -> list[Row]:
    """The BBC articles."""
    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def halves(rows: list[Row]) -> dict[str, list[Row]]:
    """Even-numbered (tuned on), odd-numbered (held out), all."""
    number = {id(r): int(r["id"].split("/")[1]) for r in rows}
    return {"even (tuned)": [r for r in rows if number[id(r)] % 2 == 0],
            "odd (held out)": [r for r in rows if number[id(r)] % 2 == 1], "all": rows}


def peer(texts: list[str], truth: list[str]) -> tuple[float, float, float, float]:
    """TF-IDF + k-means with the true k: mean NMI, min NMI, max NMI and mean ARI over a few seeds."""
    vectors = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2, max_df=0.5).fit_transform(texts)
    k = len(set(truth))
    runs = [KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(vectors) for seed in PEER_SEEDS]
    nmis = [normalized_mutual_info_score(truth, labels) for labels in runs]
    aris = [adjusted_rand_score(truth, labels) for labels in runs]
    return statistics.mean(nmis), min(nmis), max(nmis), statistics.mean(aris)


def confusion(truth: list[str], found: list[str]) -> str:
    """A table: BBC category per row, topic found per column."""
    counts = Counter(zip(truth, found, strict=True))
    columns = sorted(set(found), key=lambda label: (label == FALLBACK_TOPIC, label))
    lines = [" " * 15 + "".join(f"{c[:11]:>12}" for c in columns)]
    for category in sorted(set(truth)):
        lines.append(f"{category:<15}" + "".join(f"{counts[(category, c)]:>12}" for c in columns))
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Outside:
    """What placing stories outside the five sections' topics does to the figures."""

    nmi_security_as_politics: float
    outside: Counter[str]  # label -> stories placed under it, for labels no section maps to
    nmi_inside: float  # on the stories placed under a section's topic
    precision_inside: float  # ... the share of them under their own section's topic


def outside(truth: list[str], found: list[str]) -> Outside:
    """The figures that separate "placed outside BBC's sections" from "placed under the wrong section"."""
    as_politics = ["Politics" if label == "Security" else label for label in found]
    inside = [(t, f) for t, f in zip(truth, found, strict=True) if f in SECTION_TOPIC.values()]
    return Outside(normalized_mutual_info_score(truth, as_politics),
                   Counter(f for f in found if f not in SECTION_TOPIC.values()),
                   normalized_mutual_info_score(*zip(*inside, strict=True)) if inside else 0.0,
                   sum(SECTION_TOPIC[t] == f for t, f in inside) / max(len(inside), 1))


def outside_lines(truth: list[str], found: list[str]) -> list[str]:
    """The figures of :func:`outside`, labelled as what they are."""
    figures = outside(truth, found)
    total = sum(figures.outside.values())
    counts = ", ".join(f"{label} {n}" for label, n in figures.outside.most_common()) or "none"
    return [f"  (not BBC's NMI) Security counted as Politics: NMI {figures.nmi_security_as_politics:.3f}",
            f"  placed outside the five sections' topics: {total} ({100 * total / max(len(found), 1):.1f} %): {counts}",
            f"  on the {len(found) - total} placed under a section's topic: NMI {figures.nmi_inside:.3f}  "
            f"precision {figures.precision_inside:.3f}"]


def headlines(part: list[Row], found: list[str]) -> str:
    """The headlines placed outside the five sections' topics, by label and BBC section."""
    groups: dict[tuple[str, str], list[str]] = {}
    for row, label in zip(part, found, strict=True):
        if label not in SECTION_TOPIC.values():
            groups.setdefault((label, row["category"]), []).append(row["title"])
    return "\n".join(f"  {label} <- {section} ({len(titles)}): " + " | ".join(titles)
                     for (label, section), titles in sorted(groups.items()))


def report(rows: list[Row], *, show_headlines: bool = False) -> None:
    """Print every figure."""
    for text_name, text_of in TEXTS.items():
        for half_name, part in halves(rows).items():
            texts = [text_of(r) for r in part]
            truth = [r["category"] for r in part]
            started = time.perf_counter()
            found = assign_topics(texts, DEFAULT_TAXONOMY, fallback=FALLBACK_TOPIC)
            seconds = time.perf_counter() - started
            nmi_mean, nmi_min, nmi_max, ari_mean = peer(texts, truth)
            print(f"\n== {text_name}, {half_name}: {len(part)} articles")
            print(f"Khobor assign_topics (k not given): NMI {normalized_mutual_info_score(truth, found):.3f}  "
                  f"ARI {adjusted_rand_score(truth, found):.3f}  groups found {len(set(found))}  {seconds:.2f} s")
            print(f"peer TF-IDF + k-means (k=5 given):  NMI {nmi_mean:.3f} ({nmi_min:.3f}-{nmi_max:.3f} over "
                  f"{len(PEER_SEEDS)} seeds)  ARI {ari_mean:.3f}")
            print("\n".join(outside_lines(truth, found)))
            if half_name == "all":
                print(confusion(truth, found))
                if show_headlines:
                    print(headlines(part, found))


def main() -> None:
    """Parse the arguments and print."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--headlines", action="store_true",
                        help="print the headlines placed outside the five sections' topics (all articles)")
    args = parser.parse_args()
    report(load(), show_headlines=args.headlines)


if __name__ == "__main__":
    main()
