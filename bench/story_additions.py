"""What further outlets add (digests.additions) on stories built from BBC articles, against a naive peer.

Each BBC article of ../shared/data/bbc-news-summary (at least 8 sentences) becomes a story of three outlets:
- the lead outlet (first report) carries the article's first half;
- a follow-up outlet carries its second half (the same event, facts the lead does not have);
- a copying outlet carries the lead's half again, lightly edited ("said" -> "says", first sentence gone).
Each outlet's summary is Khobor's default summary of its text; the story's summary is merge_summary of the
three, as digests.compose builds it. Figures, per story:
- follow-up shown: the follow-up outlet gets an addition (goal: all);
- copy shown: the copying outlet gets an addition (goal: none; everything it says, the lead said first);
- key fact: the follow-up's addition is a sentence of BBC's reference summary (the article's key facts);
- new words: the mean share of a shown addition's content words the story had not said.
The peer shows each further outlet's first summary sentence the story summary lacks (what a bot listing
"also reported by" with a snippet would show). Tune on ``--split even``; the odd half is reported.

Run: ``.venv/bin/python bench/story_additions.py [--split odd|even] [--n 300]``
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from digests.additions import content_words, outlet_additions
from digests.models import Addition, ArticleDoc
from digests.stories import merge_summary
from digests.summarize import summarize
from digests.text import article_sentences

MIN_SENTENCES = 8
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc-news-summary" / "articles.jsonl.gz"


@dataclass(frozen=True, slots=True)
class Article:
    title: str
    text: str
    reference: str  # BBC's extractive summary: the article's key sentences, run together


def load(n: int, split: str) -> list[Article]:
    """``n`` articles spread evenly over the even- or odd-numbered ones."""
    with gzip.open(DATA, "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines][split == "odd"::2]
    return [Article(row["title"], row["text"], row["summary"]) for row in rows[::max(1, len(rows) // n)][:n]]


@dataclass
class Tally:
    stories: int = 0
    follow_up: int = 0
    copy: int = 0
    shown: int = 0
    reference: int = 0
    novelty: float = 0.0

    def line(self, name: str) -> str:
        n, shown = max(self.stories, 1), max(self.shown, 1)
        return (f"{name:<6} follow-up shown {self.follow_up / n:6.1%} | copy shown {self.copy / n:6.1%} | "
                f"key fact {self.reference / max(self.follow_up, 1):6.1%} | new words {self.novelty / shown:5.2f} "
                f"| {self.shown} additions")


def outlets(article: Article) -> list[ArticleDoc] | None:
    sentences = article_sentences(article.text, "en")
    if len(sentences) < MIN_SENTENCES:
        return None
    half = len(sentences) // 2
    texts = {"Lead": sentences[:half], "Follow-up": sentences[half:],
             "Copy": [s.replace(" said", " says") for s in sentences[1:half]]}
    return [ArticleDoc(id=k, title=article.title, text=" ".join(body), source=name, url=f"https://{k}.example/a",
                       summary=summarize(" ".join(body), language="en").sentences, language="en")
            for k, (name, body) in enumerate(texts.items())]


def naive(summary: tuple[str, ...], members: list[ArticleDoc]) -> tuple[Addition, ...]:
    found = []
    for doc in members[1:]:
        sentence = next((s for s in doc.summary if s not in summary), None)
        if sentence:
            found.append(Addition(doc.source, doc.url, sentence))
    return tuple(found)


def count(tally: Tally, additions: tuple[Addition, ...], article: Article, summary: tuple[str, ...]) -> None:
    words = content_words("en")
    known = set(words(article.title)).union(*(words(s) for s in summary))
    tally.stories += 1
    tally.follow_up += any(a.source == "Follow-up" for a in additions)
    tally.copy += any(a.source == "Copy" for a in additions)
    for addition in additions:
        new = words(addition.sentence)
        tally.shown += 1
        tally.reference += addition.source == "Follow-up" and addition.sentence in article.reference
        tally.novelty += len(new - known) / max(len(new), 1)
        known |= new


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("odd", "even"), default="odd")
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"bench: {DATA} is missing (the shared evaluation data sits beside the project)")
    ours, peer, seconds = Tally(), Tally(), 0.0
    for article in load(args.n, args.split):
        members = outlets(article)
        if members is None:
            continue
        summary = merge_summary([d.summary for d in members], max_sentences=3, max_chars=600)
        start = time.perf_counter()
        found = outlet_additions(article.title, summary, members, language="en")
        seconds += time.perf_counter() - start
        count(ours, found, article, summary)
        count(peer, naive(summary, members)[:2], article, summary)
    print(f"BBC {args.split} half, {ours.stories} stories of 3 outlets (lead, follow-up, copy)")
    print(ours.line("Khobor"))
    print(peer.line("peer"))
    print(f"Khobor: {1000 * seconds / max(ours.stories, 1):.2f} ms a story for its additions")


if __name__ == "__main__":
    main()
