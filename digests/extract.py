"""Main text, title, author, date and language of an article page (trafilatura + digests.language)."""

from __future__ import annotations

import logging
from copy import copy
from datetime import UTC, datetime

import regex
import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import Extractor

from digests.language import choose_language
from digests.models import ExtractedArticle
from digests.page_metadata import SEARCHED_DATES, page_metadata
from digests.readability_gate import gating

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
_OPTIONS = Extractor(
    output_format="python",
    with_metadata=False,  # read by digests.page_metadata, only what is kept
    precision=True,
    comments=False,  # reader comments are not the article
    tables=True,
    images=False,
    links=False,
)


def extract_article(html: bytes | str, *, url: str, dated: bool = False, titled: bool = False,
                    signed: bool = False) -> ExtractedArticle | None:
    """Extract the main text and metadata of an article page.

    ``html`` may be bytes in any encoding (trafilatura decodes it) or text. Returns None when the page
    has no usable article text (fewer than :data:`MIN_WORDS` words, script-only, unparseable). The date
    has day precision (midnight UTC of the publication day); ``dated`` (the caller has the date already): the
    page's date is not looked for (``published`` is None). htmldate's search of a page's text for a date, when
    its markup names none, is most of a light page's cost. Likewise ``titled`` and ``signed`` (the caller has the
    title, the author): ``title``, ``author`` are None. Never raises.
    """
    try:
        return _extract(html, url, dated, titled, signed)
    except Exception:  # hostile pages make lxml/trafilatura raise assorted errors; one page is never fatal
        logger.warning("extract: %s could not be extracted; skipping the article", url, exc_info=True)
        return None


def _extract(html: bytes | str, url: str, dated: bool, titled: bool, signed: bool) -> ExtractedArticle | None:
    tree = trafilatura.load_html(html)
    if tree is None:
        return None
    declared = _declared_language(tree)
    with gating():
        document = trafilatura.bare_extraction(tree, options=_options(url))  # it extracts from a copy of the tree
    if document is None or isinstance(document, dict):
        return None
    text = (document.text or "").strip()
    if not enough_words(text):
        return None
    metadata = page_metadata(tree, url, None if dated else SEARCHED_DATES, title=not titled, author=not signed)
    return ExtractedArticle(
        text=text,
        title=_clean(metadata.title),
        author=_clean(metadata.author),
        published=_parse_day(metadata.date),
        language=choose_language(declared, text),
    )


def _options(url: str) -> Extractor:
    """The extraction options for a page at ``url``: a copy of the shared ones (building trafilatura's Extractor
    reads a dozen settings through ConfigParser, a few percent of a light page's extraction)."""
    options = copy(_OPTIONS)
    options.url = options.source = url
    return options


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
