"""Story grouping at a big region's daily volume: speed, and syndicated copies found again.

Data: the 2,225 BBC News Summary articles (../shared/data/bbc-news-summary) plus lightly edited copies of
randomly drawn ones up to 5,000 documents, standing in for the same wire story carried by other outlets:
each copy gets a new headline (the lead sentence's opening words, or the old headline reworded), is
trimmed to its first paragraphs, loses a sentence, and has a few words swapped.

Figures:
- recall: the share of copies grouped with their original;
- wrong merges: the BBC articles grouped with a different BBC article, and the pairs so joined. The BBC
  set itself repeats articles (133 texts twice, a few more with the same headline and an edited text):
  those pairs are counted apart, as right. The set spans months, so most of the rest are developments of
  one story on different days; a sample is printed to read.
- pair precision: of all pairs of documents grouped together, the share that are one article (original,
  copies, repeats with the same text).
- seconds for group_stories and for assign_topics (on the stories' title and summary) on 5,000 documents.

``--tune`` sweeps the similarity threshold on the even-numbered BBC articles only (and their copies);
the default threshold was chosen that way, and the figures printed without it use the one in
digests.stories.

Run: ``.venv/bin/python bench/stories_scale.py [--tune]``
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import time
from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from digests.models import ArticleDoc
from digests.stories import SAME_STORY, group_stories
from digests.topics import DEFAULT_TAXONOMY, FALLBACK_TOPIC, assign_topics

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc-news-summary" / "articles.jsonl.gz"
TOTAL = 5_000
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
SWAPS = {"said": "says", "has": "had", "will": "would", "but": "however", "also": "too", "big": "large",
         "people": "citizens", "told": "said to", "year": "twelve months", "firm": "company"}


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    title: str
    text: str
    summary: tuple[str, ...]


def load() -> list[Row]:
    """The BBC articles, summary sentences split where the data glued them together."""
    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        raw = [json.loads(line) for line in fh]
    glued = re.compile(r"(?<=[a-z0-9%)][.!?])(?=[A-Z\"'])")
    return [Row(r["id"], r["title"], r["text"], tuple(glued.sub("\n", r["summary"]).splitlines())) for r in raw]


def edited_copy(row: Row, rng: random.Random) -> tuple[str, str]:
    """A syndicated copy: new headline, trimmed to its first paragraphs, one sentence dropped, words swapped."""
    paragraphs = [p for p in row.text.split("\n\n") if p.strip()]
    kept = paragraphs[: max(2, rng.randint(len(paragraphs) // 2, len(paragraphs)))]
    sentences = [s for p in kept for s in SENTENCE_END.split(p)]
    if len(sentences) > 3:
        del sentences[rng.randrange(1, len(sentences))]
    words = " ".join(sentences).split(" ")
    for i in rng.sample(range(len(words)), k=min(len(words), 40)):
        words[i] = SWAPS.get(words[i], words[i])
    if rng.random() < 0.5:
        title = " ".join(sentences[0].split()[:9]).rstrip(",.;:")
    else:
        heading = row.title.split()
        title = rng.choice(("UPDATE: ", "Report: ", "")) + " ".join(heading[-1:] + heading[:-1])
    return title, " ".join(words)


def corpus(rows: list[Row], total: int, seed: int = 7) -> tuple[list[ArticleDoc], list[int]]:
    """Originals then copies; ``origin[i]`` is the index of the original doc ``i`` stands for."""
    rng = random.Random(seed)
    docs = [ArticleDoc(id=i, title=r.title, text=r.text, summary=r.summary, source="BBC",
                       url=f"https://bbc.example/{r.key}", language="en") for i, r in enumerate(rows)]
    origin = list(range(len(rows)))
    while len(docs) < total:
        k = rng.randrange(len(rows))
        title, text = edited_copy(rows[k], rng)
        docs.append(ArticleDoc(id=len(docs), title=title, text=text, summary=rows[k].summary,
                               source=f"Outlet {rng.randint(1, 40)}", url=f"https://wire{len(docs)}.example/x",
                               language="en"))
        origin.append(k)
    return docs, origin


def same_article(a: Row, b: Row) -> bool:
    """The BBC set repeats some articles: with the same text, or the same headline and a slightly edited text."""
    return a.text == b.text or a.title == b.title


def score(groups: list[list[int]], origin: list[int], rows: list[Row]) -> dict[str, float]:
    """Recall of copies; wrong merges among the originals; pair precision over every pair grouped together."""
    label = {i: g for g, members in enumerate(groups) for i in members}
    copies = range(len(rows), len(origin))
    found = sum(label[i] == label[origin[i]] for i in copies)
    same_text = different = mixed = 0
    wrong_articles: set[int] = set()
    right_pairs = all_pairs = 0
    for members in groups:
        texts = [rows[origin[i]].text for i in members]
        all_pairs += len(members) * (len(members) - 1) // 2
        right_pairs += sum(n * (n - 1) // 2 for n in Counter(texts).values())  # a lower bound: see same_article
        originals = sorted({origin[i] for i in members})
        mixed += len(originals) > 1
        for a, b in combinations(originals, 2):
            if same_article(rows[a], rows[b]):
                same_text += 1
            else:
                different += 1
                wrong_articles.update((a, b))
    return {"recall": found / max(1, len(copies)), "copies": len(copies), "groups": len(groups),
            "mixed_groups": mixed, "pairs_same_text": same_text, "pairs_different": different,
            "wrong_articles": len(wrong_articles), "pair_precision": right_pairs / max(1, all_pairs)}


def show_wrong(groups: list[list[int]], origin: list[int], rows: list[Row], limit: int = 12) -> None:
    """Print some groups that join different BBC articles, to read."""
    shown = 0
    for members in groups:
        originals = sorted({origin[i] for i in members})
        if any(not same_article(rows[a], rows[b]) for a, b in combinations(originals, 2)) and shown < limit:
            shown += 1
            print("  -", " | ".join(f"{rows[k].key}: {rows[k].title}" for k in originals[:4]))


def tune(rows: list[Row]) -> None:
    """Threshold sweep on the even-numbered articles and their copies."""
    even = [r for r in rows if int(r.key.split("/")[1]) % 2 == 0]
    docs, origin = corpus(even, total=len(even) * 9 // 4)
    print(f"tuning on {len(even)} even-numbered articles + {len(docs) - len(even)} copies")
    for threshold in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65):
        s = score(group_stories(docs, threshold=threshold), origin, even)
        print(f"  threshold {threshold:.2f}: recall {s['recall']:.4f}, pair precision {s['pair_precision']:.4f}, "
              f"pairs of different articles {s['pairs_different']:.0f} (same text {s['pairs_same_text']:.0f})")


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tune", action="store_true", help="sweep the threshold on the even-numbered half")
    args = parser.parse_args()
    rows = load()
    if args.tune:
        tune(rows)
        return
    docs, origin = corpus(rows, TOTAL)
    started = time.perf_counter()
    groups = group_stories(docs)
    grouped = time.perf_counter() - started
    s = score(groups, origin, rows)
    texts = [" ".join((docs[g[0]].title, *docs[g[0]].summary[:3])) for g in groups]
    started = time.perf_counter()
    labels = assign_topics(texts, DEFAULT_TAXONOMY, fallback=FALLBACK_TOPIC)
    topics = time.perf_counter() - started
    print(f"{len(docs)} documents ({len(rows)} BBC articles + {s['copies']:.0f} edited copies), "
          f"threshold {SAME_STORY}")
    print(f"group_stories: {grouped:.2f} s -> {s['groups']:.0f} stories")
    print(f"assign_topics on {len(texts)} stories: {topics:.2f} s -> {dict(Counter(labels).most_common())}")
    print(f"copies grouped with their original (recall): {s['recall']:.4f}")
    print(f"pair precision (pairs grouped together that are one text): {s['pair_precision']:.4f}")
    print(f"BBC articles grouped with a different BBC article: {s['wrong_articles']:.0f} of {len(rows)} "
          f"({s['pairs_different']:.0f} pairs); pairs of repeated BBC articles (same text, or same headline) "
          f"grouped: {s['pairs_same_text']:.0f} (right)")
    print("a sample of groups joining different BBC articles (the set spans months: most are one story's "
          "developments on different days):")
    show_wrong(groups, origin, rows)


if __name__ == "__main__":
    main()
