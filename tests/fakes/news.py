"""Synthetic news for tests: RSS/Atom feeds and article pages the project writes itself.

Every article gets its own sentences (built from its number and topic), so no two pages share a text
unless a test wants a syndicated copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

from aiohttp import web

from tests.fakes.webserver import WebServer

BASE_TIME = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
TOPICS = ("river flooding", "port expansion", "cricket final", "power tariff", "school exams", "rail link")


@dataclass(frozen=True, slots=True)
class FakeArticle:
    path: str
    title: str
    paragraphs: tuple[str, ...]
    published: datetime

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def make_article(feed: str, n: int) -> FakeArticle:
    """Article ``n`` of ``feed``: a title, five distinct paragraphs and a publication time."""
    topic = TOPICS[n % len(TOPICS)]
    town = f"{feed.title()}pur-{n}"
    paragraphs = tuple(
        f"Officials in {town} said on day {n} that the {topic} had reached stage {k}. "
        f"Residents of ward {n * 10 + k} told reporters that the {topic} changed their plans for week {k}. "
        f"The district office of {feed} promised a review of the {topic} by month {k + n}."
        for k in range(1, 6)
    )
    return FakeArticle(path=f"/{feed}/news/{n}", title=f"{topic.title()} update {n} from {feed}",
                       paragraphs=paragraphs, published=BASE_TIME - timedelta(hours=n))


def article_page(article: FakeArticle, *, author: str = "Staff Reporter") -> str:
    """A full page: navigation, the article with metadata, related links and a footer."""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
    return f"""<!doctype html><html lang="en"><head><title>{escape(article.title)} | Daily Fake</title>
<meta name="author" content="{escape(author)}">
<meta property="article:published_time" content="{article.published.isoformat()}">
</head><body>
<nav><a href="/">Home</a> <a href="/politics">Politics</a> <a href="/sport">Sport</a> Subscribe now</nav>
<article><h1>{escape(article.title)}</h1><p class="byline">By {escape(author)}</p>{body}</article>
<aside><h3>Most read</h3><ul><li><a href="/x">Celebrity chef opens a restaurant</a></li></ul></aside>
<footer>Copyright Daily Fake. All rights reserved. Privacy policy. Cookie settings.</footer>
</body></html>"""


def rss(title: str, base: str, articles: list[FakeArticle]) -> str:
    """An RSS 2.0 feed of ``articles`` with links under ``base``."""
    items = "\n".join(
        f"<item><title>{escape(a.title)}</title><link>{base}{a.path}?utm_source=rss&amp;utm_medium=feed</link>"
        f"<description>{escape(a.paragraphs[0])}</description>"
        f"<pubDate>{format_datetime(a.published)}</pubDate></item>"
        for a in articles
    )
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
            f"<link>{base}/</link><description>test</description>{items}</channel></rss>")


def atom(title: str, base: str, articles: list[FakeArticle]) -> str:
    """An Atom feed of ``articles`` with links under ``base``."""
    entries = "\n".join(
        f"<entry><title>{escape(a.title)}</title><link href=\"{base}{a.path}\"/><id>{base}{a.path}</id>"
        f"<updated>{a.published.isoformat()}</updated><summary>{escape(a.paragraphs[0])}</summary></entry>"
        for a in articles
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{escape(title)}</title><id>{base}/</id><updated>{BASE_TIME.isoformat()}</updated>"
            f"{entries}</feed>")


def serve_feed(server: WebServer, path: str, body: str, *, etag: str, content_type: str) -> None:
    """Serve a feed that answers conditional requests with 304 like a well-behaved publisher."""

    async def handler(request: web.Request) -> web.StreamResponse:
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(text=body, content_type=content_type, charset="utf-8",
                            headers={"ETag": etag, "Last-Modified": format_datetime(BASE_TIME, usegmt=True)})

    server.route(path, handler)


def serve_site(server: WebServer, feed: str, count: int, *, kind: str = "rss") -> list[FakeArticle]:
    """A feed called ``feed`` at /<feed>/feed with ``count`` article pages; returns the articles."""
    articles = [make_article(feed, n) for n in range(count)]
    base = server.url("").rstrip("/")
    render = rss if kind == "rss" else atom
    content_type = "application/rss+xml" if kind == "rss" else "application/atom+xml"
    serve_feed(server, f"/{feed}/feed", render(feed, base, articles), etag=f'"{feed}-v1"',
               content_type=content_type)
    for article in articles:
        server.add_text(article.path, article_page(article))
    return articles
