"""A loopback news site for bench/scale.py: N feeds x 20 articles, each feed on its own loopback address.

Pages are light (a title and the paragraphs of a BBC News Summary text, ../shared/data/bbc-news-summary) and
unique (each carries its own dateline sentence); BBC texts repeat across feeds the way wire copy does. Feeds
answer ``If-None-Match`` with 304. Feeds and pages are prepared bytes, gzip-compressed for a client that accepts
it, as outlets send them. Items are published evenly over the 24 hours before the site starts.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import multiprocessing
import os
import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc-news-summary" / "articles.jsonl.gz"
PORT = int(os.environ.get("KHOBOR_BENCH_PORT", "18790"))  # another port when another bench runs beside
PER_FEED = 20


def host(n: int) -> str:
    """Feed ``n``'s address: 127.1.0.1 onwards (all of 127.0.0.0/8 is loopback)."""
    return f"127.1.{(n + 1) // 250}.{(n + 1) % 250 + 1}"


def feed_url(n: int) -> str:
    return f"http://{host(n)}:{PORT}/feed"


def bbc() -> list[tuple[str, list[str]]]:
    with gzip.open(DATA, "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    return [(row["title"], [p for p in row["text"].split("\n\n") if p.strip()]) for row in rows]


def page(title: str, paragraphs: list[str], n: int, i: int) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    dateline = f"<p>Filed from desk {n} as report {i} of the day.</p>"
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f"<article><h1>{title}</h1>{dateline}{body}</article></body></html>").encode()


def feed_xml(n: int, titles: list[str], start: datetime, spread: timedelta) -> bytes:
    step = spread / (PER_FEED * 5000)
    items = "".join(
        f"<item><title>{titles[i]}</title><link>http://{host(n)}:{PORT}/a/{i}</link>"
        f"<description>{titles[i]}</description><pubDate>"
        f"{format_datetime(start - step * ((i * 5000 + n * 7919) % (PER_FEED * 5000)) - timedelta(minutes=1))}"
        "</pubDate></item>" for i in range(PER_FEED))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {n}</title>{items}</channel></rss>'.encode()


def serve(feeds: int, ready: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    """The site's process: /feed and /a/<i> on each feed's address, until terminated."""
    from aiohttp import web

    texts = bbc()
    start = datetime.now(UTC)
    sites: dict[str, tuple[bytes, list[bytes]]] = {}
    for n in range(feeds):
        chosen = [texts[(n * PER_FEED + i) * 7 % len(texts)] for i in range(PER_FEED)]
        sites[host(n)] = (feed_xml(n, [t for t, _ in chosen], start, timedelta(hours=24)),
                          [page(t, ps, n, i) for i, (t, ps) in enumerate(chosen)])

    # Compressed once here, as an outlet's cache or CDN holds them: served as prepared bytes, gzip to a client
    # that accepts it (as news sites answer), so the reader pays the decompression it pays for real pages.
    packed = {address: (gzip.compress(feed, 6), [gzip.compress(p, 6) for p in pages])
              for address, (feed, pages) in sites.items()}

    async def handle(request: web.Request) -> web.Response:
        address = request.transport.get_extra_info("sockname")[0]  # type: ignore[union-attr]
        zipped = "gzip" in request.headers.get("Accept-Encoding", "")
        feed, pages = (packed if zipped else sites)[address]
        headers = {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"} if zipped else {}
        if request.path == "/feed":
            if request.headers.get("If-None-Match") == '"v1"':
                return web.Response(status=304, headers={"ETag": '"v1"'})
            return web.Response(body=feed, content_type="application/rss+xml", headers={"ETag": '"v1"', **headers})
        return web.Response(body=pages[int(request.path.rsplit("/", 1)[1])], content_type="text/html",
                            headers=headers)

    listen(handle, [host(n) for n in range(feeds)], PORT, ready)


def listen(handle: Any, addresses: list[str], port: int,
           ready: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    """Serve ``handle`` for every path on ``port`` of each loopback address (one outlet each) until the
    process is terminated; ``ready`` is set once all listen."""
    from aiohttp import web

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/{tail:.*}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        for address in addresses:
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((address, port))
            await web.SockSite(runner, sock, backlog=256).start()
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())


def start_site(feeds: int) -> multiprocessing.Process:
    ready = multiprocessing.get_context("spawn").Event()
    server = multiprocessing.get_context("spawn").Process(target=serve, args=(feeds, ready), daemon=True)
    server.start()
    if not ready.wait(300):
        raise SystemExit("bench: the loopback site did not start within 5 minutes")
    return server


def settings_toml(folder: Path, feeds: int, *, concurrency: int = 16, workers: int = 2) -> Path:
    """A settings file for one region with the site's feeds, SQLite in ``folder``."""
    lines = ",\n".join(f'  {{ name = "Outlet {n}", url = "{feed_url(n)}" }}' for n in range(feeds))
    path = folder / "settings.toml"
    path.write_text(f"""data_dir = "{folder}"
[collect]
workers = {workers}
concurrency = {concurrency}
allow_private_links = true
retries = 0
[health]
enabled = false
[log]
level = "WARNING"
[[regions]]
name = "bench"
title = "Bench"
timezone = "UTC"
languages = ["en"]
feeds = [
{lines}
]
""")
    return path
