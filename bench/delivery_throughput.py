"""Digests delivered per second against a loopback fake Slack Web API that enforces a global rate limit.

The fake answers every request over the limit (a token bucket: ``--limit`` requests a second, bursts of 10)
with 429 and ``Retry-After: 1``, as Discord's global limit and Slack's per-method tiers do. Each of
``--channels`` channels gets a one-message digest, through the real Slack adapter (slack_sdk, which honours
Retry-After) and the delivery records on SQLite.

Ours: ``Deliverer.deliver_many`` with its client-side pacer at ``--headroom`` x the limit.
Peer, in the same run: the same delivery without the pacer (16 at a time, relying on Retry-After alone).

    .venv/bin/python bench/delivery_throughput.py [--channels 300] [--limit 50] [--headroom 0.96] [--concurrency 16]
        [--skip-peer]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.adapters.slack.adapter import SlackAdapter
from bot.adapters.slack.config import SlackConfig
from bot.app import App
from bot.runtime.delivery import Deliverer
from bot.runtime.delivery_policy import DeliveryPolicy
from tests.fakes.deliver_child import child_settings
from tests.fakes.flaky_slack import FlakySlackApi
from tests.fakes.slack_api import TEAM_ID

DAY = date(2025, 3, 4)


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    channels: int
    delivered: int
    seconds: float
    limited: int
    lost: int
    duplicated: int

    def line(self, limit: float) -> str:
        rate = self.delivered / self.seconds
        return (f"{self.name:<28} {self.delivered}/{self.channels} digests in {self.seconds:6.2f} s = "
                f"{rate:5.1f}/s = {rate / limit:5.1%} of the limit; 429s: {self.limited}; lost: {self.lost}; "
                f"duplicated: {self.duplicated}")


async def run(name: str, *, channels: int, limit: float, rate: float | None, concurrency: int,
              workdir: Path) -> Result:
    """Subscribe ``channels`` channels, deliver the day's digest to all, and count what arrived."""
    async with FlakySlackApi(rate=limit, burst=10) as api:
        url = f"sqlite+aiosqlite:///{workdir / f'{name.split()[0]}.db'}"
        settings = child_settings(url, api.base_url, workdir)
        async with App(settings) as app:
            subs = [(await app.subscriptions.upsert(
                platform="slack", workspace_id=TEAM_ID, channel_id=f"C{i:05d}", region="test", delivery_time="08:00",
                timezone="Asia/Dhaka", topics=None, keywords=(), user_id="UADMIN", now=datetime.now(UTC)))[0]
                for i in range(channels)]
            policy = DeliveryPolicy(rates={"slack": rate} if rate else {}, concurrency=concurrency)
            slack = SlackAdapter(app.core_service(), SlackConfig.of(settings), pace=0)
            deliverer = Deliverer(app, {"slack": slack}, policy=policy)
            await asyncio.sleep(1.0)  # let the bucket fill, as on a quiet morning
            api.limited, posts = 0, []
            api.on_post = lambda channel, args: posts.append(time.perf_counter())
            started = time.perf_counter()
            statuses = await deliverer.deliver_many(subs, digest_date=DAY)
            seconds = time.perf_counter() - started
            print(f"{name}: first post after {posts[0] - started:.2f} s, last after {posts[-1] - started:.2f} s")
        heads = [len(api.heads(s.channel_id)) for s in subs]
    delivered = sum(status == "posted" for status in statuses.values())
    return Result(name, channels, delivered, seconds, api.limited, lost=heads.count(0),
                  duplicated=sum(1 for h in heads if h > 1))


async def main(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.ERROR)
    print(f"global limit {args.limit:.0f} requests/s, {args.channels} channels, one message each")
    with tempfile.TemporaryDirectory() as tmp:
        ours = await run("ours (paced)", channels=args.channels, limit=args.limit,
                         rate=args.limit * args.headroom, concurrency=args.concurrency, workdir=Path(tmp))
        print(ours.line(args.limit))
        if not args.skip_peer:
            peer = await run("peer (Retry-After only)", channels=args.channels, limit=args.limit, rate=None,
                             concurrency=args.concurrency, workdir=Path(tmp))
            print(peer.line(args.limit))
        ok = ours.delivered / ours.seconds / args.limit >= 0.9 and ours.lost == ours.duplicated == 0
        print(f"goal (>= 90 % of the limit, none lost or doubled): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=300)
    parser.add_argument("--limit", type=float, default=50.0)
    parser.add_argument("--headroom", type=float, default=0.96, help="pacer rate as a fraction of the limit")
    parser.add_argument("--concurrency", type=int, default=16, help="deliveries in flight at once")
    parser.add_argument("--skip-peer", action="store_true")
    asyncio.run(main(parser.parse_args()))
