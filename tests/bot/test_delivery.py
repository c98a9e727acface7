"""Delivery through the real Slack adapter to a loopback fake Slack API that fails on demand: exactly once,
read back after a crash, 429s and 500s retried, gone channels paused, late and failing-feed notes."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.slack.adapter import SlackAdapter
from bot.adapters.slack.config import SlackConfig
from bot.adapters.slack.render import render_digest
from bot.app import App
from bot.core.ports import ChannelRef, Checkpoint, Posted
from bot.runtime.delivery import Deliverer
from bot.runtime.delivery_policy import DeliveryPolicy, channel_of
from bot.settings import StorageSettings
from digests.models import Digest
from digests.store.deliveries import Deliveries
from digests.store.subscriptions import Subscription
from tests.adapters.slack_fixtures import NOW, make_digest, slack_settings
from tests.fakes.clock import Clock
from tests.fakes.deliver_child import crashed_posting
from tests.fakes.flaky_slack import FlakySlackApi
from tests.fakes.slack_api import TEAM_ID

DAY = date(2025, 3, 4)  # 08:00 in Dhaka is NOW (02:00 UTC)


@dataclass
class World:
    api: FlakySlackApi
    app: App
    adapter: SlackAdapter
    clock: Clock
    deliverer: Deliverer
    deliveries: Deliveries

    async def subscribe(self, channel: str, region: str = "test") -> Subscription:
        sub, _ = await self.app.subscriptions.upsert(
            platform="slack", workspace_id=TEAM_ID, channel_id=channel, region=region, delivery_time="08:00",
            timezone="Asia/Dhaka", topics=None, keywords=(), user_id="UADMIN", now=NOW)
        return sub

    def text(self, channel: str) -> str:
        return json.dumps(self.api.messages.get(channel, []))


@pytest.fixture
async def world(tmp_path: Path, database_url: str) -> AsyncIterator[World]:
    async with FlakySlackApi(ts_start=int(NOW.timestamp())) as api:
        settings = slack_settings(tmp_path, api).model_copy(update={"storage": StorageSettings(url=database_url)})
        async with App(settings) as app:
            adapter = SlackAdapter(app.core_service(), SlackConfig.of(settings), pace=0)
            clock = Clock(NOW)
            deliveries = Deliveries(app.store.engine)
            deliverer = Deliverer(app, {"slack": adapter}, clock=clock, sleep=clock.sleep,
                                  policy=DeliveryPolicy(rates={}), deliveries=deliveries)
            yield World(api, app, adapter, clock, deliverer, deliveries)


async def test_a_second_delivery_of_the_same_day_posts_nothing(world: World) -> None:
    sub = await world.subscribe("C1")
    assert await world.deliverer.deliver(sub, digest_date=DAY) == "posted"
    assert await world.deliverer.deliver(sub, digest_date=DAY) == "posted"
    record = await world.deliveries.get(subscription_id=sub.id, digest_date=DAY)
    assert record is not None and record.attempts == 1 and len(record.message_ids) >= 1
    assert len(world.api.heads("C1")) == 1
    assert world.api.heads("C1")[0]["metadata"]["event_payload"]["nonce"] == record.nonce


async def test_a_crash_between_post_and_record_is_read_back_not_posted_again(world: World) -> None:
    sub = await world.subscribe("C1")
    await crashed_posting(world.deliveries, subscription_id=sub.id, digest_date=DAY, nonce="k1-crashed", now=NOW)
    digest = await world.app.build_digest("test", now=NOW)
    posted = await world.adapter.post_digest(channel_of(sub), digest, nonce="k1-crashed")  # then the crash
    assert await world.deliverer.deliver(sub, digest_date=DAY) == "posted"
    after = await world.deliveries.get(subscription_id=sub.id, digest_date=DAY)
    assert after is not None and after.message_ids[0] == posted.message_ids[0] and after.attempts == 2
    assert len(world.api.heads("C1")) == 1
    assert world.api.calls_to("conversations.history")


async def test_a_crash_before_posting_posts_once(world: World) -> None:
    sub = await world.subscribe("C1")
    await crashed_posting(world.deliveries, subscription_id=sub.id, digest_date=DAY, nonce="k1-early",
                          now=NOW)  # crashed before the post
    assert await world.deliverer.deliver(sub, digest_date=DAY) == "posted"
    assert len(world.api.heads("C1")) == 1


async def test_429_is_honoured_with_its_retry_after(world: World) -> None:
    sub = await world.subscribe("C1")
    world.api.script["C1"] = ["429"]
    started = time.monotonic()
    assert await world.deliverer.deliver(sub, digest_date=DAY) == "posted"
    assert time.monotonic() - started >= 1.0  # Retry-After: 1
    assert world.api.limited == 1 and len(world.api.heads("C1")) == 1


async def test_500s_are_retried_with_backoff_then_posted(world: World) -> None:
    sub = await world.subscribe("C1")
    world.api.script["C1"] = ["500", "500"]
    assert await world.deliverer.deliver(sub, digest_date=DAY) == "posted"
    record = await world.deliveries.get(subscription_id=sub.id, digest_date=DAY)
    assert record is not None and record.attempts == 3 and record.error is None
    assert world.clock.slept == [5.0, 10.0]
    assert len(world.api.heads("C1")) == 1


async def test_a_500_after_the_message_was_posted_does_not_post_twice(world: World) -> None:
    sub = await world.subscribe("C1")
    world.api.script["C1"] = ["500-after-post"]
    assert await world.deliverer.deliver(sub, digest_date=DAY) == "posted"
    assert len(world.api.heads("C1")) == 1


async def test_transient_failures_stop_after_the_last_attempt(world: World) -> None:
    sub = await world.subscribe("C1")
    world.api.script["C1"] = ["500"] * 20
    assert await world.deliverer.deliver(sub, digest_date=DAY) == "failed"
    record = await world.deliveries.get(subscription_id=sub.id, digest_date=DAY)
    assert record is not None and record.attempts == 5 and record.retry_at is None
    assert record.error is not None and "gave up after 5 attempts" in record.error
    assert await world.deliverer.deliver(sub, digest_date=DAY) == "failed"  # and not again
    assert len(world.api.calls_to("chat.postMessage")) == 5


async def test_gone_channels_are_paused_and_the_others_served(world: World) -> None:
    subs = [await world.subscribe(f"C{i:03d}") for i in range(8)]
    world.api.gone["C002"] = "channel_not_found"
    world.api.closed_channels.add("C005")  # not_in_channel
    world.api.script["C003"] = ["429"]
    world.api.script["C006"] = ["500"]
    statuses = await world.deliverer.deliver_many(subs, digest_date=DAY)
    paused = {s.id for s in subs if s.channel_id in ("C002", "C005")}
    assert {i: s for i, s in statuses.items() if i in paused} == dict.fromkeys(paused, "paused")
    assert all(s == "posted" for i, s in statuses.items() if i not in paused)
    for sub in subs:
        assert len(world.api.heads(sub.channel_id)) == (0 if sub.id in paused else 1)
        current = await world.app.subscriptions.get(subscription_id=sub.id)
        assert current is not None and current.active == (sub.id not in paused)
    assert "paused" in world.text("UADMIN")  # the subscriber was told (a direct message)
    assert await world.deliverer.deliver(subs[2], digest_date=DAY + timedelta(days=1)) == "paused"


async def test_a_public_channel_the_bot_never_joined_is_read_back_not_paused(world: World) -> None:
    """With chat:write.public the bot posts in public channels it is not a member of, but a bot reads back only
    the channels it is in (not_in_channel): the read-back after a failed attempt joins the channel first; it is
    no sign that the channel is gone."""
    sub = await world.subscribe("C0PUBLIC")
    world.api.outside.add("C0PUBLIC")
    world.api.script["C0PUBLIC"] = ["500-after-post"]
    assert await world.deliverer.deliver(sub, digest_date=DAY) == "posted"
    assert len(world.api.heads("C0PUBLIC")) == 1 and world.api.calls_to("conversations.join")
    current = await world.app.subscriptions.get(subscription_id=sub.id)
    assert current is not None and current.active


async def test_a_channel_that_cannot_be_read_back_is_not_paused_and_says_what_to_do(world: World) -> None:
    sub = await world.subscribe("C0PUBLIC")
    world.api.outside.add("C0PUBLIC")
    world.api.join_refused = "missing_scope"  # an app installed without channels:join
    world.api.script["C0PUBLIC"] = ["500"]
    assert await world.deliverer.deliver(sub, digest_date=DAY) == "failed"  # never posted blind: it might double
    record = await world.deliveries.get(subscription_id=sub.id, digest_date=DAY)
    assert record is not None and record.error is not None and "/invite" in record.error
    current = await world.app.subscriptions.get(subscription_id=sub.id)
    assert current is not None and current.active
    assert "paused" not in world.text("C0PUBLIC") + world.text("UADMIN")


async def test_a_late_delivery_says_so(world: World) -> None:
    sub = await world.subscribe("C1")
    world.clock.now = NOW + timedelta(hours=3)
    assert await world.deliverer.deliver(sub, digest_date=DAY, late=True) == "posted"
    assert "This digest is late" in world.text("C1") and "11:00" in world.text("C1")


async def test_a_failing_feed_is_reported_once(world: World) -> None:
    store = world.app.store
    feed_ids = await store.sync_feeds(feeds=[("http://127.0.0.1:9/feed", "Nowhere")], now=NOW - timedelta(days=3))
    await store.record_feed_failure(feed_id=feed_ids["http://127.0.0.1:9/feed"], now=NOW - timedelta(days=2),
                                    error="refused", status=None, next_attempt_at=NOW)
    sub = await world.subscribe("C1")
    assert await world.deliverer.deliver(sub, digest_date=DAY) == "posted"
    assert "Nowhere could not be read" in world.text("C1")
    world.clock.now = NOW + timedelta(days=1)
    before = len(world.api.messages["C1"])
    assert await world.deliverer.deliver(sub, digest_date=DAY + timedelta(days=1)) == "posted"
    assert "Nowhere could not be read" not in json.dumps(world.api.messages["C1"][before:])


async def test_a_region_digest_is_built_once_for_many_channels(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    builds: list[Any] = []
    build = world.app.build_digest

    async def counted(*args: Any, **kwargs: Any) -> Any:
        builds.append(args)
        return await build(*args, **kwargs)

    monkeypatch.setattr(world.app, "build_digest", counted)
    subs = [await world.subscribe(f"C{i:03d}") for i in range(20)]
    statuses = await world.deliverer.deliver_many(subs, digest_date=DAY)
    assert set(statuses.values()) == {"posted"} and len(builds) == 1


# --- Issue 10: exactly once, proven against each way it broke ---------------------------------------------


async def test_a_connection_dropped_after_the_post_was_stored_is_read_back_not_resent(world: World) -> None:
    """Defect 2: slack_sdk's connection-error retry handler re-sent a stored post; now the delivery reads the
    channel back (by nonce) before any re-post."""
    sub = await world.subscribe("C1")
    world.api.script["C1"] = ["drop-after-post"]
    assert await world.deliverer.deliver(sub, digest_date=DAY) == "posted"
    assert len(world.api.heads("C1")) == 1
    assert len(world.api.calls_to("chat.postMessage")) == 1  # the client library did not re-send it
    assert world.api.calls_to("conversations.history")


async def test_crashes_while_building_the_digest_do_not_count_as_attempts(world: World,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Defect 4: four build crashes and one 500 used to exhaust the five attempts."""
    build, crashes = world.app.build_digest, [4]

    async def flaky(*args: Any, **kwargs: Any) -> Any:
        if crashes[0]:
            crashes[0] -= 1
            raise RuntimeError("the database went away while building")
        return await build(*args, **kwargs)

    monkeypatch.setattr(world.app, "build_digest", flaky)
    sub = await world.subscribe("C1")
    world.api.script["C1"] = ["500"]
    world.deliverer.policy = DeliveryPolicy(rates={}, max_attempts=5)
    statuses = [await world.deliverer.deliver(sub, digest_date=DAY) for _ in range(2)]
    record = await world.deliveries.get(subscription_id=sub.id, digest_date=DAY)
    assert record is not None and record.status == "posted" and record.attempts == 2  # the 500, then the post
    assert statuses[-1] == "posted" and len(world.api.heads("C1")) == 1


async def test_a_crash_mid_thread_resumes_the_thread_replies(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defect 6: after a crash between the head and the last thread reply, the head was recorded and the rest
    never posted. Now what is on the platform is read back and only the missing replies are posted."""
    digest = make_digest(25)

    async def built(*args: Any, **kwargs: Any) -> Any:
        return digest

    monkeypatch.setattr(world.app, "build_digest", built)
    sub = await world.subscribe("C1")
    record = await crashed_posting(world.deliveries, subscription_id=sub.id, digest_date=DAY, nonce="k1-thread",
                                   now=NOW)
    whole = len(render_digest(digest))
    assert whole >= 3

    async def crash_after_two(posted: Posted) -> None:
        if len(posted.message_ids) == 2:
            raise KeyboardInterrupt  # the process dies here: head and one reply are on Slack
    with pytest.raises(KeyboardInterrupt):
        await world.adapter.post_digest(channel_of(sub), digest, nonce=record.nonce, checkpoint=crash_after_two)
    assert len(world.api.messages["C1"]) == 2
    assert await world.deliverer.deliver(sub, digest_date=DAY) == "posted"
    messages = world.api.messages["C1"]
    assert len(messages) == whole and len(world.api.heads("C1")) == 1
    assert all(m.get("thread_ts") == messages[0]["ts"] for m in messages[1:])
    after = await world.deliveries.get(subscription_id=sub.id, digest_date=DAY)
    assert after is not None and list(after.message_ids) == [m["ts"] for m in messages]


class GatedSlack(SlackAdapter):
    """A Slack adapter whose posts wait at a gate: an old leader stalled mid-delivery."""

    gate: asyncio.Event

    async def post_digest(self, channel: ChannelRef, digest: Digest, *, nonce: str | None = None,
                          resume: Posted | None = None, checkpoint: Checkpoint | None = None) -> Posted:
        await self.gate.wait()
        return await super().post_digest(channel, digest, nonce=nonce, resume=resume, checkpoint=checkpoint)


async def test_a_stale_owner_cannot_post_once_its_lease_was_taken_over(world: World) -> None:
    """Defect 3: the old leader (lease run out, taken over by the new one) still posted 12 s later. Now the
    new owner waits for the lease, reads back, posts once; the old one's next write fails and it posts nothing."""
    sub = await world.subscribe("C1")
    old_adapter = GatedSlack(world.adapter.service, world.adapter.settings, pace=0)
    old_adapter.gate = asyncio.Event()
    policy = DeliveryPolicy(rates={}, lease=timedelta(seconds=60))
    old = Deliverer(world.app, {"slack": old_adapter}, clock=world.clock, sleep=world.clock.sleep, policy=policy,
                    owner="old-leader")
    new = Deliverer(world.app, {"slack": world.adapter}, clock=world.clock, sleep=world.clock.sleep, policy=policy,
                    owner="new-leader")
    stalled = asyncio.create_task(old.deliver(sub, digest_date=DAY))
    for _ in range(200):  # until the old leader holds the record and waits at the gate, mid-post
        record = await world.deliveries.get(subscription_id=sub.id, digest_date=DAY)
        if record is not None and record.status == "posting":
            break
        await asyncio.sleep(0.01)
    assert await new.deliver(sub, digest_date=DAY) == "busy"  # the lease is live: not the new owner's to post
    assert world.api.heads("C1") == []
    world.clock.now = NOW + timedelta(seconds=61)  # the old leader's lease ran out
    assert await new.deliver(sub, digest_date=DAY) == "posted"
    assert world.api.calls_to("conversations.history")  # it read back before posting
    old_adapter.gate.set()
    assert await stalled == "busy"  # its lease was gone: it stopped before sending
    assert len(world.api.heads("C1")) == 1 and len(world.api.calls_to("chat.postMessage")) == 1


async def test_a_channel_in_another_timezone_gets_its_own_local_day(world: World,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 12: the window was drawn in the region's timezone (Dhaka, +06) while the job fired in the
    subscription's (Kolkata, +05:30). The digest's window is the subscriber's local day, shown in its zone."""
    windows: list[tuple[datetime, datetime]] = []
    build = world.app.build_digest

    async def seen(*args: Any, **kwargs: Any) -> Any:
        digest = await build(*args, **kwargs)
        windows.append((digest.window_start, digest.window_end))
        return digest

    monkeypatch.setattr(world.app, "build_digest", seen)
    sub, _ = await world.app.subscriptions.upsert(
        platform="slack", workspace_id=TEAM_ID, channel_id="C9", region="test", delivery_time="07:30",
        timezone="Asia/Kolkata", topics=None, keywords=(), user_id="UADMIN", now=NOW - timedelta(days=1))
    assert await world.deliverer.deliver(sub, digest_date=DAY) == "posted"
    start, end = windows[0]
    assert end.isoformat() == "2025-03-04T07:30:00+05:30" and end - start == timedelta(hours=24)


async def test_a_rate_limit_reaches_the_core_as_its_own_error(world: World) -> None:
    """Issue 12: delivery no longer reads Slack's exception types; the adapter raises RateLimited (after the
    client's own two retries), and the core waits at least its Retry-After before the next attempt."""
    sub = await world.subscribe("C1")
    world.api.retry_after = 2
    world.deliverer.policy = DeliveryPolicy(rates={}, backoff_base_s=0.5)
    world.api.script["C1"] = ["429", "429", "429"]
    assert await world.deliverer.deliver(sub, digest_date=DAY) == "posted"
    record = await world.deliveries.get(subscription_id=sub.id, digest_date=DAY)
    assert record is not None and record.attempts == 1 and len(world.api.heads("C1")) == 1  # the 429 not counted
    assert world.clock.slept == [2.0]  # Retry-After, not the 0.5 s backoff


async def test_a_long_retry_after_is_waited_by_the_core_not_inside_the_post(world: World) -> None:
    """slack_sdk's retry handler slept whatever Retry-After said, twice, inside chat.postMessage: two minutes each,
    past the delivery's 90 s lease, holding its slot, unseen by the pacer. A wait longer than a few seconds goes
    to the core at once."""
    sub = await world.subscribe("C1")
    world.api.retry_after = 120
    world.api.script["C1"] = ["429"]
    async with asyncio.timeout(10):
        assert await world.deliverer.deliver(sub, digest_date=DAY) == "posted"
    assert world.clock.slept == [120.0] and world.api.limited == 1 and len(world.api.heads("C1")) == 1


async def test_a_killed_owner_on_this_machine_is_taken_over_at_once_not_after_its_lease(world: World) -> None:
    """Outside review (q17r): after SIGKILL, a restarted `khobor run` waited out the dead process's 90 s lease before
    resuming its delivery. An owner whose process is provably gone is taken over at once; a live one still is not."""
    sub = await world.subscribe("C1")
    record = await world.deliveries.claim(subscription_id=sub.id, digest_date=DAY, nonce="k1-dead", late=False,
                                          now=NOW)
    lease = timedelta(seconds=90)
    live, dead = "other-live-process", "killed-process"
    await world.deliveries.take(delivery_id=record.id, owner=live, now=NOW, lease=lease)
    await world.deliveries.mark_posting(delivery_id=record.id, owner=live, now=NOW, lease=lease, late=False)
    proven = Deliverer(world.app, {"slack": world.adapter}, clock=world.clock, sleep=world.clock.sleep,
                       policy=DeliveryPolicy(rates={}), owner="restarted", dead_owner=lambda owner: owner == dead)
    assert await proven.deliver(sub, digest_date=DAY) == "busy"  # its owner lives: its lease holds
    assert world.api.heads("C1") == []
    world.clock.now = NOW + lease  # the live owner's lease ran out: a dead process takes it over, then dies
    await world.deliveries.take(delivery_id=record.id, owner=dead, now=world.clock.now, lease=lease)
    assert await proven.deliver(sub, digest_date=DAY) == "posted"  # at once, within the dead owner's lease
    assert world.api.calls_to("conversations.history")  # it read the channel back first
    assert len(world.api.heads("C1")) == 1


async def test_429s_are_waited_out_never_counted_as_failed_attempts(world: World) -> None:
    """Outside review (q17r): in a busy minute (and across restarts) a delivery that met 429s five times was given up
    ("gave up after 6 attempts (RateLimited ...)"): 14 of 97 channels got nothing. A 429 stores nothing; it is waited
    out for its Retry-After and not counted as an attempt, in the record, so a restarted process does not count it
    either."""
    sub = await world.subscribe("C1")
    world.deliverer.policy = DeliveryPolicy(rates={}, max_attempts=3)
    world.api.retry_after = 1
    world.api.script["C1"] = ["429"] * 3 * 4 + ["500"]  # four attempts rate limited (the client retries twice)
    assert await world.deliverer.deliver(sub, digest_date=DAY) == "posted"
    record = await world.deliveries.get(subscription_id=sub.id, digest_date=DAY)
    assert record is not None and record.attempts == 2 and len(world.api.heads("C1")) == 1  # the 500, the post
    assert world.clock.slept == [1.0, 1.0, 1.0, 1.0, 5.0]  # Retry-After each time, then the first backoff


async def test_a_platform_that_only_answers_429_is_given_up_on_in_the_end(world: World) -> None:
    """Waiting 429s out is bounded: past ``max_rate_limited`` they count as failures, so no delivery loops for ever."""
    sub = await world.subscribe("C1")
    world.deliverer.policy = DeliveryPolicy(rates={}, max_attempts=2, max_rate_limited=3)
    world.api.retry_after = 1
    world.api.script["C1"] = ["429"] * 3 * 20
    assert await world.deliverer.deliver(sub, digest_date=DAY) == "failed"
    record = await world.deliveries.get(subscription_id=sub.id, digest_date=DAY)
    assert record is not None and record.attempts == 2 and world.api.heads("C1") == []  # 3 waited out, 2 counted


async def test_a_429_mid_thread_is_not_counted_and_the_thread_resumes_without_a_second_head(world: World) -> None:
    """The refunded attempt posted the head before its 429: the next attempt (its first counted one) still reads
    the channel back, from the message ids recorded, and posts only the rest."""
    sub = await world.subscribe("C1")
    world.api.retry_after = 1
    digest = make_digest(40)  # a head and a thread

    async def build(*_: Any, **__: Any) -> Digest:
        return digest

    def after_head(channel: str, _: dict[str, Any]) -> None:
        if len(world.api.messages.get(channel, [])) == 1:  # the first reply meets a 429 (x3: the client retries)
            world.api.script[channel] = ["429"] * 3

    world.app.build_digest = build  # type: ignore[method-assign]
    world.api.on_post = after_head
    assert await world.deliverer.deliver(sub, digest_date=DAY) == "posted"
    record = await world.deliveries.get(subscription_id=sub.id, digest_date=DAY)
    assert record is not None and record.attempts == 1
    assert len(world.api.heads("C1")) == 1 and world.api.calls_to("conversations.history")
    assert len(world.api.messages["C1"]) == len(render_digest(digest))  # every message once


async def test_attempts_cut_short_by_crashes_do_not_use_up_the_platforms_failures(world: World) -> None:
    """Outside review (q17r): SIGKILLed ten times in three minutes (`bench/exactly_once.py`), a channel with two
    scripted 500s was given up: three attempts the crashes cut short plus its two 500s made five. A crash is no failure
    of the platform's: the record still counts it (the next attempt reads back), the give-up counts the platform's."""
    sub = await world.subscribe("C1")
    record = await crashed_posting(world.deliveries, subscription_id=sub.id, digest_date=DAY, nonce="k1-crashes",
                                   now=NOW)
    for crash in range(2, 5):  # three more crashed attempts, each after the last one's lease ran out
        then = NOW - timedelta(minutes=5 - crash)
        await world.deliveries.take(delivery_id=record.id, owner=f"dead-{crash}", now=then, lease=timedelta(seconds=1))
        await world.deliveries.mark_posting(delivery_id=record.id, owner=f"dead-{crash}", now=then,
                                            lease=timedelta(seconds=1), late=False)
    world.api.script["C1"] = ["500", "500"]
    assert await world.deliverer.deliver(sub, digest_date=DAY) == "posted"
    after = await world.deliveries.get(subscription_id=sub.id, digest_date=DAY)
    assert after is not None and after.attempts == 7 and len(world.api.heads("C1")) == 1
