"""The language identifier's model: read from py3langid's compressed file once, then from the decompressed copy."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

from digests import language

TEXTS = (
    "The minister said on Tuesday that the budget would be presented to parliament after the elections.",
    "Le ministre a déclaré mardi que le budget serait présenté au parlement après les élections.",
    "Der Minister sagte am Dienstag, der Haushalt werde nach den Wahlen dem Parlament vorgelegt.",
    "মন্ত্রী মঙ্গলবার বলেছেন, নির্বাচনের পরে সংসদে বাজেট পেশ করা হবে।",
    "وزیر نے منگل کو کہا کہ بجٹ انتخابات کے بعد پارلیمنٹ میں پیش کیا جائے گا۔",
    "मंत्री ने मंगलवार को कहा कि बजट चुनाव के बाद संसद में पेश किया जाएगा।",
)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("KHOBOR_CACHE_DIR", str(tmp_path / "cache"))
    language.load_identifier.cache_clear()
    yield tmp_path / "cache"
    language.load_identifier.cache_clear()


def _classify_all() -> list[tuple[str, float]]:
    identifier = language.load_identifier()
    language.load_identifier.cache_clear()
    return [identifier.classify(text) for text in TEXTS]


def test_the_second_load_reads_the_decompressed_copy_and_decides_the_same(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _classify_all()
    kept = language.model_cache()
    assert kept is not None and kept.parent == cache and kept.exists()
    assert [path.name for path in cache.iterdir()] == [kept.name]  # no half-written file left beside it

    def refuse(*args: object, **kwargs: object) -> LanguageIdentifier:
        raise AssertionError("py3langid's compressed model was read again")

    monkeypatch.setattr(LanguageIdentifier, "from_model_file", classmethod(refuse))
    assert _classify_all() == first
    assert [label for label, _ in first] == ["en", "fr", "de", "bn", "ur", "hi"]


def test_a_broken_copy_is_read_past_and_replaced(cache: Path, caplog: pytest.LogCaptureFixture) -> None:
    expected = _classify_all()
    kept = language.model_cache()
    assert kept is not None
    kept.write_bytes(kept.read_bytes()[:1000])  # a copy cut short (a full disk, a killed process)
    with caplog.at_level(logging.INFO, logger="digests.language"):
        assert _classify_all() == expected
    assert "unreadable" in caplog.text
    assert kept.stat().st_size > 10_000_000  # written again, whole
    assert _classify_all() == expected


def test_a_cache_that_cannot_be_written_costs_only_the_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("KHOBOR_CACHE_DIR", str(blocker / "cache"))
    language.load_identifier.cache_clear()
    try:
        with caplog.at_level(logging.INFO, logger="digests.language"):
            label, _ = language.load_identifier().classify(TEXTS[0])
    finally:
        language.load_identifier.cache_clear()
    assert label == "en"
    assert "could not keep the decompressed model" in caplog.text


def test_the_copy_is_named_for_the_model_it_was_made_from(cache: Path) -> None:
    kept = language.model_cache()
    assert kept is not None
    size = (Path(MODEL_DIR) / MODEL_FILE).stat().st_size
    assert kept.name.startswith("py3langid-") and kept.name.endswith(f"-{size}.npz")


def test_without_a_home_directory_there_is_no_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KHOBOR_CACHE_DIR", "XDG_CACHE_HOME", "HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("os.path.expanduser", lambda path: path)  # no HOME, no passwd entry
    assert language.model_cache() is None


def test_what_earlier_copies_left_is_removed_when_a_copy_is_written(cache: Path) -> None:
    """Another release's copy goes, and so does a half-written one an hour old (its writer was killed); a young
    half-written one may be another process's, still writing: it stays."""
    import os
    import time

    kept = language.model_cache()
    assert kept is not None
    cache.mkdir(parents=True)
    older_release = cache / "py3langid-0.3.0-4000000.npz"
    killed = cache / f"{kept.name}abc123.part"
    writing = cache / f"{kept.name}def456.part"
    for path in (older_release, killed, writing):
        path.write_bytes(b"x" * 100)
    hour_ago = time.time() - 3700
    os.utime(killed, (hour_ago, hour_ago))
    _classify_all()
    assert sorted(path.name for path in cache.iterdir()) == sorted([kept.name, writing.name])
