"""Properties of feed parsing over any bytes: RSS, Atom and JSON Feed filled with hostile values, garbage, wrong
encodings and deep nesting give entries that can be stored, or an error that says what is wrong ("feed: …");
never an exception, and never the catch-all that loses the whole feed."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digests.feeds import parse_feed
from digests.models import ParsedFeed
from tests.strategies import examples, hostile_text

FEED_URL = "https://news.example/feed"
FEW = examples(150)

json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | hostile_text,
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3),
                           max_leaves=8)
dates = st.one_of(hostile_text, st.datetimes(timezones=st.timezones()).map(datetime.isoformat),
                  st.sampled_from(["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-14:00", "2026-13-45", "",
                                   "Mon, 30 Nov 2026 08:00:00 +0600", "9999-12-31T23:59:59Z"]))
links = st.one_of(st.sampled_from(["https://news.example/a", "/relative", "javascript:x", "", "http://"]),
                  hostile_text, st.builds(lambda t: "https://news.example/" + t, hostile_text))
json_item = st.fixed_dictionaries({}, optional={
    "id": json_values, "url": links | json_values, "external_url": links, "title": hostile_text | json_values,
    "summary": hostile_text | json_values, "content_html": hostile_text, "content_text": hostile_text | json_values,
    "date_published": dates | json_values, "date_modified": dates, "tags": json_values | st.lists(hostile_text),
    "authors": json_values | st.lists(st.fixed_dictionaries({"name": hostile_text | json_values})),
    "author": json_values, "language": hostile_text | json_values})
json_feeds = st.builds(lambda version, title, items, extra: {**extra, "version": version, "title": title,
                                                                "items": items},
                       st.sampled_from(["https://jsonfeed.org/version/1.1", "https://jsonfeed.org/version/1", ""]),
                       hostile_text | json_values, st.lists(json_item | json_values, max_size=5) | json_values,
                       st.dictionaries(st.sampled_from(["language", "author", "authors", "home_page_url"]),
                                       json_values, max_size=2))


def rss(title: str, items: list[tuple[str, str, str, str]], *, raw: bool) -> str:
    text = (lambda value: value) if raw else escape
    body = "".join(f"<item><title>{text(t)}</title><link>{text(link)}</link><description>{text(d)}</description>"
                   f"<pubDate>{text(date)}</pubDate><category>{text(t)}</category></item>"
                   for t, link, d, date in items)
    return f"<rss version=\"2.0\"><channel><title>{text(title)}</title>{body}</channel></rss>"


def atom(title: str, items: list[tuple[str, str, str, str]], *, raw: bool) -> str:
    text = (lambda value: value) if raw else escape
    body = "".join(f"<entry><title type=\"html\">{text(t)}</title><link href=\"{text(link)}\"/>"
                   f"<content type=\"html\">{text(d)}</content><updated>{text(date)}</updated></entry>"
                   for t, link, d, date in items)
    return f"<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>{text(title)}</title>{body}</feed>"


items = st.lists(st.tuples(hostile_text, links, hostile_text, dates), max_size=5)
encodings = st.sampled_from(["utf-8", "utf-16", "latin-1", "cp1252", "koi8-r", "shift_jis"])


@st.composite
def xml_feeds(draw: st.DrawFn) -> tuple[bytes, str | None]:
    kind = draw(st.sampled_from([rss, atom]))
    document = kind(draw(hostile_text), draw(items), raw=draw(st.booleans()))
    declared, actual = draw(encodings), draw(encodings)
    prolog = draw(st.sampled_from(["", f'<?xml version="1.0" encoding="{declared}"?>']))
    body = (prolog + document).encode(actual, errors="replace")
    return body, draw(st.none() | st.sampled_from([f"application/rss+xml; charset={declared}", "text/html",
                                                   "application/json", "text/xml", "text/xml; charset=bogus",
                                                   "text/xml; charset=\x00", "text/xml; charset=utf-32"]))


nested = st.builds(lambda depth, json_like: ("[" * depth if json_like else "<a>" * depth).encode(),
                   st.integers(1, 200_000), st.booleans())
any_feed = st.one_of(
    st.tuples(st.binary(max_size=2_000), st.none() | st.sampled_from(["application/json", "text/xml"])),
    xml_feeds(),
    st.tuples(json_feeds.map(lambda doc: json.dumps(doc).encode()), st.none() | st.just("application/feed+json")),
    st.tuples(nested, st.none()),
)


def assert_storable(parsed: ParsedFeed) -> None:
    """Entries hold UTF-8 text and absolute http(s) links; a feed that gives nothing says why."""
    for entry in parsed.entries:
        assert entry.url.startswith(("http://", "https://"))
        for value in (entry.url, entry.title, entry.summary, entry.author or "", entry.guid or "", *entry.categories):
            value.encode("utf-8")
        assert entry.published is None or entry.published.tzinfo is not None
    if parsed.error is not None:
        assert parsed.error.startswith("feed: ") and "could not be parsed" not in parsed.error, parsed.error
    (parsed.title or "").encode("utf-8")


@FEW
@given(any_feed)
def test_any_bytes_give_entries_or_a_clear_error(feed: tuple[bytes, str | None]) -> None:
    body, content_type = feed
    assert_storable(parse_feed(body, url=FEED_URL, content_type=content_type))


def test_json_feed_dates_at_the_ends_of_time_lose_the_date_not_the_feed(caplog: pytest.LogCaptureFixture) -> None:
    items: list[dict[str, Any]] = [{"url": "https://news.example/a", "title": "A", "date_published": date}
                                   for date in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-14:00")]
    items.append({"url": "https://news.example/b", "title": "B", "date_published": "2026-11-29T08:00:00+06:00"})
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}).encode()
    with caplog.at_level(logging.WARNING):
        parsed = parse_feed(body, url=FEED_URL)
    assert parsed.error is None and [e.title for e in parsed.entries] == ["A", "A", "B"]
    assert [e.published for e in parsed.entries] == [None, None, datetime(2026, 11, 29, 2, 0, tzinfo=UTC)]


@pytest.mark.parametrize("charset", ["utf-16", "utf-32", "cp037", "\x00"])
def test_a_feed_served_with_a_wrong_charset_is_read_by_its_own_declaration(charset: str) -> None:
    """Found probing wrong encodings: a UTF-8 feed served as ``charset=utf-16`` was "not an RSS, Atom or RDF
    feed (not well-formed XML at line 2 …)", and a charset Python cannot decode with lost the whole feed to the
    catch-all ("could not be parsed (ValueError: embedded null character)")."""
    body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><item><title>Té</title>'
            "<link>https://news.example/a</link></item></channel></rss>").encode()
    parsed = parse_feed(body, url=FEED_URL, content_type=f"application/rss+xml; charset={charset}")
    assert parsed.error is None and [e.title for e in parsed.entries] == ["Té"]


def test_a_utf16_feed_served_as_utf16_is_still_read() -> None:
    body = ('<rss version="2.0"><channel><item><title>Té</title><link>https://news.example/a</link></item>'
            "</channel></rss>").encode("utf-16-le")
    parsed = parse_feed(body, url=FEED_URL, content_type="application/rss+xml; charset=utf-16le")
    assert parsed.error is None and [e.title for e in parsed.entries] == ["Té"]
