"""Memory of `khobor run` with 1,000 subscriptions and 10,000 stored articles (SQLite).

Setup (not measured): a SQLite database with 5 regions x 10 feeds, 10,000 synthetic articles over the last
7 days, each with its stored summary, and 1,000 subscriptions spread over 40 timezones and all delivery
times. Feeds are marked read, so the collection tick finds nothing due (no network).

Measured, in a fresh subprocess: the real runtime pieces (App, CoreService, the console adapter with no
input, the Scheduler with every subscription's job plus the collection tick): peak RSS (VmHWM) after start,
then after building one region's digest (compose runs in the worker process, reported apart).
Peer, in the same run: the same process on an empty database (no subscriptions, no articles).

    .venv/bin/python bench/run_memory.py [--subs 1000] [--articles 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.app import App, summary_config
from bot.settings import load_settings
from digests.models import Summary
from digests.pipeline import summary_key
from digests.store import NewArticle, Subscription
from digests.urls import content_hash

REGIONS = 5
FEEDS = 10
WORDS = ["minister", "parliament", "election", "budget", "inflation", "bank", "cricket", "match", "storm", "flood",
         "hospital", "vaccine", "court", "police", "border", "trade", "export", "school", "university", "farmer",
         "harvest", "river", "energy", "power", "tariff", "market", "shares", "verdict", "protest", "strike",
         "railway", "airport", "festival", "film", "music", "climate"]
ZONES = ["Asia/Dhaka", "Asia/Kolkata", "Asia/Karachi", "Asia/Kathmandu", "Europe/London", "Europe/Berlin",
         "America/New_York", "America/Chicago", "America/Los_Angeles", "Australia/Sydney"] * 4


def settings_file(folder: Path) -> Path:
    regions = "".join(f"""
[[regions]]
name = "region-{r}"
title = "Region {r}"
timezone = "Asia/Dhaka"
languages = ["en"]
feeds = [{", ".join(f'{{ name = "Outlet {r}-{f}", url = "https://example.org/{r}/{f}/feed" }}'
                     for f in range(FEEDS))}]
""" for r in range(REGIONS))
    path = folder / "settings.toml"
    path.write_text(f'data_dir = "{folder}"\n[collect]\nworkers = 1\n{regions}', encoding="utf-8")
    return path


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 18))).capitalize() + "."


async def fill(app: App, *, articles: int, subs: int, now: datetime) -> None:
    rng, store, key = random.Random(7), app.store, summary_key(summary_config(app.settings))
    urls = [(f.url, f.name) for r in app.settings.regions for f in r.feeds]
    ids = await store.sync_feeds(feeds=urls, now=now)
    for feed_id in ids.values():  # read just now: nothing is due for a day
        await store.record_feed_success(feed_id=feed_id, now=now, status=200, etag=None, last_modified=None,
                                        next_attempt_at=now + timedelta(days=1))
    feed_ids = list(ids.items())
    summaries: dict[int, Summary] = {}
    batch: list[tuple[NewArticle, Summary]] = []
    for n in range(articles):
        url, feed_id = feed_ids[n % len(feed_ids)]
        sentences = [sentence(rng) for _ in range(12)]
        text = " ".join(sentences)
        when = now - timedelta(minutes=rng.randint(1, 7 * 24 * 60))
        batch.append((NewArticle(
            feed_id=feed_id, url=f"{url}/a{n}", link=f"{url}/a{n}", title=sentences[0][:80], text=text,
            source=url, content_hash=content_hash(text), text_origin="page", fetched_at=when, published_at=when,
            language="en"), Summary(sentences=tuple(sentences[:3]), algorithm="support", language="en")))
    for start in range(0, len(batch), 500):
        chunk = batch[start:start + 500]
        stored = await store.add_articles(articles=[a for a, _ in chunk], now=now)
        summaries.update((done.article_id, summary) for done, (_, summary) in zip(stored, chunk, strict=True) if done)
    await store.save_summaries(config=key, summaries=summaries, now=now)
    for n in range(subs):
        await app.subscriptions.upsert(
            platform="console", workspace_id="bench", channel_id=f"c{n}", region=f"region-{n % REGIONS}",
            delivery_time=f"{n % 24:02d}:{(n * 7) % 60:02d}", timezone=ZONES[n % len(ZONES)], topics=None,
            keywords=(), user_id="bench", now=now)


def kib(field: str, pid: int | str = "self") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def children_rss_kib() -> int:
    pid = os.getpid()
    kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return sum(kib("VmHWM", kid) for kid in kids if Path(f"/proc/{kid}").exists())


async def child(settings_path: str) -> None:
    from rich.console import Console

    from bot.adapters.console.adapter import ConsoleAdapter
    from bot.runtime.run import build_scheduler

    async def deliver(sub: Subscription, *, digest_date: date, late: bool = False) -> str:
        return "benchmark: not posted"

    settings = load_settings(settings_path, environ={})
    async with App(settings) as app:
        adapter = ConsoleAdapter(app.core_service(), settings.console, output=Console(file=io.StringIO()))
        await adapter.start()
        scheduler, collection = build_scheduler(app, deliver)
        await scheduler.start()
        await asyncio.sleep(2)  # the first collection tick and resync run
        jobs = len(scheduler.aps.get_jobs())
        started = kib("VmHWM")
        digest = await app.build_digest(settings.regions[0].name, now=datetime.now(UTC))
        built, workers = kib("VmHWM"), children_rss_kib()
        await scheduler.stop()
        await collection.stop()
        await adapter.stop()
    print(json.dumps({"jobs": jobs, "start_kib": started, "digest_kib": built, "worker_kib": workers,
                      "stories": len(digest.stories)}))


def measure(settings_path: Path) -> dict[str, int]:
    out = subprocess.run([sys.executable, __file__, "--child", str(settings_path)], check=True,
                         capture_output=True, text=True, env=os.environ | {"KHOBOR_LOG_LEVEL": "WARNING"})
    result: dict[str, int] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


async def setup(folder: Path, *, articles: int, subs: int) -> Path:
    path = settings_file(folder)
    async with App(load_settings(str(path), environ={})) as app:
        await fill(app, articles=articles, subs=subs, now=datetime.now(UTC))
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subs", type=int, default=1000)
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        asyncio.run(child(args.child))
        return
    with tempfile.TemporaryDirectory() as full_dir, tempfile.TemporaryDirectory() as empty_dir:
        full = asyncio.run(setup(Path(full_dir), articles=args.articles, subs=args.subs))
        empty = asyncio.run(setup(Path(empty_dir), articles=0, subs=0))
        ours, peer = measure(full), measure(empty)
    mb = 1024
    print(f"khobor run, {args.subs} subscriptions + {args.articles} articles ({ours['jobs']} jobs): "
          f"peak RSS {ours['start_kib'] / mb:.0f} MB after start, {ours['digest_kib'] / mb:.0f} MB after one "
          f"digest build (+ worker process {ours['worker_kib'] / mb:.0f} MB)")
    print(f"peer, same process on an empty database ({peer['jobs']} jobs): "
          f"{peer['start_kib'] / mb:.0f} MB after start, {peer['digest_kib'] / mb:.0f} MB after a digest build "
          f"(+ worker {peer['worker_kib'] / mb:.0f} MB)")


if __name__ == "__main__":
    main()
