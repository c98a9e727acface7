"""Story memory across three days, from outside: a loopback region built from the BBC News Summary set
(tests/fakes/story_days.py) collected and delivered by the real bot through the real Discord and Slack adapters
to the loopback fakes, each day's posts read back and judged against the simulation's ground truth.

Day 1 brings new events from three outlets; days 2 and 3 bring follow-ups of earlier events from another outlet
(new facts), edited copies from the same outlet (nothing new) and new events. Per channel and day it prints:
stories repeated without anything new (goal 0), updates marked among the events with something new (goal
all), their links leading to the message that carried the story before, new events shown (goal all), and the
largest update's payload against the platform's limits. The previous figure is the same run delivered as
before story memory (every channel gets the shared digest as it is).

    .venv/bin/python bench/story_days.py [--per-day 20] [--follows 6] [--edits 4] [--seed 11]

Data: ../shared/data/bbc-news-summary/articles.jsonl.gz (see its SOURCE.md). The tests run seed 3 with 4
events a day; report a different seed.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.story_days import Simulation, load_events  # noqa: E402
from tests.fakes.story_days_run import DayFigures, run  # noqa: E402
from tests.fakes.webserver import WebServer  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "bbc-news-summary" / "articles.jsonl.gz"
FIRST = date(2026, 11, 24)
LIMITS = {"discord": "embeds <= 6000 chars and 10 a message, description <= 4096",
          "slack": "<= 50 blocks, section <= 3000 chars"}


def line(label: str, days: list[DayFigures]) -> str:
    cells = []
    for f in days[1:]:
        cells.append(f"day {f.day}: repeats {f.repeats}, updates marked {f.updates_marked}/{f.updates_expected} "
                     f"(links to the earlier post {f.links_ok}/{f.updates_marked}), "
                     f"new shown {f.new_shown}/{f.new_expected}")
    first = days[0]
    return f"  {label:<9} day 1: new shown {first.new_shown}/{first.new_expected} | " + " | ".join(cells)


def sizes(platform: str, days: list[DayFigures]) -> str:
    found = [f.largest_update for f in days if f.largest_update is not None]
    if not found:
        return f"  {platform}: no update posted"
    big = max(found, key=lambda s: s.story_chars)
    return (f"  {platform}: largest update {big.story_chars} chars; its message {big.message_chars} chars in "
            f"{big.message_blocks} {'embeds' if platform == 'discord' else 'blocks'}, longest "
            f"{'description' if platform == 'discord' else 'section'} {big.largest_block} "
            f"(limits: {LIMITS[platform]})")


async def once(args: argparse.Namespace, *, memory: bool) -> tuple[dict[str, list[DayFigures]], float]:
    events = load_events(DATA, args.per_day * 3 + 3, seed=args.seed)
    ends = [datetime(2026, 11, 24, 2, tzinfo=UTC) + timedelta(days=n) for n in range(3)]
    sim = Simulation(events, per_day=args.per_day, follows=args.follows, edits=args.edits, ends=ends,
                     seed=args.seed)
    started = time.perf_counter()
    async with WebServer() as outlets:
        with tempfile.TemporaryDirectory() as tmp:
            figures = await run(sim, Path(tmp), outlets, FIRST, memory=memory)
    return figures, time.perf_counter() - started


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-day", type=int, default=20, help="new events a day")
    parser.add_argument("--follows", type=int, default=6, help="follow-ups from another outlet on days 2 and 3")
    parser.add_argument("--edits", type=int, default=4, help="edited copies from the same outlet on days 2 and 3")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"story_days: {DATA} is absent; the BBC set in ../shared/data is needed (see its SOURCE.md)")
    logging.basicConfig(level=logging.ERROR)
    ours, took = await once(args, memory=True)
    before, took_before = await once(args, memory=False)
    print(f"Three days, {args.per_day} new events a day, {args.follows} follow-ups and {args.edits} edited "
          f"copies on days 2 and 3 (seed {args.seed}); real Discord and Slack adapters against loopback fakes")
    for platform in ("discord", "slack"):
        print(f"{platform}:")
        print(line("ours", ours[platform]))
        print(line("previous", before[platform]))
        problems = [p for f in ours[platform] for p in f.problems]
        print(f"  ours, stories not as expected: {len(problems)}" + "".join(f"\n    {p}" for p in problems))
        print(f"  previous, stories not as expected (follow-ups shown as new): "
              f"{sum(len(f.problems) for f in before[platform])}")
    print("Payload of an update:")
    for platform in ("discord", "slack"):
        print(sizes(platform, ours[platform]))
    print(f"Run time (noisy, shared machine): ours {took:.1f} s, previous {took_before:.1f} s")


if __name__ == "__main__":
    asyncio.run(main())
