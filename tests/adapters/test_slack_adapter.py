"""The Slack adapter end to end: real signed slash commands over loopback HTTP (and Socket Mode), a real core
on SQLite, and a fake Slack Web API that records what the adapter posted."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from pydantic import SecretStr

from bot.adapters.slack.adapter import DIGEST_EVENT, SlackAdapter, SlackSetupError, typed
from bot.adapters.slack.config import SlackConfig
from bot.app import App
from bot.core.ports import ChannelRef
from bot.core.service import CoreService
from bot.settings import Secrets, Settings, SlackSettings
from digests.models import Digest
from tests.adapters.slack_fixtures import (
    NOW,
    SIGNING_SECRET,
    command_fields,
    make_digest,
    post_command,
    service,
    sign,
    slack_adapter,
    slack_api,
    slack_settings,
)
from tests.fakes.slack_api import TEAM_ID, FakeSlackApi, block_problems

__all__ = ["service", "slack_adapter", "slack_api"]  # fixtures, imported for pytest
CHANNEL = ChannelRef("slack", TEAM_ID, "C0NEWS")


async def run_command(api: FakeSlackApi, adapter: SlackAdapter, command: str, text: str, *, user: str,
                      name: str, channel: str = "C0NEWS") -> dict[str, Any]:
    """Send a signed slash command; return the first answer delivered to its response_url."""
    assert adapter.http_url is not None
    status, body = await post_command(adapter.http_url, command_fields(api, command, text, user=user,
                                                                         response=name, channel=channel))
    assert (status, body) == (200, "")  # the acknowledgement: empty and immediate
    await api.wait_for(lambda: api.responses[name])
    return api.responses[name][0]


def rendered(answer: dict[str, Any]) -> str:
    return str(answer["text"]) + "".join(b.get("text", {}).get("text", "") for b in answer.get("blocks", []))


async def test_unsigned_forged_and_stale_requests_are_refused(slack_api: FakeSlackApi,
                                                              slack_adapter: SlackAdapter) -> None:
    assert slack_adapter.http_url is not None
    fields = command_fields(slack_api, "/digest", "subscribe test", user="UADMIN", response="forged")
    body = urlencode(fields)
    for headers in ({"Content-Type": "application/x-www-form-urlencoded"},
                    sign(body, secret="not-the-secret"),
                    sign(body, timestamp=int(time.time()) - 600)):  # a replay from ten minutes ago
        status, _ = await post_command(slack_adapter.http_url, fields, headers=headers)
        assert status == 401
    assert slack_api.responses["forged"] == [] and slack_api.calls_to("users.info") == []
    assert await slack_adapter.service.news.subscriptions.for_channel(
        platform="slack", workspace_id=TEAM_ID, channel_id="C0NEWS") == []


async def test_admin_subscribes_and_permission_is_cached(slack_api: FakeSlackApi, slack_adapter: SlackAdapter,
                                                         service: CoreService) -> None:
    answer = await run_command(slack_api, slack_adapter, "/digest", "subscribe test 07:30", user="UADMIN",
                               name="sub")
    assert "Subscribed this channel to the Test Region digest" in rendered(answer)
    assert answer["response_type"] == "in_channel"
    [sub] = await service.news.subscriptions.for_channel(platform="slack", workspace_id=TEAM_ID,
                                                        channel_id="C0NEWS")
    assert (sub.region, sub.delivery_time, sub.timezone) == ("test", "07:30", "Asia/Dhaka")
    listed = await run_command(slack_api, slack_adapter, "/digest", "list", user="UADMIN", name="list")
    assert "07:30 Asia/Dhaka" in rendered(listed) and listed["response_type"] == "ephemeral"
    await run_command(slack_api, slack_adapter, "/digest", "unsubscribe test", user="UOWNER", name="unsub")
    assert [c.args["user"] for c in slack_api.calls_to("users.info")] == ["UADMIN", "UOWNER"]  # cached


async def test_members_are_refused_but_listed_managers_are_not(slack_api: FakeSlackApi,
                                                               slack_adapter: SlackAdapter,
                                                               service: CoreService) -> None:
    refused = await run_command(slack_api, slack_adapter, "/digest", "subscribe test", user="UMEMBER", name="no")
    assert "Only people who can manage this channel" in rendered(refused)
    assert "workspace admins and owners" in rendered(refused) and "Discord" not in rendered(refused)
    assert refused["response_type"] == "ephemeral"
    assert await service.news.subscriptions.for_channel(platform="slack", workspace_id=TEAM_ID,
                                                       channel_id="C0NEWS") == []
    allowed = await run_command(slack_api, slack_adapter, "/digest", "subscribe test", user="UMANAGER", name="ok")
    assert "Subscribed" in rendered(allowed)
    assert [c.args["user"] for c in slack_api.calls_to("users.info")] == ["UMEMBER"]  # the settings decided
    bad = await run_command(slack_api, slack_adapter, "/digest", "subscribe <!channel>", user="UADMIN", name="bad")
    assert "<!channel>" not in rendered(bad) and "&lt;!channel&gt;" in rendered(bad)


async def test_digest_now_posts_blocks_and_overflows_into_the_thread(
    slack_api: FakeSlackApi, slack_adapter: SlackAdapter, service: CoreService, monkeypatch: pytest.MonkeyPatch
) -> None:
    digest = make_digest(60, summary="A long summary sentence about the day. " * 50, sources=3)

    async def build_digest(region: str, **_: object) -> Digest:
        return digest

    monkeypatch.setattr(service.news, "build_digest", build_digest)  # the day's news, without collecting it
    answer = await run_command(slack_api, slack_adapter, "/digest", "now test", user="UADMIN", name="now")
    assert "Here is the Test Region digest" in rendered(answer)
    await slack_api.wait_for(lambda: len(slack_api.calls_to("chat.postMessage")) == 6)
    head, *thread = slack_api.messages["C0NEWS"]
    assert "thread_ts" in head and head["reply_count"] == 5 and head["metadata"] is None
    assert all(m["thread_ts"] == head["ts"] for m in thread)
    assert all(block_problems(m["blocks"]) == [] for m in slack_api.messages["C0NEWS"])
    text = "".join(str(m["blocks"]) for m in slack_api.messages["C0NEWS"])
    assert all(text.count(f"[S{i:03d}]") == 1 for i in range(60))
    assert all(c.args["unfurl_links"] is False for c in slack_api.calls_to("chat.postMessage"))


async def test_digest_now_from_the_real_store_says_there_is_no_news(slack_api: FakeSlackApi,
                                                                   slack_adapter: SlackAdapter) -> None:
    await run_command(slack_api, slack_adapter, "/digest", "now", user="UADMIN", name="now")
    await slack_api.wait_for(lambda: slack_api.messages.get("C0NEWS"))
    [message] = slack_api.messages["C0NEWS"]
    assert "No new stories for Test Region" in str(message["blocks"])


async def test_anyone_manages_their_direct_message_with_the_bot(slack_api: FakeSlackApi,
                                                                slack_adapter: SlackAdapter) -> None:
    """As on Discord: in a direct message the asker is the only person the digest goes to."""
    answer = await run_command(slack_api, slack_adapter, "/digest", "subscribe test", user="UMEMBER", name="dm",
                               channel="D0MEMBER")
    assert "Subscribed this channel" in rendered(answer)
    assert not slack_api.calls_to("users.info")


async def test_an_admin_refused_because_slack_would_not_say_is_told_why(slack_api: FakeSlackApi,
                                                                       slack_adapter: SlackAdapter,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """An app installed without users:read cannot tell admins from members: the refusal says so, rather than
    telling a workspace admin that only admins may."""
    monkeypatch.setattr(slack_api, "_users_info", lambda args: {"ok": False, "error": "missing_scope"})
    refused = await run_command(slack_api, slack_adapter, "/digest", "subscribe test", user="UADMIN", name="no")
    assert "Only people who can manage this channel" in rendered(refused)
    assert "missing_scope" in rendered(refused) and "users:read" in rendered(refused)


async def test_a_channel_the_bot_is_not_in_gets_a_private_hint(slack_api: FakeSlackApi,
                                                               slack_adapter: SlackAdapter) -> None:
    slack_api.closed_channels.add("C0PRIVATE")
    hint = await run_command(slack_api, slack_adapter, "/digest", "now", user="UADMIN", name="closed",
                             channel="C0PRIVATE")
    assert "not_in_channel" in hint["text"] and hint["response_type"] == "ephemeral"
    assert slack_api.responses["closed"] == [hint]  # no public "Here is the digest" with no digest


async def test_summary_command_uses_the_same_grammar(slack_api: FakeSlackApi, slack_adapter: SlackAdapter) -> None:
    answer = await run_command(slack_api, slack_adapter, "/summary", "sylhet floods", user="UMEMBER", name="sum")
    assert "No story matches 'sylhet floods'" in rendered(answer)
    usage = await run_command(slack_api, slack_adapter, "/summary", "", user="UMEMBER", name="usage")
    assert "needs a URL or some words" in rendered(usage) and usage["response_type"] == "ephemeral"


async def test_a_link_slack_escaped_is_still_a_link(slack_api: FakeSlackApi, slack_adapter: SlackAdapter) -> None:
    """Outside review (q17r): a command that escapes its text sends `<http://127.0.0.1/x|127.0.0.1/x>`; it was searched
    as words ("No story matches ..."). It is the link it stands for, and goes through the fetch guard."""
    answer = await run_command(slack_api, slack_adapter, "/summary", "<http://127.0.0.1/x|127.0.0.1/x>",
                               user="UMEMBER", name="escaped")
    assert "refused: 127.0.0.1 is a loopback address" in rendered(answer)


def test_a_commands_text_is_read_without_slacks_escapes() -> None:
    """Slack sends `&`, `<` and `>` in a command's text as HTML entities: `summary URL?a=1&b=2` must fetch the
    URL the user typed, and words are searched as typed."""
    assert typed("<https://news.example/a?id=1&amp;p=2|news.example/a?id=1&amp;p=2>") == \
        "https://news.example/a?id=1&p=2"
    assert typed("https://news.example/a?id=1&amp;p=2") == "https://news.example/a?id=1&p=2"
    assert typed("floods &amp; rain &lt;sylhet&gt;") == "floods & rain <sylhet>"
    assert typed("&amp;lt;") == "&lt;"  # one level of escaping undone, not two


async def test_post_digest_marks_its_nonce_and_find_posted_reads_it_back(slack_api: FakeSlackApi,
                                                                        slack_adapter: SlackAdapter) -> None:
    oldest = NOW - timedelta(days=3650)
    assert await slack_adapter.find_posted(CHANNEL, "n-1", oldest) is None
    first = await slack_adapter.post_digest(CHANNEL, make_digest(3), nonce="n-1")
    second = await slack_adapter.post_digest(CHANNEL, make_digest(25), nonce="n-2")
    head = slack_api.calls_to("chat.postMessage")[0].args
    assert head["metadata"] == {"event_type": DIGEST_EVENT, "event_payload": {"nonce": "n-1"}}
    assert first.thread_id is None and len(first.message_ids) == 1
    assert second.thread_id == second.message_ids[0] and len(second.message_ids) == 3
    found = await slack_adapter.find_posted(CHANNEL, "n-1", oldest)
    assert found is not None and found.message_ids == first.message_ids
    again = await slack_adapter.find_posted(CHANNEL, "n-2", oldest)
    assert again is not None and again.message_ids[0] == again.thread_id == second.message_ids[0]
    assert await slack_adapter.find_posted(CHANNEL, "n-3", oldest) is None
    history = slack_api.calls_to("conversations.history")
    assert all(c.args["include_all_metadata"] in ("1", "true") for c in history)
    await slack_adapter.send_notice(CHANNEL, "**Paused**: the feed <!here> failed")
    notice = slack_api.messages["C0NEWS"][-1]
    assert notice["blocks"][0]["text"]["text"] == "*Paused*: the feed &lt;!here&gt; failed"


async def test_socket_mode_acknowledges_the_envelope_and_answers(slack_api: FakeSlackApi, tmp_path: Path) -> None:
    settings = slack_settings(tmp_path, slack_api, mode="socket")
    async with App(settings) as app:
        adapter = SlackAdapter(app.core_service(clock=lambda: NOW), SlackConfig.of(settings), pace=0)
        await adapter.start()
        try:
            assert slack_api.calls_to("apps.connections.open")
            payload = command_fields(slack_api, "/digest", "subscribe test 06:00", user="UADMIN", response="ws")
            await slack_api.send_envelope("env-1", "slash_commands", payload)
            # Bolt acknowledges the envelope once ack() is seen; the answer may travel first.
            await slack_api.wait_for(lambda: slack_api.responses["ws"] and slack_api.socket_replies)
        finally:
            await adapter.stop()
    assert [reply["envelope_id"] for reply in slack_api.socket_replies] == ["env-1"]
    assert "Subscribed" in rendered(slack_api.responses["ws"][0])


async def test_tokens_and_secrets_never_reach_the_logs(slack_api: FakeSlackApi, slack_adapter: SlackAdapter,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await run_command(slack_api, slack_adapter, "/digest", "subscribe test", user="UADMIN", name="log")
    await slack_adapter.post_digest(CHANNEL, make_digest(12), nonce="n")
    assert caplog.records  # slack_sdk and Bolt did log, at DEBUG
    for secret in (slack_api.bot_token, slack_api.app_token, SIGNING_SECRET):
        assert secret not in caplog.text


async def test_nothing_happens_until_start_and_missing_secrets_are_named(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "never-created", secrets=Secrets(slack_bot_token=SecretStr("xoxb-x")))
    adapter = SlackAdapter(App(settings).core_service(), SlackConfig.of(settings))
    assert adapter.platform == "slack" and adapter.limits.blocks_per_message == 50 and adapter.http_url is None
    with pytest.raises(SlackSetupError, match="KHOBOR_SLACK_APP_TOKEN"):
        await adapter.start()
    http = settings.model_copy(update={"slack": SlackSettings(mode="http")})
    with pytest.raises(SlackSetupError, match="KHOBOR_SLACK_SIGNING_SECRET"):
        await SlackAdapter(App(http).core_service(), SlackConfig.of(http)).start()
    assert not (tmp_path / "never-created").exists()
