"""Fixtures for the Slack adapter tests: the fake Web API, a real core on SQLite, signed slash commands.

Kept out of ``tests/adapters/conftest.py`` so the Discord tests can own that file; import what you use.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import urlencode

import aiohttp
import pytest
from pydantic import SecretStr

from bot.adapters.slack.adapter import SlackAdapter
from bot.adapters.slack.config import SlackConfig
from bot.app import App
from bot.core.service import CoreService
from bot.settings import CollectSettings, FeedSettings, RegionSettings, Secrets, Settings, SlackSettings
from digests.models import Digest, SourceRef, Story, TopicGroup
from tests.fakes.slack_api import TEAM_ID, FakeSlackApi

SIGNING_SECRET = "fake-signing-secret-0123456789abcdef"
NOW = datetime(2025, 3, 4, 2, 0, tzinfo=UTC)
HOSTILE = ("<!channel> <!here> <!everyone> @everyone @here @channel <@U123> <#C1|general> <!subteam^S1> "
           "*bold* _italic_ ~strike~ `code` > quote <https://evil.example/|click> &amp; & < >")


def make_digest(stories: int, *, summary: str = "", title: str = "Story", notes: tuple[str, ...] = (),
                topics: int = 4, sources: int = 2) -> Digest:
    """A digest of ``stories`` stories spread over ``topics`` topics; each title carries a unique marker."""
    made = [Story(id=f"s{i:03d}", title=f"{title} [S{i:03d}]", summary=(summary or f"Summary of story {i}.",),
                  sources=tuple(SourceRef(name=f"Outlet {j}", url=f"https://news{j}.example/a/{i}?x=1&y=2",
                                          title=f"{title} {i}") for j in range(sources)),
                  topic=f"Topic {i % topics}", language="en", published=NOW)
            for i in range(stories)]
    groups = tuple(TopicGroup(label=f"Topic {t}", stories=tuple(s for s in made if s.topic == f"Topic {t}"),
                              weight=1.0 / (t + 1)) for t in range(topics))
    return Digest(region="test", title="Test Region", window_start=NOW - timedelta(hours=24), window_end=NOW,
                  generated_at=NOW, topics=tuple(g for g in groups if g.stories), notes=notes)


def slack_settings(tmp_path: Path, api: FakeSlackApi, *, mode: Literal["socket", "http"] = "http") -> Settings:
    """Settings for one test region, pointed at the fake API; HTTP mode on a free loopback port."""
    region = RegionSettings(name="test", title="Test Region", timezone="Asia/Dhaka", languages=["en"],
                            feeds=[FeedSettings(url="http://127.0.0.1:9/feed", name="Nowhere")])
    # http_port 0 (any free port) is below the settings' minimum, so it is set without validation.
    slack = SlackSettings(api_base_url=api.base_url, mode=mode, http_host="127.0.0.1",
                          manager_user_ids=["UMANAGER"]).model_copy(update={"http_port": 0})
    secrets = Secrets(slack_bot_token=SecretStr(api.bot_token), slack_app_token=SecretStr(api.app_token),
                      slack_signing_secret=SecretStr(SIGNING_SECRET))
    return Settings(data_dir=tmp_path / "data", collect=CollectSettings(workers=0), slack=slack,
                    regions=[region], secrets=secrets)


@pytest.fixture
async def slack_api() -> AsyncIterator[FakeSlackApi]:
    async with FakeSlackApi() as api:
        api.add_user("UADMIN", name="ayesha", admin=True)
        api.add_user("UOWNER", name="omar", owner=True)
        api.add_user("UMEMBER", name="rafi")
        yield api


@pytest.fixture
async def service(tmp_path: Path, slack_api: FakeSlackApi) -> AsyncIterator[CoreService]:
    """The real core on a temporary SQLite database."""
    async with App(slack_settings(tmp_path, slack_api)) as app:
        yield app.core_service(clock=lambda: NOW)


@pytest.fixture
async def slack_adapter(service: CoreService) -> AsyncIterator[SlackAdapter]:
    """The adapter serving HTTP on loopback, posting to the fake API without pacing."""
    adapter = SlackAdapter(service, SlackConfig.of(service.news.settings), pace=0)
    await adapter.start()
    yield adapter
    await adapter.stop()


def command_fields(api: FakeSlackApi, command: str, text: str, *, user: str, response: str,
                   channel: str = "C0NEWS") -> dict[str, str]:
    """A slash command's payload as Slack sends it (form fields, or a Socket Mode envelope's payload)."""
    return {"token": "legacy-verification-token", "team_id": TEAM_ID, "team_domain": "fake", "channel_id": channel,
            "channel_name": "news", "user_id": user, "user_name": f"name-{user.lower()}", "command": command,
            "text": text, "api_app_id": "A0KHOBOR", "is_enterprise_install": "false",
            "response_url": api.response_url(response), "trigger_id": "1.2.3"}


def sign(body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 request signature headers for ``body``."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}",
            "Content-Type": "application/x-www-form-urlencoded"}


async def post_command(url: str, fields: dict[str, str], *, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """POST a form-encoded slash command over loopback HTTP, signed unless ``headers`` are given."""
    body = urlencode(fields)
    async with aiohttp.ClientSession() as session, \
            session.post(url, data=body.encode(), headers=headers or sign(body)) as response:
        return response.status, await response.text()
