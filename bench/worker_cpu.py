"""Worker CPU per article (issue 15): what the collector's worker processes spend on one page, ours and a previous
checkout's in the same run, with a check that both give the same results.

Each checkout runs in a child process of its own, one after the other, and times in that process (CPU time, best
of ``--rounds``): ``read_page`` (parse, extract, metadata, language, content hash; the feed dated the entry) and
``prepare_texts`` (summary and story words) on bench/scale.py's light pages, and ``read_page`` on the
scrapinghub benchmark's real pages (undated: their date is looked for). What crosses between processes (pickling,
the pool's queues) is not in these figures: bench/scale.py measures the whole. The results of both checkouts are
fingerprinted (texts, titles, authors, dates, languages, hashes, summaries, story words); "same" means equal.

    .venv/bin/python bench/worker_cpu.py [--pages 600] [--rounds 3] [--previous DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

OURS = Path(__file__).resolve().parents[1]

CHILD = r"""
import gzip, hashlib, json, sys, time
sys.path.insert(0, {code!r}); sys.path.insert(0, {bench!r})
from scale_site import DATA, bbc, page
from digests.summarize import SummaryConfig
from digests.workers import prepare_texts, read_page

light = [page(title, paragraphs, n % 300, n % 20) for n, (title, paragraphs) in enumerate(bbc()[:{pages}])]
real_path = {real!r}
with gzip.open(real_path, "rt", encoding="utf-8") as lines:
    real = [json.loads(line) for line in lines]

def best(run):
    times = []
    for _ in range({rounds}):
        start = time.process_time()
        out = run()
        times.append(time.process_time() - start)
    return out, min(times)

def fingerprint(articles):
    return [None if a is None else (a.text, a.title, a.author, a.published and a.published.isoformat(), a.language, h)
            for a, h in articles]

read, read_s = best(lambda: [read_page(html, url="http://127.1.0.1:18790/a/1", dated=True) for html in light])
items = [(a.title or "", a.text, a.language) for a, _ in read if a is not None]
prepared, prepare_s = best(lambda: prepare_texts(items, SummaryConfig()))
real_read, real_s = best(lambda: [read_page(p["html"], url=p["url"], dated=False) for p in real])
results = json.dumps([fingerprint(read), [(list(s.sentences) if s else None, w) for s, w in prepared],
                      fingerprint(real_read)], default=str)
print(json.dumps({{"read_ms": 1000 * read_s / len(light), "prepare_ms": 1000 * prepare_s / len(items),
                  "real_ms": 1000 * real_s / len(real), "pages": len(light), "real_pages": len(real),
                  "results": hashlib.sha256(results.encode()).hexdigest()[:16]}}))
"""


def measure(code: Path, pages: int, rounds: int) -> dict[str, float | int | str]:
    bench = Path(__file__).resolve().parent
    real = bench.parents[1] / "shared" / "data" / "extraction-benchmark" / "scrapinghub" / "articles.jsonl.gz"
    script = CHILD.format(code=str(code), bench=str(bench), pages=pages, rounds=rounds, real=str(real))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=code, check=False)
    if done.returncode != 0:
        sys.exit(f"bench: the run through {code} failed:\n{done.stderr[-2000:]}")
    result: dict[str, float | int | str] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def line(name: str, figures: dict[str, float | int | str]) -> str:
    total = float(figures["read_ms"]) + float(figures["prepare_ms"])
    return (f"  {name:9s} light pages: read_page {figures['read_ms']:.3f} ms + prepare_texts "
            f"{figures['prepare_ms']:.3f} ms = {total:.3f} ms/article; real pages: read_page "
            f"{figures['real_ms']:.2f} ms; results {figures['results']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pages", type=int, default=600, help="light pages (BBC texts, as bench/scale.py serves)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds; the best is shown")
    parser.add_argument("--previous", type=Path, help="a checkout of the previous version to run alongside")
    args = parser.parse_args()
    ours = measure(OURS, args.pages, args.rounds)
    print(f"worker CPU per page, best of {args.rounds}: {ours['pages']} light pages, {ours['real_pages']} "
          "real pages (scrapinghub)")
    print(line("ours", ours))
    if args.previous:
        previous = measure(args.previous, args.pages, args.rounds)
        print(line("previous", previous))
        print("  results: " + ("the same" if previous["results"] == ours["results"] else "DIFFERENT"))


if __name__ == "__main__":
    main()
