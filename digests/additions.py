"""What each further outlet adds to a story: extractive, one sentence an outlet, named with the outlet.

A story's summary comes mostly from its first report. An outlet's candidates are its articles' summary
sentences in their order (its most central facts first; the lead sentences of its text when it has no
summary), without those an earlier outlet's article already has (a sentence of theirs holds
:data:`REPORTED` of its content words): a copy or a rewrite adds nothing, even what the story's short summary
left out. A sentence's novelty is the share of its content words (stemmed, stop words left out) the story has
not said yet: not in the headline, the summary or an addition already chosen. Each outlet offers its first
candidate that is at least :data:`MIN_NOVELTY` new; the most novel offer is taken, the reader now knows it,
and the rest are measured again, up to ``limit`` outlets. An outlet with no such sentence is left out rather
than shown repeating the story.

bench/story_additions.py measures it on BBC articles made into three-outlet stories (lead, follow-up, copy).
Taking each outlet's most novel sentence instead of its first new-enough one showed fewer of the article's
key sentences (39 % of the follow-ups' additions in BBC's reference summaries against 58 %, tuning half).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from digests.models import MAX_ADDITIONS, Addition, ArticleDoc
from digests.text import Tokenizer, article_sentences, stem, stop_words
from digests.urls import clean_link

# At least half of a sentence's content words are new to the reader, or it is a rewording of what the story
# says (merge_summary already drops a sentence at 80 % covered; a line of its own needs to bring more).
MIN_NOVELTY = 0.5
REPORTED = 0.8  # share of a sentence's content words one sentence of an earlier outlet has: reported already
MIN_CONTENT_WORDS = 4  # fewer content words is a fragment, not a fact
MAX_SENTENCE_CHARS = 300  # longer sentences are left out, never cut
LEAD_SENTENCES = 5  # an article without a summary offers its first sentences
MAX_ARTICLES = 16  # a story's first reports read for additions: each is split and stemmed (~2 ms)


@dataclass(frozen=True, slots=True)
class _Candidate:
    outlet: str
    url: str
    sentence: str
    words: frozenset[str]


def outlet_additions(title: str, summary: Sequence[str], members: Sequence[ArticleDoc], *,
                     language: str | None, limit: int = MAX_ADDITIONS) -> tuple[Addition, ...]:
    """Up to ``limit`` additions for a story whose headline is ``title`` and summary ``summary``, from its
    ``members`` in report order (the first outlet leads and adds nothing; an outlet is named once)."""
    words = content_words(language)
    known = set(words(title))
    for sentence in summary:
        known |= words(sentence)
    pool = _candidates(members[:MAX_ARTICLES], words, language, set(summary))
    chosen: list[Addition] = []
    while len(chosen) < limit:
        picks = [c for c in _first_new(pool, known).values()]
        if not picks:
            break
        best = max(picks, key=lambda c: (_novelty(c.words, known), -picks.index(c)))
        chosen.append(Addition(source=best.outlet, url=best.url, sentence=best.sentence))
        known |= best.words
        pool = [c for c in pool if c.outlet != best.outlet]
    return tuple(chosen)


def _first_new(pool: Sequence[_Candidate], known: set[str]) -> dict[str, _Candidate]:
    """Each outlet's first sentence (its summary's order: its most central facts first) that is new enough."""
    picks: dict[str, _Candidate] = {}
    for candidate in pool:
        if candidate.outlet not in picks and _novelty(candidate.words, known) >= MIN_NOVELTY:
            picks[candidate.outlet] = candidate
    return picks


def _candidates(members: Sequence[ArticleDoc], words: Callable[[str], frozenset[str]], language: str | None,
                said: set[str]) -> list[_Candidate]:
    """Each further outlet's sentences that it says first: not one an earlier outlet's article has already
    (a copy adds nothing, even a sentence the story's short summary left out)."""
    lead = members[0].source if members else ""
    earlier: list[frozenset[str]] = []  # the sentences of the outlets before, as content words
    pool: list[_Candidate] = []
    for doc in members:
        sentences = doc.summary or tuple(article_sentences(doc.text, language)[:LEAD_SENTENCES])
        for sentence in (s.strip() for s in sentences if doc.source != lead):
            content = words(sentence)
            if (sentence in said or len(sentence) > MAX_SENTENCE_CHARS or len(content) < MIN_CONTENT_WORDS
                    or any(len(content & other) >= REPORTED * len(content) for other in earlier)):
                continue
            pool.append(_Candidate(doc.source, clean_link(doc.url), sentence, content))
        if doc is not members[-1]:
            earlier += [words(s) for s in article_sentences(doc.text, language)]
    return pool


def _novelty(words: frozenset[str], known: set[str]) -> float:
    return len(words - known) / len(words) if words else 0.0


def content_words(language: str | None) -> Callable[[str], frozenset[str]]:
    """A function giving a text's content words, stemmed, in ``language``."""
    tokenizer, stop, code = Tokenizer(language), stop_words(language), language or "en"

    def words(text: str) -> frozenset[str]:
        return frozenset(stem(code, w) for w in tokenizer.to_words(text) if w not in stop and len(w) > 1)

    return words
