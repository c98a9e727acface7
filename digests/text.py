"""Sentences and words of article text in any supported language, with page boilerplate removed.

:class:`Tokenizer` is what sumy's parsers and summarizers take: ``to_sentences`` uses sentencex (which
knows the danda ``।`` and the Urdu full stop ``۔``) and ``to_words`` keeps combining marks, so Bengali and
Hindi vowel signs stay inside their words; page boilerplate is dropped by
:mod:`digests.boilerplate`'s patterns. Stop words come from sumy or stopwordsiso (see :func:`stop_words`);
stemmers are the Snowball project's (PyStemmer), and there is none for Bengali, Hindi or Urdu.
"""

from __future__ import annotations

import functools
import pkgutil
import threading
import unicodedata
from collections.abc import Callable, Iterator

import regex
import sentencex

from digests import boilerplate

# A word is letters with their combining marks and joiners; an apostrophe or hyphen between letters stays inside
# it ("don't", "company's", "high-speed", "l'homme"). Split there, the pieces "s", "t", "high" would count as
# the article's commonest words and blur the support ranking: keeping them whole measured +1 ROUGE-2 on the
# tuning split (bench/summary_quality.py), and sumy's stop lists spell contractions whole ("don't", "it's").
_LETTERS = r"\p{L}[\p{L}\p{M}\u200c\u200d]*"
WORD = regex.compile(_LETTERS + r"(?:['’‐-]" + _LETTERS + ")*")
# A sentence with fewer words (whitespace-separated tokens) is a fragment: a button label, a caption, a stray
# heading.
MIN_SENTENCE_WORDS = 4
# A line with no sentence-final punctuation and fewer words is a heading, byline, dateline or button row.
MIN_BARE_LINE_WORDS = 8
# A line of at most this many sentences whose last one is a photo credit is a caption (a caption and its credit),
# dropped whole; a longer one is prose, and only the credit goes (a text pasted as one line may end in one).
MAX_CAPTION_SENTENCES = 3

_FINAL = ".!?।॥۔؟…。！？\"'”’»)"
_FINAL_TUPLE = tuple(_FINAL)
_STEMMED = {
    "da": "danish", "de": "german", "en": "english", "es": "spanish", "fi": "finnish", "fr": "french",
    "hu": "hungarian", "it": "italian", "nl": "dutch", "no": "norwegian", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sv": "swedish",
}  # fmt: skip
# stopwordsiso's Urdu list came through a broken font encoding (میں is stored as هیں, سے as ضے), so most of
# its entries never occur in real text; these are the commonest Urdu function words it misses.
_EXTRA_STOP_WORDS = {
    "ur": "کا کی کے میں نے کو سے وہ بھی تھا تھی تھے گیا گئی گئے کہا کر کرنے کیا جو اس ان یہ ہے ہیں اور پر"
    " لیے لئے ایک کہ تک بعد ہو رہا رہی رہے والے والی جس جن"
}

# Titles that sentencex takes for a sentence end ("ড. নাসরিন হক", "डॉ. अंजलि सिन्हा"); it knows the English ones.
_ABBREVIATIONS: dict[str, frozenset[str]] = {
    "bn": frozenset({"ড", "ডা", "মো", "মোসা", "মোছা", "মোহা", "অধ্যা", "প্রফে", "বি", "এ", "লে", "জে", "ক্যা"}),
    "hi": frozenset({"डॉ", "डा", "प्रो", "श्री", "मो", "स्व", "सं", "ई"}),
}


class Tokenizer:
    """Sentences and lowercase words of a language, for sumy's parsers and for :mod:`digests.summarize`."""

    def __init__(self, language: str | None) -> None:
        self.language = language or "en"

    def to_sentences(self, text: str) -> tuple[str, ...]:
        """The sentences of ``text`` with boilerplate lines, sentences and fragments removed."""
        return tuple(article_sentences(text, self.language))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        """Lowercase words of ``sentence`` (curly apostrophes made straight); digits and punctuation are not words."""
        return tuple(WORD.findall(sentence.lower().replace("’", "'")))


def article_sentences(text: str, language: str | None) -> list[str]:
    """Sentences of an article's text, in order, without bylines, credits, captions, links, buttons or fragments.

    The text is NFC-normalised first (see :func:`split_sentences`). Each line is taken as a paragraph (the
    way trafilatura writes them); hard-wrapped lines are joined first, and a list item's bullet is taken off.
    Sentences are split with sentencex and then checked against the boilerplate tables. A sentence the page
    repeats (a pull quote, a recipe's line) is kept once, where it first appears.
    """
    code = language or "en"
    drop_line, drop_phrase, credit = boilerplate.patterns(code)
    sentences: list[str] = []
    seen: set[str] = set()
    for line in _paragraphs(unicodedata.normalize("NFC", text)):
        line = boilerplate.strip_inline(_unbulleted(line))
        if drop_line.match(line) or _is_bare_line(line):
            continue
        pieces = split_sentences(line, code)
        if 1 < len(pieces) <= MAX_CAPTION_SENTENCES and credit.match(pieces[-1]):
            continue  # a photo's caption and its credit
        for sentence in map(_unbulleted, pieces):
            if sentence not in seen and _word_count(sentence) >= MIN_SENTENCE_WORDS and not (
                drop_line.match(sentence) or drop_phrase.search(sentence)
            ):
                sentences.append(sentence)
                seen.add(sentence)
    return sentences


def prose(sentences: list[str]) -> list[str]:
    """The sentences that end as sentences do: in a full stop, question or exclamation mark, danda, Urdu or CJK full
    stop or ellipsis, or a closing quote or bracket; and that do not start with a lowercase word. Headings, list
    items, table rows, lines cut off by a page and the rest of a sentence a line break cut do not, and a summary made
    of them reads badly (or repeats the headline). All of them when none does: a list, or a script written without
    such marks."""
    whole = [s for s in sentences if s.endswith(_FINAL_TUPLE) and not _starts_lowercase(s)]
    return whole or sentences


def _starts_lowercase(text: str) -> bool:
    """Whether ``text`` starts with a lowercase letter that does not begin a word like "iPhone" or "eBay"."""
    return text[:1].islower() and not text[1:2].isupper()


def split_sentences(text: str, language: str | None) -> list[str]:
    """sentencex's sentences of ``text``, stripped, with its splits after abbreviations and decimals undone.

    The text is NFC-normalised first: most Bengali text on the web stores ো as ে + া, and the title list
    (and every word comparison after it) is in composed form. sentencex splits "ডা. রহমান" (Dr. Rahman)
    and "৫.৫" (5.5 in Bengali digits); a piece ending in a known title or a lone word with a full stop, or
    in "<digit>." before a digit, is joined to the next one, and so is a piece that starts with a lowercase
    word ("... his days in Wham! through to ..."). sentencex never splits inside quotes, so one unclosed quote
    glues every sentence after it together: a danda or Urdu full stop followed by a space always ends a
    sentence (they have no other use).
    """
    code = language or "en"
    titles = _ABBREVIATIONS.get(code, frozenset())
    merged: list[str] = []
    pieces = _segment(code, unicodedata.normalize("NFC", text))
    for piece in (part.strip() for whole in pieces for part in _SURE_END.split(whole)):
        if not piece:
            continue
        if merged and _continues(merged[-1], piece, titles):
            merged[-1] = f"{merged[-1]} {piece}" if not piece[0].isdigit() else merged[-1] + piece
        else:
            merged.append(piece)
    return merged


def _segment(language: str, text: str) -> list[str]:
    try:
        return list(sentencex.segment(language, text))
    except UnicodeEncodeError:  # lone surrogates from a bad decode cannot cross into sentencex's Rust
        return list(sentencex.segment(language, text.encode("utf-8", "replace").decode("utf-8")))


def stop_words(language: str | None) -> frozenset[str]:
    """Lowercase stop words of ``language``; empty when no list has it.

    sumy's own list where it has one (English, German, French, Spanish, Italian, Portuguese, Swedish...),
    otherwise stopwordsiso's (Bengali, Hindi, Urdu with the repairs above, Dutch, Russian...). On English
    news the longer stopwordsiso list (1,298 words, against sumy's 580) also removes content words such as
    "new", "year", "million" and "government", and cost 2 ROUGE-2 points in bench/summary_quality.py.
    """
    return _stop_words(language or "en")


def stemmer(language: str | None) -> Callable[[str], str]:
    """The Snowball stemmer of ``language`` (lowercasing), or plain lowercasing where there is none."""
    return _stemmer(language or "en")


@functools.lru_cache(maxsize=200_000)
def stem(language: str, word: str) -> str:
    """``word``'s stem in ``language``, cached: Snowball is most of the cost of comparing sentences, and news
    repeats its words."""
    return stemmer(language)(word)


# The stop lists sumy ships, by ISO 639-1 code. Read as files: sumy's own get_stop_words looks the code up in
# pycountry first, which loads its whole database (half a second in every process that builds a digest).
_SUMY_LISTS = {"ar": "arabic", "zh": "chinese", "cs": "czech", "en": "english", "fr": "french", "de": "german",
               "el": "greek", "he": "hebrew", "it": "italian", "ja": "japanese", "ko": "korean", "pl": "polish",
               "pt": "portuguese", "sk": "slovak", "es": "spanish", "sv": "swedish", "th": "thai", "uk": "ukrainian"}


def sumy_stop_words(language: str) -> frozenset[str]:
    """sumy's stop list of ``language`` (an ISO 639-1 code or the list's English name, any case), as its
    ``get_stop_words`` gives it; LookupError when sumy has none."""
    name = _SUMY_LISTS.get(language.lower(), language.lower())
    try:
        data = pkgutil.get_data("sumy", f"data/stopwords/{name}.txt")
    except OSError:
        data = None
    if data is None:
        raise LookupError(f"text: sumy has no stop words for {language!r}")
    # sumy.utils.parse_stop_words, without importing sumy.utils (and requests with it) into the collector
    return frozenset(word.rstrip() for word in data.decode("utf-8").splitlines() if word)


@functools.cache
def _stop_words(language: str) -> frozenset[str]:
    words: set[str] = set()
    try:
        words.update(sumy_stop_words(language))
    except LookupError:
        import stopwordsiso  # a JSON of every language's list: loaded where a list is first needed

        if stopwordsiso.has_lang(language):
            words.update(stopwordsiso.stopwords(language))
    words.update(_EXTRA_STOP_WORDS.get(language, "").split())
    return frozenset(word.lower() for word in words)


@functools.cache
def _stemmer(language: str) -> Callable[[str], str]:
    if language not in _STEMMED:
        return str.lower
    # The Snowball project's own stemmers (PyStemmer binds its C library) rather than NLTK's port of them, which
    # sumy's Stemmer would pick: NLTK's import cost a digest's process 0.2 s of CPU and 20 MB. Its Snowball 2
    # algorithms stem as NLTK's do (bench/stemmer_agreement.py, tests/digests/test_stemmer.py); Snowball 3
    # changes stems (a new Dutch stemmer; French and Italian elisions; English "added" -> "add").
    import Stemmer

    algorithm, local = _STEMMED[language], threading.local()

    def snowball_stem(word: str) -> str:
        try:
            stem_word: Callable[[str], str] = local.stem_word
        except AttributeError:  # a stemmer keeps state between calls: one per thread
            stem_word = local.stem_word = Stemmer.Stemmer(algorithm).stemWord
        return stem_word(word.lower())

    return snowball_stem


_BULLET_MARKS = tuple("-*•·▪►‣◦–—")  # a list item's mark before a space, as trafilatura writes lists ("- item")
_BULLET = regex.compile(r"^[" + regex.escape("".join(_BULLET_MARKS)) + r"]\s+")
_UNSPACED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]")
_DECIMAL_END = regex.compile(r"\p{Nd}\.$")
# A danda, double danda or Urdu full stop (with any closing quotes) before a space ends a sentence.
_SURE_END = regex.compile(r"(?<=[।॥۔][\"'”’»)]*)\s+(?=\S)")


def _paragraphs(text: str) -> Iterator[str]:
    """Non-empty lines, with a line that stops mid-sentence joined to a next one starting in lowercase."""
    pending = ""
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if pending and line and line[0].islower() and not pending.endswith(_FINAL_TUPLE):
            pending = f"{pending} {line}"
            continue
        if pending:
            yield pending
        pending = line
    if pending:
        yield pending


def _unbulleted(text: str) -> str:
    return _BULLET.sub("", text) if text.startswith(_BULLET_MARKS) else text


def _is_bare_line(line: str) -> bool:
    return not line.endswith(_FINAL_TUPLE) and _word_count(line) < MIN_BARE_LINE_WORDS


def _word_count(text: str) -> int:
    """Whitespace-separated tokens; in scripts written without spaces, one word per two characters."""
    tokens = text.count(" ") + 1
    return tokens if tokens >= MIN_BARE_LINE_WORDS else tokens + len(_UNSPACED.findall(text)) // 2


def _continues(previous: str, piece: str, titles: frozenset[str]) -> bool:
    if _DECIMAL_END.search(previous) and piece[0].isdigit():
        return True
    if _starts_lowercase(piece):
        return True  # a split after "Wham!" or "approx.", or the Polish "proc." before "w marcu"
    if not previous.endswith("."):
        return False
    last = previous[:-1].rsplit(maxsplit=1)
    return len(last) == 1 or (bool(last) and last[-1] in titles)
