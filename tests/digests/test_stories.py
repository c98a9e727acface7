"""Stories: which articles are one event, the merged summary, the story id."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from digests.models import ArticleDoc
from digests.stories import group_stories, merge_summary, story_id, word_tokens
from tests.digests.news_fixtures import news_day


def _by_id(docs: list[ArticleDoc]) -> list[set[int]]:
    return [{docs[i].id for i in group} for group in group_stories(docs)]


def _together(groups: list[set[int]], *ids: int) -> bool:
    return any(set(ids) <= group for group in groups)


def _apart(groups: list[set[int]], a: int, b: int) -> bool:
    return not _together(groups, a, b)


@pytest.fixture(scope="module")
def day_groups() -> list[set[int]]:
    return _by_id(news_day())


def test_every_doc_in_exactly_one_group() -> None:
    docs = news_day()
    indices = sorted(i for group in group_stories(docs) for i in group)
    assert indices == list(range(len(docs)))


def test_syndicated_copy_with_a_new_headline_merges(day_groups: list[set[int]]) -> None:
    assert _together(day_groups, 0, 1)


def test_trimmed_lightly_edited_copy_merges(day_groups: list[set[int]]) -> None:
    assert _together(day_groups, 0, 1, 2)


def test_three_outlets_rewording_one_wire_report_merge(day_groups: list[set[int]]) -> None:
    # Each outlet rewrote the wire copy in its own sentences, keeping its names and figures.
    assert {17, 18, 19} in day_groups


def test_two_cricket_matches_on_the_same_day_stay_apart(day_groups: list[set[int]]) -> None:
    assert _apart(day_groups, 6, 7)


def test_two_floods_in_different_districts_stay_apart(day_groups: list[set[int]]) -> None:
    assert _apart(day_groups, 8, 9)


def test_different_events_never_share_a_group(day_groups: list[set[int]]) -> None:
    events = [{0, 1, 2}, {3, 4, 5, 16}, {17, 18, 19}, {6}, {7}, {8}, {9}, {10}, {11, 12}, {13}, {14}, {15}]
    for group in day_groups:
        assert sum(bool(group & event) for event in events) == 1, group


def test_single_source_story_stays_alone(day_groups: list[set[int]]) -> None:
    assert {10} in day_groups


def test_bengali_copies_merge_and_never_join_the_english_report(day_groups: list[set[int]]) -> None:
    assert {11, 12} in day_groups
    assert _apart(day_groups, 8, 11)  # the same Sylhet flood, in English and in Bengali
    assert _apart(day_groups, 7, 14)  # the same Perth Test, in English and in Hindi
    assert _apart(day_groups, 6, 13)


@pytest.mark.xfail(strict=True, reason="known limit: reports written independently, sharing names and figures "
                   "but little wording (cosine 0.35-0.65), merge only in part at the conservative threshold")
def test_independently_written_reports_of_one_event_merge(day_groups: list[set[int]]) -> None:
    assert _together(day_groups, 3, 4, 5, 16)


def test_independent_reports_never_merge_with_other_events(day_groups: list[set[int]]) -> None:
    merged = [group for group in day_groups if group & {3, 4, 5, 16}]
    assert all(group <= {3, 4, 5, 16} for group in merged)


def test_groups_ordered_by_size_then_recency() -> None:
    docs = news_day()
    groups = group_stories(docs)
    sizes = [len(g) for g in groups]
    assert sizes == sorted(sizes, reverse=True)
    singles = [g[0] for g in groups if len(g) == 1]
    published = [docs[i].published for i in singles]
    assert published == sorted(published, reverse=True)  # type: ignore[type-var]


def test_empty_and_wordless_input() -> None:
    assert group_stories([]) == []
    blank = [ArticleDoc(id=i, title="", text="123 456", summary=(), source="x", url=f"https://x.example/{i}")
             for i in range(3)]
    assert sorted(map(sorted, group_stories(blank))) == [[0], [1], [2]]


def test_missing_language_and_dates_are_handled() -> None:
    docs = [replace(d, language=None, published=None) for d in news_day()[:3]]
    assert group_stories(docs) == [[0, 1, 2]]


def test_scales_to_a_big_day() -> None:
    base = news_day()
    start = datetime(2025, 6, 10, tzinfo=UTC)
    docs = [replace(base[i % len(base)], id=i, url=f"https://x.example/{i}", title=f"{base[i % len(base)].title} {i}",
                    published=start + timedelta(minutes=i)) for i in range(2000)]
    groups = group_stories(docs)  # its speed is bench/stories_scale.py's to measure
    assert sum(len(g) for g in groups) == 2000


def test_word_tokens_keep_combining_marks_and_drop_stop_words() -> None:
    assert word_tokens("The Floods in SYLHET") == ["floods", "sylhet"]
    assert "বন্যায়" in word_tokens("সিলেটে আকস্মিক বন্যায় ১২ জনের মৃত্যু")
    assert "विधानसभा" in word_tokens("विधानसभा चुनाव की तारीखों का ऐलान")


# merge_summary


def test_merge_summary_never_repeats_a_sentence() -> None:
    first = ("Floods killed 12 people in Sylhet on Monday.", "The army was deployed.")
    second = ("FLOODS killed 12 people in Sylhet on Monday!", "The army has been deployed.",
              "Schools were closed across the district.")
    merged = merge_summary([first, second], max_sentences=10, max_chars=1000)
    assert merged == ("Floods killed 12 people in Sylhet on Monday.", "The army was deployed.",
                      "Schools were closed across the district.")


def test_merge_summary_drops_a_sentence_that_only_trims_one_already_taken() -> None:
    first = ("Bangladesh Bank raised its policy rate by 50 basis points to 10 percent on Sunday.",)
    second = ("Bangladesh Bank raised its policy rate to 10 percent.", "Traders expect lending rates to rise.")
    merged = merge_summary([first, second], max_sentences=5, max_chars=1000)
    assert merged == (first[0], "Traders expect lending rates to rise.")


def test_merge_summary_keeps_a_negated_sentence() -> None:
    merged = merge_summary([("The bridge will open on Friday.",), ("The bridge will not open on Friday.",)],
                           max_sentences=3, max_chars=1000)
    assert len(merged) == 2


def test_merge_summary_first_article_order_then_novel_sentences() -> None:
    merged = merge_summary([("B first.", "A second."), ("C from another outlet.",)], max_sentences=3,
                           max_chars=1000)
    assert merged == ("B first.", "A second.", "C from another outlet.")


def test_merge_summary_respects_budget_without_cutting() -> None:
    sentences = ("One short sentence here.", "A much longer second sentence that will not fit in the budget.",
                 "Third fits.")
    merged = merge_summary([sentences], max_sentences=3, max_chars=40)
    assert merged == ("One short sentence here.", "Third fits.")
    assert sum(len(s) for s in merged) + len(merged) - 1 <= 40
    assert merge_summary([sentences], max_sentences=1, max_chars=1000) == ("One short sentence here.",)
    assert merge_summary([sentences], max_sentences=3, max_chars=5) == ()


def test_merge_summary_handles_empty_and_bengali() -> None:
    assert merge_summary([], max_sentences=3, max_chars=100) == ()
    assert merge_summary([("", "  ")], max_sentences=3, max_chars=100) == ()
    bn = ("সিলেটে বন্যায় ১২ জনের মৃত্যু হয়েছে।",)
    assert merge_summary([bn, bn], max_sentences=3, max_chars=200) == bn


# story_id


def test_story_id_is_short_stable_and_ignores_tracking_parameters() -> None:
    a = story_id(["https://www.example.com/news/ferry?utm_source=x", "https://other.example/y"])
    assert a == story_id(["https://example.com/news/ferry"])
    assert len(a) == 12 and a.isalnum()
    assert a != story_id(["https://example.com/news/flood"])
    with pytest.raises(ValueError, match="stories"):
        story_id([])
