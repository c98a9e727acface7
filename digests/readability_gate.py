"""trafilatura's comparison with readability, run only when its answer could differ from the main extractor's.

After its own extractor, trafilatura (outside its fast mode) runs readability over the raw page and compares:
readability's text replaces the own one only when the own text is empty, when readability's is more than twice
as long, or when the own body is structurally poor (no paragraph text, more tables than paragraphs); justext is
tried only for a short or unclean own body (``trafilatura.external.compare_extraction``). Readability's text is
part of the page's visible text, so when the own text is long, clean, made of paragraphs and more than half of
all the page's text, the comparison keeps it whatever readability finds. That is the usual light article page,
and readability costs a quarter of its extraction. There the comparison is skipped; on every other page it
runs as before, so extraction gives the same output either way (checked on the benchmark pages, see
tests/digests/test_readability_gate.py).

:func:`gating` wraps trafilatura's function in place (once per process, and only if it has the signature this
reasoning was checked against) and turns the gate on for the extractions inside it; trafilatura called
elsewhere in the process runs unchanged.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from lxml.etree import _Element

logger = logging.getLogger(__name__)

Compare = Callable[[Any, Any, Any, str, Any], tuple[Any, str]]

_NAME = "compare_extraction"
_SIGNATURE = ["cleaned_tree", "raw_tree", "body", "text", "options"]
# readability drops these before scoring (trafilatura.readability_lxml.Document.summary)
_DROPPED = frozenset({"script", "style", "fencedframe"})
_ON: ContextVar[bool] = ContextVar("readability_gate", default=False)


@contextmanager
def gating() -> Iterator[None]:
    """Extractions inside skip readability where it cannot change their result (see the module's docstring)."""
    install()
    token = _ON.set(True)
    try:
        yield
    finally:
        _ON.reset(token)


@functools.cache
def install() -> bool:
    """Wrap ``trafilatura.core.compare_extraction`` with the gate (once); True when it is installed."""
    from trafilatura import core, external

    current = getattr(core, _NAME)  # internal: not in trafilatura's exports
    if getattr(current, "gated", False):
        return True
    if current is not getattr(external, _NAME) or list(inspect.signature(current).parameters) != _SIGNATURE:
        logger.info("extract: trafilatura's compare_extraction is not the one checked; readability always runs")
        return False
    setattr(core, _NAME, gated(current, sanitized=external.SANITIZED_XPATH))
    return True


def gated(compare: Compare, *, sanitized: str) -> Compare:
    """``compare`` skipped when it would keep the own extraction anyway (see the module's docstring)."""

    def compare_extraction(cleaned_tree: Any, raw_tree: Any, body: Any, text: str, options: Any) -> tuple[Any, str]:
        if _ON.get() and keeps_own(raw_tree, body, text, options, sanitized=sanitized):
            return body, text
        return compare(cleaned_tree, raw_tree, body, text, options)

    compare_extraction.gated = True  # type: ignore[attr-defined]
    return compare_extraction


def keeps_own(raw_tree: _Element, body: _Element, text: str, options: Any, *, sanitized: str) -> bool:
    """Whether trafilatura's comparison would return ``body`` and ``text`` unchanged, whatever readability finds.

    False when not sure: recall mode (other rules), a short own text or an unclean body (justext is tried), a
    body without paragraph text or with more tables than paragraphs, or readability possibly finding more
    than twice the own text (the page's visible text, every character of it counted, bounds readability's)."""
    if options.focus == "recall" or len(text) < options.min_extracted_size:
        return False
    if body.xpath(sanitized) or not body.xpath(".//p//text()"):
        return False
    if len(body.findall(".//table")) > len(body.findall(".//p")):
        return False
    return page_chars(raw_tree) <= 2 * len(text)


def page_chars(tree: _Element) -> int:
    """Characters of the page's text as readability sees it (scripts and styles left out), whitespace counted."""
    chars = 0
    for element in tree.iter():
        if isinstance(element.tag, str) and element.tag not in _DROPPED and element.text:
            chars += len(element.text)
        if element.tail:
            chars += len(element.tail)
    return chars
