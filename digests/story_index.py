"""Stories assigned as articles arrive: each new article joins the recent story it is most like, or starts one.

The decision is :mod:`digests.stories`' (the same words, TF-IDF weighting and threshold, average linkage),
made once per article against the stories of the last ``horizon`` instead of over every pair of a digest's
window. Candidates come from an inverted index: each article is posted under its ``POSTED_TERMS`` rarest
words (by document frequency when it arrives) and looks up its own rarest words, so a syndicated copy or a
rewrite sharing the names and places of a report finds it without being compared with everything else. The
article then joins the candidate story whose members it is, on average, most like (cosine of TF-IDF
vectors, IDF from the index's articles of that language, ``1 + ln(count)`` term frequencies) if that average
reaches the threshold. Articles in different languages never share a story. Verbatim copies (the same story
words: wire copy carried by many outlets) share one vector, compared with a new article once per story.

Memory is bounded by the horizon: about 1 KB per article (a day at 200,000 articles: ~200 MB). The horizon is
how long a story stays open (:data:`digests.story_words.STORY_OPEN`, 3 days): an article finds a story while
that story's newest article arrived within it.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import chain, repeat
from operator import itemgetter, mul

from digests.story_words import SAME_STORY, STORY_OPEN

POSTED_TERMS = 24  # an article is findable by this many of its rarest words
QUERY_TERMS = 24  # ... and looks for candidates under as many of its own
MAX_POSTING = 400  # the newest articles kept under one word (common words are useless for finding anyway)
MAX_CANDIDATES = 40  # articles compared exactly, most shared rare words first
MIN_SHARED = 3  # ... when they share at least this many of the article's rare words (fewer for short texts)
MAX_MEMBERS = 30  # a story's newest members that its average is taken over
NORM_REFRESH = 1.1  # a cached vector length is recomputed once the language's article count grew by 10 %


@dataclass(slots=True)
class _Entry:
    article_id: int
    story_id: int
    bucket: str
    terms: dict[int, float]  # term id -> 1 + ln(count)
    arrived: datetime
    norm: float = 0.0
    norm_at: int = 0  # the bucket's size when ``norm`` was computed


@dataclass(slots=True)
class _Bucket:
    """One language's articles: document frequencies and the postings of rare words."""

    size: int = 0
    df: Counter[int] = field(default_factory=Counter)
    postings: dict[int, deque[int]] = field(default_factory=dict)
    version: int = 0  # counts the changes to ``df``
    idf: dict[int, float] = field(default_factory=dict)  # smoothed IDFs computed at ``idf_at``
    norms: dict[int, float] = field(default_factory=dict)  # id of a vector -> its length computed at ``idf_at``
    idf_at: int = -1
    # one vector object for the articles whose story words are the same (syndicated copies), and its users
    vectors: dict[int, dict[int, float]] = field(default_factory=dict)
    users: Counter[int] = field(default_factory=Counter)


class StoryIndex:
    """The recent articles' stories, in memory. ``match`` decides, ``add`` records (after the database did)."""

    def __init__(self, *, horizon: timedelta = STORY_OPEN, threshold: float = SAME_STORY) -> None:
        self.horizon = horizon
        self.threshold = threshold
        self._terms: dict[str, int] = {}
        self._entries: dict[int, _Entry] = {}
        self._arrivals: deque[int] = deque()  # article ids, in the order added (roughly by arrival time)
        self._stories: dict[int, deque[int]] = {}  # story id -> its newest member article ids
        self._buckets: dict[str, _Bucket] = {}
        self.last_article_id = 0  # the newest article id seen, for catching up with the database
        self._last: tuple[Sequence[str], dict[int, float]] = ((), {})  # the words ``match`` saw, and their vector

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._entries

    def match(self, words: Sequence[str], language: str | None) -> int | None:
        """The story id an article with these words joins, or None for a new story."""
        bucket = self._buckets.get(_key(language))
        if bucket is None or not words:
            return None
        # the words get their ids now (a word seen for the first time has no postings and weighs as one unknown):
        # ``add``, which follows with the same words, takes this vector instead of counting them again
        query = self._vector(words)
        self._last = (words, query)
        # scikit-learn's smoothed IDF, ln((1 + n) / (1 + df)) + 1, over the bucket's articles and this one; the
        # query's weight times the IDF once more (``scaled``), so each member costs one multiply per shared word
        df, log, size = bucket.df, math.log, 2 + bucket.size
        scaled, squares = {}, []
        for t, tf in query.items():
            idf = log(size / (2 + df.get(t, 0))) + 1.0
            weight = tf * idf
            squares.append(weight * weight)
            scaled[t] = weight * idf
        norm = math.sqrt(sum(squares))
        best, best_score = None, self.threshold
        for story in self._candidate_stories(query, bucket):
            score = self._average(scaled, norm, story)
            if score >= best_score:
                best, best_score = story, score
        return best

    def add(self, *, article_id: int, story_id: int, words: Sequence[str], language: str | None,
            arrived: datetime) -> None:
        """Record a stored article's story (a second add of one article is ignored)."""
        self.last_article_id = max(self.last_article_id, article_id)
        if article_id in self._entries:
            return
        key = _key(language)
        bucket = self._buckets.setdefault(key, _Bucket())
        last_words, last_terms = self._last
        terms = _shared(bucket, last_terms if last_words is words else self._vector(words))
        self._last = ((), {})
        entry = _Entry(article_id, story_id, key, terms, arrived)
        self._entries[article_id] = entry
        self._arrivals.append(article_id)
        bucket.size += 1
        bucket.version += 1
        bucket.df.update(terms.keys())
        for term in sorted(terms, key=bucket.df.__getitem__)[:POSTED_TERMS]:
            posting = bucket.postings.setdefault(term, deque(maxlen=MAX_POSTING))
            posting.append(article_id)
        self._stories.setdefault(story_id, deque(maxlen=MAX_MEMBERS)).append(article_id)

    def discard(self, article_id: int) -> None:
        """Forget an article (its transaction was rolled back)."""
        entry = self._entries.get(article_id)
        if entry is not None:
            self._forget(entry)

    def expire(self, *, now: datetime) -> int:
        """Forget the articles that arrived before ``now - horizon``; returns how many."""
        cutoff, gone = now - self.horizon, 0
        while self._arrivals:
            entry = self._entries.get(self._arrivals[0])
            if entry is not None and entry.arrived >= cutoff:
                break
            self._arrivals.popleft()
            if entry is not None:
                self._forget(entry)
                gone += 1
        return gone

    def _forget(self, entry: _Entry) -> None:
        del self._entries[entry.article_id]
        bucket = self._buckets[entry.bucket]
        bucket.size -= 1
        bucket.version += 1
        _release(bucket, entry.terms)
        for term in entry.terms:
            left = bucket.df[term] - 1
            if left > 0:
                bucket.df[term] = left
            else:
                del bucket.df[term]
                bucket.postings.pop(term, None)
        members = self._stories.get(entry.story_id)
        if members is not None:
            if entry.article_id in members:
                members.remove(entry.article_id)
            if not members:
                del self._stories[entry.story_id]

    def _vector(self, words: Iterable[str]) -> dict[int, float]:
        """Term id -> 1 + ln(count), in the words' order (words not seen before get ids)."""
        terms, tf, log = self._terms, _TF, math.log
        counts = Counter(words).items()
        return {terms.setdefault(w, len(terms)): tf[c] if c < len(tf) else 1.0 + log(c) for w, c in counts}

    def _candidate_stories(self, query: dict[int, float], bucket: _Bucket) -> list[int]:
        df, postings = bucket.df, bucket.postings
        known = [t for t in query if t >= 0 and df.get(t, 0) > 0]
        rare = sorted(known, key=df.__getitem__)[:QUERY_TERMS]
        hits = Counter(chain.from_iterable(map(postings.get, rare, repeat(()))))  # one pass, in C
        enough = max(1, min(MIN_SHARED, len(rare) // 4))
        # the most shared first, ties in the order first met (Counter.most_common's order), those sharing fewer
        # than ``enough`` left out before sorting (most articles share one word or two: they were never read)
        ranked = sorted([hit for hit in hits.items() if hit[1] >= enough], key=itemgetter(1), reverse=True)
        stories: dict[int, None] = {}
        for article_id, _ in ranked[:MAX_CANDIDATES]:
            entry = self._entries.get(article_id)
            if entry is not None:
                stories.setdefault(entry.story_id)
        return list(stories)

    def _average(self, scaled: dict[int, float], norm: float, story: int) -> float:
        entries = self._entries
        members = [entries[a] for a in self._stories.get(story, ()) if a in entries]
        if not members or norm == 0:
            return 0.0
        total, size = 0.0, len(scaled)
        grown = self._buckets[members[0].bucket].size  # a story's members are of one language, one bucket
        dots: dict[int, float] = {}  # a story's copies share one vector: compared once
        for member in members:
            dot = dots.get(id(member.terms))
            if dot is None:
                small, large = (member.terms, scaled) if len(member.terms) < size else (scaled, member.terms)
                # in ``small``'s order, as before: the same sum to the last bit, so the same decisions (a word
                # ``large`` lacks adds an exact 0.0, which leaves a sum of non-negative numbers as it was)
                dot = dots[id(member.terms)] = sum(map(mul, small.values(), map(large.get, small.keys(), repeat(0.0))))
            # most members' lengths are cached and still good: tested here, as a call per member cost more
            fresh = member.norm and not grown > member.norm_at * NORM_REFRESH
            length = member.norm if fresh else self._refresh_norm(member)
            total += dot / (norm * length)
        return total / len(members)

    def _refresh_norm(self, entry: _Entry) -> float:
        """The length of ``entry``'s vector under the bucket's IDF now, kept on the entry with the bucket's size
        (:meth:`_average` refreshes it once the bucket grew by :data:`NORM_REFRESH`)."""
        bucket = self._buckets[entry.bucket]
        # the smoothed IDF over the bucket's articles, each word's computed once while the bucket is unchanged
        # (a story's members share most words, and a match refreshes several of them at once)
        if bucket.idf_at != bucket.version:
            bucket.idf.clear()
            bucket.norms.clear()
            bucket.idf_at = bucket.version
        length = bucket.norms.get(id(entry.terms))
        if length is None:
            idf, df, log, size = bucket.idf, bucket.df, math.log, 1 + bucket.size
            weights = []
            for t, tf in entry.terms.items():
                weight = idf.get(t)
                if weight is None:
                    weight = idf[t] = log(size / (1 + df[t])) + 1.0
                weights.append(tf * weight)
            length = bucket.norms[id(entry.terms)] = math.sqrt(sum([w * w for w in weights])) or 1.0
        entry.norm = length
        entry.norm_at = bucket.size
        return entry.norm


# 1 + ln(count) for the counts most words have, computed once (the same values).
_TF = tuple(1.0 + math.log(count) if count else 0.0 for count in range(64))


def _shared(bucket: _Bucket, terms: dict[int, float]) -> dict[int, float]:
    """``terms``, or the equal vector (the same words in the same order) an article in the bucket has."""
    key = hash(tuple(terms.items()))
    known = bucket.vectors.setdefault(key, terms)
    if known is not terms and (known != terms or list(known) != list(terms)):
        return terms  # another vector with the same hash: not shared
    bucket.users[key] += 1
    return known


def _release(bucket: _Bucket, terms: dict[int, float]) -> None:
    key = hash(tuple(terms.items()))
    if bucket.vectors.get(key) is terms:
        bucket.users[key] -= 1
        if bucket.users[key] <= 0:
            del bucket.users[key], bucket.vectors[key]


def _key(language: str | None) -> str:
    return (language or "").casefold()
