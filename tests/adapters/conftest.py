"""Fixtures for the Discord adapter tests: the fake Discord (REST and gateway), a real core on SQLite, and
the adapter started against them through discord.py's own HTTP and gateway code.

(The Slack tests keep their fixtures in ``slack_fixtures.py``; theirs override these where names meet.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
import yarl
from pydantic import SecretStr

from bot.adapters.discord.adapter import DiscordAdapter
from bot.adapters.discord.config import DiscordConfig
from bot.app import App, feed_sources
from bot.core.service import CoreService
from bot.settings import CollectSettings, DiscordSettings, FeedSettings, RegionSettings, Secrets, Settings
from tests.fakes.discord_api import TOKEN, FakeDiscord
from tests.fakes.webserver import WebServer

GUILD = 1_000_000_000_000_000_001
CHANNEL = 1_000_000_000_000_000_101
LOCKED_CHANNEL = 1_000_000_000_000_000_102  # the bot may not post here
MANAGER = 1_000_000_000_000_000_900  # listed in manager_user_ids
READER = 1_000_000_000_000_000_901  # no permissions


def discord_settings(tmp_path: Path, fake: FakeDiscord, outlets: WebServer | None = None) -> Settings:
    """Two regions (the first reads the loopback outlets), the fake API, one server to sync commands to."""
    feeds = [FeedSettings(url=outlets.url("/dhaka-daily/feed"), name="Dhaka Daily"),
             FeedSettings(url=outlets.url("/delta/feed"), name="Delta Times")] if outlets else \
        [FeedSettings(url="http://127.0.0.1:9/feed", name="Nowhere")]
    regions = [RegionSettings(name="test", title="Test Region", timezone="Asia/Dhaka", languages=["en"], feeds=feeds),
               RegionSettings(name="quiet", title="Quiet Region", timezone="Asia/Kathmandu", languages=["en"],
                              feeds=[FeedSettings(url="http://127.0.0.1:9/quiet", name="Nothing")])]
    return Settings(data_dir=tmp_path / "data", collect=CollectSettings(workers=0, retries=0, allow_private_links=True),
                    discord=DiscordSettings(api_base_url=fake.api_url, guild_ids=[str(GUILD)],
                                            manager_user_ids=[str(MANAGER)]),
                    regions=regions, secrets=Secrets(discord_token=SecretStr(TOKEN)))




@pytest.fixture
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """The fake Discord; ``Route.BASE`` and discord.py's gateway URL restored after the test. The adapter points both at
    the fake itself, as `khobor run` must from its settings alone (outside review, q17r: the gateway went to
    wss://gateway.discord.gg whatever ``api_base_url`` said)."""
    async with FakeDiscord(guilds={GUILD: [CHANNEL, LOCKED_CHANNEL]}) as fake:
        fake.forbidden.add(LOCKED_CHANNEL)
        gateway = discord.gateway.DiscordWebSocket
        monkeypatch.setattr(gateway, "DEFAULT_GATEWAY", yarl.URL("ws://127.0.0.1:9/not-the-fake"))  # never used
        monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)  # the adapter changes it
        yield fake


@pytest.fixture
async def service(tmp_path: Path, fake_discord: FakeDiscord, outlets: WebServer) -> AsyncIterator[CoreService]:
    """The real core on a temporary SQLite database (region "test" reads the loopback outlets)."""
    async with App(discord_settings(tmp_path, fake_discord, outlets)) as app:
        yield app.core_service()


@pytest.fixture
async def news(service: CoreService) -> CoreService:
    """The core with the outlets' stories collected and stored."""
    await service.news.collector().collect(feed_sources(service.news.settings, "test"))
    return service


@pytest.fixture
async def adapter(service: CoreService) -> AsyncIterator[DiscordAdapter]:
    """The adapter, started: logged in, commands synced, connected to the fake gateway and ready."""
    discord_adapter = DiscordAdapter(service, DiscordConfig.of(service.news.settings), guild_ready_timeout=0.05)
    await discord_adapter.start()
    yield discord_adapter
    await discord_adapter.stop()
