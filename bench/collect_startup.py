"""Where the start of ``khobor collect`` goes: seconds (and the collecting process's CPU) from the process's start
to its imports done (bot.app, the heaviest, imported), the database open, the first fetch, the first page
extracted by a worker, the first feed stored, and the end, on the loopback site of bench/scale_site.py (N feeds x
20 light pages, 2 workers).

The real ``khobor collect`` runs in a child process, fresh database each run, with a few of its methods wrapped
as it imports them, to note the moment they are first reached. ``--previous DIR`` runs the same through another
checkout (``git archive main | tar -x -C DIR``), alternated with ours; medians of ``--runs``. On a shared machine
the CPU figures are the steadier ones.

    .venv/bin/python bench/collect_startup.py [--feeds 100] [--runs 5] [--previous DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_site import DATA, PER_FEED, settings_toml, start_site

OURS = Path(__file__).resolve().parents[1]
MARKS = ("imports done", "database open", "first fetch", "first page extracted", "first feed stored",
         "collection done", "end")

# The child: khobor collect with marks. Wall seconds from the process's start (its start time in /proc), and
# the process's own CPU seconds, at the first time each place is reached.
CHILD = """
import json, os, sys, time
sys.path.insert(0, sys.argv[1])

def since_start():
    ticks = os.sysconf("SC_CLK_TCK")
    started = int(open("/proc/self/stat").read().rsplit(")", 1)[1].split()[19]) / ticks
    return float(open("/proc/uptime").read().split()[0]) - started

ORIGIN = time.perf_counter() - since_start()
marks = {}

def mark(name):
    marks.setdefault(name, (time.perf_counter() - ORIGIN, time.process_time()))

def first(owner, name, label, after=True):
    original = getattr(owner, name)
    async def wrapped(*args, **kwargs):
        if not after:
            mark(label)
        result = await original(*args, **kwargs)
        if after:
            mark(label)
        return result
    setattr(owner, name, wrapped)

# Each module's methods are wrapped as the command imports it (the command imports them when it needs them: some
# of its start, such as the worker pool's fork server, comes before).
import importlib.abc, importlib.util

def on_import(module):
    name = module.__name__
    if name == "bot.app":
        mark("imports done")
        first(module.App, "start", "database open")
    elif name == "digests.fetch":
        first(module.Fetcher, "fetch", "first fetch", after=False)
    elif name == "digests.page_reader":
        first(module.PageReader, "_trip", "first page extracted")
    elif name == "digests.intake":
        first(module.Intake, "add", "first feed stored")
    elif name == "digests.collect":
        first(module.Collector, "collect", "collection done")

class Hook(importlib.abc.MetaPathFinder):
    WANTED = {"bot.app", "digests.fetch", "digests.page_reader", "digests.intake", "digests.collect"}

    def find_spec(self, name, path, target=None):
        if name not in self.WANTED:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        run = spec.loader.exec_module
        def exec_module(module):
            run(module)
            on_import(module)
        spec.loader.exec_module = exec_module
        return spec

if __name__ == "__main__":
    sys.meta_path.insert(0, Hook())
    from bot.cli.main import main
    try:
        code = main(["--settings", sys.argv[2], "collect"])
    finally:
        mark("end")
        print("bench-marks:", json.dumps(marks), file=sys.stderr)
    sys.exit(code)
"""


def one_run(code: Path, settings: Path) -> dict[str, tuple[float, float]]:
    """The marks of one ``khobor collect`` through the checkout at ``code``."""
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as script:
        script.write(CHILD)  # a file, not -c: spawned workers import the main module, which must be guarded
    try:
        done = subprocess.run([sys.executable, script.name, str(code), str(settings)], capture_output=True,
                              text=True, cwd=code, check=False)
    finally:
        os.unlink(script.name)
    said = [line for line in done.stderr.splitlines() if line.startswith("bench-marks: ")]
    if done.returncode != 0 or not said:
        raise SystemExit(f"bench: khobor collect failed through {code}: {done.stderr[-800:]}")
    marks: dict[str, list[float]] = json.loads(said[-1].removeprefix("bench-marks: "))
    return {name: (wall, cpu) for name, (wall, cpu) in marks.items()}


def report(name: str, runs: list[dict[str, tuple[float, float]]], articles: int) -> None:
    print(f"  {name} ({len(runs)} runs, medians):")
    for mark in MARKS:
        walls = [run[mark][0] for run in runs if mark in run]
        cpus = [run[mark][1] for run in runs if mark in run]
        if walls:
            print(f"    {mark:22s} {statistics.median(walls):6.2f} s  "
                  f"(CPU of the process {statistics.median(cpus):5.2f} s)")
    ends = [run["end"][0] for run in runs]
    print(f"    {articles / statistics.median(ends):.0f} articles/s over the whole command (process start to exit)")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--previous", type=Path, help="a checkout of the previous version to run alongside")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} is absent: this benchmark needs ../shared/data beside the checkout")
    codes = {"ours": OURS, **({"previous": args.previous.resolve()} if args.previous else {})}
    results: dict[str, list[dict[str, tuple[float, float]]]] = {name: [] for name in codes}
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the start; {args.feeds} feeds x "
          f"{PER_FEED} articles, 2 workers")
    site = start_site(args.feeds)
    try:
        for _ in range(args.runs):
            for name, code in codes.items():
                with tempfile.TemporaryDirectory() as folder:
                    results[name].append(one_run(code, settings_toml(Path(folder), args.feeds)))
    finally:
        site.terminate()
    for name, runs in results.items():
        report(name, runs, args.feeds * PER_FEED)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
