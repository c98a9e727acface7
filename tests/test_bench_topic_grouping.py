"""bench/topic_grouping.py tells "placed outside BBC's five sections" apart from "placed under the wrong one"."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).parents[1] / "bench" / "topic_grouping.py"


@pytest.fixture(scope="module")
def grouping() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_topic_grouping", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


TRUTH = ["politics", "politics", "politics", "sport", "sport", "business", "business", "entertainment"]


def test_a_story_under_security_costs_plain_nmi_but_not_the_inside_figures(grouping: ModuleType) -> None:
    found = ["Politics", "Politics", "Security", "Sport", "Sport", "Economy", "Economy", "Culture"]
    figures = grouping.outside(TRUTH, found)
    assert figures.outside == {"Security": 1}
    assert figures.nmi_inside == pytest.approx(1.0)
    assert figures.precision_inside == 1.0
    assert figures.nmi_security_as_politics == pytest.approx(1.0)


def test_a_wrong_section_lowers_the_inside_figures_and_other_topics_are_counted(grouping: ModuleType) -> None:
    found = ["Politics", "Economy", "Health", "Sport", "Sport", "Economy", "Other news", "Culture"]
    figures = grouping.outside(TRUTH, found)
    assert figures.outside == {"Health": 1, "Other news": 1}
    assert figures.precision_inside == pytest.approx(5 / 6)
    assert figures.nmi_inside < 1.0
    lines = grouping.outside_lines(TRUTH, found)
    assert lines[0].startswith("  (not BBC's NMI) Security counted as Politics")
    assert "2 (25.0 %)" in lines[1] and "Health 1" in lines[1] and "Other news 1" in lines[1]
    assert "on the 6 placed under a section's topic" in lines[2]


def test_headlines_outside_are_listed_by_label_and_section(grouping: ModuleType) -> None:
    rows = [{"title": "Singer jailed", "category": "entertainment"}, {"title": "Cup final", "category": "sport"},
            {"title": "Terror law row", "category": "politics"}]
    text = grouping.headlines(rows, ["Security", "Sport", "Security"])
    assert text.splitlines() == ["  Security <- entertainment (1): Singer jailed",
                                 "  Security <- politics (1): Terror law row"]
