"""The fake Slack Web API in a process of its own (tests/fakes/slack_process.py, used by bench/scale_delivery.py):
real posts reach it over loopback, its limits answer 429, and its report counts them, each post and each head."""

from __future__ import annotations

import time

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.deliver_child import BOT_TOKEN
from tests.fakes.slack_process import SlackProcess


async def test_the_fake_in_its_own_process_limits_and_reports_what_it_got() -> None:
    async with SlackProcess(rate=1000.0, burst=100, channel_rate=0.01, channel_burst=2) as api:
        client = AsyncWebClient(token=BOT_TOKEN, base_url=api.base_url)
        await client.chat_postMessage(channel="C1", text="before the reset")
        await api.reset()
        started = time.monotonic()
        await client.chat_postMessage(channel="C1", text="head", metadata={"event_type": "khobor_digest",
                                                                           "event_payload": {"nonce": "n1"}})
        await client.chat_postMessage(channel="C2", text="plain")
        try:
            await client.chat_postMessage(channel="C1", text="a third in C1: over its burst of 2")
            raise AssertionError("the channel limit should have answered 429")
        except SlackApiError as exc:
            assert exc.response.status_code == 429
        report = await api.report()
    assert (report.limited, report.limited_channel, report.limited_workspace) == (1, 1, 0)
    assert len(report.posts) == 2 and all(started <= t <= time.monotonic() for t in report.posts)
    assert report.heads == {"C1": 1, "C2": 0}
