"""Stories assigned one article at a time (the story index) make the decisions the window-wide grouping makes."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from math import log, sqrt
from typing import Any

import pytest

from digests.models import ArticleDoc
from digests.story_index import MAX_CANDIDATES, MIN_SHARED, NORM_REFRESH, QUERY_TERMS, StoryIndex
from digests.story_words import story_words
from tests.digests.news_fixtures import news_day

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def assign(docs: Sequence[ArticleDoc], index: StoryIndex | None = None) -> list[set[int]]:
    """Feed ``docs`` to an index in order, as the collector stores them; the stories as sets of doc ids."""
    index = index or StoryIndex()
    stories: dict[int, set[int]] = {}
    for doc in docs:
        words = story_words(doc.title, doc.text)
        story = index.match(words, doc.language)
        if story is None:
            story = 1000 + doc.id
        index.add(article_id=doc.id, story_id=story, words=words, language=doc.language, arrived=NOW)
        stories.setdefault(story, set()).add(doc.id)
    return list(stories.values())


@pytest.fixture(scope="module")
def day() -> list[set[int]]:
    docs = sorted(news_day(), key=lambda d: (d.published or NOW, d.id))  # in the order they were published
    return assign(docs)


def together(groups: list[set[int]], *ids: int) -> bool:
    return any(set(ids) <= group for group in groups)


def test_copies_and_edited_copies_join_the_first_report(day: list[set[int]]) -> None:
    assert together(day, 0, 1, 2)
    assert {17, 18, 19} in day  # one wire report reworded by three outlets


def test_look_alike_events_stay_apart(day: list[set[int]]) -> None:
    assert not together(day, 6, 7)  # two cricket matches
    assert not together(day, 8, 9)  # two floods
    assert {10} in day


def test_different_events_never_share_a_story(day: list[set[int]]) -> None:
    events = [{0, 1, 2}, {3, 4, 5, 16}, {17, 18, 19}, {6}, {7}, {8}, {9}, {10}, {11, 12}, {13}, {14}, {15}]
    for group in day:
        assert sum(bool(group & event) for event in events) == 1, group


def test_languages_never_share_a_story(day: list[set[int]]) -> None:
    assert {11, 12} in day
    assert not together(day, 8, 11)  # the same Sylhet flood in English and in Bengali
    assert not together(day, 7, 14)


def test_an_article_finds_its_story_only_within_the_horizon() -> None:
    ferry, copy = news_day()[0], news_day()[1]
    index = StoryIndex(horizon=timedelta(hours=48))
    index.add(article_id=ferry.id, story_id=7, words=story_words(ferry.title, ferry.text), language="en",
              arrived=NOW - timedelta(hours=50))
    assert index.match(story_words(copy.title, copy.text), "en") == 7
    assert index.expire(now=NOW) == 1
    assert len(index) == 0
    assert index.match(story_words(copy.title, copy.text), "en") is None


def test_a_discarded_article_is_forgotten() -> None:
    ferry, copy = news_day()[0], news_day()[1]
    index = StoryIndex()
    index.add(article_id=ferry.id, story_id=7, words=story_words(ferry.title, ferry.text), language="en", arrived=NOW)
    index.discard(ferry.id)  # its transaction was rolled back
    assert ferry.id not in index
    assert index.match(story_words(copy.title, copy.text), "en") is None


def test_a_copy_is_found_among_thousands_and_common_words_alone_are_no_match() -> None:
    # 2,000 unrelated articles sharing common words; the rare words find the one a new article repeats.
    index = StoryIndex()
    for n in range(2000):
        words = [f"place{n}", f"name{n}", "said", "government", f"thing{n % 50}"] * 3
        index.add(article_id=n, story_id=n, words=words, language="en", arrived=NOW)
    assert index.match([f"place{1234}", f"name{1234}", "said", "government", "thing34"] * 3, "en") == 1234
    assert index.match(["said", "government", "thing34"] * 3, "en") is None


def test_a_digest_reads_the_stored_stories_of_a_large_window_and_regroups_a_small_one() -> None:
    from dataclasses import replace

    from digests.compose import REGROUP_UP_TO, story_groups

    day = news_day()
    stored = [replace(doc, id=n, story_id=n % 7) for n, doc in enumerate(day * (REGROUP_UP_TO // len(day) + 1))]
    assert sorted(sorted(g) for g, _ in story_groups(stored)) == [list(range(k, len(stored), 7)) for k in range(7)]
    small = [replace(doc, story_id=0) for doc in day]  # a cold index's story: the window is grouped afresh
    assert len(story_groups(small)) > 1


def reference_score(query: list[str], members: list[list[str]]) -> float:
    """The index's similarity written from its definition: the average over the story's members of the cosine of
    TF-IDF vectors (1 + ln(count); smoothed IDF over the stored articles, the query counted in its own)."""
    from collections import Counter
    from math import log, sqrt

    counts = [Counter(words) for words in members]
    n = len(members)

    def df(word: str) -> int:
        return sum(word in c for c in counts)

    q = {w: 1 + log(c) for w, c in Counter(query).items()}
    idf_q = {w: log((2 + n) / (2 + df(w))) + 1 for w in q}
    norm_q = sqrt(sum((tf * idf_q[w]) ** 2 for w, tf in q.items()))
    total = 0.0
    for c in counts:
        m = {w: 1 + log(k) for w, k in c.items()}
        norm_m = sqrt(sum((tf * (log((1 + n) / (1 + df(w))) + 1)) ** 2 for w, tf in m.items()))
        total += sum(tf * m[w] * idf_q[w] ** 2 for w, tf in q.items() if w in m) / (norm_q * norm_m)
    return total / n


def test_the_similarity_is_the_tf_idf_cosine_to_the_story_members_on_average() -> None:
    first = ["river", "ferry", "capsized", "dhaka", "rescue", "boats", "divers", "searched", "river", "night"]
    second = ["ferry", "capsized", "near", "dhaka", "divers", "rescue", "passengers", "river", "police"]
    query = ["dhaka", "ferry", "capsized", "river", "divers", "rescue", "search", "continues", "ferry"]
    score = reference_score(query, [first, second])
    assert 0.2 < score < 1
    for threshold, joins in ((score - 1e-9, True), (score + 1e-9, False)):
        index = StoryIndex(threshold=threshold)
        for article_id, words in ((1, first), (2, second)):
            index.add(article_id=article_id, story_id=7, words=words, language="en", arrived=NOW)
        assert index.match(query, "en") == (7 if joins else None)


class PlainIndex(StoryIndex):
    """The index as first written (every member's dot product and every IDF computed afresh, candidates ranked by
    ``Counter.most_common``, the query's unknown words given keys of their own): the faster index must make its
    decisions to the last bit."""

    def match(self, words: Sequence[str], language: str | None) -> int | None:
        bucket = self._buckets.get(language or "")
        if bucket is None or not words:
            return None
        query = self.plain_vector(words)
        df, size = bucket.df, 2 + bucket.size
        idf = {t: log(size / (2 + (df.get(t, 0) if t >= 0 else 0))) + 1.0 for t in query}
        norm = sqrt(sum((tf * idf[t]) ** 2 for t, tf in query.items()))
        scaled = {t: tf * idf[t] * idf[t] for t, tf in query.items()}
        best, best_score = None, self.threshold
        for story in self._candidate_stories(query, bucket):
            score = self._average(scaled, norm, story)
            if score >= best_score:
                best, best_score = story, score
        return best

    def plain_vector(self, words: Sequence[str]) -> dict[int, float]:
        counts = Counter(words).items()
        return {self._terms.get(w, -1 - i): 1 + log(c) for i, (w, c) in enumerate(counts)}

    def _candidate_stories(self, query: dict[int, float], bucket: Any) -> list[int]:
        df = bucket.df
        rare = sorted([t for t in query if t >= 0 and df.get(t, 0) > 0], key=df.__getitem__)[:QUERY_TERMS]
        hits: Counter[int] = Counter()
        for term in rare:
            hits.update(bucket.postings.get(term, ()))
        enough = max(1, min(MIN_SHARED, len(rare) // 4))
        stories: dict[int, None] = {}
        for article_id, shared in hits.most_common(MAX_CANDIDATES):
            if shared < enough:
                break
            if article_id in self._entries:
                stories.setdefault(self._entries[article_id].story_id)
        return list(stories)

    def _average(self, scaled: dict[int, float], norm: float, story: int) -> float:
        members = [self._entries[a] for a in self._stories.get(story, ()) if a in self._entries]
        if not members or norm == 0:
            return 0.0
        total = 0.0
        for member in members:
            small, large = (member.terms, scaled) if len(member.terms) < len(scaled) else (scaled, member.terms)
            total += sum([v * large[t] for t, v in small.items() if t in large]) / (norm * self._norm(member))
        return total / len(members)

    def _norm(self, entry: Any) -> float:
        bucket = self._buckets[entry.bucket]
        if not entry.norm or bucket.size > entry.norm_at * NORM_REFRESH:
            size = 1 + bucket.size
            weights = [tf * (log(size / (1 + bucket.df[t])) + 1.0) for t, tf in entry.terms.items()]
            entry.norm = sqrt(sum([w * w for w in weights])) or 1.0
            entry.norm_at = bucket.size
        return entry.norm


def test_decisions_are_the_plain_computations_to_the_last_bit() -> None:
    # events told many times: verbatim copies (one vector shared), edited copies, look-alikes sharing words,
    # a story grown past the members averaged and words past the postings kept, old articles expiring
    rng = random.Random(5)
    vocabulary = [f"w{n}" for n in range(400)]
    events = [rng.sample(vocabulary, 40) for _ in range(60)]
    fast, plain = StoryIndex(horizon=timedelta(hours=5)), PlainIndex(horizon=timedelta(hours=5))
    next_story = 1
    for n in range(1500):
        words = list(events[min(int(rng.expovariate(0.15)), 59)])
        if rng.random() < 0.5:  # an edited copy: words dropped, swapped, repeated
            words = [w if rng.random() > 0.15 else rng.choice(vocabulary) for w in words if rng.random() > 0.1]
            words += rng.sample(words, 3)
        arrived = NOW + timedelta(minutes=n)
        story = fast.match(words, "en")
        assert story == plain.match(words, "en")
        if n:
            candidates = fast._candidate_stories(fast._vector(words), fast._buckets["en"])
            assert candidates == plain._candidate_stories(plain.plain_vector(words), plain._buckets["en"])
        if story is None:
            story, next_story = next_story, next_story + 1
        for index in (fast, plain):
            index.add(article_id=n, story_id=story, words=words, language="en", arrived=arrived)
            if n % 100 == 0:
                index.expire(now=arrived)
    assert len(fast) == len(plain) and 30 < next_story < 1500, next_story


def test_verbatim_copies_share_one_vector_until_the_last_is_forgotten() -> None:
    index = StoryIndex(horizon=timedelta(hours=1))
    copy = ["ferry", "capsized", "meghna", "chandpur", "divers", "ferry"]
    for n, words in enumerate([copy, copy, list(copy), [*copy, "rain"]]):
        index.add(article_id=n, story_id=1, words=words, language="en", arrived=NOW + timedelta(minutes=n))
    terms = [index._entries[n].terms for n in range(4)]
    assert terms[0] is terms[1] is terms[2] and terms[3] is not terms[0]
    assert index.match(copy, "en") == 1
    index.discard(0)
    assert index._entries[1].terms is terms[0]
    assert index.expire(now=NOW + timedelta(hours=2)) == 3
    assert not index._buckets["en"].vectors and not index._buckets["en"].users
