"""Running the three-day simulation (:mod:`tests.fakes.story_days`) through the real bot: the loopback outlets
collected and stored, then each day's digest delivered by the real Deliverer through the real Discord and Slack
adapters to the loopback fakes; what the fakes received is read back and judged against the ground truth.

Figures per channel and day: stories shown again without anything new (goal 0), updates marked among the
events that had something new (goal all), new events shown (goal all), update links that lead to the message
that carried the story before, and the largest update message on each platform against its limits.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import discord
import yarl
from pydantic import SecretStr

from bot.adapters.discord.adapter import DiscordAdapter
from bot.adapters.discord.config import DiscordConfig
from bot.adapters.slack.adapter import SlackAdapter
from bot.adapters.slack.config import SlackConfig
from bot.app import App, feed_sources
from bot.core.schedule import due_at
from bot.runtime.delivery import Deliverer
from bot.runtime.delivery_policy import DeliveryPolicy
from bot.settings import (
    CollectSettings,
    DigestSettings,
    DiscordSettings,
    FeedSettings,
    RegionSettings,
    Secrets,
    Settings,
    SlackSettings,
)
from digests.models import Digest
from digests.store.deliveries import Delivery
from digests.store.subscriptions import Subscription
from tests.fakes.discord_api import TOKEN, FakeDiscord, embed_chars
from tests.fakes.slack_api import TEAM_ID, FakeSlackApi
from tests.fakes.story_days import NEW, OUTLETS, Simulation, slug
from tests.fakes.webserver import WebServer

GUILD, CHANNEL, SLACK_CHANNEL = 1_000_000_000_000_000_001, 1_000_000_000_000_000_101, "C0NEWS"
REGION, ZONE, AT = "sim", "Asia/Dhaka", "08:00"
_SLACK_LINK = re.compile(r"<(https?://[^|>]+)\|")
_DISCORD_LINK = re.compile(r"\]\((https?://[^)\s]+)\)")


@dataclass(frozen=True, slots=True)
class Shown:
    """A story as a platform received it: the article paths it links, whether marked as an update, its
    link back, and the size of the message that carried it."""

    paths: frozenset[str]
    update: bool
    seen_link: str | None
    message_id: str  # Discord message id, Slack ts
    size: Size


@dataclass(frozen=True, slots=True)
class Size:
    """A story's payload and its message's, as the platform limits count them."""

    story_chars: int  # Discord: the embed's characters; Slack: its sections' text
    message_chars: int  # Discord: all embeds of the message (limit 6,000); Slack: all block text (40,000)
    message_blocks: int  # Discord: embeds (10); Slack: blocks (50)
    largest_block: int  # Discord: the longest embed description (4,096); Slack: the longest section (3,000)


@dataclass
class DayFigures:
    day: int
    repeats: int = 0  # events shown again with nothing new (goal 0)
    updates_marked: int = 0
    updates_expected: int = 0
    new_shown: int = 0
    new_expected: int = 0
    links_ok: int = 0  # update links that lead to a message of this channel that carried the event before
    largest_update: Size | None = None  # the largest update (by its own characters) and its message
    problems: list[str] = field(default_factory=list)


def settings(tmp: Path, outlets: WebServer, fake: FakeDiscord, slack: FakeSlackApi) -> Settings:
    feeds = [FeedSettings(url=outlets.url(f"/{slug(o)}/feed"), name=o) for o in OUTLETS]
    region = RegionSettings(name=REGION, title="Simulated Region", timezone=ZONE, languages=["en"], feeds=feeds)
    slack_settings = SlackSettings(api_base_url=slack.base_url, mode="http",
                                   http_host="127.0.0.1").model_copy(update={"http_port": 0})
    secrets = Secrets(discord_token=SecretStr(TOKEN), slack_bot_token=SecretStr(slack.bot_token),
                      slack_signing_secret=SecretStr("sim-signing-secret"))
    return Settings(data_dir=tmp / "data", collect=CollectSettings(workers=0, retries=0, allow_private_links=True),
                    digest=DigestSettings(max_stories=200), regions=[region], secrets=secrets, slack=slack_settings,
                    discord=DiscordSettings(api_base_url=fake.api_url, guild_ids=[str(GUILD)]))


Platforms = tuple[App, FakeDiscord, FakeSlackApi, dict[str, Any]]


@asynccontextmanager
async def platforms(tmp: Path, outlets: WebServer) -> AsyncIterator[Platforms]:
    """The app with both adapters started against the fakes (discord.py's gateway and base URL restored after)."""
    gateway, base = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY, discord.http.Route.BASE
    async with AsyncExitStack() as stack:
        fake = await stack.enter_async_context(FakeDiscord(guilds={GUILD: [CHANNEL]}))
        slack = await stack.enter_async_context(FakeSlackApi())
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
        try:
            app = await stack.enter_async_context(App(settings(tmp, outlets, fake, slack)))
            service = app.core_service()
            adapters: dict[str, Any] = {
                "discord": DiscordAdapter(service, DiscordConfig.of(app.settings), guild_ready_timeout=0.05),
                "slack": SlackAdapter(service, SlackConfig.of(app.settings), pace=0)}
            for adapter in adapters.values():
                await adapter.start()
                stack.push_async_callback(adapter.stop)
            yield app, fake, slack, adapters
        finally:
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY, discord.http.Route.BASE = gateway, base


def discord_stories(fake: FakeDiscord, since: int) -> list[Shown]:
    """The stories of the digests posted in the channel (and their threads) from message ``since`` on."""
    heads = fake.messages.get(CHANNEL, [])[since:]
    messages = [m for head in heads for m in (head, *fake.messages.get(int(head["id"]), []))]
    shown = []
    for message in messages:
        embeds = message.get("embeds") or []
        total, longest = sum(embed_chars(e) for e in embeds), max((len(e.get("description") or "") for e in embeds),
                                                                   default=0)
        for embed in embeds:
            fields = {f["name"]: f["value"] for f in embed.get("fields") or []}
            urls = {embed.get("url") or "", *(u for v in fields.values() for u in _DISCORD_LINK.findall(v))}
            seen = _DISCORD_LINK.findall(fields.get("Seen before", ""))
            shown.append(Shown(frozenset(urlparse(u).path for u in urls if u), (embed.get("title") or "")
                               .startswith("Update: "), seen[0] if seen else None, str(message["id"]),
                               Size(embed_chars(embed), total, len(embeds), longest)))
    return shown


def slack_stories(slack: FakeSlackApi, since: int) -> list[Shown]:
    """The stories of the digests posted in the Slack channel from message ``since`` on (heads and threads)."""
    shown: list[Shown] = []
    for message in slack.messages.get(SLACK_CHANNEL, [])[since:]:
        blocks = message["blocks"]
        texts = [b["text"]["text"] for b in blocks if b.get("type") == "section"]
        every = [t for b in blocks for t in ([b["text"]["text"]] if "text" in b else
                                             [e["text"] for e in b.get("elements", [])])]
        total, longest = sum(map(len, every)), max(map(len, texts), default=0)
        story: list[str] = []
        for text in [*texts, "*"]:  # a story opens with its bold headline; the sentinel closes the last
            if text.startswith("*") and story:
                joined = " ".join(story)
                seen = [u for u in _SLACK_LINK.findall(joined) if "/archives/" in u]
                paths = {urlparse(u).path for u in _SLACK_LINK.findall(joined) if "/archives/" not in u}
                shown.append(Shown(frozenset(paths), story[0].startswith("*Update: "), seen[0] if seen else None,
                                   str(message["ts"]), Size(sum(map(len, story)), total, len(blocks), longest)))
                story = []
            if text.startswith("*") or story:
                story.append(text)
    return [s for s in shown if s.paths]


def link_target_ok(link: str | None, platform: str, earlier: set[str]) -> bool:
    """The update's link names a message the channel holds that carried the story before (``earlier``:
    message ids or Slack timestamps that carried the event on earlier days)."""
    if not link:
        return False
    if platform == "discord":
        return link.rsplit("/", 1)[-1] in earlier
    ts = re.search(r"/p(\d+)(\d{6})(?:\?|$)", link)
    return ts is not None and f"{ts[1]}.{ts[2]}" in earlier


def judge(day: int, sim: Simulation, shown: list[Shown], seen_events: set[str]) -> DayFigures:
    """This day's figures for one channel that received every earlier day (``seen_events``, updated here)."""
    pieces, expected = sim.by_path(), sim.expected(day)
    figures = DayFigures(day)
    figures.new_expected = sum(1 for kind in expected.values() if kind == NEW)
    figures.updates_expected = sum(1 for kind in expected.values() if kind == "update")
    for story in shown:
        events = {pieces[p].event for p in story.paths if p in pieces}
        if len(events) != 1:
            figures.problems.append(f"a story links {len(events)} events: {sorted(story.paths)}")
            continue
        event = events.pop()
        kind = expected.get(event)
        if kind == NEW and not story.update:
            figures.new_shown += 1
        elif kind == "update" and story.update:
            figures.updates_marked += 1
            if figures.largest_update is None or story.size.story_chars > figures.largest_update.story_chars:
                figures.largest_update = story.size
        elif event in seen_events and kind != "update":
            figures.repeats += 1
        else:
            figures.problems.append(f"{event} shown as {'update' if story.update else 'new'}, expected {kind}")
    return figures


class Forgetful(Deliverer):
    """The delivery as it was before story memory: every channel gets the shared digest as it is (the
    previous figure the bench prints beside ours)."""

    async def _remembered(self, sub: Subscription, record: Delivery, digest: Digest) -> Digest:
        return digest


async def run(sim: Simulation, tmp: Path, outlets: WebServer, first_day: date,
              after: Callable[[App], Awaitable[None]] | None = None,
              memory: bool = True) -> dict[str, list[DayFigures]]:
    """Collect and deliver the three days; each channel's figures per day. ``after`` is awaited with the app
    once the three days are delivered (to ask it more); ``memory=False`` delivers as before story memory."""
    results: dict[str, list[DayFigures]] = {"discord": [], "slack": []}
    async with platforms(tmp, outlets) as (app, fake, slack, adapters):
        subs: dict[str, Subscription] = {}
        for platform, workspace, channel in (("discord", str(GUILD), str(CHANNEL)),
                                             ("slack", TEAM_ID, SLACK_CHANNEL)):
            subs[platform], _ = await app.subscriptions.upsert(
                platform=platform, workspace_id=workspace, channel_id=channel, region=REGION, delivery_time=AT,
                timezone=ZONE, topics=None, keywords=(), user_id="U1", now=sim.ends[0] - timedelta(days=1))
        seen: dict[str, set[str]] = {"discord": set(), "slack": set()}
        carriers: dict[str, dict[str, set[str]]] = {"discord": {}, "slack": {}}
        for day in (1, 2, 3):
            sim.serve(outlets, day)
            await app.collector().collect(feed_sources(app.settings, REGION))
            when = first_day + timedelta(days=day - 1)
            marks = {"discord": len(fake.messages.get(CHANNEL, [])),
                     "slack": len(slack.messages.get(SLACK_CHANNEL, []))}
            clock = partial(_at, due_at(subs["discord"], when))
            kind = Deliverer if memory else Forgetful
            deliverer = kind(app, adapters, clock=clock, policy=DeliveryPolicy(rates={}))
            for platform, sub in subs.items():
                status = await deliverer.deliver(sub, digest_date=when)
                if status != "posted":
                    raise RuntimeError(f"story days: day {day} on {platform} ended {status}")
            for platform in subs:
                shown = discord_stories(fake, marks["discord"]) if platform == "discord" else \
                    slack_stories(slack, marks["slack"])
                figures = judge(day, sim, shown, seen[platform])
                figures.links_ok = sum(link_target_ok(s.seen_link, platform, set().union(
                    *(carriers[platform].get(e, set()) for e in _events(s, sim)))) for s in shown if s.update)
                results[platform].append(figures)
                _remember(shown, sim, seen[platform], carriers[platform])
        if after is not None:
            await after(app)
    return results


def _at(moment: datetime) -> datetime:
    return moment


def _events(story: Shown, sim: Simulation) -> set[str]:
    pieces = sim.by_path()
    return {pieces[p].event for p in story.paths if p in pieces}


def _remember(shown: list[Shown], sim: Simulation, seen: set[str], carriers: dict[str, set[str]]) -> None:
    """After a day: the events the channel has seen, and the messages that carried each."""
    for story in shown:
        for event in _events(story, sim):
            seen.add(event)
            carriers.setdefault(event, set()).add(story.message_id)
