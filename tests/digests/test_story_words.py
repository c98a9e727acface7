"""Story words: the lead is tokenised from the text's opening only, with the same tokens as the whole text's."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from digests.story_words import LEAD_WORDS, lead_tokens, story_words, word_tokens

ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"


def texts() -> list[str]:
    fixtures = [path.read_text(encoding="utf-8") for path in sorted(ARTICLES.glob("*.txt"))]
    bengali = next(text for text in fixtures if "\u09be" in text)  # ো written as ে + া, as most Bengali web text
    decomposed = unicodedata.normalize("NFD", bengali).replace("\u09cb", "\u09c7\u09be")
    return [
        *fixtures, *(text * 4 for text in fixtures), decomposed,
        "Ünïcödé " * 300,  # composed letters
        unicodedata.normalize("NFD", "Ünïcödé Straße " * 300),  # combining marks after every base letter
        "word \u0301mark " * 300,  # a combining mark right after a space
        "nospaces" * 500, "", " ", "the of and " * 400 + "harbour ferry " * 200,  # stop words first
        "A\u200cB \u200dC " * 400,  # joiners at word edges
    ]


@pytest.mark.parametrize("count", [1, 7, LEAD_WORDS, 1000])
def test_lead_tokens_are_the_first_tokens_of_the_whole_text(count: int) -> None:
    for text in texts():
        for end in (len(text), 1681, 1700, 2500, 7000):
            assert lead_tokens(text[:end], count) == word_tokens(text[:end])[:count], (text[:30], end)


def test_story_words_are_the_headline_twice_and_the_lead() -> None:
    text = (ARTICLES / "en.txt").read_text(encoding="utf-8")
    words = story_words("Ferry capsizes in the Meghna", text)
    assert words[:6] == ["ferry", "capsizes", "meghna", "ferry", "capsizes", "meghna"]
    assert words[6:] == word_tokens(text)[:LEAD_WORDS]
    assert story_words("x", text, tokenize=str.split) == ["x", "x", *text.split()[:LEAD_WORDS]]
