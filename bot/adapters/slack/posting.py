"""Posting on Slack: a digest as a head message and its thread, found again after a crash, and notices.

The head message carries the delivery's nonce in its message metadata (``DIGEST_EVENT``), so ``find_posted``
reads the channel's history back for it. Slack's errors that the core acts on become the core's
(:func:`platform_errors`): a channel gone or closed to the bot, and a 429.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.render import SlackMessage, render_digest, render_reply, story_links
from bot.core.ports import ChannelRef, Checkpoint, Posted, RateLimited, Reply
from bot.errors import BotError, ChannelGoneError
from digests.fetch_failures import parse_retry_after
from digests.models import Digest

DIGEST_EVENT = "khobor_digest"  # message metadata type that marks a posted digest (and its nonce)
HISTORY_PAGES = 10
# Errors that mean the channel is gone or closed to the bot: its subscriptions pause instead of retrying.
GONE_ERRORS = frozenset({"channel_not_found", "not_in_channel", "is_archived", "account_inactive", "access_denied",
                         "channel_is_archived", "team_access_not_granted", "restricted_action"})
READ_BACK_HINT = "invite the bot to the channel (`/invite @Khobor`), or give the app the channels:join scope"


class ReadBackError(BotError):
    """A channel the bot may post in but cannot read back: whether an earlier attempt posted is unknown."""


class SlackPoster:
    """Posts and reads back through the adapter's Web API client (``client()``, made on first use)."""

    def __init__(self, client: Callable[[], AsyncWebClient]) -> None:
        self._client = client

    async def post_digest(self, channel: ChannelRef, digest: Digest, *, nonce: str | None = None,
                          resume: Posted | None = None, checkpoint: Checkpoint | None = None, pace: float,
                          workspace_url: str) -> Posted:
        """Post the digest's head message (marked with ``nonce`` in its metadata), the rest in its thread, ``pace``
        seconds apart; with ``resume``, only the messages not posted yet. ``workspace_url`` makes the stories'
        permalinks."""
        messages = render_digest(digest)
        metadata = {"event_type": DIGEST_EVENT, "event_payload": {"nonce": nonce}} if nonce else None
        ids = list(resume.message_ids) if resume is not None else []
        for index in range(len(ids), len(messages)):
            if index > 0:  # Slack allows about one message a second per channel; waited before the checkpoint,
                await asyncio.sleep(pace)  # whose turn at the workspace's limit the message then takes at once
            if checkpoint is not None:
                await checkpoint(Posted(message_ids=tuple(ids), thread_id=ids[0] if ids else None))
            if index == 0:
                ids.append(await self._post(channel, messages[0], metadata=metadata))
            else:
                ids.append(await self._post(channel, messages[index], thread_ts=ids[0]))
        links = story_links(messages, ids, workspace_url=workspace_url, channel_id=channel.channel_id)
        return Posted(message_ids=tuple(ids), thread_id=ids[0] if len(ids) > 1 else None, links=links)

    async def find_posted(self, channel: ChannelRef, nonce: str, since: datetime) -> Posted | None:
        """The digest posted with ``nonce`` after ``since``, read back from the channel's history (its head
        message, then this bot's replies in its thread), or None."""
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            response = await self._read(channel, partial(
                self._client().conversations_history, channel=channel.channel_id, oldest=f"{since.timestamp():.6f}",
                include_all_metadata=True, limit=200, cursor=cursor))
            for message in response.get("messages") or []:
                meta = message.get("metadata") or {}
                if meta.get("event_type") == DIGEST_EVENT and (meta.get("event_payload") or {}).get("nonce") == nonce:
                    replies = await self._replies(channel, message) if message.get("reply_count") else ()
                    head = str(message["ts"])
                    return Posted(message_ids=(head, *replies), thread_id=head if replies else None)
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if cursor is None:
                break
        return None

    async def _replies(self, channel: ChannelRef, head: dict[str, Any]) -> tuple[str, ...]:
        """This bot's replies in a digest's thread, oldest first (people may reply there too)."""
        author = head.get("bot_id") or head.get("user")
        response = await self._read(channel, partial(self._client().conversations_replies,
                                                     channel=channel.channel_id, ts=str(head["ts"]), limit=200))
        return tuple(str(m["ts"]) for m in response.get("messages") or []
                     if m.get("ts") != head["ts"] and (m.get("bot_id") or m.get("user")) == author)

    async def _read(self, channel: ChannelRef, call: Callable[[], Awaitable[Any]]) -> Any:
        """A read of the channel's messages. A bot reads only the conversations it is in, but posts in public ones
        without joining (chat:write.public): ``not_in_channel`` there means "join first", not a channel gone."""
        with platform_errors(channel):
            try:
                return await call()
            except SlackApiError as exc:
                if exc.response.get("error") != "not_in_channel":
                    raise
            await self._join(channel)
            return await call()

    async def _join(self, channel: ChannelRef) -> None:
        try:
            await self._client().conversations_join(channel=channel.channel_id)
        except SlackApiError as exc:
            error = str(exc.response.get("error", ""))
            if error in GONE_ERRORS or error == "method_not_supported_for_channel_type":  # a private channel
                raise ChannelGoneError(str(channel), error if error in GONE_ERRORS else "not_in_channel") from exc
            raise ReadBackError(f"slack: cannot read {channel} back to see whether its digest was posted already "
                                f"(the bot is not a member, and joining failed: {error}); {READ_BACK_HINT}") from exc

    async def send_notice(self, channel: ChannelRef, text: str) -> None:
        """Post a short message from the core (its own words) in the channel."""
        await self._post(channel, render_reply(Reply(text)))

    async def _post(self, channel: ChannelRef, message: SlackMessage, *, thread_ts: str | None = None,
                    metadata: dict[str, Any] | None = None) -> str:
        with platform_errors(channel):
            response = await self._client().chat_postMessage(
                channel=channel.channel_id, text=message.text, blocks=message.blocks, thread_ts=thread_ts,
                metadata=metadata, unfurl_links=False, unfurl_media=False)
        return str(response["ts"])


@contextmanager
def platform_errors(channel: ChannelRef) -> Iterator[None]:
    """Turn Slack's errors the core acts on into the core's: "this channel is gone or closed to you" into
    :class:`ChannelGoneError`, a 429 (after the client's own retries) into :class:`RateLimited`."""
    try:
        yield
    except SlackApiError as exc:
        error = str(exc.response.get("error", ""))
        if error in GONE_ERRORS:
            raise ChannelGoneError(str(channel), error) from exc
        if exc.response.status_code == 429:
            value = exc.response.headers.get("Retry-After")  # slack_sdk may hand a header over as a list
            wait = parse_retry_after(str(value[0] if isinstance(value, list) and value else value))
            raise RateLimited("slack", 1.0 if wait is None else wait) from exc
        raise
