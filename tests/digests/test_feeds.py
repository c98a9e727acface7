"""parse_feed on handwritten RSS/Atom/RDF fixtures, broken inputs, and the shared feed corpus."""

from __future__ import annotations

import io
import random
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

from digests import feeds
from digests.feeds import parse_feed
from digests.models import ParsedFeed

FEED_URL = "https://news.example.org/feeds/world/rss.xml"
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CORPUS = SHARED / "data" / "feeds-corpus"

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>World &amp; Region</title>
  <link>https://news.example.org/</link>
  <item>
    <title>AT&amp;T &lt;b&gt;bold&lt;/b&gt; move &#8217;s here</title>
    <link>/world/one</link>
    <description><![CDATA[<p>First <b>paragraph</b>.</p>
      <p>Second&nbsp;one &amp; more.</p><script>alert("x")</script><ul><li>item</li></ul>]]></description>
    <dc:creator>Rina Das</dc:creator>
    <pubDate>Mon, 01 Jan 2024 10:00:00 +0600</pubDate>
    <guid isPermaLink="false">story-1</guid>
  </item>
  <item>
    <title>Relative without slash</title>
    <link>two.html</link>
    <pubDate>not a date at all</pubDate>
  </item>
  <item>
    <title>Parent relative</title>
    <link>../three</link>
    <pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate>
  </item>
  <item>
    <title>Permalink guid only</title>
    <guid isPermaLink="true">https://news.example.org/world/four</guid>
  </item>
  <item>
    <title>No link at all</title>
    <guid isPermaLink="false">orphan</guid>
  </item>
  <item>
    <title>Not http</title>
    <link>mailto:desk@news.example.org</link>
  </item>
</channel>
</rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">Atom &lt;em&gt;News&lt;/em&gt;</title>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2024-02-03T04:05:06Z</updated>
  <entry>
    <title>Atom entry</title>
    <link rel="alternate" type="text/html" href="/atom/one"/>
    <link rel="enclosure" href="https://cdn.example.org/one.mp3"/>
    <id>tag:news.example.org,2024:1</id>
    <published>2024-02-03T10:00:00+05:30</published>
    <updated>2024-02-04T10:00:00+05:30</updated>
    <author><name>Karim Uddin</name></author>
    <summary type="html">&lt;p&gt;Escaped &lt;i&gt;HTML&lt;/i&gt; summary&lt;/p&gt;</summary>
  </entry>
  <entry>
    <title>Content only</title>
    <link href="https://news.example.org/atom/two"/>
    <id>tag:news.example.org,2024:2</id>
    <updated>2024-02-05T00:00:00Z</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Inline <b>XHTML</b> body.</p></div></content>
  </entry>
</feed>
"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://news.example.org/rdf">
    <title>RDF News</title>
    <link>https://news.example.org/</link>
    <items><rdf:Seq><rdf:li rdf:resource="https://news.example.org/rdf/1"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://news.example.org/rdf/1">
    <title>RDF item</title>
    <link>https://news.example.org/rdf/1</link>
    <description>Plain description.</description>
    <dc:date>2024-04-01T12:00:00+02:00</dc:date>
  </item>
</rdf:RDF>
"""


def test_rss2_entries_titles_summaries_and_dates() -> None:
    feed = parse_feed(RSS, url=FEED_URL, content_type="application/rss+xml; charset=utf-8")
    assert feed.error is None
    assert feed.title == "World & Region"
    first = feed.entries[0]
    assert first.url == "https://news.example.org/world/one"
    assert first.title == "AT&T bold move ’s here"
    assert first.summary == "First paragraph. Second one & more. item"
    assert first.author == "Rina Das"
    assert first.published == datetime(2024, 1, 1, 4, 0, tzinfo=UTC)
    assert first.published.tzinfo is UTC
    assert first.guid is not None and first.guid.endswith("story-1")


def test_rss2_relative_links_bad_dates_and_missing_links() -> None:
    feed = parse_feed(RSS, url=FEED_URL)
    by_title = {entry.title: entry for entry in feed.entries}
    assert by_title["Relative without slash"].url == "https://news.example.org/feeds/world/two.html"
    assert by_title["Parent relative"].url == "https://news.example.org/feeds/three"
    assert by_title["Permalink guid only"].url == "https://news.example.org/world/four"
    assert by_title["Relative without slash"].published is None  # unparseable
    assert by_title["Parent relative"].published is None  # far in the future
    assert "No link at all" not in by_title and "Not http" not in by_title
    assert feed.error is None  # some entries lacking links is not a broken feed


def test_atom_entries() -> None:
    feed = parse_feed(ATOM, url="https://news.example.org/atom.xml", content_type="application/atom+xml")
    assert feed.error is None
    assert feed.title == "Atom News"
    first, second = feed.entries
    assert first.url == "https://news.example.org/atom/one"
    assert first.author == "Karim Uddin"
    assert first.summary == "Escaped HTML summary"
    assert first.published == datetime(2024, 2, 3, 4, 30, tzinfo=UTC)
    assert first.guid == "tag:news.example.org,2024:1"
    assert second.summary == "Inline XHTML body."
    assert second.published == datetime(2024, 2, 5, tzinfo=UTC)  # updated stands in for published


HOSTILE_ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://news.example.org/section/">
  <title type="html"><![CDATA[Desk<script>function run() { steal(); }</script> news]]></title>
  <entry>
    <title type="html"><![CDATA[<b onmouseover="steal()">Flood</b> <style>b { color: red }</style>warning]]></title>
    <link href="flood.html"/>
    <content type="html"><![CDATA[<p>Rivers rose.</p><iframe src="javascript:steal()"></iframe>
      <a href="../map">Map</a><img src="x" onerror="steal()"><noscript><p>Enable scripts</p></noscript>]]></content>
  </entry>
  <entry>
    <title>Comment left open</title>
    <link href="https://news.example.org/two"/>
    <summary type="html"><![CDATA[Shown <!-- -- not closed >hidden<script>steal()</script>]]></summary>
  </entry>
</feed>
"""


def test_markup_in_a_feed_is_read_as_text_without_scripts_styles_or_hidden_parts() -> None:
    """feedparser does not rewrite the HTML in entries (Khobor keeps only its text): scripts, styles, event handlers
    and what an unclosed comment hides never reach the text, and links still resolve against ``xml:base``."""
    feed = parse_feed(HOSTILE_ATOM, url="https://news.example.org/atom.xml", content_type="application/atom+xml")
    assert feed.error is None
    assert feed.title == "Desk news"
    flood, comment = feed.entries
    assert flood.url == "https://news.example.org/section/flood.html"
    assert flood.title == "Flood warning"
    assert "Rivers rose." in flood.summary and "Map" in flood.summary
    assert "steal" not in f"{flood.title} {flood.summary}" and "color" not in flood.title
    assert comment.summary == "Shown"


def test_rdf_entries() -> None:
    feed = parse_feed(RDF, url="https://news.example.org/rdf")
    assert feed.error is None
    assert feed.title == "RDF News"
    (entry,) = feed.entries
    assert entry.url == "https://news.example.org/rdf/1"
    assert entry.summary == "Plain description."
    assert entry.published == datetime(2024, 4, 1, 10, 0, tzinfo=UTC)


def test_non_utf8_charset_declared_in_xml() -> None:
    body = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Caf\u00e9 du Monde</title>'
        "<item><title>Cr\u00e8me br\u00fbl\u00e9e</title><link>https://example.fr/a</link></item></channel></rss>"
    ).encode("iso-8859-1")
    feed = parse_feed(body, url="https://example.fr/rss")
    assert feed.title == "Café du Monde"
    assert feed.entries[0].title == "Crème brûlée"


def test_charset_from_content_type_header() -> None:
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>\u041d\u043e\u0432\u043e\u0441\u0442\u0438</title>'
        "<item><title>\u041c\u043e\u0441\u043a\u0432\u0430</title><link>https://example.ru/a</link></item>"
        "</channel></rss>"
    ).encode("windows-1251")
    feed = parse_feed(body, url="https://example.ru/rss", content_type="application/xml; charset=windows-1251")
    assert feed.title == "Новости"
    assert feed.entries[0].title == "Москва"


def test_broken_xml_keeps_entries_read_before_the_error() -> None:
    body = (
        b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>T</title>\n'
        b"<item><title>Good</title><link>https://example.com/good</link></item>\n"
        b"<item><title>Bad</wrong></item>\n</channel></rss>"
    )
    feed = parse_feed(body, url="https://example.com/rss")
    assert [entry.url for entry in feed.entries] == ["https://example.com/good"]
    assert feed.error is not None
    assert feed.error.startswith("feed: not well-formed XML at line 4: mismatched tag")


def test_truncated_feed() -> None:
    feed = parse_feed(RSS[: RSS.index(b"<item>", RSS.index(b"<item>") + 1) + 40], url=FEED_URL)
    assert len(feed.entries) == 1
    assert feed.error is not None and "not well-formed XML" in feed.error


def test_html_page_instead_of_feed() -> None:
    page = (
        b"<!DOCTYPE html><html><head><title>News</title>"
        b'<link rel="alternate" type="application/rss+xml" href="/rss.xml"></head>'
        b"<body><h1>Welcome</h1><p>Latest news</p></body></html>"
    )
    feed = parse_feed(page, url="https://example.com/news/", content_type="text/html; charset=utf-8")
    assert feed.entries == []
    assert feed.error is not None
    assert feed.error.startswith("feed: got an HTML page, not RSS/Atom; check the feed URL")
    assert "https://example.com/rss.xml" in feed.error


def test_html_page_without_content_type() -> None:
    feed = parse_feed(b"<html><body><p>hello</p></body></html>", url="https://example.com/")
    assert feed.error == "feed: got an HTML page, not RSS/Atom; check the feed URL"


@pytest.mark.parametrize("body", [b"", b"   \n\t "])
def test_empty_body(body: bytes) -> None:
    feed = parse_feed(body, url=FEED_URL)
    assert feed == ParsedFeed(title=None, error="feed: the server sent an empty body; check the feed URL")


@pytest.mark.parametrize("seed", range(5))
def test_random_garbage(seed: int) -> None:
    body = random.Random(seed).randbytes(3000)
    feed = parse_feed(body, url=FEED_URL)
    assert feed.entries == []
    assert feed.error is not None and feed.error.startswith("feed: ")


def test_plain_text_is_not_a_feed() -> None:
    feed = parse_feed(b"Service temporarily unavailable", url=FEED_URL)
    assert feed.error is not None and feed.error.startswith("feed: not an RSS, Atom or RDF feed")


def test_json_that_is_not_a_json_feed_is_reported_clearly() -> None:
    feed = parse_feed(b'{"status": "ok", "data": [1, 2]}', url=FEED_URL, content_type="application/json")
    assert feed.entries == []
    assert feed.error is not None and feed.error.startswith("feed: got JSON, but not a JSON Feed")


def test_all_entries_without_links_is_an_error() -> None:
    items = b"<item><title>A</title></item><item><title>B</title></item>"
    body = b'<rss version="2.0"><channel><title>T</title>' + items + b"</channel></rss>"
    feed = parse_feed(body, url=FEED_URL)
    assert feed.entries == []
    assert feed.error == "feed: none of its 2 entries has an http(s) link; nothing to fetch"


def test_valid_empty_feed_is_not_an_error() -> None:
    feed = parse_feed(b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>', url=FEED_URL)
    assert feed == ParsedFeed(title="Quiet", entries=[], error=None)


def test_feed_served_as_text_html_still_parses() -> None:
    feed = parse_feed(RDF, url="https://news.example.org/rdf", content_type="text/html")
    assert len(feed.entries) == 1
    assert feed.error is None


def test_body_naming_a_local_file_is_not_opened(tmp_path: Path) -> None:
    local = tmp_path / "secret.xml"
    local.write_bytes(RSS)
    feed = parse_feed(str(local).encode(), url=FEED_URL)
    assert feed.entries == []


def test_unexpected_exception_becomes_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(feedparser, "parse", explode)
    feed = parse_feed(RSS, url=FEED_URL)
    assert feed == ParsedFeed(title=None, error="feed: could not be parsed (RuntimeError: boom)")


def test_html_to_text_on_odd_fragments() -> None:
    assert feeds.html_to_text("") == ""
    assert feeds.html_to_text("a\x00b <b>c</b>") == "ab c"
    assert feeds.html_to_text("5 < 6 &amp; 7 > 3") == "5 < 6 & 7 > 3"
    assert feeds.html_to_text("<style>p{}</style><p>x</p>") == "x"


# --- the shared corpus: feedparser's own test feeds and miniflux's captured real feeds ---------------


def _corpus_files() -> list[tuple[str, bytes]]:
    if not CORPUS.is_dir():
        pytest.skip(f"../shared/data absent: {CORPUS} not found (sibling checkout of the repo)")
    files: list[tuple[str, bytes]] = []
    for name in ("feedparser-tests.tar.gz", "miniflux-testdata.tar.gz"):
        with tarfile.open(CORPUS / name) as archive:
            for member in archive.getmembers():
                handle = archive.extractfile(member) if member.isfile() else None
                if handle is not None:
                    files.append((member.name, handle.read()))
    return files


def _declared_content_type(body: bytes) -> str | None:
    """feedparser's fixtures carry simulated response headers in a leading comment."""
    for line in body[:2000].decode("latin-1").splitlines():
        key, _, value = line.strip().partition(":")
        if key.lower() == "header" and value.strip().lower().startswith("content-type:"):
            return value.split(":", 1)[1].strip()
    return None


def test_corpus_never_raises_and_keeps_linked_entries() -> None:
    files = _corpus_files()
    linked = kept = 0
    for name, body in files:
        feed = parse_feed(body, url=f"https://corpus.example/{name}", content_type=_declared_content_type(body))
        assert isinstance(feed, ParsedFeed), name
        assert feed.error is None or feed.error.startswith("feed: "), name
        reference = feedparser.parse(io.BytesIO(body))
        if not reference.get("bozo") and any(entry.get("link") for entry in reference.entries):
            linked += 1
            kept += bool(feed.entries)
    assert len(files) > 2000
    assert linked > 50
    assert kept >= 0.95 * linked, f"only {kept} of {linked} well-formed feeds with links gave entries"


def test_item_categories_from_rss_atom_and_dublin_core() -> None:
    rss = """<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
    <title>T</title><item><title>Tigers win</title><link>https://x.example/sport/1</link>
    <category>Sport</category><category>sport</category><category>  Cricket </category><dc:subject>খেলা</dc:subject>
    </item></channel></rss>""".encode()
    atom = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
    <entry><title>Budget</title><link href="https://x.example/a/2"/><id>2</id><updated>2026-11-01T00:00:00Z</updated>
    <category term="business" label="Business"/></entry></feed>"""
    assert parse_feed(rss, url=FEED_URL).entries[0].categories == ("Sport", "Cricket", "খেলা")
    assert parse_feed(atom, url=FEED_URL).entries[0].categories == ("Business",)
