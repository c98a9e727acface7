"""Time and memory to build one digest from 5,000 stored articles (SQLite, summaries already stored).

The articles are the BBC News Summary texts (../shared/data/bbc-news-summary) spread over 20 feeds of one
region and the last 24 hours, topped up to 5,000 with lightly edited copies under other outlets' names (as
syndication looks), stored as the collector stores them (summaries and stories assigned on arrival). Setup is
not timed; the figure is ``App.build_digest``: loading the window with its summaries and stories, placing
topics, ordering (wall and CPU time: the CPU time is the steadier figure on a shared machine).

``--previous DIR`` also runs this script over the code of another checkout (the previous version: ``git archive
main | tar -x -C DIR``) in the same run, after ours, and prints its line too.

    .venv/bin/python bench/digest_build.py [--articles 5000] [--previous DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import App
from bot.settings import load_settings
from digests.store import NewArticle
from digests.urls import content_hash

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc-news-summary" / "articles.jsonl.gz"
FEEDS = 20


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def load_texts(count: int) -> list[tuple[str, str]]:
    with gzip.open(DATA, "rt", encoding="utf-8") as lines:
        bbc = [(row["title"], row["text"]) for row in map(json.loads, lines)]
    rng = random.Random(7)
    texts = list(bbc)
    while len(texts) < count:  # a syndicated copy: same report, one paragraph dropped, new headline
        title, text = rng.choice(bbc)
        paragraphs = text.split("\n\n")
        if len(paragraphs) > 2:
            paragraphs.pop(rng.randrange(1, len(paragraphs)))
        texts.append((f"{title} (wire)", "\n\n".join(paragraphs)))
    return texts[:count]


def settings_file(folder: Path) -> Path:
    feeds = ",\n".join(f'  {{ name = "Outlet {n}", url = "https://outlet{n}.example/feed" }}' for n in range(FEEDS))
    path = folder / "settings.toml"
    path.write_text(f"""data_dir = "{folder}"
[collect]
workers = 0
[digest]
max_stories = 25
[[regions]]
name = "bench"
title = "Bench"
timezone = "UTC"
languages = ["en"]
feeds = [
{feeds}
]
""")
    return path


async def fill(app: App, texts: list[tuple[str, str]], now: datetime) -> None:
    """Store the texts as the collector does: in batches, summarised and given their stories as they arrive."""
    urls = [(f"https://outlet{n}.example/feed", f"Outlet {n}") for n in range(FEEDS)]
    ids = await app.store.sync_feeds(feeds=urls, now=now)
    articles = []
    for i, (title, text) in enumerate(texts):
        feed_url, name = urls[i % FEEDS]
        url = f"https://outlet{i % FEEDS}.example/{i}"
        when = now - timedelta(minutes=(i * 17) % (24 * 60 - 1) + 1)
        articles.append(NewArticle(
            feed_id=ids[feed_url], url=url, link=url, title=title, text=text, source=name,
            content_hash=content_hash(f"{i}\n{text}"), text_origin="page", fetched_at=now, published_at=when,
            language="en"))
    for start in range(0, len(articles), 100):
        await app.intake().add(articles[start:start + 100])


async def main(count: int) -> None:
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(str(settings_file(Path(tmp))), {})
        async with App(settings) as app:
            await fill(app, load_texts(count), now)
            stored = await app.store.count_articles()
            before = peak_rss_mb()
            start, cpu = time.perf_counter(), time.process_time()
            digest = await app.build_digest("bench", now=now)
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(f"build_digest over {stored} stored articles: {elapsed:.2f} s (CPU {cpu:.2f} s); "
              f"{len(digest.stories)} stories shown in {len(digest.topics)} topics; "
              f"peak RSS {peak_rss_mb():.0f} MB (before the build: {before:.0f} MB)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--previous", type=Path, help="a checkout of the previous version to run after ours")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} is absent: this benchmark needs ../shared/data beside the checkout")
    print("ours:", end=" ", flush=True)
    asyncio.run(main(args.articles))
    if args.previous:  # its digests and bot packages first on the path, this script and data as ours
        env = {**os.environ, "PYTHONPATH": str(args.previous.resolve())}
        done = subprocess.run([sys.executable, __file__, "--articles", str(args.articles)], env=env,
                              capture_output=True, text=True, check=False, cwd=args.previous)
        print("previous:", (done.stdout.strip().removeprefix("ours: ") or done.stderr[-600:]))
