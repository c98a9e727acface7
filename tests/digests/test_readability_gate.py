"""trafilatura's readability comparison is skipped only where it cannot change the extraction."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from typing import Any

import pytest
import trafilatura
from trafilatura import core, external

from digests.extract import extract_article
from digests.readability_gate import gated, install, page_chars
from tests.conftest import shared_data
from tests.digests.test_extract import BODY_PARAGRAPHS, URL, article_page

LIGHT_PAGE = ('<!doctype html><html lang="en"><head><title>Library reopens</title></head><body><article>'
              "<h1>Library reopens</h1>" + "".join(f"<p>{p}</p>" for p in BODY_PARAGRAPHS) + "</article></body></html>")


def counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Install the gate over a trafilatura comparison that records each run."""
    runs: list[str] = []

    def compare(cleaned: Any, raw: Any, body: Any, text: str, options: Any) -> tuple[Any, str]:
        runs.append(text)
        return external.compare_extraction(cleaned, raw, body, text, options)

    monkeypatch.setattr(core, "compare_extraction", gated(compare, sanitized=external.SANITIZED_XPATH))
    return runs


def ungated(monkeypatch: pytest.MonkeyPatch, extract: Callable[[], object]) -> object:
    with monkeypatch.context() as patch:
        patch.setattr(core, "compare_extraction", external.compare_extraction)
        return extract()


def test_the_gate_is_installed_on_the_trafilatura_in_use() -> None:
    # An upgrade that renames or reshapes compare_extraction turns the gate off: this says so.
    assert install()
    assert getattr(core.compare_extraction, "gated", False)


def test_trafilatura_called_outside_khobors_extraction_is_not_gated(monkeypatch: pytest.MonkeyPatch) -> None:
    runs = counting(monkeypatch)
    assert trafilatura.extract(LIGHT_PAGE) and len(runs) == 1


def test_a_light_article_page_skips_readability_with_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    runs = counting(monkeypatch)
    article = extract_article(LIGHT_PAGE, url=URL)
    assert article is not None and runs == []
    assert article == ungated(monkeypatch, lambda: extract_article(LIGHT_PAGE, url=URL))


def test_a_page_mostly_boilerplate_still_compares(monkeypatch: pytest.MonkeyPatch) -> None:
    menu = "".join(f'<li><a href="/{i}">Section {i} of the site</a></li>' for i in range(80))
    noisy = article_page().replace("<footer>", f"<nav><ul>{menu}</ul></nav><footer>")  # most of its text a menu
    runs = counting(monkeypatch)
    article = extract_article(noisy, url=URL)
    assert article is not None and len(runs) == 1
    assert article == ungated(monkeypatch, lambda: extract_article(noisy, url=URL))


def test_page_chars_leaves_out_scripts_and_styles_but_keeps_their_tails() -> None:
    from lxml.html import fromstring

    tree = fromstring("<html><body><p>abc</p><script>var x = 1;</script>de<style>p{}</style><!-- note -->f</body>"
                      "</html>")
    assert page_chars(tree) == len("abcdef")


def test_benchmark_pages_extract_the_same_with_and_without_the_gate(monkeypatch: pytest.MonkeyPatch) -> None:
    path = shared_data("extraction-benchmark", "scrapinghub", "articles.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        pages = [json.loads(line) for _, line in zip(range(60), lines, strict=False)]
    runs = counting(monkeypatch)
    gated_out = [extract_article(page["html"], url=page["url"]) for page in pages]
    assert 0 < len(runs) < len(pages)  # some pages skip readability, some do not
    assert gated_out == ungated(monkeypatch, lambda: [extract_article(p["html"], url=p["url"]) for p in pages])
