"""Articles collected per second, and peak memory, from a loopback server with 50 feeds x 20 articles.

The pages are real news pages from ../shared/data/extraction-benchmark (scrapinghub, then trafilatura's
set), each served once. Each feed sits on its own loopback address (127.0.1.N) like a separate outlet.
The server runs in another process so it does not share the collector's interpreter.

Ours: ``Collector`` (aiohttp, feedparser, trafilatura via extract_article, SQLite) in one pass.
Peer, in the same run: the straightforward way, sequentially: ``feedparser.parse(url)`` then, per entry,
``urllib.request.urlopen`` and ``trafilatura.extract``, with no storage. (trafilatura's own ``fetch_url``
refuses loopback addresses, so it cannot be pointed at this server.) And newspaper4k (the bench extra) as its
its ``fetch_news`` does: each feed's links (feedparser) downloaded and parsed (text, title, authors, date) in 5
threads, with no storage either; a page that crashes it counts as not collected.

    .venv/bin/python bench/collect_throughput.py [--feeds 50] [--per-feed 20] [--skip-peer]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import multiprocessing
import os
import resource
import sys
import tarfile
import tempfile
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from scale_site import listen

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "extraction-benchmark"
PORT = 18765


def load_pages(count: int) -> list[bytes]:
    """``count`` distinct article pages from the extraction benchmarks."""
    pages: list[bytes] = []
    with gzip.open(DATA / "scrapinghub" / "articles.jsonl.gz", "rt", encoding="utf-8") as lines:
        pages += [json.loads(line)["html"].encode() for line in lines]
    with tarfile.open(DATA / "trafilatura" / "html.tar.xz", "r:xz") as tar:
        for member in tar:
            if len(pages) >= count:
                break
            handle = tar.extractfile(member) if member.isfile() else None
            if handle is not None:
                pages.append(handle.read())
    if len(pages) < count:
        sys.exit(f"only {len(pages)} pages in {DATA}; ask for fewer")
    return pages[:count]


def host(n: int) -> str:
    return f"127.0.1.{n + 1}"


def feed_xml(n: int, per_feed: int) -> bytes:
    base = datetime(2026, 11, 24, tzinfo=UTC)
    items = "".join(
        f"<item><title>Story {n}-{i}</title><link>http://{host(n)}:{PORT}/a/{i}</link>"
        f"<description>Summary of story {n}-{i}.</description>"
        f"<pubDate>{format_datetime(base - timedelta(minutes=i))}</pubDate></item>"
        for i in range(per_feed)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {n}</title>{items}</channel></rss>'.encode()


def serve(feeds: int, per_feed: int, ready: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    """The loopback server process: /feed and /a/<i> on each feed's own address."""
    from aiohttp import web

    pages = load_pages(feeds * per_feed)
    by_host = {host(n): (feed_xml(n, per_feed), pages[n * per_feed:(n + 1) * per_feed]) for n in range(feeds)}

    async def handle(request: web.Request) -> web.Response:
        feed, articles = by_host[request.transport.get_extra_info("sockname")[0]]  # type: ignore[union-attr]
        if request.path == "/feed":
            return web.Response(body=feed, content_type="application/rss+xml")
        return web.Response(body=articles[int(request.path.rsplit("/", 1)[1])], content_type="text/html")

    listen(handle, [host(n) for n in range(feeds)], PORT, ready)


def peak_rss_mb(pid: int) -> float:
    """A process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def run_ours(feeds: int, workers: int) -> tuple[int, float, list[float]]:
    from digests.collect import CollectConfig, Collector
    from digests.fetch import FetchConfig, Fetcher
    from digests.models import FeedSource
    from digests.store import Store, open_database

    sources = [FeedSource(url=f"http://{host(n)}:{PORT}/feed", name=f"Feed {n}", region="bench") for n in range(feeds)]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(await open_database(f"sqlite+aiosqlite:///{tmp}/bench.db"))
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) if workers else None
        async with Fetcher(FetchConfig(retries=0)) as fetcher:
            collector = Collector(store=store, fetcher=fetcher, executor=pool,
                                  config=CollectConfig(guard_links=False, max_new_per_feed=1000))
            start = time.perf_counter()
            reports = await collector.collect(sources)
            elapsed = time.perf_counter() - start
        worker_mb = [peak_rss_mb(pid) for pid in (pool._processes if pool else {})]
        if pool:
            pool.shutdown()
        stored = await store.count_articles()
        await store.close()
    failed = [r for r in reports if r.status != "ok"]
    if failed:
        print(f"warning: {len(failed)} feeds failed, e.g. {failed[0].error}")
    return stored, elapsed, worker_mb


def run_peer(feeds: int) -> tuple[int, float]:
    import feedparser
    import trafilatura

    start = time.perf_counter()
    done = 0
    for n in range(feeds):
        parsed = feedparser.parse(f"http://{host(n)}:{PORT}/feed")
        for entry in parsed.entries:
            with urllib.request.urlopen(entry.link, timeout=15) as response:
                html = response.read()
            if trafilatura.extract(html):
                done += 1
    return done, time.perf_counter() - start


def run_newspaper(feeds: int) -> tuple[int, int, float] | None:
    """newspaper4k's download and parse of every feed's links in 5 threads: articles with text, articles
    that crashed, seconds; None when newspaper4k is not installed."""
    import feedparser

    try:
        import newspaper
    except ImportError:
        return None

    def fetch(url: str) -> str | None:
        article = newspaper.Article(url, fetch_images=False)
        try:
            article.download()
            article.parse()
        except Exception:  # offline, pages in a language it splits with NLTK's punkt crash
            return None
        return str(article.text)

    start = time.perf_counter()
    texts: list[str | None] = []
    with ThreadPoolExecutor(5) as threads:
        for n in range(feeds):
            links = [entry.link for entry in feedparser.parse(f"http://{host(n)}:{PORT}/feed").entries]
            texts += threads.map(fetch, links)
    return sum(1 for text in texts if text), texts.count(None), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--per-feed", type=int, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="extraction processes (0: a thread)")
    parser.add_argument("--skip-peer", action="store_true")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} is absent: this benchmark needs ../shared/data beside the checkout")
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(args.feeds, args.per_feed, ready), daemon=True)
    server.start()
    if not ready.wait(120):
        sys.exit("server did not start")
    try:
        stored, elapsed, worker_mb = asyncio.run(run_ours(args.feeds, args.workers))
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        workers = " + ".join(f"{mb:.0f}" for mb in worker_mb)
        total = args.feeds * args.per_feed
        rate = f"{stored}/{total} articles stored in {elapsed:.1f} s = {stored / elapsed:.1f} articles/s"
        memory = f"peak RSS: main {peak_mb:.0f} MB" + (f", workers {workers} MB" if worker_mb else "")
        print(f"ours ({args.workers or 'no'} worker processes): {rate}; {memory}")
        if not args.skip_peer:
            done, peer_elapsed = run_peer(args.feeds)
            print(f"peer : feedparser.parse + urlopen + trafilatura.extract, sequential: {done}/{total} in "
                  f"{peer_elapsed:.1f} s = {done / peer_elapsed:.1f} articles/s")
            newspaper = run_newspaper(args.feeds)
            if newspaper is None:
                print("newspaper4k is not installed: `.venv/bin/pip install -e '.[bench]'` adds it", file=sys.stderr)
            else:
                done, crashed, peer_elapsed = newspaper
                print(f"peer : newspaper4k download + parse, 5 threads, feed by feed: {done}/{total} in "
                      f"{peer_elapsed:.1f} s = {done / peer_elapsed:.1f} articles/s ({crashed} crashed)")
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
