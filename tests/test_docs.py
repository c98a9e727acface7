"""The README and settings.example.toml tell the truth (issue 14): what a new user reads first."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_no_out_of_date_promises() -> None:
    assert "soon the adapters" not in README
    assert "later summarise" not in (ROOT / "digests" / "__init__.py").read_text(encoding="utf-8")


def test_readme_says_how_to_run_the_benchmarks_and_make_bench_exists() -> None:
    assert "pip install -e '.[bench]'" in README and "make bench" in README
    assert re.search(r"^bench: ", (ROOT / "Makefile").read_text(encoding="utf-8"), re.MULTILINE)


def test_every_bench_script_in_the_table_exists() -> None:
    for script in re.findall(r"bench/(\w+)\.py", README):
        assert (ROOT / "bench" / f"{script}.py").is_file(), script


def test_topic_grouping_figure_names_what_it_was_measured_on() -> None:
    row = next(line for line in README.splitlines() if "bench/topic_grouping.py" in line and line.startswith("|"))
    assert "BBC News Summary" in row and "2,225 articles" in row


def test_readme_documents_summarising_a_page_on_your_own_network() -> None:
    assert "| khobor summarize -`" in README.replace("\\|", "|")


def test_readme_no_longer_says_every_key_is_optional_without_the_exception() -> None:
    assert "needs a `name` and `feeds`" in " ".join(README.split())
    example = (ROOT / "settings.example.toml").read_text(encoding="utf-8")
    assert "needs a `name` and `feeds`" in " ".join(example.replace("#", " ").split())
