"""Exactly once, from outside: the real `khobor run` processes, killed at random moments, against a fake Slack.

Each scenario writes a settings file, serves a loopback news site, imports ``--channels`` subscriptions due at
the same minute in six timezones (`khobor import`), and runs `khobor run` (Slack, HTTP mode) as separate
processes against the loopback fake Slack Web API (tests/fakes/flaky_slack.py): a workspace and a per-channel
rate limit answering 429 + Retry-After, scripted 500s before and after a post is stored, a connection dropped
after the store, and three channels that are gone. Then it counts, per channel, the digests Slack holds.

- ``sqlite``: one instance, SIGKILLed (the whole process group) ``--kills`` times: at random moments around the
  due time, and right after the fake stored a post and before it answered; restarted after 0-3 s each time.
- ``failover`` (``--postgres URL``): two instances on PostgreSQL; the leader is SIGKILLed 5 s before the due
  time. Reports the seconds from the due time to the first digest.
- ``partition`` (``--postgres URL``): two instances; during delivery the leader's lock session is terminated
  (``pg_terminate_backend``) while its process keeps running.

Every scenario must end with each live channel holding exactly one digest (a head message and its complete
thread, no reply twice), 0 missing, the gone channels paused, and no traceback in any log.

    .venv/bin/python bench/exactly_once.py [--channels 100] [--kills 10] [--seed 7] [--postgres URL]
        [--scenarios sqlite,failover,partition]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import random
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from once_world import Bot, Outcome, World
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine


async def scenario_sqlite(channels: int, kills: int, rng: random.Random, folder: Path) -> Outcome:
    url = f"sqlite+aiosqlite:///{folder / 'khobor.db'}"
    async with World(folder, channels, url) as world:
        bot = world.bot("sqlite")
        due = await world.subscribe(bot, lead_s=20)
        await bot.start()
        done = 0
        killed_on_post = asyncio.Event()

        def kill_on_post(channel: str, args: dict[str, Any]) -> None:
            world._stamp(channel, args)
            if rng.random() < 0.08:  # right after the post was stored, before Slack answered
                bot.kill()
                killed_on_post.set()

        while done < kills:
            if rng.random() < 0.4:
                world.api.on_post = kill_on_post
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(killed_on_post.wait(), timeout=20)
                world.api.on_post = world._stamp
                killed_on_post.clear()
            else:
                start = max(time.time(), due.timestamp() - 5)
                await asyncio.sleep(max(0.0, start - time.time()) + rng.uniform(0.5, 12.0))
            bot.kill()
            assert bot.process is not None
            await bot.process.wait()
            done += 1
            await asyncio.sleep(rng.uniform(0.0, 3.0))
            await bot.start()
        # SIGKILLed posts hold their lease (90 s) before another process may read back and resume them.
        await world.settle(time.time() + 300)
        await bot.stop()
        return await world.outcome("sqlite", due, [bot], done)


async def leader_of(bots: list[Bot]) -> Bot | None:
    """The instance whose log says it leads now (the last "leads" line among those still running)."""
    for bot in bots:
        if bot.process is not None and bot.process.returncode is None:
            lines = bot.log.read_text(encoding="utf-8", errors="replace").splitlines()
            run = [n for n, line in enumerate(lines) if line.startswith(f"=== run {bot.runs}")]
            since = lines[run[-1]:] if run else lines
            leads = [n for n, line in enumerate(since) if "this instance leads" in line]
            lost = [n for n, line in enumerate(since) if "stops scheduling" in line]
            if leads and (not lost or leads[-1] > lost[-1]):
                return bot
    return None


async def wait_leader(bots: list[Bot], within: float = 30) -> Bot:
    until = time.time() + within
    while time.time() < until:
        leader = await leader_of(bots)
        if leader is not None:
            return leader
        await asyncio.sleep(0.2)
    raise SystemExit("no instance became the leader")


async def two_instances(world: World, name: str) -> tuple[list[Bot], datetime]:
    """Import the subscriptions and start two instances on one database, the first one leading."""
    bots = [world.bot(f"{name}-a"), world.bot(f"{name}-b")]
    due = await world.subscribe(bots[0], lead_s=25)
    await bots[0].start()
    await wait_leader(bots)
    await bots[1].start()
    return bots, due


async def finish(world: World, name: str, due: datetime, bots: list[Bot], *, kills: int, note: str,
                 within: float) -> Outcome:
    """Let the deliveries settle (at most ``within`` seconds), stop every instance, and count."""
    await world.settle(time.time() + within)
    for bot in bots:
        await bot.stop()
    result = await world.outcome(name, due, bots, kills)
    result.notes.append(note)
    return result


async def scenario_failover(channels: int, database_url: str, folder: Path) -> Outcome:
    async with World(folder, channels, database_url) as world:
        bots, due = await two_instances(world, "pg")
        await asyncio.sleep(max(0.0, due.timestamp() - 5 - time.time()))
        (await wait_leader(bots)).kill()  # 5 s before the due time
        return await finish(world, "failover", due, bots, kills=1, within=240,
                            note="the leader was SIGKILLed 5 s before the due time")


async def scenario_partition(channels: int, database_url: str, folder: Path) -> Outcome:
    async with World(folder, channels, database_url) as world:
        bots, due = await two_instances(world, "part")
        await asyncio.sleep(max(0.0, due.timestamp() - time.time()) + 2.0)  # delivering by now
        engine = create_async_engine(database_url)
        async with engine.connect() as conn:  # cut the leader's lock session; its process lives on
            await conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_locks "
                                    "WHERE locktype = 'advisory' AND granted"))
            await conn.commit()
        await engine.dispose()
        return await finish(world, "partition", due, bots, kills=0, within=300,
                            note="the leader's lock session was terminated 2 s into delivery; its process kept running")


async def reset_postgres(database_url: str) -> None:
    engine = create_async_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


def keep_logs(folder: Path) -> Path:
    keep = Path(tempfile.mkdtemp(prefix="khobor-once-logs-"))
    for log in folder.rglob("*.log"):
        (keep / f"{log.parent.name}-{log.name}").write_bytes(log.read_bytes())
    return keep


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--channels", type=int, default=100)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", default=os.environ.get("KHOBOR_TEST_POSTGRES_URL"))
    parser.add_argument("--scenarios", default="sqlite,failover,partition")
    args = parser.parse_args()
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)  # the fake's own "dropped the connection"
    wanted = args.scenarios.split(",")
    results = []
    with tempfile.TemporaryDirectory(prefix="khobor-once-") as tmp:
        if "sqlite" in wanted:
            (Path(tmp) / "sqlite").mkdir()
            results.append(await scenario_sqlite(args.channels, args.kills, random.Random(args.seed),
                                                 Path(tmp) / "sqlite"))
            print(results[-1].line(), flush=True)
        for name, run in (("failover", scenario_failover), ("partition", scenario_partition)):
            if name not in wanted:
                continue
            if not args.postgres:
                print(f"{name:<10} skipped: no --postgres URL (or KHOBOR_TEST_POSTGRES_URL)")
                continue
            await reset_postgres(args.postgres)
            (Path(tmp) / name).mkdir()
            results.append(await run(args.channels, args.postgres, Path(tmp) / name))
            print(results[-1].line(), flush=True)
        for result in results:
            for note in result.notes:
                print(f"  {result.name}: {note}")
        if any(not r.ok() for r in results):
            print(f"logs kept in {keep_logs(Path(tmp))}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
