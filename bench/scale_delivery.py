"""A busy minute (issue 15): N subscriptions due at once, 20 distinct filters, against the fake Slack Web API at
its limit (tests/fakes/flaky_slack.py: a global token bucket of ``--limit`` requests a second, bursts of 10,
and Slack's one message a second per channel, bursts of 3, each answered 429 with Retry-After when exceeded).

The region holds ``--articles`` BBC articles (../shared/data/bbc-news-summary) stored as the collector stores
them (summaries and stories at once), so each digest is a real multi-message one (a head message and its
thread). Delivery is ``Deliverer.deliver_many`` through the real Slack adapter, the default policy with the
pacer a little under the limit (``--headroom``), on the real clock, SQLite delivery records. The
floor is the messages the digests need divided by the limit; the figure is the time to the last post. The fake
runs in a process of its own (tests/fakes/slack_process.py), as Slack is remote: its work is not the bot's.

    .venv/bin/python bench/scale_delivery.py [--subscriptions 2000] [--limit 20] [--articles 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import logging
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.adapters.slack.adapter import SlackAdapter
from bot.adapters.slack.config import SlackConfig
from bot.app import App
from bot.runtime.delivery import Deliverer
from bot.runtime.delivery_policy import DeliveryPolicy
from digests.store import NewArticle, Subscription
from tests.fakes.deliver_child import child_settings
from tests.fakes.slack_api import TEAM_ID
from tests.fakes.slack_process import SlackProcess

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc-news-summary" / "articles.jsonl.gz"
DHAKA = ZoneInfo("Asia/Dhaka")
DUE = datetime.now(UTC).replace(second=0, microsecond=0)  # every subscription is due this minute
DAY = DUE.astimezone(DHAKA).date()
FILTERS: list[tuple[list[str] | None, tuple[str, ...]]] = [
    (None, ()), (["Business"], ()), (["Sport"], ()), (["Politics"], ()), (["Technology"], ()),
    (["Entertainment"], ()), (["Business", "Politics"], ()), (["Sport", "Entertainment"], ()),
    (["Technology", "Business"], ()), (["Health"], ()), (None, ("election",)), (None, ("market",)),
    (None, ("film",)), (None, ("minister",)), (None, ("phone",)), (None, ("world cup", "cup")),
    (None, ("bank",)), (None, ("music",)), (None, ("labour", "tory")), (None, ("game",)),
]


async def fill(app: App, count: int) -> None:
    with gzip.open(DATA, "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines][:count]
    feed_id = (await app.store.sync_feeds(feeds=[("http://127.0.0.1:9/feed", "Nowhere")], now=DUE))[
        "http://127.0.0.1:9/feed"]
    articles = [NewArticle(feed_id=feed_id, url=f"https://bbc.example/{i}", link=f"https://bbc.example/{i}",
                           title=row["title"], text=row["text"], source=f"Outlet {i % 9}", content_hash=f"h{i}",
                           text_origin="page", fetched_at=DUE - timedelta(hours=1),
                           published_at=DUE - timedelta(minutes=1 + i % 1400), language="en")
                for i, row in enumerate(rows)]
    for start in range(0, len(articles), 50):
        await app.intake().add(articles[start:start + 50])


async def subscribe(app: App, count: int) -> list[Subscription]:
    """``count`` Slack channels, all due at ``DUE``, their filters taken in turn from ``FILTERS``."""
    subs = []
    for i in range(count):
        topics, keywords = FILTERS[i % len(FILTERS)]
        sub, _ = await app.subscriptions.upsert(
            platform="slack", workspace_id=TEAM_ID, channel_id=f"C{i:05d}", region="test",
            delivery_time=f"{DUE.astimezone(DHAKA):%H:%M}", timezone="Asia/Dhaka", topics=topics,
            keywords=keywords, user_id="UADMIN", now=DUE - timedelta(days=1))
        subs.append(sub)
    return subs


async def main(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        # the fake Slack in a process of its own, as Slack is remote: its work costs the bot's process nothing
        async with SlackProcess(rate=args.limit, burst=10, channel_rate=1.0, channel_burst=3) as api:
            settings = child_settings(f"sqlite+aiosqlite:///{tmp}/bench.db", api.base_url, Path(tmp))
            # the default: digests are composed in one worker process, not on the event loop's thread
            settings = settings.model_copy(update={"collect": settings.collect.model_copy(update={"workers": 1})})
            async with App(settings) as app:
                await fill(app, args.articles)
                subs = await subscribe(app, args.subscriptions)
                policy = DeliveryPolicy(rates={"slack": args.limit * args.headroom})
                slack = SlackAdapter(app.core_service(), SlackConfig.of(settings))
                deliverer = Deliverer(app, {"slack": slack}, policy=policy)
                await asyncio.sleep(1.0)  # the bucket fills, as on a quiet morning
                await api.reset()
                started = time.monotonic()  # the fake stamps each post with the same clock
                statuses = await deliverer.deliver_many(subs, digest_date=DAY)
                built = int(app.metrics.digests_built.labels(region="test")._value.get())
            report = await api.report()
    posts = report.posts
    heads = [report.heads.get(s.channel_id, 0) for s in subs]
    messages, last = len(posts), posts[-1] - started
    print(f"first post after {posts[0] - started:.1f} s")
    floor = messages / args.limit
    print(f"{args.subscriptions} subscriptions due at once, {len(FILTERS)} distinct filters ({built} digests built), "
          f"{args.articles} articles in the window; fake Slack at {args.limit:.0f} requests/s")
    print(f"{messages} messages ({messages / args.subscriptions:.2f} a digest); last post after {last:.1f} s "
          f"= {last / 60:.2f} min; the limit's floor {floor:.1f} s: {last / floor:.1%} of it; "
          f"429s {report.limited}; posted {sum(s == 'posted' for s in statuses.values())}; lost {heads.count(0)}; "
          f"doubled {sum(h > 1 for h in heads)}")
    pauses = [b - a for a, b in pairwise(posts) if b - a > 0.25]
    print(f"after the first post: {(last - (posts[0] - started)) / floor:.1%} of the floor; 429s from the workspace "
          f"limit {report.limited_workspace}, the channel limit {report.limited_channel}; {len(pauses)} pauses over "
          f"0.25 s between posts, {sum(pauses):.1f} s in all")
    scale = 10_000 / args.subscriptions
    print(f"extrapolated to 10,000 subscriptions (linear in messages): {last * scale / 60:.1f} min "
          f"(floor {floor * scale / 60:.1f} min)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=2000)
    parser.add_argument("--limit", type=float, default=20.0)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--headroom", type=float, default=0.96, help="the pacer's rate as a share of the limit")
    if not DATA.exists():
        sys.exit(f"{DATA} is absent: this benchmark needs ../shared/data beside the checkout")
    asyncio.run(main(parser.parse_args()))
