"""page_metadata reads the title, author and date trafilatura's extract_metadata reads, and no date when told not to."""

from __future__ import annotations

import gzip
import json
from copy import deepcopy

import pytest
import trafilatura
from lxml.etree import tostring
from trafilatura.metadata import extract_metadata

from digests.page_metadata import SEARCHED_DATES, PageMetadata, page_metadata
from tests.conftest import shared_data
from tests.digests.test_extract import URL, article_page


def trafilaturas(html: str, url: str) -> PageMetadata:
    document = extract_metadata(trafilatura.load_html(html), url, {**SEARCHED_DATES})
    return PageMetadata(document.title, document.author, document.date)


def test_the_same_metadata_as_trafilatura() -> None:
    page = article_page()
    assert page_metadata(trafilatura.load_html(page), URL, SEARCHED_DATES) == trafilaturas(page, URL) == PageMetadata(
        "Riverside library reopens after flood repairs", "Mira Sengupta", "2024-03-05")


def test_no_date_looked_for_when_not_asked() -> None:
    assert page_metadata(trafilatura.load_html(article_page()), URL, None).date is None


def test_what_the_feed_gave_is_not_looked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    """A feed that named the title and author spares the page's search for them (its bylines: a tenth of a light
    page's extraction); with the date too, the page's metadata is not read at all."""
    from digests import page_metadata as module

    def searched(*_: object) -> None:
        raise AssertionError("searched the page for what the feed gave")

    monkeypatch.setattr(module, "extract_author", searched)
    tree = trafilatura.load_html(article_page())
    assert page_metadata(tree, URL, SEARCHED_DATES, author=False) == PageMetadata(
        "Riverside library reopens after flood repairs", None, "2024-03-05")
    monkeypatch.setattr(module, "examine_meta", searched)
    assert page_metadata(tree, URL, None, title=False, author=False) == PageMetadata(None, None, None)


def test_the_page_is_left_as_it_was() -> None:
    tree = trafilatura.load_html(article_page())
    before = deepcopy(tree)
    page_metadata(tree, URL, SEARCHED_DATES)
    assert tostring(tree) == tostring(before)  # one parse serves both metadata and text


def test_benchmark_pages_give_trafilaturas_metadata() -> None:
    path = shared_data("extraction-benchmark", "scrapinghub", "articles.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        pages = [json.loads(line) for _, line in zip(range(60), lines, strict=False)]
    ours = [page_metadata(trafilatura.load_html(p["html"]), p["url"], SEARCHED_DATES) for p in pages]
    assert ours == [trafilaturas(p["html"], p["url"]) for p in pages]
    assert sum(m.author is not None for m in ours) > 10 and all(m.title for m in ours)
