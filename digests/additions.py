"""What each further outlet adds to a story: extractive, one sentence an outlet, named with the outlet.

A story's summary comes mostly from its first report. For each other outlet, the candidate sentences are its
articles' summary sentences (its most central ones; the lead sentences of its text when it has no summary).
A sentence's novelty is the share of its content words (stemmed, stop words left out) that the story has not
said yet: not in the headline, the summary or an addition already chosen. The most novel sentence of all the
outlets is taken first, then the reader knows it too and the rest are measured again, up to ``limit``
outlets. A sentence whose novelty is below :data:`MIN_NOVELTY` adds nothing worth a line, and its outlet is
left out rather than shown repeating the summary.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from digests.models import Addition, ArticleDoc
from digests.text import Tokenizer, article_sentences, stemmer, stop_words
from digests.urls import clean_link

MAX_ADDITIONS = 2  # further outlets shown per story: a line each keeps a story compact
# At least half of a sentence's content words are new to the reader, or it is a rewording of what the story
# says (merge_summary already drops a sentence at 80 % covered; a line of its own needs to bring more).
MIN_NOVELTY = 0.5
MIN_CONTENT_WORDS = 4  # fewer content words is a fragment, not a fact
MAX_SENTENCE_CHARS = 300  # longer sentences are left out, never cut
LEAD_SENTENCES = 5  # an article without a summary offers its first sentences


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
    words = _content_words(language)
    known = set(words(title))
    for sentence in summary:
        known |= words(sentence)
    pool = _candidates(members, words, language, set(summary))
    chosen: list[Addition] = []
    while pool and len(chosen) < limit:
        best = max(pool, key=lambda c: (_novelty(c.words, known), -pool.index(c)))
        if _novelty(best.words, known) < MIN_NOVELTY:
            break
        chosen.append(Addition(source=best.outlet, url=best.url, sentence=best.sentence))
        known |= best.words
        pool = [c for c in pool if c.outlet != best.outlet]
    return tuple(chosen)


def _candidates(members: Sequence[ArticleDoc], words: Callable[[str], frozenset[str]], language: str | None,
                said: set[str]) -> list[_Candidate]:
    lead = members[0].source if members else ""
    pool: list[_Candidate] = []
    for doc in members:
        if doc.source == lead:
            continue
        sentences = doc.summary or tuple(article_sentences(doc.text, language)[:LEAD_SENTENCES])
        for sentence in (s.strip() for s in sentences):
            content = words(sentence)
            if sentence in said or len(sentence) > MAX_SENTENCE_CHARS or len(content) < MIN_CONTENT_WORDS:
                continue
            pool.append(_Candidate(doc.source, clean_link(doc.url), sentence, content))
    return pool


def _novelty(words: frozenset[str], known: set[str]) -> float:
    return len(words - known) / len(words) if words else 0.0


def _content_words(language: str | None) -> Callable[[str], frozenset[str]]:
    """A function giving a text's content words, stemmed, in ``language``."""
    tokenizer, stop, stem = Tokenizer(language), stop_words(language), stemmer(language)

    def words(text: str) -> frozenset[str]:
        return frozenset(stem(w) for w in tokenizer.to_words(text) if w not in stop and len(w) > 1)

    return words
