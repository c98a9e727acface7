"""JSON Feed 1.0 and 1.1 through parse_feed: the same FeedEntry values as RSS, and the same safety."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from digests.feeds import parse_feed
from digests.models import FeedEntry, ParsedFeed

FEED_URL = "https://news.example.org/feeds/world/feed.json"

FEED_1_0 = {
    "version": "https://jsonfeed.org/version/1",
    "title": "World  News",
    "home_page_url": "https://news.example.org/",
    "author": {"name": "The Desk"},
    "items": [
        {"id": "1", "url": "/world/one", "title": "First <b>story</b>",
         "content_html": "<p>First <b>paragraph</b>.</p><script>alert(1)</script><p>Second.</p>",
         "date_published": "2024-01-01T10:00:00+06:00", "author": {"name": "Rina Das"},
         "tags": ["Politics", "politics", " Dhaka "]},
        {"id": 2, "external_url": "two.html", "content_text": "Plain  text\nbody.",
         "date_modified": "2024-01-02T00:00:00Z"},
        {"id": "3", "url": "mailto:desk@news.example.org", "title": "Not http"},
        {"id": "4", "title": "No url at all"},
    ],
}

FEED_1_1 = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Khobor 1.1",
    "language": "bn-BD",
    "authors": [{"name": "Feed Author"}],
    "items": [
        {"id": "a", "url": "https://news.example.org/a", "title": "Two writers", "summary": "Short summary.",
         "content_html": "<p>Long body</p>", "authors": [{"name": "Karim"}, {"url": "https://x"}, {"name": "Rina"}],
         "date_published": "2024-02-03T10:00:00+05:30", "language": "en-GB"},
        {"id": "b", "url": "../b", "date_published": "2100-01-01T00:00:00Z"},
        {"id": "c", "url": "https://news.example.org/c", "date_published": "yesterday-ish"},
    ],
}


def _body(document: object) -> bytes:
    return json.dumps(document).encode()


def test_json_feed_1_0_with_author() -> None:
    feed = parse_feed(_body(FEED_1_0), url=FEED_URL, content_type="application/feed+json")
    assert feed.error is None
    assert feed.title == "World News"
    first, second = feed.entries
    assert first == FeedEntry(
        url="https://news.example.org/world/one", title="First <b>story</b>", summary="First paragraph. Second.",
        author="Rina Das", published=datetime(2024, 1, 1, 4, 0, tzinfo=UTC), guid="1",
        categories=("Politics", "Dhaka"))
    assert second.url == "https://news.example.org/feeds/world/two.html"  # external_url, relative
    assert (second.title, second.summary, second.guid) == ("", "Plain text body.", "2")
    assert second.author == "The Desk"  # the feed's author stands in
    assert second.published == datetime(2024, 1, 2, tzinfo=UTC)  # date_modified stands in


def test_json_feed_1_1_with_authors_language_and_dates() -> None:
    feed = parse_feed(_body(FEED_1_1), url=FEED_URL, content_type="application/feed+json; charset=utf-8")
    assert feed.error is None
    first, future, undated = feed.entries
    assert (first.author, first.summary, first.language) == ("Karim, Rina", "Short summary.", "en")
    assert first.published == datetime(2024, 2, 3, 4, 30, tzinfo=UTC)
    assert future.url == "https://news.example.org/feeds/b"
    assert (future.title, future.author, future.language) == ("", "Feed Author", "bn")
    assert future.published is None  # far in the future
    assert undated.published is None  # unreadable


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/json", "application/octet-stream"])
def test_json_feed_recognised_by_body_or_media_type(content_type: str | None) -> None:
    feed = parse_feed(b"\xef\xbb\xbf  " + _body(FEED_1_1), url=FEED_URL, content_type=content_type)
    assert len(feed.entries) == 3 and feed.error is None


def test_rss_served_as_json_still_parses() -> None:
    rss = b'<rss version="2.0"><channel><title>T</title><item><link>https://x.example/1</link></item></channel></rss>'
    feed = parse_feed(rss, url=FEED_URL, content_type="application/json")
    assert [entry.url for entry in feed.entries] == ["https://x.example/1"]


@pytest.mark.parametrize(("body", "start"), [
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"url": "https://x.example/1"}',
     "feed: not valid JSON"),
    (b'{"version": "https://jsonfeed.org/version/1.1",}', "feed: not valid JSON at line 1 column 48"),
    (b"[" * 100_000 + b"]" * 100_000, "feed: JSON could not be read (RecursionError)"),
    (b'{"items": [{"id": ' + b"9" * 5000 + b"}]}", "feed: JSON could not be read (ValueError)"),
    (b"[1, 2, 3]", "feed: got JSON, but not a JSON Feed"),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": {"url": "x"}}', 'feed: the JSON Feed has no "items"'),
])
def test_broken_json_keeps_nothing_and_says_why(body: bytes, start: str) -> None:
    feed = parse_feed(body, url=FEED_URL, content_type="application/feed+json")
    assert feed.entries == []
    assert feed.error is not None and feed.error.startswith(start), feed.error


def test_hostile_values_are_ignored_or_made_safe() -> None:
    items: list[object] = [
        None, 7, "a string", {"url": 12}, {"url": ["https://x.example/list"]}, {"url": "javascript:alert(1)"},
        {"url": "//evil.example/path", "id": True, "title": "\udc80bad\ud800", "tags": "not-a-list",
         "authors": "nobody", "author": {"name": {"first": "x"}}, "date_published": 1700000000,
         "language": "english please", "summary": None, "content_html": 42, "content_text": ["x"]},
        {"url": "https://x.example/long", "title": "t" * 50_000, "tags": ["x" * 500, *map(str, range(50))],
         "content_text": "w " * 300_000},
    ]
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": ["no"], "items": items}).encode()
    feed = parse_feed(body, url=FEED_URL, content_type="application/feed+json")
    assert feed.error is None and feed.title is None
    hostile, long = feed.entries
    assert hostile == FeedEntry(url="https://evil.example/path", title="\ufffdbad\ufffd", summary="")
    hostile.title.encode("utf-8")  # stores and prints
    assert len(long.title) == 1_000 and len(long.summary) == 200_000
    assert len(long.categories) == 20 and all(len(term) <= 100 for term in long.categories)


def test_no_item_with_a_link_is_an_error_and_an_empty_feed_is_not() -> None:
    none_linked = {"version": "https://jsonfeed.org/version/1", "items": [{"id": "1"}, {"url": "ftp://x/y"}]}
    feed = parse_feed(_body(none_linked), url=FEED_URL)
    assert feed.error == "feed: none of its 2 items has an http(s) url; nothing to fetch"
    empty = {"version": "https://jsonfeed.org/version/1.1", "title": "Quiet", "items": []}
    assert parse_feed(_body(empty), url=FEED_URL) == ParsedFeed(title="Quiet", entries=[], error=None)


def test_overlong_item_list_is_cut_and_said() -> None:
    items = [{"url": f"https://x.example/{n}"} for n in range(1_500)]
    feed = parse_feed(_body({"version": "https://jsonfeed.org/version/1.1", "items": items}), url=FEED_URL)
    assert len(feed.entries) == 1_000
    assert feed.error == "feed: 1500 items; read the first 1000"
