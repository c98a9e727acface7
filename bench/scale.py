"""Scale to the budget (issue 15): collection, digest builds and retention on a loopback site of N feeds.

For each size (N feeds x 20 articles, bench/scale_site.py), the real ``khobor collect`` runs in a child process
against a fresh SQLite database: articles/s, CPU ms per article (the process tree's user + system time: this
process adopts the tree's orphans, such as the worker pool's fork server, and waits for them, so their CPU is
counted), peak memory of the process tree (sampled every 0.2 s: the sum of RSS, which counts the pages that
forked workers share once per process, and of PSS, which shares them out), then a second pass (every feed
answers 304) and its time. Then digest builds in a fresh process each (``App.build_digest``, compose in that
process: its peak RSS is the build's) over windows of about 5,000, 20,000 and all articles, and a retention pass
that prunes the older half (SQLite reuses the freed pages: the file stops growing; its used size is shown).

``--previous DIR`` runs the same through another checkout (the previous version: ``git archive main | tar -x
-C DIR``) in the same run: collection on its own database (sizes up to ``--previous-max``), and digest builds
over the same database as ours (the windows of up to 6,000 articles, and the repeated ones of ``--inflate``).
Each build prints its wall time, its CPU time (steadier on a shared machine) and the process's peak RSS.

``--inflate K ...`` also builds digests over the largest size's database with every article repeated K times (each
copy its own story), for a window too big to collect on the machine at hand.

    .venv/bin/python bench/scale.py [--feeds 100 1000 5000] [--previous DIR] [--sweep] [--inflate 3 10 50]
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_site import DATA, PER_FEED, settings_toml, start_site

OURS = Path(__file__).resolve().parents[1]


# The khobor process's own CPU (user + system, all its threads; not its workers'), said on stderr as it exits.
MAIN_CPU = ("import atexit, resource\natexit.register(lambda: print('bench-main-cpu: %.3f' % sum(resource.getrusage("
            "resource.RUSAGE_SELF)[:2]), file=sys.stderr))\n")


@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    cpu_s: float  # the process tree's
    main_cpu_s: float  # the main process's alone (where the event loop fetches, matches stories and stores)
    peak_mb: float  # the sum of the tree's RSS
    peak_pss_mb: float  # the sum of the tree's PSS (shared pages divided among the processes sharing them)
    code: int
    tail: str


def adopt_orphans() -> None:
    """Make this process the subreaper of its descendants (Linux ``PR_SET_CHILD_SUBREAPER``): a process whose
    parent exits without waiting for it (the worker pool's fork server, the workers it forked) becomes this
    process's child, and waiting for it adds its CPU time to ``RUSAGE_CHILDREN``."""
    if ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def reap(pids: set[int]) -> None:
    """Wait for those of ``pids`` that became this process's children (see :func:`adopt_orphans`)."""
    for pid in pids:
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:  # waited for by its own parent
            continue


def tree(root: int) -> list[int]:
    """A process and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def memory_mb(pids: list[int]) -> tuple[float, float]:
    """The sums of the RSS and of the PSS of these processes, in MB."""
    rss = pss = 0.0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1]) / 1024
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) / 1024
        except OSError:
            continue
    return rss, pss


def run(code: Path, *args: str) -> Run:
    """Run ``khobor ARGS`` from the checkout at ``code``; time, CPU of the tree, peak tree RSS."""
    # bot.cli.main since the layout of issue 12; bot.cli (a module) before it
    launcher = (f"import sys; sys.path.insert(0, {str(code)!r})\n" + MAIN_CPU +
                "try:\n    from bot.cli.main import main\nexcept ImportError:\n    from bot.cli import main\n"
                "sys.exit(main())")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen([sys.executable, "-c", launcher, *args], stdout=out, stderr=out, cwd=code)
        peak = peak_pss = 0.0
        seen: set[int] = set()
        while child.poll() is None:
            pids = tree(child.pid)
            seen.update(pids)
            rss, pss = memory_mb(pids)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        reap(seen - {child.pid})
        out.seek(0)
        said = out.read().decode(errors="replace")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    main_cpu = re.findall(r"^bench-main-cpu: ([0-9.]+)$", said, re.MULTILINE)
    tail = re.sub(r"^bench-main-cpu: .*\n?", "", said, flags=re.MULTILINE)[-600:]
    return Run(seconds, cpu, float(main_cpu[-1]) if main_cpu else float("nan"), peak, peak_pss, child.returncode,
               tail)


def count(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT count(*) FROM articles").fetchone()[0])


def used_mb(db: Path) -> tuple[float, float]:
    """The file's size and the part of it in use (pages minus free pages), in MB."""
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = connection.execute("PRAGMA page_size").fetchone()[0]
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        free = connection.execute("PRAGMA freelist_count").fetchone()[0]
    return db.stat().st_size / 2**20, (pages - free) * size / 2**20


def collect(name: str, code: Path, folder: Path, feeds: int, concurrency: int = 16) -> Path:
    """One collection pass and one 304 pass through ``code``; prints the figures; returns the database."""
    folder.mkdir(parents=True, exist_ok=True)
    settings = settings_toml(folder, feeds, concurrency=concurrency)
    first = run(code, "--settings", str(settings), "collect")
    db = folder / "khobor.db"
    stored = count(db) if db.exists() else 0
    if first.code != 0 or stored == 0:
        print(f"  {name}: collect FAILED (exit {first.code}, {stored} stored): ...{first.tail}")
        return db
    again = run(code, "--settings", str(settings), "collect")
    size, _ = used_mb(db)
    print(f"  {name}: {stored}/{feeds * PER_FEED} articles in {first.seconds:.1f} s = "
          f"{stored / first.seconds:.0f} articles/s; CPU {1000 * first.cpu_s / stored:.1f} ms/article "
          f"({first.cpu_s:.0f} s; the main process {1000 * first.main_cpu_s / stored:.2f} ms/article); "
          f"peak of the tree {first.peak_mb:.0f} MB RSS, {first.peak_pss_mb:.0f} MB PSS; database {size:.0f} MB "
          f"({1024 * size / stored:.1f} KB/article); 304 pass {again.seconds:.1f} s"
          + ("" if again.code == 0 else f" (FAILED: {again.tail})"))
    return db


DIGEST_CHILD = """
import asyncio, json, sys, time
sys.path.insert(0, {code!r})
from datetime import UTC, datetime, timedelta
from bot.app import App
from bot.settings import load_settings

async def main():
    settings = load_settings({settings!r}).model_copy(update={{"collect": load_settings({settings!r}).collect
                                                                .model_copy(update={{"workers": 0}})}})
    async with App(settings) as app:
        now = datetime.now(UTC) + timedelta(minutes=5)
        start, cpu = time.perf_counter(), time.process_time()
        digest = await app.build_digest("bench", now=now, hours={hours})
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")) / 1024
        # counted after the peak is read: the count loads the window too
        urls = [f.url for f in settings.regions[0].feeds]
        window = await app.store.recent_articles(feed_urls=urls, since=now - timedelta(hours={hours}), until=now,
                                                 config="x", text_chars=0)
    print(json.dumps({{"window": len(window), "seconds": seconds, "cpu_s": cpu, "peak_mb": hwm,
                      "stories": len(digest.stories)}}))

asyncio.run(main())
"""


def digest(name: str, code: Path, folder: Path, hours: int) -> None:
    """Build one digest over the last ``hours`` in a fresh process; print its window, time and peak RSS."""
    script = DIGEST_CHILD.format(code=str(code), settings=str(folder / "settings.toml"), hours=hours)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=code, check=False)
    if done.returncode != 0:
        print(f"  {name}: digest over {hours} h FAILED: {done.stderr[-600:]}")
        return
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"  {name}: digest over {figures['window']} articles ({hours} h): {figures['seconds']:.2f} s "
          f"(CPU {figures['cpu_s']:.2f} s), "
          f"peak RSS {figures['peak_mb']:.0f} MB (the process: loading, grouping, topics), "
          f"{figures['stories']} stories shown")


def retention(folder: Path) -> None:
    """Prune the older half (by fetch time) through our store; print the database's size before and after."""
    db = folder / "khobor.db"
    with sqlite3.connect(db) as connection:
        (middle,) = connection.execute("SELECT fetched_at FROM articles ORDER BY fetched_at "
                                       "LIMIT 1 OFFSET (SELECT count(*) / 2 FROM articles)").fetchone()
    before, used_before = used_mb(db)
    script = (f"import asyncio, sys; sys.path.insert(0, {str(OURS)!r})\n"
              "from datetime import UTC, datetime\nfrom digests.store import Store, open_database\n"
              "async def main():\n"
              f"    store = Store(await open_database('sqlite+aiosqlite:///{db}'))\n"
              f"    print(await store.prune_articles(before=datetime.fromisoformat({middle!r}).replace(tzinfo=UTC)))\n"
              "    await store.close()\nasyncio.run(main())\n")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    after, used_after = used_mb(db)
    print(f"  retention pass: pruned {done.stdout.strip() or done.stderr[-300:]} articles in {seconds:.1f} s; "
          f"database {before:.0f} MB ({used_before:.0f} MB used) -> {after:.0f} MB ({used_after:.0f} MB used, "
          "the rest free pages that new articles reuse)")


def inflate(folder: Path, times: int) -> Path:
    """A copy of ``folder``'s database with every article repeated ``times`` times (new URLs and hashes; each
    copy its own story, with its summary), as a stand-in for a window too big to collect here."""
    target = folder.parent / f"{folder.name}x{times}"
    target.mkdir(exist_ok=True)
    (target / "settings.toml").write_text((folder / "settings.toml").read_text().replace(str(folder), str(target)))
    with sqlite3.connect(folder / "khobor.db") as source, sqlite3.connect(target / "khobor.db") as copy:
        source.backup(copy)
        top = copy.execute("SELECT max(id) FROM articles").fetchone()[0]
        stories = copy.execute("SELECT max(id) FROM stories").fetchone()[0]
        for k in range(1, times):
            copy.execute("INSERT INTO stories (id, language, title, first_seen, last_seen, articles) SELECT "
                         "id + ?, language, title, first_seen, last_seen, articles FROM stories WHERE id <= ?",
                         (k * stories, stories))
            copy.execute("INSERT INTO articles (id, feed_id, url, link, title, text, author, language, source, "
                         "content_hash, text_origin, extraction_error, published_at, fetched_at, story_id) SELECT "
                         "id + ?, feed_id, url || '#' || ?, link, title, text, author, language, source, "
                         "content_hash || ?, text_origin, extraction_error, published_at, fetched_at, story_id + ? "
                         "FROM articles WHERE id <= ?", (k * top, k, str(k), k * stories, top))
            copy.execute("INSERT INTO summaries SELECT article_id + ?, config, sentences, algorithm, language, "
                         "created_at FROM summaries WHERE article_id <= ?", (k * top, top))
    return target


def size(feeds: int, args: argparse.Namespace, work: Path) -> None:
    total = feeds * PER_FEED
    print(f"\n{feeds} feeds x {PER_FEED} articles ({total}), 2 worker processes, [collect] concurrency 16")
    site = start_site(feeds)
    try:
        collect("ours", OURS, work / f"ours{feeds}", feeds)
        if args.previous and feeds <= args.previous_max:
            collect("previous", args.previous, work / f"prev{feeds}", feeds)
        if args.sweep and feeds == min(args.feeds):
            for concurrency in (16, 64, 256):
                collect(f"ours, concurrency {concurrency}", OURS, work / f"sweep{feeds}-{concurrency}", feeds,
                        concurrency)
    finally:
        site.terminate()
    for hours in sorted({h for h in (24 * 5000 // total, 24 * 20000 // total, 24) if 1 <= h <= 24}):
        digest("ours", OURS, work / f"ours{feeds}", hours)
        if args.previous and hours * total // 24 <= 6000:  # the same articles: our database
            digest("previous, our database", args.previous, work / f"ours{feeds}", hours)
    for times in args.inflate if feeds == max(args.feeds) else ():
        big = inflate(work / f"ours{feeds}", times)
        print(f"  the {feeds}-feed database repeated {times} times ({count(big / 'khobor.db')} articles):")
        digest("ours", OURS, big, 24)
        if args.previous:
            digest("previous", args.previous, big, 24)
    retention(work / f"ours{feeds}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--feeds", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--previous", type=Path, help="a checkout of the previous version to run alongside")
    parser.add_argument("--previous-max", type=int, default=1000, help="largest size the previous version runs")
    parser.add_argument("--sweep", action="store_true", help="concurrency 16, 64, 256 at the smallest size")
    parser.add_argument("--inflate", type=int, nargs="*", default=[],
                        help="also build digests over the largest size's articles repeated these many times")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} is absent: this benchmark needs ../shared/data beside the checkout")
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the start")
    adopt_orphans()
    with tempfile.TemporaryDirectory() as tmp:
        for feeds in args.feeds:
            size(feeds, args, Path(tmp))


if __name__ == "__main__":
    main()
