"""Article-extraction quality: Khobor's extract_article vs plain trafilatura and newspaper4k, same run, same metric.

Data: ../shared/data/extraction-benchmark/scrapinghub (181 real pages with hand-made main text).
Metric (clean-room, as described in that folder's SOURCE.md): tokens are ``\\w+`` matches; each text
becomes a multiset of 4-token shingles; per page TP is the multiset overlap, FP/FN the rest; precision and
recall are averaged over pages (a page with nothing predicted is left out of precision, a page with nothing
expected out of recall; a page with FP = FN = 0 scores 1), and F1 is the harmonic mean of the two means.
The published trafilatura 2.0.0 outputs are scored with the same code as a check (expected F1 0.958), and so are
the benchmark's newspaper4k outputs beside the newspaper4k installed here (the bench extra), which reads the
same HTML through ``Article.download(input_html=...)`` and ``parse()``.

Second figure, as a check that the settings are not tuned to one small set: trafilatura's own multilingual
evaluation set (990 pages, mostly German) with its segment metric, also described in SOURCE.md: a "with"
segment found in the output is a TP, one missing a FN; a "without" (boilerplate) segment found is a FP;
counts are summed over pages.

Run: ``.venv/bin/python bench/extraction_quality.py``
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import tarfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from digests.extract import extract_article

BENCHMARKS = Path(__file__).resolve().parents[2] / "shared" / "data" / "extraction-benchmark"
DATA = BENCHMARKS / "scrapinghub"
MULTILINGUAL = BENCHMARKS / "trafilatura"
SHINGLE = 4
TOKEN_RE = re.compile(r"\w+")

Extractor = Callable[[str, str], str]
Page = tuple[bytes, str, dict[str, list[str]]]


@dataclass(frozen=True, slots=True)
class Score:
    """Mean precision and recall over pages, and their harmonic mean."""

    precision: float
    recall: float
    f1: float
    exact: float  # shingles: share of pages whose tokens equal the expected ones; segments: accuracy


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """Multiset of SHINGLE-token windows (a text shorter than that is one shingle)."""
    tokens = TOKEN_RE.findall(text)
    if len(tokens) < SHINGLE:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))


def page_counts(predicted: str, expected: str) -> tuple[int, int, int]:
    """TP, FP and FN shingle counts of one page."""
    pred, gold = shingles(predicted), shingles(expected)
    tp = sum((pred & gold).values())
    return tp, sum(pred.values()) - tp, sum(gold.values()) - tp


def score(pairs: list[tuple[str, str]]) -> Score:
    """Score (predicted, expected) text pairs."""
    precisions: list[float] = []
    recalls: list[float] = []
    for predicted, expected in pairs:
        tp, fp, fn = page_counts(predicted, expected)
        if fp == fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
            continue
        if tp + fp:
            precisions.append(tp / (tp + fp))
        if tp + fn:
            recalls.append(tp / (tp + fn))
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    exact = sum(TOKEN_RE.findall(a) == TOKEN_RE.findall(b) for a, b in pairs) / len(pairs)
    return Score(p, r, f1, exact)


def load_pages() -> Iterator[dict[str, str]]:
    """The benchmark pages: id, url, html, articleBody."""
    with gzip.open(DATA / "articles.jsonl.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def ours(html: str | bytes, url: str) -> str:
    article = extract_article(html, url=url)
    return article.text if article else ""


def plain_trafilatura(html: str | bytes, url: str) -> str:
    return trafilatura.extract(html) or ""


def newspaper4k() -> tuple[str, Extractor, list[str]] | None:
    """newspaper4k's version, its article text from given HTML, and the list its crashes go to (a crash is an
    empty output, as upstream counts it); None when it is not installed.

    It reads a page in the language of the page's own meta tags (its default). Offline, pages in a language
    whose words it splits with NLTK (Korean, for one) crash: NLTK's punkt data cannot be downloaded here.
    """
    try:
        import newspaper
    except ImportError:
        return None
    crashes: list[str] = []

    def extract(html: str | bytes, url: str) -> str:
        article = newspaper.Article(url, fetch_images=False)
        try:
            article.download(input_html=html.decode("utf-8", "replace") if isinstance(html, bytes) else html)
            article.parse()
        except Exception as error:
            crashes.append(type(error).__name__)
            return ""
        return str(article.text)

    return str(newspaper.__version__), extract, crashes


def run(extractor: Extractor, pages: list[dict[str, str]]) -> tuple[Score, float]:
    """Score one extractor on every page; also return milliseconds per page."""
    start = time.perf_counter()
    outputs = [extractor(page["html"], page["url"]) for page in pages]
    ms = (time.perf_counter() - start) * 1000 / len(pages)
    return score([(out, page["articleBody"]) for out, page in zip(outputs, pages, strict=True)]), ms


def published(pages: list[dict[str, str]], system: str) -> tuple[str, Score]:
    """The benchmark's own published outputs of ``system``, scored here, and their name with the version
    ("trafilatura 2.0.0"; the file gives newspaper's as "newspaper4k 0.9.3.1 (per README ...)")."""
    with gzip.open(DATA / "reference-outputs.json.gz", "rt", encoding="utf-8") as fh:
        ref = json.load(fh)[system]
    pairs = [(ref["output"].get(page["id"], ""), page["articleBody"]) for page in pages]
    version = ref["version"].split(" (")[0]
    return (f"{system} {version}" if version[:1].isdigit() else version), score(pairs)


def load_multilingual() -> list[Page]:
    """trafilatura's evaluation pages as (raw bytes, url, annotation); ``cache/`` wins over ``eval/``."""
    with open(MULTILINGUAL / "evaldata.json", encoding="utf-8") as fh:
        annotations: dict[str, dict[str, list[str]]] = json.load(fh)
    with tarfile.open(MULTILINGUAL / "html.tar.xz", "r:xz") as archive:
        raw = {member.name: _read(archive, member) for member in archive}  # one pass: xz cannot seek
    return [
        (raw.get(f"cache/{note['file']}") or raw[f"eval/{note['file']}"], url, note)
        for url, note in annotations.items()
    ]


def _read(archive: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    handle = archive.extractfile(member) if member.isfile() else None
    return handle.read() if handle else b""


def segment_score(extractor: Callable[[bytes, str], str], pages: list[Page]) -> tuple[Score, float]:
    """Segment precision/recall/F1 summed over pages (``exact`` holds accuracy: segments judged right).

    An extractor crash counts as empty output, as upstream does.
    """
    tp = fp = fn = tn = 0
    start = time.perf_counter()
    for html, url, note in pages:
        text = " ".join(_safely(extractor, html, url).split())
        found_with = sum(" ".join(s.split()) in text for s in note["with"])
        found_without = sum(" ".join(s.split()) in text for s in note["without"])
        tp, fn = tp + found_with, fn + len(note["with"]) - found_with
        fp, tn = fp + found_without, tn + len(note["without"]) - found_without
    ms = (time.perf_counter() - start) * 1000 / len(pages)
    p, r = tp / (tp + fp), tp / (tp + fn)
    return Score(p, r, 2 * tp / (2 * tp + fp + fn), (tp + tn) / (tp + tn + fp + fn)), ms


def _safely(extractor: Callable[[bytes, str], str], html: bytes, url: str) -> str:
    try:
        return extractor(html, url)
    except Exception:  # upstream's rule: a crash is an empty output
        return ""


def _crashes(crashes: list[str]) -> str:
    """How many pages crashed the extractor since the last call (and empties the list)."""
    found = f"  ({len(crashes)} crashed: {', '.join(sorted(set(crashes)))})" if crashes else ""
    crashes.clear()
    return found


def line(name: str, s: Score, ms: float | None) -> str:
    timing = f"{ms:7.1f} ms/page" if ms is not None else "   (published outputs)"
    return f"{name:<36} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}  {s.exact:.3f}  {timing}"


def main() -> int:
    if not DATA.exists():
        print(f"benchmark data absent: {DATA}", file=sys.stderr)
        return 1
    pages = list(load_pages())
    trafilatura.extract(pages[0]["html"])  # warm-up: first call loads trafilatura's lazy parts
    extract_article(pages[0]["html"], url=pages[0]["url"])
    peer = newspaper4k()
    if peer is None:
        print("newspaper4k is not installed: `.venv/bin/pip install -e '.[bench]'` adds it", file=sys.stderr)
    else:
        peer[1](pages[0]["html"], pages[0]["url"])
    print(f"scrapinghub article-extraction benchmark, {len(pages)} pages, 4-token shingles (last: exact)")
    print(line(f"trafilatura {trafilatura.__version__} extract() defaults", *run(plain_trafilatura, pages)))
    if peer is not None:
        print(line(f"newspaper4k {peer[0]} parse()", *run(peer[1], pages)), _crashes(peer[2]))
    print(line("khobor extract_article", *run(ours, pages)))
    for system in ("trafilatura", "newspaper"):
        name, ref = published(pages, system)
        print(line(f"{name} published", ref, None))
    if not MULTILINGUAL.exists():
        return 0
    multi = load_multilingual()
    print(f"\ntrafilatura multilingual evaluation set, {len(multi)} pages, segments (last: accuracy)")
    print(line(f"trafilatura {trafilatura.__version__} extract() defaults", *segment_score(plain_trafilatura, multi)))
    if peer is not None:
        print(line(f"newspaper4k {peer[0]} parse()", *segment_score(peer[1], multi)), _crashes(peer[2]))
    print(line("khobor extract_article", *segment_score(ours, multi)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
