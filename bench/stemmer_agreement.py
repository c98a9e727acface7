"""Snowball stems: NLTK's port against the Snowball project's own stemmers (PyStemmer, the C library's binding;
snowballstemmer, the same algorithms generated as Python), for every language Khobor stems.

Words are real ones from ../shared/data: the BBC and CNN/DailyMail texts (English), and the pages of the two
extraction benchmarks (trafilatura's multilingual set, newspaper4k's), each extracted and given its language by
Khobor itself (``digests.extract.extract_article``), split into words as the summariser and the story additions
split them (``Tokenizer.to_words``: lowercase, apostrophes and hyphens inside words kept). Per language: distinct
words, how many get the same stem from each package as from NLTK, the same share weighted by how often the words
occur, and a few words that differ. A language with no pages in the data is said to have none (Danish, Dutch,
Romanian and Swedish here: tests/digests/test_stemmer.py has words of every language for them).

Measured (December 2026): PyStemmer 2.2.0.3 (Snowball 2.2) stems as NLTK 3.10 does on 99.98-100 % of the
occurrences in English, German, Spanish, Finnish, French, Norwegian, Russian, Italian (99.46) and Portuguese
(99.84; NLTK's port drops a final "ç"), Hungarian 98.2 % (NLTK's port stops at "ő" and "ű"); PyStemmer 3.1.0
(Snowball 3) on 99.80 % in English, 98.71 % in German, 93.78 % in French (it strips elided "l'", "d'").

    .venv/bin/python bench/stemmer_agreement.py [--show 8]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tarfile
from collections import Counter
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from digests.extract import extract_article
from digests.text import _STEMMED, Tokenizer

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TEXTS = [DATA / "bbc-news-summary" / "articles.jsonl.gz", DATA / "cnndm-sample" / "articles.jsonl.gz"]
PAGES = [DATA / "extraction-benchmark" / "trafilatura" / "html.tar.xz",
         DATA / "extraction-benchmark" / "newspaper4k" / "testdata.tar.xz"]


def english_texts() -> Iterator[str]:
    for path in TEXTS:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                yield f"{row.get('title', '')}\n{row['text']}"


def page_texts() -> Iterator[tuple[str | None, str]]:
    """(language, text) of each benchmark page Khobor finds an article in."""
    for path in PAGES:
        with tarfile.open(path, "r:xz") as archive:
            for member in archive:
                if not member.isfile() or not member.name.startswith(("eval/", "cache/", "newspaper4k-testdata/html/")):
                    continue
                handle = archive.extractfile(member)
                article = extract_article(handle.read(), url=f"https://example.org/{member.name}", dated=False) \
                    if handle else None
                if article is not None:
                    yield article.language, article.text


def word_counts() -> dict[str, Counter[str]]:
    """Occurrences of each word, by language code (only the languages Khobor stems)."""
    counts: dict[str, Counter[str]] = {code: Counter() for code in _STEMMED}
    texts: Iterator[tuple[str | None, str]] = (("en", text) for text in english_texts())
    for language, text in [*texts, *page_texts()]:
        if language in counts:
            counts[language].update(Tokenizer(language).to_words(text))
    return counts


def nltk_stemmers() -> dict[str, Callable[[str], str]]:
    from nltk.stem import snowball

    return {code: getattr(snowball, name.capitalize() + "Stemmer")().stem for code, name in _STEMMED.items()}


def peers() -> dict[str, dict[str, Callable[[str], str]]]:
    """Each installed Snowball package's stemmers by language code."""
    found: dict[str, dict[str, Callable[[str], str]]] = {}
    try:
        import Stemmer

        found[f"PyStemmer {metadata.version('PyStemmer')}"] = {
            code: Stemmer.Stemmer(name).stemWord for code, name in _STEMMED.items()}
    except ImportError:
        print("PyStemmer is not installed: skipped")
    try:
        import snowballstemmer

        found[f"snowballstemmer {metadata.version('snowballstemmer')}"] = {
            code: snowballstemmer.stemmer(name).stemWord for code, name in _STEMMED.items()}
    except ImportError:
        print("snowballstemmer is not installed: skipped")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--show", type=int, default=8, help="differing words shown per language and package")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} is absent: this benchmark needs ../shared/data beside the checkout")
    counts = word_counts()
    reference, others = nltk_stemmers(), peers()
    for code in sorted(counts):
        words = counts[code]
        if not words:
            print(f"{code}: no page of the data is in this language")
            continue
        expected = {word: reference[code](word) for word in words}
        for name, stemmers in others.items():
            differ = [w for w in words if stemmers[code](w) != expected[w]]
            tokens = sum(words.values())
            same_tokens = tokens - sum(words[w] for w in differ)
            shown = ", ".join(f"{w}: {expected[w]}/{stemmers[code](w)}"
                              for w in sorted(differ, key=lambda w: -words[w])[:args.show])
            print(f"{code} {name}: {len(words) - len(differ)}/{len(words)} distinct words "
                  f"({100 * (len(words) - len(differ)) / len(words):.2f} %), {same_tokens}/{tokens} occurrences "
                  f"({100 * same_tokens / tokens:.2f} %) stem as NLTK's" + (f"; differ (NLTK/{name}): {shown}"
                                                                           if differ else ""))


if __name__ == "__main__":
    main()
