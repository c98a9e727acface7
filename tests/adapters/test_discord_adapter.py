"""The Discord adapter through discord.py's real HTTP and gateway code, against the fake Discord on loopback.

Slash commands arrive as INTERACTION_CREATE events on the fake gateway, exactly as Discord sends them;
discord.py parses them and runs the command tree; every answer goes back over REST and is recorded.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import discord
import pytest
from pydantic import SecretStr

from bot.adapters.discord.adapter import DiscordAdapter, DiscordError, message_nonce
from bot.adapters.discord.commands import subscribe_command, timezone_choices, topic_choices
from bot.adapters.discord.config import DiscordConfig
from bot.core.ports import DISCORD_LIMITS, ChannelRef, ChatAdapter, UserRef
from bot.core.service import CoreService
from digests.models import Digest, SourceRef, Story, TopicGroup
from tests.adapters.conftest import CHANNEL, GUILD, LOCKED_CHANNEL, MANAGER, READER
from tests.fakes.discord_api import (
    ADMINISTRATOR,
    APP_ID,
    MANAGE_CHANNELS,
    TOKEN,
    Call,
    FakeDiscord,
    command_data,
    interaction_payload,
    limit_problems,
)

HERE = ChannelRef("discord", str(GUILD), str(CHANNEL))
NO_PINGS: dict[str, list[str]] = {"parse": []}


def digest_of(count: int, *, summary_words: int = 600) -> Digest:
    """``count`` stories with summaries long enough that a few fill a message."""
    now = discord.utils.utcnow()
    stories = tuple(Story(id=f"s{i:02d}", title=f"Story {i:02d} @everyone", topic="Sport", language="en",
                          summary=tuple(f"Sentence {j} of story {i} " + "news " * (summary_words // 5) + "."
                                        for j in range(5)),
                          sources=(SourceRef(name="Outlet", url=f"https://o.example/{i}", title="t"),),
                          published=now) for i in range(count))
    return Digest(region="test", title="Test Region", window_start=now - timedelta(hours=24), window_end=now,
                  generated_at=now, topics=(TopicGroup(label="Sport", stories=stories, weight=1.0),))


async def slash(fake: FakeDiscord, data: dict[str, Any], *, user: int = MANAGER, channel: int = CHANNEL,
                permissions: int = 0, guild: int | None = GUILD, answers: int = 1,
                until: str | None = None) -> list[Call]:
    """Use a slash command as ``user``; wait for ``answers`` follow-ups (and for a call to ``until``, if given).
    Returns the calls made for this interaction, in order."""
    interaction_id = fake.snowflake()
    token = f"interaction-token-{interaction_id}"
    await fake.interact(interaction_payload(interaction_id, data, channel_id=channel, user_id=user, guild_id=guild,
                                            permissions=permissions))
    followup = f"/webhooks/{APP_ID}/{token}"
    await fake.wait_for(lambda calls: sum(c.method == "POST" and c.path == followup for c in calls) >= answers)
    if until is not None:
        await fake.wait_for(lambda calls: any(c.path == until for c in calls))
    return [c for c in fake.calls if str(interaction_id) in c.path or token in c.path]


def followups(calls: list[Call]) -> list[dict[str, Any]]:
    return [c.body for c in calls if c.method == "POST" and c.path.startswith("/webhooks/")]


async def test_start_logs_in_registers_the_commands_and_connects(adapter: DiscordAdapter, fake_discord: FakeDiscord,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    first = fake_discord.calls[0]
    assert (first.method, first.path, first.headers["Authorization"]) == ("GET", "/users/@me", f"Bot {TOKEN}")
    commands = {c["name"]: c for c in fake_discord.commands[str(GUILD)]}
    assert set(commands) == {"digest", "summary"}
    subcommands = {o["name"]: o for o in commands["digest"]["options"]}
    assert set(subcommands) == {"subscribe", "unsubscribe", "list", "regions", "now", "feeds", "help"}
    options = {o["name"]: o for o in subcommands["subscribe"]["options"]}
    assert list(options) == ["region", "time", "timezone", "topics", "keywords"]
    assert options["region"]["required"] and options["region"]["autocomplete"]
    assert options["timezone"]["autocomplete"] and options["topics"]["autocomplete"]
    assert fake_discord.identified[0]["intents"] == discord.Intents(guilds=True).value
    mentions = adapter.client.allowed_mentions
    assert mentions is not None and dict(mentions.to_dict()) == NO_PINGS
    assert [g.id for g in adapter.client.guilds] == [GUILD]
    assert TOKEN not in caplog.text


async def test_post_digest_sends_the_head_then_a_thread(adapter: DiscordAdapter, fake_discord: FakeDiscord) -> None:
    digest = digest_of(12)
    posted = await adapter.post_digest(HERE, digest, nonce="sub-7-2026-11-25")
    sends = fake_discord.calls_to("POST", "/channels/")
    head, thread = sends[0], sends[1]
    assert head.path == f"/channels/{CHANNEL}/messages"
    assert head.body["nonce"] == "sub-7-2026-11-25" and head.body["enforce_nonce"] is True
    assert head.body["content"].startswith("**Test Region news digest**")
    assert thread.path == f"/channels/{CHANNEL}/messages/{posted.message_ids[0]}/threads"
    assert thread.body["name"].startswith("Test Region: ") and thread.body["auto_archive_duration"] == 1440
    rest = sends[2:]
    assert posted.thread_id == posted.message_ids[0] and len(rest) == len(posted.message_ids) - 1 > 1
    assert all(c.path == f"/channels/{posted.thread_id}/messages" for c in rest)
    assert len({c.body["nonce"] for c in rest}) == len(rest) and all(len(c.body["nonce"]) <= 25 for c in rest)
    for call in [head, *rest]:
        assert call.body["allowed_mentions"] == NO_PINGS and limit_problems(call.body) == []
        assert "@everyone" not in str(call.body)
    titles = [e["title"] for c in [head, *rest] for e in c.body["embeds"]]
    assert titles == [f"Story {i:02d} @\u200beveryone" for i in range(12)]


async def test_a_retried_post_with_the_same_nonce_posts_nothing_twice(adapter: DiscordAdapter,
                                                                     fake_discord: FakeDiscord) -> None:
    digest = digest_of(6)
    first = await adapter.post_digest(HERE, digest, nonce="retry-me")
    again = await adapter.post_digest(HERE, digest, nonce="retry-me")  # as after a crash mid-way
    assert again == first
    assert sum(len(m) for m in fake_discord.messages.values()) == len(first.message_ids)


async def test_without_a_thread_the_rest_follows_in_the_channel(adapter: DiscordAdapter,
                                                                fake_discord: FakeDiscord) -> None:
    dm = ChannelRef("discord", "dm", "1000000000000000555")
    posted = await adapter.post_digest(dm, digest_of(6))
    assert posted.thread_id is None and len(posted.message_ids) > 1
    assert [m["id"] for m in fake_discord.messages[int(dm.channel_id)]] == list(posted.message_ids)


async def test_a_manager_subscribes(adapter: DiscordAdapter, fake_discord: FakeDiscord, service: CoreService) -> None:
    data = command_data("digest", "subscribe", guild_id=GUILD, region="Test", time="7:30", timezone="Asia/Dhaka",
                        topics="sport, Politics", keywords="cancer ward, floods")
    calls = await slash(fake_discord, data, user=READER, permissions=MANAGE_CHANNELS)
    assert calls[0].path.endswith("/callback") and calls[0].body == {"type": 5}  # deferred, in public
    (answer,) = followups(calls)
    assert answer["content"].startswith("Subscribed this channel to the Test Region digest.")
    assert "07:30 Asia/Dhaka" in answer["content"] and answer["allowed_mentions"] == NO_PINGS
    (sub,) = await service.news.subscriptions.for_channel(platform="discord", workspace_id=str(GUILD),
                                                         channel_id=str(CHANNEL))
    assert sub.topics == ("Sport", "Politics") and sub.keywords == ("cancer ward", "floods")
    calls = await slash(fake_discord, command_data("digest", "subscribe", region="test"), user=MANAGER)
    assert followups(calls)[0]["content"].startswith("Updated")  # a manager listed in the settings


async def test_an_administrator_manages_whatever_bits_discord_sends(adapter: DiscordAdapter,
                                                                     fake_discord: FakeDiscord) -> None:
    """Discord's docs compute an administrator's permissions as all of them, but the member's ``permissions`` may
    carry only the Administrator bit: an administrator (or the owner) manages every channel all the same."""
    calls = await slash(fake_discord, command_data("digest", "subscribe", region="test"), user=READER,
                        permissions=ADMINISTRATOR)
    assert followups(calls)[0]["content"].startswith("Subscribed this channel")


async def test_a_non_manager_is_refused_privately(adapter: DiscordAdapter, fake_discord: FakeDiscord,
                                                  service: CoreService) -> None:
    calls = await slash(fake_discord, command_data("digest", "subscribe", region="test"), user=READER)
    assert calls[0].body == {"type": 5}
    assert [c.method for c in calls] == ["POST", "DELETE", "POST"]  # the public "thinking…" is removed
    (answer,) = followups(calls)
    assert answer["flags"] == 64 and answer["content"].startswith("Only people who can manage this channel")
    assert "Manage Channels" in answer["content"] and "Slack" not in answer["content"]
    assert await service.news.subscriptions.for_channel(platform="discord", workspace_id=str(GUILD),
                                                       channel_id=str(CHANNEL)) == []


async def test_queries_are_answered_to_the_asker_alone(adapter: DiscordAdapter, fake_discord: FakeDiscord) -> None:
    answers = {}
    for name in ("list", "regions", "help"):
        calls = await slash(fake_discord, command_data("digest", name), user=READER)
        assert calls[0].body == {"type": 5, "data": {"flags": 64}}  # deferred privately
        assert "DELETE" not in [c.method for c in calls]
        (answers[name],) = [a["content"] for a in followups(calls)]
    assert answers["list"].startswith("This channel has no digest yet")
    assert "quiet: Quiet Region" in answers["regions"] and "digest subscribe" in answers["help"]


async def test_bad_options_get_a_private_explanation(adapter: DiscordAdapter, fake_discord: FakeDiscord) -> None:
    calls = await slash(fake_discord, command_data("digest", "subscribe", region="test", time="25:00"))
    assert followups(calls)[0]["flags"] == 64 and "'25:00' is not a time" in followups(calls)[0]["content"]
    calls = await slash(fake_discord, command_data("digest", "subscribe", region="@everyone <@123>"))
    text = followups(calls)[0]["content"]
    assert "There is no region '@\u200beveryone <\u200b@123>'" in text and followups(calls)[0]["flags"] == 64


async def test_digest_now_posts_the_digest_here(adapter: DiscordAdapter, fake_discord: FakeDiscord,
                                                news: CoreService) -> None:
    calls = await slash(fake_discord, command_data("digest", "now", region="test"),
                        until=f"/channels/{CHANNEL}/messages")
    assert calls[0].body == {"type": 5}
    assert followups(calls)[0]["content"].startswith("Here is the Test Region digest")
    (head,) = fake_discord.calls_to("POST", f"/channels/{CHANNEL}/messages")
    assert head.body["allowed_mentions"] == NO_PINGS and head.body["enforce_nonce"]  # a random one: no retry
    titles = {e["title"] for e in head.body["embeds"]}
    assert "Sri Lanka beat Nepal to clinch T20 series" in titles and len(titles) == 5


async def test_digest_now_where_the_bot_may_not_post_tells_the_asker(adapter: DiscordAdapter,
                                                                     fake_discord: FakeDiscord) -> None:
    calls = await slash(fake_discord, command_data("digest", "now", region="quiet"), channel=LOCKED_CHANNEL)
    (notice,) = followups(calls)  # no public "Here is the digest" with no digest
    assert [c.method for c in calls] == ["POST", "DELETE", "POST"]  # the public "thinking…" is removed
    assert notice["flags"] == 64 and "(403 Missing Permissions)" in notice["content"]
    assert "Send Messages" in notice["content"]
    assert fake_discord.calls_to("POST", f"/channels/{LOCKED_CHANNEL}/messages")  # it did try


async def test_summary_defers_before_anything_else(adapter: DiscordAdapter, fake_discord: FakeDiscord,
                                                   news: CoreService) -> None:
    calls = await slash(fake_discord, command_data("summary", target="sylhet floods"), user=READER)
    assert calls[0].path.endswith("/callback") and calls[0].body == {"type": 5}
    (answer,) = followups(calls)
    assert answer["content"].startswith("Summary (2 outlets)")
    (card,) = answer["embeds"]
    assert "Sylhet" in card["title"] + card["description"] and card["fields"][0]["name"] == "Sources (2)"


async def test_autocomplete_suggests_regions_timezones_and_topics(adapter: DiscordAdapter,
                                                                  fake_discord: FakeDiscord) -> None:
    async def suggest(**options: str) -> list[dict[str, str]]:
        interaction_id = fake_discord.snowflake()
        focused = next(k for k, v in options.items() if v.endswith("|"))
        values: dict[str, Any] = {k: v.rstrip("|") for k, v in options.items()}
        data = command_data("digest", "subscribe", focused=focused, **values)
        await fake_discord.interact(interaction_payload(interaction_id, data, channel_id=CHANNEL, user_id=READER,
                                                        guild_id=GUILD, autocomplete=True))
        path = f"/interactions/{interaction_id}/interaction-token-{interaction_id}/callback"
        await fake_discord.wait_for(lambda calls: any(c.path == path for c in calls))
        (call,) = [c for c in fake_discord.calls if c.path == path]
        assert call.body["type"] == 8
        return list(call.body["data"]["choices"])

    assert await suggest(region="qui|") == [{"name": "Quiet Region (quiet)", "value": "quiet"}]
    assert {"name": "Asia/Dhaka", "value": "Asia/Dhaka"} in await suggest(region="test", timezone="dhak|")
    topics = await suggest(region="test", topics="Politics, sp|")
    assert topics == [{"name": "Politics, Sport", "value": "Politics, Sport"}]


async def test_send_notice_is_plain_and_pings_no_one(adapter: DiscordAdapter, fake_discord: FakeDiscord) -> None:
    await adapter.send_notice(HERE, "Paused the digest: @here the feed is gone")
    (call,) = fake_discord.calls_to("POST", f"/channels/{CHANNEL}/messages")
    assert call.body["content"] == "Paused the digest: @\u200bhere the feed is gone"
    assert call.body["allowed_mentions"] == NO_PINGS and call.body["embeds"] == []


async def test_a_refused_token_and_a_missing_one_say_what_to_do(service: CoreService,
                                                                fake_discord: FakeDiscord) -> None:
    bad = service.news.settings.model_copy(update={"secrets": service.news.settings.secrets.model_copy(
        update={"discord_token": SecretStr("wrong")})})
    with pytest.raises(DiscordError, match="token was refused"):
        await DiscordAdapter(service, DiscordConfig.of(bad)).start()
    none = service.news.settings.model_copy(update={"secrets": service.news.settings.secrets.model_copy(
        update={"discord_token": None})})
    with pytest.raises(DiscordError, match="KHOBOR_DISCORD_TOKEN"):
        await DiscordAdapter(service, DiscordConfig.of(none)).start()
    with pytest.raises(DiscordError, match="not started"):
        await DiscordAdapter(service, DiscordConfig.of(none)).post_digest(HERE, digest_of(1))


async def test_an_unreachable_api_says_to_check_the_network_and_the_api_base_url(service: CoreService,
                                                                                fake_discord: FakeDiscord) -> None:
    """`khobor run` said "Connect call failed ('127.0.0.1', 9); check the path and its permissions": a file's hint
    for a Discord API that could not be reached."""
    settings = service.news.settings
    away = settings.model_copy(update={"discord": settings.discord.model_copy(
        update={"api_base_url": "http://127.0.0.1:9/api/v10"})})
    with pytest.raises(DiscordError, match=r"cannot reach .*127\.0\.0\.1:9/api/v10.*api_base_url"):
        await DiscordAdapter(service, DiscordConfig.of(away)).start()


class RateLimitedTree:
    """A command tree whose syncs Discord answers with a long 429 (restarting often uses up the daily creates)."""

    def add_command(self, command: object) -> None:
        pass

    def copy_global_to(self, *, guild: object) -> None:
        pass

    async def sync(self, *, guild: object = None) -> list[object]:
        raise discord.RateLimited(600.0)


@pytest.mark.parametrize("guilds", [[], [str(GUILD)]])
async def test_a_rate_limited_command_sync_does_not_stop_the_bot(service: CoreService, guilds: list[str],
                                                                caplog: pytest.LogCaptureFixture) -> None:
    """Commands registered before stay registered on Discord: a sync refused for now is logged, and the bot
    starts (a long 429 raised out of setup_hook and ended `khobor run`)."""
    settings = service.news.settings
    config = settings.model_copy(update={"discord": settings.discord.model_copy(update={"guild_ids": guilds})})
    adapter = DiscordAdapter(service, DiscordConfig.of(config))
    await adapter.register_commands(RateLimitedTree())  # type: ignore[arg-type]
    assert "rate limited" in caplog.text and "600" in caplog.text


async def test_a_long_429_at_login_says_how_long_to_wait(service: CoreService, fake_discord: FakeDiscord,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    async def limited(self: discord.Client, token: str) -> None:
        raise discord.RateLimited(300.0)

    monkeypatch.setattr(discord.Client, "login", limited)
    with pytest.raises(DiscordError, match="wait 300 s"):
        await DiscordAdapter(service, DiscordConfig.of(service.news.settings)).start()


async def test_options_and_chat_store_the_same_subscription(service: CoreService) -> None:
    """Issue 12: the Discord options and the chat line go through the core's one normaliser, so the same
    values give the same subscription (keywords in one grammar, time and topics normalised once)."""
    admin = UserRef("discord", "1000000000000000900", "admin", can_manage=True)
    options = subscribe_command(" Test ", "8:05", " Asia/Dhaka ", "Sport, ,politics", "a phrase, word")
    assert (await service.execute(options, channel=HERE, user=admin)).ok
    other = ChannelRef("discord", HERE.workspace_id, "42")
    line = "digest subscribe test 08:05 Asia/Dhaka topics=sport,Politics keywords='\"a phrase\" word'"
    assert (await service.handle_text(line, channel=other, user=admin)).ok
    subs = await service.news.subscriptions.all()
    values = {(s.region, s.delivery_time, s.timezone, s.topics, s.keywords) for s in subs}
    assert values == {("test", "08:05", "Asia/Dhaka", ("Sport", "Politics"), ("a phrase", "word"))}
    bad = await service.execute(subscribe_command("test", "8 pm", None, None, None), channel=HERE, user=admin)
    assert not bad.ok and "'8 pm' is not a time" in bad.text and "20:00 for 8pm" in bad.text


def test_choice_helpers(service: CoreService) -> None:
    zones = [c.value for c in timezone_choices("kolk")]
    assert zones == ["Asia/Kolkata"] and len(timezone_choices("")) == 25
    assert timezone_choices("Asia/Dh")[0].value == "Asia/Dhaka"
    labels = [c.value for c in topic_choices(service.catalogue, "nowhere", "")]
    assert "Sport" in labels and len(labels) <= 25
    assert topic_choices(service.catalogue, "test", "Sport, sport") == []  # already chosen


def test_nonces_fit_discords_limit_and_differ_per_message() -> None:
    assert message_nonce(None, 0) is None and message_nonce("short", 0) == "short"
    long = "subscription-42-2026-11-25T08:00+06:00"
    made = {message_nonce(long, i) for i in range(30)}
    assert len(made) == 30 and all(n is not None and len(n) == 25 for n in made)


def test_the_adapter_does_no_io_when_made(service: CoreService, fake_discord: FakeDiscord) -> None:
    adapter: ChatAdapter = DiscordAdapter(service, DiscordConfig.of(service.news.settings))
    assert adapter.platform == "discord" and adapter.limits == DISCORD_LIMITS
    with pytest.raises(DiscordError, match="not started"):
        _ = DiscordAdapter(service, DiscordConfig.of(service.news.settings)).client
    assert fake_discord.calls == []


async def test_global_commands_and_no_token_in_the_logs(service: CoreService, fake_discord: FakeDiscord,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    settings = service.news.settings.model_copy(update={"discord": service.news.settings.discord.model_copy(
        update={"guild_ids": []})})
    adapter = DiscordAdapter(service, DiscordConfig.of(settings), guild_ready_timeout=0.05)
    await adapter.start()
    try:
        await slash(fake_discord, command_data("digest", "help"))
    finally:
        await adapter.stop()
    assert {c["name"] for c in fake_discord.commands["global"]} == {"digest", "summary"}
    assert str(GUILD) not in fake_discord.commands
    assert "connected as khobor" in caplog.text and "IDENTIFY" in caplog.text  # discord.py at DEBUG, too
    assert TOKEN not in caplog.text


async def test_a_failing_command_is_logged_and_answered(adapter: DiscordAdapter, fake_discord: FakeDiscord,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(adapter.service, "execute", broken)
    calls = await slash(fake_discord, command_data("digest", "list"))
    assert followups(calls)[0]["content"].startswith("Something went wrong on my side")
    assert "command failed in discord:" in caplog.text and "database on fire" in caplog.text


async def test_digest_feeds_answers_a_manager_privately_without_previews(adapter: DiscordAdapter,
                                                                        fake_discord: FakeDiscord) -> None:
    calls = await slash(fake_discord, command_data("digest", "feeds", region="quiet"), user=MANAGER)
    assert calls[0].body == {"type": 5, "data": {"flags": 64}}  # deferred privately
    (answer,) = followups(calls)
    assert answer["content"].startswith("Feeds of Quiet Region: 1, none failing.\nNothing (")
    assert answer["content"].endswith(r"\[quiet\]: not read yet")  # third-party text: Markdown escaped
    assert answer["flags"] == 64 | 4 and answer["allowed_mentions"] == NO_PINGS  # ephemeral, no link previews
    calls = await slash(fake_discord, command_data("digest", "feeds", region="quiet"), user=READER)
    assert followups(calls)[0]["content"].startswith("Only people who can manage this channel")
