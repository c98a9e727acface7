"""The metadata Khobor keeps from an article page: title, author and date.

Read the way ``trafilatura.metadata.extract_metadata`` reads them (meta tags, then JSON-LD, then the page's
headings and bylines; htmldate for the date), without what Khobor does not keep (site name, categories, tags,
licence) and without the date when the feed dated the entry (the feed's date is the one stored): together about
a fifth of a light page's extraction. The same title, author and date as trafilatura's on the benchmark pages
(tests/digests/test_page_metadata.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import examine_meta, extract_author, extract_meta_json, extract_title, extract_url
from trafilatura.settings import set_date_params

logger = logging.getLogger(__name__)

# trafilatura's defaults: original publication date, extensive search of the text when the markup has none
SEARCHED_DATES: dict[str, Any] = set_date_params(True)


@dataclass(frozen=True, slots=True)
class PageMetadata:
    title: str | None
    author: str | None
    date: str | None  # YYYY-MM-DD


def page_metadata(tree: HtmlElement, url: str, dates: dict[str, Any] | None, *, title: bool = True,
                  author: bool = True) -> PageMetadata:
    """Title, author and (with htmldate's parameters ``dates``; None: not looked for) date of a parsed page.
    ``title``, ``author``: whether they are looked for (False: the feed gave them; they come back None). The
    page's author alone is about a tenth of a light page's extraction: a search of its bylines when the markup
    names none."""
    if not (title or author or dates is not None):
        return PageMetadata(None, None, None)
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None  # a one-word author meta tag is a handle or a site name (as trafilatura has it)
    if title or author:  # JSON-LD gives those (and what Khobor does not keep), never the date
        try:
            metadata = extract_meta_json(tree, metadata)
        except Exception as exc:  # trafilatura's JSON-LD reader fails on some malformed blocks; it goes on without
            logger.debug("extract: JSON-LD metadata of %s unreadable (%s)", url, exc)
    if title and not metadata.title:
        metadata.title = extract_title(tree)
    if author and not metadata.author:
        metadata.author = extract_author(tree)
    if dates is not None:
        if not metadata.url:
            metadata.url = extract_url(tree, url)
        metadata.date = find_date(tree, **{**dates, "url": metadata.url})
    metadata.clean_and_trim()
    return PageMetadata(metadata.title if title else None, metadata.author if author else None, metadata.date)
