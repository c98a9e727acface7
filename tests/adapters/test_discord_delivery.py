"""Delivery on Discord: the head message carries the delivery's marker, a crash between posting and recording
is read back from the channel's recent messages, and a channel that forbids the bot is paused."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import discord
import pytest
import yarl
from aiohttp import web

from bot.adapters.discord.adapter import DiscordAdapter
from bot.adapters.discord.render import render_digest
from bot.core.ports import ChannelRef, Posted, RateLimited
from bot.runtime.delivery import Deliverer
from bot.runtime.delivery_policy import DeliveryPolicy, channel_of
from digests.models import Digest
from digests.store.deliveries import Deliveries
from digests.store.subscriptions import Subscription
from tests.adapters.conftest import CHANNEL, GUILD, LOCKED_CHANNEL, MANAGER
from tests.adapters.slack_fixtures import make_digest
from tests.fakes.deliver_child import crashed_posting
from tests.fakes.discord_api import FakeDiscord, Handler, _json

# The fake's message ids are snowflakes of early 2024; the deliveries happen then.
NOW = datetime(2024, 1, 1, 2, 0, tzinfo=UTC)
DAY = date(2024, 1, 1)


class HistoryDiscord(FakeDiscord):
    """The fake Discord, also answering GET /channels/{id}/messages (newest first, like Discord)."""

    def _routes(self) -> list[tuple[str, str, Handler]]:
        return [*super()._routes(), ("GET", "/channels/{channel}/messages", self._history)]

    async def _history(self, request: web.Request) -> web.Response:
        channel_id = int(request.match_info["channel"])
        if channel_id in self.forbidden:
            return _json({"code": 50001, "message": "Missing Access"}, 403)
        limit = int(request.query.get("limit", "50"))
        newest = list(reversed(self.messages.get(channel_id, [])))[:limit]
        # Discord does not return nonces in history: drop them, so only the marker can be found.
        return _json([{**{k: v for k, v in m.items() if k != "nonce"},
                       **({"thread": self.threads[int(m["id"])]} if int(m["id"]) in self.threads else {})}
                      for m in newest])


@pytest.fixture
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    async with LimitedDiscord(guilds={GUILD: [CHANNEL, LOCKED_CHANNEL]}) as fake:
        fake.forbidden.add(LOCKED_CHANNEL)
        monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
        monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
        yield fake


async def subscribe(adapter: DiscordAdapter, channel: int) -> Subscription:
    sub, _ = await adapter.service.news.subscriptions.upsert(
        platform="discord", workspace_id=str(GUILD), channel_id=str(channel), region="test", delivery_time="08:00",
        timezone="Asia/Dhaka", topics=None, keywords=(), user_id="1000000000000000900", now=NOW)
    return sub


def deliverer(adapter: DiscordAdapter) -> tuple[Deliverer, Deliveries]:
    app = adapter.service.news
    deliveries = Deliveries(app.store.engine)
    return Deliverer(app, {"discord": adapter}, clock=lambda: NOW, policy=DeliveryPolicy(rates={}),
                     deliveries=deliveries), deliveries


async def test_the_head_message_is_marked_and_a_second_delivery_posts_nothing(
        adapter: DiscordAdapter, fake_discord: FakeDiscord) -> None:
    sub = await subscribe(adapter, CHANNEL)
    deliver, deliveries = deliverer(adapter)
    assert await deliver.deliver(sub, digest_date=DAY) == "posted"
    assert await deliver.deliver(sub, digest_date=DAY) == "posted"
    record = await deliveries.get(subscription_id=sub.id, digest_date=DAY)
    assert record is not None
    heads = fake_discord.messages[CHANNEL]
    assert len(heads) == 1 and heads[0]["content"].endswith(f"-# ref {record.nonce}")


async def test_a_crash_after_posting_is_read_back_from_the_channel(adapter: DiscordAdapter,
                                                                   fake_discord: FakeDiscord) -> None:
    sub = await subscribe(adapter, CHANNEL)
    deliver, deliveries = deliverer(adapter)
    record = await crashed_posting(deliveries, subscription_id=sub.id, digest_date=DAY, nonce="k1-240101-crash",
                                   now=NOW)
    digest = await adapter.service.news.build_digest("test", now=NOW)
    posted = await adapter.post_digest(channel_of(sub), digest, nonce=record.nonce)  # then the crash
    fake_discord.calls.clear()
    assert await deliver.deliver(sub, digest_date=DAY) == "posted"
    after = await deliveries.get(subscription_id=sub.id, digest_date=DAY)
    assert after is not None and after.message_ids[:1] == posted.message_ids[:1]
    assert not fake_discord.calls_to("POST", f"/channels/{CHANNEL}/messages")
    assert fake_discord.calls_to("GET", f"/channels/{CHANNEL}/messages")


async def test_find_posted_ignores_other_nonces(adapter: DiscordAdapter) -> None:
    sub = await subscribe(adapter, CHANNEL)
    digest = await adapter.service.news.build_digest("test", now=NOW)
    await adapter.post_digest(channel_of(sub), digest, nonce="k1-240101-aaaa")
    channel = ChannelRef("discord", str(GUILD), str(CHANNEL))
    assert await adapter.find_posted(channel, "k1-240101-bbbb", since=NOW.replace(year=2023)) is None
    assert await adapter.find_posted(channel, "k1-240101-aaaa", since=NOW.replace(year=2023)) is not None


async def test_a_channel_that_forbids_the_bot_is_paused(adapter: DiscordAdapter, fake_discord: FakeDiscord) -> None:
    sub = await subscribe(adapter, LOCKED_CHANNEL)
    deliver, _ = deliverer(adapter)
    assert await deliver.deliver(sub, digest_date=DAY) == "paused"
    current = await adapter.service.news.subscriptions.get(subscription_id=sub.id)
    assert current is not None and not current.active and "403" in (current.pause_reason or "")
    assert len(fake_discord.calls_to("POST", f"/channels/{LOCKED_CHANNEL}/messages")) == 2  # the digest, a notice


async def test_the_subscriber_of_a_gone_channel_is_told_in_a_direct_message(adapter: DiscordAdapter,
                                                                            fake_discord: FakeDiscord) -> None:
    """Outside review (q17r): the notice went to the subscriber's user id as if it were a channel; Discord answers that
    with 404 Unknown Channel, so nobody was told. The DM channel is opened first, and the notice goes there."""
    fake_discord.people.add(MANAGER)
    sub = await subscribe(adapter, LOCKED_CHANNEL)
    deliver, _ = deliverer(adapter)
    assert await deliver.deliver(sub, digest_date=DAY) == "paused"
    (dm, person), = fake_discord.dms.items()
    assert person == MANAGER == int(sub.created_by)
    (notice,) = fake_discord.messages[dm]
    assert "paused the daily **test** digest" in notice["content"] and "digest subscribe test" in notice["content"]


async def test_a_crash_mid_thread_posts_only_the_missing_replies(adapter: DiscordAdapter, fake_discord: FakeDiscord,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 10, defect 6 on Discord: the head and the thread replies already there are read back (the
    marker, then the bot's messages in the thread); only the rest is sent."""
    digest = make_digest(40)

    async def built(*args: Any, **kwargs: Any) -> Digest:
        return digest

    monkeypatch.setattr(adapter.service.news, "build_digest", built)
    whole = len(render_digest(digest))
    assert whole >= 3
    sub = await subscribe(adapter, CHANNEL)
    deliver, deliveries = deliverer(adapter)
    record = await crashed_posting(deliveries, subscription_id=sub.id, digest_date=DAY, nonce="k1-240101-mid",
                                   now=NOW)

    async def crash_after_two(posted: Posted) -> None:
        if len(posted.message_ids) == 2:
            raise KeyboardInterrupt  # the process dies: the head and one reply are on Discord

    with pytest.raises(KeyboardInterrupt):
        await adapter.post_digest(channel_of(sub), digest, nonce=record.nonce, checkpoint=crash_after_two)
    fake_discord.calls.clear()
    assert await deliver.deliver(sub, digest_date=DAY) == "posted"
    head = fake_discord.messages[CHANNEL]
    assert len(head) == 1
    thread = fake_discord.messages[int(head[0]["id"])]
    assert len(thread) == whole - 1  # every reply once
    assert len(fake_discord.calls_to("POST", f"/channels/{head[0]['id']}/messages")) == whole - 2  # only the rest
    after = await deliveries.get(subscription_id=sub.id, digest_date=DAY)
    assert after is not None and list(after.message_ids) == [head[0]["id"], *(m["id"] for m in thread)]


async def test_crashes_at_random_points_leave_every_channel_one_complete_digest(
        adapter: DiscordAdapter, fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 10 on Discord: 24 channels, each delivery killed at a random message (before the head, after it,
    mid-thread, after the last one but before it was recorded); a new process (another owner, after the
    dead one's lease ran out) then delivers. Every channel ends with one head and one copy of each reply."""
    digest = make_digest(40)

    async def built(*args: Any, **kwargs: Any) -> Digest:
        return digest

    monkeypatch.setattr(adapter.service.news, "build_digest", built)
    whole, rng = len(render_digest(digest)), random.Random(10)
    fake_discord.guilds[GUILD].extend(range(CHANNEL + 100, CHANNEL + 124))
    channels = list(range(CHANNEL + 100, CHANNEL + 124))
    deliver, deliveries = deliverer(adapter)
    for channel in channels:
        sub = await subscribe(adapter, channel)
        record = await crashed_posting(deliveries, subscription_id=sub.id, digest_date=DAY,
                                       nonce=f"k{sub.id}-240101-r", now=NOW)
        dies_at = rng.randint(0, whole)

        async def crash(posted: Posted, at: int = dies_at) -> None:
            if len(posted.message_ids) == at:
                raise KeyboardInterrupt

        with contextlib.suppress(KeyboardInterrupt):
            await adapter.post_digest(channel_of(sub), digest, nonce=record.nonce, checkpoint=crash)
        assert await deliver.deliver(sub, digest_date=DAY) == "posted"
    for channel in channels:
        heads = fake_discord.messages[channel]
        assert len(heads) == 1, channel
        replies = fake_discord.messages.get(int(heads[0]["id"]), [])
        assert len(replies) == whole - 1, channel
        assert len({json.dumps(m["embeds"]) + m["content"] for m in replies}) == whole - 1, channel


class LimitedDiscord(HistoryDiscord):
    """Answers the next posts with 429s, as Discord's docs describe them: ``retry_after`` in the body, the
    ``X-RateLimit-*`` headers, and (Cloudflare's) ``Via`` only when ``via``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.limits: list[tuple[float, bool, bool]] = []  # (retry_after, global, via) for the next posts
        self.thread_limits: list[float] = []  # retry_after for the next threads' creation (no Via)

    def _routes(self) -> list[tuple[str, str, Handler]]:
        return [("POST", "/channels/{channel}/messages", self._limited),
                ("POST", "/channels/{channel}/messages/{message}/threads", self._limited_thread), *super()._routes()]

    async def _limited_thread(self, request: web.Request) -> web.Response:
        if not self.thread_limits:
            return await self._create_thread(request)
        retry_after = self.thread_limits.pop(0)
        response = _json({"message": "You are being rate limited.", "retry_after": retry_after, "global": False}, 429)
        response.headers["X-RateLimit-Reset-After"] = f"{retry_after:.3f}"
        return response

    async def _limited(self, request: web.Request) -> web.Response:
        if not self.limits:
            return await self._create_message(request)
        retry_after, is_global, via = self.limits.pop(0)
        headers = {"X-RateLimit-Reset-After": f"{retry_after:.3f}", "X-RateLimit-Scope": "global" if is_global
                   else "user", **({"Via": "1.1 google"} if via else {})}
        if not is_global:
            headers |= {"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0", "X-RateLimit-Bucket": "abc"}
        body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": is_global}
        response = _json(body, 429)
        response.headers.update(headers)
        return response


@pytest.mark.parametrize("via", [False, True])
async def test_a_long_429_comes_back_to_the_core_with_its_wait(adapter: DiscordAdapter, fake_discord: FakeDiscord,
                                                              via: bool) -> None:
    """A 429 that says to wait two minutes (``retry_after`` and ``X-RateLimit-Reset-After``, no ``Retry-After``):
    the core is told to wait that long and post later. Without Cloudflare's ``Via`` header discord.py gives the 429
    up at once and it was read as "wait 1 s"; with it, discord.py slept in the middle of the post for as long as
    it was told, past the delivery's lease."""
    assert isinstance(fake_discord, LimitedDiscord)
    fake_discord.limits.append((120.0, True, via))
    with pytest.raises(RateLimited) as caught:
        async with asyncio.timeout(20):
            await adapter.post_digest(ChannelRef("discord", str(GUILD), str(CHANNEL)), make_digest(2), nonce="k1-x")
    assert caught.value.retry_after == pytest.approx(120.0)
    assert fake_discord.messages.get(CHANNEL, []) == []


async def test_a_429_when_opening_the_thread_does_not_spill_the_digest_into_the_channel(
        adapter: DiscordAdapter, fake_discord: FakeDiscord) -> None:
    """A 429 on the thread's creation (one discord.py does not wait out) went the way of "no thread here": the
    rest of a long digest followed in the channel itself. It is the core's to wait, then resume in a thread."""
    channel = ChannelRef("discord", str(GUILD), str(CHANNEL))
    assert isinstance(fake_discord, LimitedDiscord)
    fake_discord.thread_limits.append(3.5)
    with pytest.raises(RateLimited) as caught:
        await adapter.post_digest(channel, make_digest(40), nonce="k1-thread")
    assert caught.value.retry_after == pytest.approx(3.5)
    assert len(fake_discord.messages[CHANNEL]) == 1  # the head alone
    found = await adapter.find_posted(channel, "k1-thread", since=NOW.replace(year=2023))
    posted = await adapter.post_digest(channel, make_digest(40), nonce="k1-thread", resume=found)
    assert posted.thread_id is not None and len(fake_discord.messages[CHANNEL]) == 1
