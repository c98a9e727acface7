"""Main text, title, author, date and language of an article page (trafilatura + digests.language)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import regex
import trafilatura
from lxml.html import HtmlElement

from digests.language import choose_language
from digests.models import ExtractedArticle
from digests.readability_gate import install as gate_readability

logger = logging.getLogger(__name__)

# Fewer words than this is a stub, not an article: paywall teasers, consent walls and "page not found"
# texts are a sentence or two. The shortest hand-marked article bodies in the scrapinghub benchmark have 69
# words, and its one page where trafilatura finds fewer than 40 is a 39-word reprint notice.
# Unspaced scripts (Chinese, Japanese, Thai, ...) count one word per two characters.
MIN_WORDS = 40
_OPENING_CHARS = 2000
_CHARS_PER_WORD = 8  # the first opening: enough for the minimum in any spaced script (English: ~6 a word)

_SPACED_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}\u200c\u200d]*")
_UNSPACED_CHAR = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]")
_LANG_TAG = regex.compile(r"^([a-zA-Z]{2})(?:[-_].*)?$")
_LANGUAGE_META = (
    "//meta[translate(@http-equiv, 'CONTENT-LANGUAGE', 'content-language')='content-language']/@content"
    " | //meta[@property='og:locale']/@content"
)

_SNIFF_SKIP = b"\xef\xbb\xbf \t\r\n\f"
_SKIPPABLE = ((b"<?", b"?>"), (b"<!--", b"-->"))
# fmt: off
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title", b"<script", b"<div",
                b"<p>", b"<iframe")
# fmt: on

# Measured with bench/extraction_quality.py: precision mode without comments raises F1 on the scrapinghub
# set (0.967 vs 0.953 for trafilatura's defaults) and precision on trafilatura's multilingual set (0.923 vs
# 0.897) for a little recall there (0.914 vs 0.947, F1 0.919 vs 0.921): boilerplate in a summary costs
# more than a missed paragraph.
_EXTRACTION_OPTIONS: dict[str, Any] = {
    "with_metadata": True,
    "favor_precision": True,
    "include_comments": False,  # reader comments are not the article
    "include_tables": True,
    "include_images": False,
    "include_links": False,
}
# htmldate's extensive search runs dateparser over the page's text nodes when its markup (meta tags, JSON-LD,
# <time>, the URL) names no date: 6 of the 9 ms a light page costs. A collected entry whose feed dated it
# needs no date from the page, so that search is skipped for it; the markup is still read.
_MARKUP_DATES_ONLY: dict[str, Any] = {"extensive_search": False, "original_date": True}


def extract_article(html: bytes | str, *, url: str, dated: bool = False) -> ExtractedArticle | None:
    """Extract the main text and metadata of an article page.

    ``html`` may be bytes in any encoding (trafilatura decodes it) or text. Returns None when the page
    has no usable article text (fewer than :data:`MIN_WORDS` words, script-only, unparseable). The date
    has day precision (midnight UTC of the publication day); ``dated`` (the caller has the date already): it is
    only read from the page's markup, not searched for in its text. Never raises.
    """
    try:
        return _extract(html, url, dated)
    except Exception:  # hostile pages make lxml/trafilatura raise assorted errors; one page is never fatal
        logger.warning("extract: %s could not be extracted; skipping the article", url, exc_info=True)
        return None


def _extract(html: bytes | str, url: str, dated: bool) -> ExtractedArticle | None:
    gate_readability()
    tree = trafilatura.load_html(html)
    if tree is None:
        return None
    declared = _declared_language(tree)
    document = trafilatura.bare_extraction(tree, url=url, date_extraction_params=_MARKUP_DATES_ONLY if dated else None,
                                           **_EXTRACTION_OPTIONS)
    if document is None or isinstance(document, dict):
        return None
    text = (document.text or "").strip()
    if not enough_words(text):
        return None
    return ExtractedArticle(
        text=text,
        title=_clean(document.title),
        author=_clean(document.author),
        published=_parse_day(document.date),
        language=choose_language(declared, text),
    )


def looks_like_html(body: bytes) -> bool:
    """Whether ``body`` starts like an HTML document (a byte sniff in the spirit of WHATWG MIME sniffing).

    Leading whitespace, a byte-order mark, an XML declaration and comments are skipped, so XHTML pages
    count too. Feeds never start with these tags, so a feed is never taken for HTML.
    """
    head = body[:4096].lstrip(_SNIFF_SKIP).lower()
    while True:
        closer = next((close for open_, close in _SKIPPABLE if head.startswith(open_)), None)
        if closer is None:
            return head.startswith(_HTML_STARTS)
        end = head.find(closer)
        if end < 0:
            return False
        head = head[end + len(closer) :].lstrip(_SNIFF_SKIP)


def enough_words(text: str, minimum: int = MIN_WORDS) -> bool:
    """Whether ``text`` has at least ``minimum`` words. Growing openings are counted first: a prefix never has
    more words than the whole, and almost every article has enough in its first few lines (counting all of a
    long text costs more than extracting a light page's)."""
    for size in (minimum * _CHARS_PER_WORD, _OPENING_CHARS):
        if word_count(text[:size]) >= minimum:
            return True
        if len(text) <= size:
            return False
    return word_count(text) >= minimum


def word_count(text: str) -> int:
    """Words in ``text``; in scripts written without spaces, one word per two characters."""
    unspaced = len(_UNSPACED_CHAR.findall(text))
    spaced = len(_SPACED_WORD.findall(_UNSPACED_CHAR.sub(" ", text)))
    return spaced + unspaced // 2


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    return " ".join(value.split()) or None


def _parse_day(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value[:10], "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None


def _declared_language(tree: HtmlElement) -> str | None:
    root = tree.getroottree().getroot()
    candidates = [root.get("lang"), root.get("{http://www.w3.org/XML/1998/namespace}lang")]
    candidates += root.xpath(_LANGUAGE_META)
    for value in candidates:
        match = _LANG_TAG.match(str(value or "").strip())
        if match:
            return match.group(1).lower()
    return None
