"""Topics on a day's window: Khobor's assign_topics vs TF-IDF + k-means told the true k, same windows.

A digest places 20-300 stories, not a whole corpus at once. Windows of 30, 100 and 300 stories are drawn
(several seeds each) from:
- ../shared/data/bbc-news-summary (English; business, entertainment, politics, sport, tech), as if from
  mixed outlets: no feed topic, no item category, no URL section;
- ../shared/data/south-asia-news (Bengali Daily Inqilab; Urdu Jang/Express/Geo): no hints either.
Each story's text is what digests.compose places it by: headline, Khobor's default summary and the lead of
the article (compose.topic_text).

Two settings per window: a fresh database (the window alone), and with history: yesterday's window (the
same size, disjoint, drawn from the same pool) placed first by Khobor on a fresh database, its labels then
given as labelled context for today's (what digests.compose does with the region's placed stories).

Figures per window, averaged over seeds: NMI and ARI against the outlet's section (scikit-learn), placement
precision (share of placed stories whose label is one the section maps to, see MAPPING), the fallback
share, and seconds. The peer, TF-IDF + k-means with the true k (words from digests.stories.word_tokens, so
Bengali and Urdu words stay whole), labels nothing: its "precision" is its clusters' purity (each cluster
named after its commonest section, an oracle the peer does not have). On the Bengali "international" and
Urdu "world" sections, which are a scope rather than a subject, Politics and Security both count as right,
and count as one group for NMI and ARI; so do Technology and Health on the Urdu "science-technology" section.

Last, the seconds to place one window of 2,000 stories (the sets' stories together, repeated) with 600 of
history, the most a digest places (digests.compose.TOPIC_POOL, digests.topics.MAX_HISTORY).

Windows come from the odd-numbered articles by default (held out: thresholds are set with ``--split even``).
Run: ``.venv/bin/python bench/topic_windows.py [--split odd|even] [--seeds 5] [--sizes 30,100,300]``;
the sweep that set digests.topics' constants: ``... --split even --sizes 30,100 --tune``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import cycle
from pathlib import Path

from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from digests import topics
from digests.compose import topic_text
from digests.stories import word_tokens
from digests.summarize import summarize
from digests.topics import FALLBACK_TOPIC, MAX_HISTORY, assign_topics

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SETS = {  # name: (file, language)
    "BBC (en)": ("bbc-news-summary/articles.jsonl.gz", "en"),
    "Inqilab (bn)": ("south-asia-news/topics-bn-inqilab.jsonl.gz", "bn"),
    "Urdu news (ur)": ("south-asia-news/topics-ur-news.jsonl.gz", "ur"),
}
SCOPE = frozenset({"Politics", "Security"})  # either is right for a section that is a scope, not a subject
# Khobor has no Science topic: the Urdu outlets' science-technology sections carry medical news (polio,
# dengue, cancer research), which belongs under Health.
MAPPING: dict[str, frozenset[str]] = {
    "business": frozenset({"Economy"}), "entertainment": frozenset({"Culture"}),
    "politics": frozenset({"Politics"}), "sport": frozenset({"Sport"}), "sports": frozenset({"Sport"}),
    "tech": frozenset({"Technology"}), "science-technology": frozenset({"Technology", "Health"}),
    "international": SCOPE, "world": SCOPE,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Item:
    """One story as the digest shows it, and its outlet's section."""

    text: str
    section: str


@dataclass(frozen=True, slots=True)
class Figures:
    nmi: float
    ari: float
    precision: float
    fallback: float
    seconds: float


def load(name: str, split: str) -> list[Item]:
    """The set's stories of one half (by position in the file), headline + default summary each."""
    path, language = SETS[name]
    with gzip.open(DATA / path, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    rows = rows[split == "odd" :: 2] if split in ("even", "odd") else rows
    items = []
    for row in rows:
        summary = summarize(row["text"], language=language).sentences
        items.append(Item(topic_text(row["title"], summary, row["text"]), row.get("category") or row["label"]))
    return items


def scored(truth: Sequence[str], found: Sequence[str]) -> tuple[float, float]:
    """NMI and ARI, the labels a section maps to one group (Politics/Security where it is a scope)."""
    merged = ["+".join(sorted(MAPPING[t])) if len(MAPPING[t]) > 1 and f in MAPPING[t] else f
              for t, f in zip(truth, found, strict=True)]
    return normalized_mutual_info_score(truth, merged), adjusted_rand_score(truth, merged)


def ours(today: Sequence[Item], yesterday: Sequence[Item] | None) -> Figures:
    """Khobor on today's window, with yesterday's placed stories as history when given."""
    started = time.perf_counter()
    history: list[tuple[str, str]] = []
    if yesterday is not None:
        texts = [item.text for item in yesterday]
        history = list(zip(texts, assign_topics(texts), strict=True))
    found = assign_topics([item.text for item in today], history=history)
    seconds = time.perf_counter() - started
    truth = [item.section for item in today]
    placed = [(t, f) for t, f in zip(truth, found, strict=True) if f != FALLBACK_TOPIC]
    precision = sum(f in MAPPING[t] for t, f in placed) / max(len(placed), 1)
    nmi, ari = scored(truth, found)
    return Figures(nmi, ari, precision, 1 - len(placed) / len(found), seconds)


def peer(today: Sequence[Item], seed: int) -> Figures:
    """TF-IDF + k-means told the true k; precision is cluster purity."""
    started = time.perf_counter()
    truth = [item.section for item in today]
    vectors = TfidfVectorizer(tokenizer=word_tokens, lowercase=False, token_pattern=None, sublinear_tf=True,
                              min_df=2, max_df=0.5).fit_transform([item.text for item in today])
    found = KMeans(n_clusters=len(set(truth)), n_init=10, random_state=seed).fit_predict(vectors)
    seconds = time.perf_counter() - started
    purity = sum(Counter(t for t, f in zip(truth, found, strict=True) if f == k).most_common(1)[0][1]
                 for k in set(found.tolist())) / len(truth)
    return Figures(normalized_mutual_info_score(truth, found), adjusted_rand_score(truth, found), purity, 0.0,
                   seconds)


def mean(figures: Sequence[Figures]) -> Figures:
    return Figures(*(statistics.fmean(getattr(f, k) for f in figures) for k in Figures.__slots__))


def line(name: str, f: Figures, worst: Figures | None = None) -> str:
    low = f"  (worst seed NMI {worst.nmi:.3f}, precision {worst.precision:.3f})" if worst else ""
    return (f"  {name:30s} NMI {f.nmi:.3f}  ARI {f.ari:.3f}  precision {f.precision:.3f}  "
            f"fallback {100 * f.fallback:4.1f} %  {f.seconds:6.3f} s{low}")


def windows(pool: Sequence[Item], size: int, seeds: int) -> list[tuple[list[Item], list[Item]]]:
    """(today, yesterday) pairs of disjoint windows, one per seed."""
    pairs = []
    for seed in range(seeds):
        drawn = random.Random(seed).sample(list(pool), min(2 * size, len(pool)))
        today, yesterday = drawn[:size], drawn[size:]
        pairs.append((today, yesterday or today))
    return pairs


def report(name: str, pool: Sequence[Item], sizes: Sequence[int], seeds: int) -> None:
    print(f"\n== {name}: {len(pool)} stories in the pool, sections {dict(Counter(i.section for i in pool))}")
    for size in sizes:
        if size > len(pool):
            continue
        pairs = windows(pool, size, seeds)
        runs: dict[str, list[Figures]] = {"Khobor, fresh database": [], "Khobor, yesterday as history": [],
                                          "peer k-means (true k)": []}
        for seed, (today, yesterday) in enumerate(pairs):
            runs["Khobor, fresh database"].append(ours(today, None))
            runs["Khobor, yesterday as history"].append(ours(today, yesterday))
            runs["peer k-means (true k)"].append(peer(today, seed))
        print(f" window of {size} stories, {seeds} seeds (history: {len(pairs[0][1])} stories)")
        for system, figures in runs.items():
            worst = min(figures, key=lambda f: f.nmi)
            print(line(system, mean(figures), worst if system.startswith("Khobor") else None))


def speed(pool: Sequence[Item], size: int = 2000) -> None:
    """Seconds to place one large window (the sets' stories together, repeated up to ``size``) with
    MAX_HISTORY stories of history, beside k-means told k on the same window."""
    texts = [item.text for item in pool] * (size // max(len(pool), 1) + 1)
    today = texts[:size]
    history = [(text, label) for text, label in zip(texts[size:], cycle(SCOPE | {"Sport", "Economy"}), strict=False)]
    runs, cpu = [], []
    for _ in range(3):
        started, used = time.perf_counter(), time.process_time()
        assign_topics(today, history=history[:MAX_HISTORY])
        runs.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    peer_figures = peer([Item(text, item.section) for text, item in zip(today, cycle(pool), strict=False)], 0)
    print(f"\n== one window of {len(today)} stories ({len(pool)} distinct, mixed languages), "
          f"{min(MAX_HISTORY, len(history))} of history: Khobor {min(runs):.3f} s (best of 3; CPU {min(cpu):.3f} s); "
          f"peer k-means (true k) {peer_figures.seconds:.3f} s")


# Each constant of digests.topics varied alone around the chosen value (--tune, on the even-numbered half).
TUNED: dict[str, tuple[float, ...]] = {
    "SPREAD_ALPHA": (0.5, 0.6, 0.7, 0.8), "NEIGHBOURS": (7, 10, 15), "AGREEMENT": (0.5, 0.6),
    "NO_SEED_AGREEMENT": (0.8, 1.01), "HISTORY_PRIOR": (0.25, 0.5, 1.0), "SETTLE_MIX": (0.5, 0.7),
}


def tune(pools: dict[str, list[Item]], sizes: Sequence[int], seeds: int) -> None:
    """Mean NMI (fresh database / with history) per set and size for each value of each constant in TUNED."""
    for constant, values in TUNED.items():
        chosen = getattr(topics, constant)
        for value in values:
            setattr(topics, constant, type(chosen)(value))
            cells = []
            for name, pool in pools.items():
                for size in sizes:
                    pairs = windows(pool, size, seeds)
                    fresh = mean([ours(today, None) for today, _ in pairs])
                    past = mean([ours(today, yesterday) for today, yesterday in pairs])
                    cells.append(f"{name.split()[0]}-{size} {fresh.nmi:.3f}/{past.nmi:.3f} p{fresh.precision:.2f}")
            print(f"{constant}={value:<5}{' *' if value == chosen else '  '} " + "  ".join(cells), flush=True)
        setattr(topics, constant, chosen)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--split", choices=("odd", "even", "all"), default="odd")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--sizes", default="30,100,300")
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated set names")
    parser.add_argument("--tune", action="store_true", help="print the sweep that set digests.topics' constants")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.tune:
        tune({name: load(name, args.split) for name in args.sets.split(",")}, sizes, args.seeds)
        return
    pools = []
    for name in args.sets.split(","):
        pools.append(load(name, args.split))
        report(name, pools[-1], sizes, args.seeds)
    speed([item for pool in pools for item in pool])


if __name__ == "__main__":
    main()
