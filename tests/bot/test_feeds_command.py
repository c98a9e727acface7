"""``digest feeds``: a channel's feeds and their health, through the console harness (managers only)."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from bot.adapters.console.adapter import ConsoleAdapter
from bot.adapters.discord.render import render_reply as discord_reply
from bot.adapters.slack.render import render_reply as slack_reply
from bot.app import App, feed_sources
from bot.core.ports import Reply
from bot.settings import load_settings
from tests.fakes.settings import Region, write_settings
from tests.fakes.webserver import WebServer

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
HOSTILE = "@everyone <@123> **Gone** _x_"


@pytest.fixture
def outlets_now() -> datetime:
    return NOW


@pytest.fixture
async def harness(outlets: WebServer, tmp_path: Path) -> AsyncIterator[ConsoleAdapter]:
    outlets.add_bytes("/gone/feed", b"no such feed", status=404)
    south_asia = Region("south-asia", "South Asia", [("Dhaka Daily", outlets.url("/dhaka-daily/feed")),
                                                      (HOSTILE, outlets.url("/gone/feed"))])
    nepal = Region("nepal", "Nepal", [("Quiet", outlets.url("/quiet/feed"))], timezone="Asia/Kathmandu")
    settings = load_settings(write_settings(tmp_path, south_asia, nepal, collect={"workers": 0}), {})
    async with App(settings) as app:
        await app.collector().collect(feed_sources(settings, "south-asia"))
        yield ConsoleAdapter(app.core_service(clock=lambda: datetime.now(UTC)), settings.console,
                             output=Console(file=io.StringIO()))


async def test_feeds_of_the_channels_regions_failing_first(harness: ConsoleAdapter) -> None:
    assert "no digest yet; name a region" in await harness.command("digest feeds")
    await harness.command("digest subscribe south-asia")
    out = await harness.command("digest feeds")
    lines = out.splitlines()
    assert lines[0] == "Feeds of South Asia: 2, 1 failing."
    assert lines[1].startswith(f"{HOSTILE} (") and "failed at the last try; last read never" in lines[1]
    assert "last error: fetch: " in lines[1] and "404" in lines[1] and "next try" in lines[1]
    assert lines[2].startswith("Dhaka Daily (") and "ok; last read" in lines[2]
    assert "min ago" in lines[2] and "articles" in lines[2]
    assert "Quiet" not in out


async def test_feeds_of_a_named_region_not_read_yet(harness: ConsoleAdapter) -> None:
    out = await harness.command("digest feeds Nepal")
    assert "Feeds of Nepal: 1, none failing." in out and "Quiet (" in out and "[nepal]: not read yet" in out
    assert "There is no region 'mars'" in await harness.command("digest feeds mars")
    assert "takes at most one region" in await harness.command("digest feeds nepal south-asia")


async def test_only_managers_see_the_feeds(harness: ConsoleAdapter) -> None:
    assert "Only people who can manage" in await harness.command("digest feeds nepal", can_manage=False)
    assert "digest feeds [REGION]" in await harness.command("digest help", can_manage=False)


def test_third_party_lines_are_plain_on_discord_and_slack() -> None:
    reply = Reply("Feeds of **South Asia**: 1, 1 failing.", private=True,
                  lines=(f"{HOSTILE} (https://x.example/feed): last error: fetch: <!channel> `x` *y*",))
    discord = discord_reply(reply)
    assert discord.content.startswith("Feeds of **South Asia**")  # the core's own Markdown kept
    line = discord.content.splitlines()[1]
    assert "@everyone" not in line and "<@1" not in line and "**" not in line.replace("\\*", "")
    assert discord.ephemeral and discord.suppress_embeds
    slack = slack_reply(reply)
    text = " ".join(block["text"]["text"] for block in slack.blocks)
    assert "*South Asia*" in text
    tail = text.split("failing.", 1)[1]
    assert "<!channel>" not in tail and "@everyone" not in tail and "*" not in tail and "_x_" not in tail
