"""Posting on Discord: a digest as a head message and its thread, found again after a crash, and notices.

Each message carries a nonce derived from the delivery's (``message_nonce``), sent with ``enforce_nonce``, so a
request that is re-sent returns the earlier message rather than a second one. Discord keeps no nonce in
history, so the head message also ends with a small marker (``marked``): ``find_posted`` reads the channel back
for it. Every message goes out with no mentions allowed.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from typing import Any, Literal

import discord

from bot.adapters.discord.render import CONTENT_CHARS, DiscordMessage, render_digest, story_links, thread_name
from bot.adapters.discord.text import defuse
from bot.core.ports import ChannelRef, Checkpoint, Posted, RateLimited
from bot.errors import BotError, ChannelGoneError
from digests.fetch_failures import parse_retry_after
from digests.models import Digest

log = logging.getLogger("bot.adapters.discord.adapter")  # the adapter's log lines, as before this module
NO_MENTIONS = discord.AllowedMentions.none()
NONCE_CHARS = 25  # Discord's limit on a message nonce
UNKNOWN_CHANNEL = 10003  # also what a person's id gets as a channel: their DM channel must be opened
THREAD_EXISTS = 160004  # "A thread has already been created for this message": a retried post
THREAD_ARCHIVE_MINUTES: Literal[1440] = 1440  # a day
HISTORY_LIMIT = 50  # messages read back to find a digest posted before a crash
MARKER = "\n-# ref {nonce}"  # small grey text on the head message: Discord keeps no nonce in history


class DiscordError(BotError):
    """The Discord adapter could not start or post; the message says what to check."""


def message_nonce(nonce: str | None, index: int) -> str | None:
    """The nonce of a digest's ``index``-th message: a retried post re-sends the same ones, and Discord
    returns the earlier message instead of posting it twice (nonces are at most 25 characters)."""
    if nonce is None:
        return None
    if index == 0 and len(nonce) <= NONCE_CHARS:
        return nonce
    return hashlib.sha256(f"{nonce}/{index}".encode()).hexdigest()[:NONCE_CHARS]


def marked(message: DiscordMessage, nonce: str) -> DiscordMessage:
    """The head message with the delivery's marker at its end (content kept within 2,000 characters)."""
    mark = MARKER.format(nonce=nonce)
    room = CONTENT_CHARS - len(mark)
    content = message.content if len(message.content) <= room else message.content[:room - 1] + "…"
    return replace(message, content=content + mark)


@contextmanager
def rate_limits() -> Iterator[None]:
    """discord.py waits out short 429s itself (up to the client's ``max_ratelimit_timeout``); a longer one, and
    one it does not trust (no Cloudflare ``Via`` header), reach the core as :class:`RateLimited` with the wait
    Discord named: ``Retry-After``, else ``X-RateLimit-Reset-After``."""
    try:
        yield
    except discord.RateLimited as exc:
        raise RateLimited("discord", exc.retry_after) from exc
    except discord.HTTPException as exc:
        if exc.status != 429:
            raise
        headers = exc.response.headers
        wait = parse_retry_after(headers.get("Retry-After")) or _seconds(headers.get("X-RateLimit-Reset-After"))
        raise RateLimited("discord", wait or 1.0) from exc


def _seconds(value: str | None) -> float | None:
    """A header's seconds as Discord writes them ("64.57"), or None."""
    try:
        seconds = float(value or "")
    except ValueError:
        return None
    return seconds if 0 <= seconds < 86_400 else None


def gone(channel: ChannelRef, exc: discord.HTTPException) -> ChannelGoneError:
    """What the core is told when Discord refuses a channel (403) or does not know it (404)."""
    return ChannelGoneError(str(channel), f"{exc.status} {exc.text or 'forbidden'}")


class DiscordPoster:
    """Sends through the adapter's connected client (``client()``, which raises before ``start``)."""

    def __init__(self, client: Callable[[], discord.Client]) -> None:
        self._client = client

    async def post_digest(self, channel: ChannelRef, digest: Digest, *, nonce: str | None = None,
                          resume: Posted | None = None, checkpoint: Checkpoint | None = None) -> Posted:
        """Post the head message, then the rest in a thread made from it (in the channel where there can be no
        thread); with ``resume``, only what is not posted yet. Each message carries a nonce derived from
        ``nonce`` with ``enforce_nonce``, so a request that discord.py re-sends returns the earlier message."""
        messages = render_digest(digest)
        if nonce is not None:
            messages[0] = marked(messages[0], nonce)
        ids = list(resume.message_ids) if resume is not None else []
        thread_id = int(resume.thread_id) if resume is not None and resume.thread_id else None
        if not ids:
            if checkpoint is not None:
                await checkpoint(Posted(message_ids=()))
            try:
                head = await self._send(self._channel(channel), messages[0], nonce=message_nonce(nonce, 0))
            except (discord.Forbidden, discord.NotFound) as exc:
                raise gone(channel, exc) from exc
            ids.append(str(head.id))
        if len(messages) > len(ids) and thread_id is None:
            thread_id = await self._open_thread(channel, int(ids[0]), thread_name(digest))
        rest = self._channel(channel, thread_id)
        thread = str(thread_id) if thread_id else None
        for index in range(len(ids), len(messages)):
            if checkpoint is not None:
                await checkpoint(Posted(message_ids=tuple(ids), thread_id=thread))
            ids.append(str((await self._send(rest, messages[index], nonce=message_nonce(nonce, index))).id))
        links = story_links(messages, ids, guild_id=channel.workspace_id, channel_id=channel.channel_id,
                            thread_id=thread)
        return Posted(message_ids=tuple(ids), thread_id=thread if len(ids) > 1 else None, links=links)

    async def find_posted(self, channel: ChannelRef, nonce: str, since: datetime) -> Posted | None:
        """The digest whose head message carries ``nonce``'s marker, among the bot's recent messages in the
        channel since ``since`` (then the bot's messages in its thread, oldest first), or None."""
        try:
            with rate_limits():
                recent: list[Any] = await self._client().http.logs_from(int(channel.channel_id), HISTORY_LIMIT)
        except (discord.Forbidden, discord.NotFound) as exc:
            raise gone(channel, exc) from exc
        me, oldest = str(self._client().application_id or ""), discord.utils.time_snowflake(since)
        mark = MARKER.format(nonce=nonce).strip()
        for message in recent:
            if int(message["id"]) < oldest or str((message.get("author") or {}).get("id")) != me:
                continue
            if str(message.get("content") or "").endswith(mark):
                thread = str((message.get("thread") or {}).get("id") or "") or None
                replies = await self._mine(int(thread), me) if thread else ()
                return Posted(message_ids=(str(message["id"]), *replies), thread_id=thread)
        return None

    async def _mine(self, thread_id: int, me: str) -> tuple[str, ...]:
        """This bot's messages in a digest's thread, oldest first (people may write there too)."""
        messages: list[Any] = await self._client().http.logs_from(thread_id, HISTORY_LIMIT)
        return tuple(str(m["id"]) for m in reversed(messages) if str((m.get("author") or {}).get("id")) == me)

    async def send_notice(self, channel: ChannelRef, text: str) -> None:
        """Post a short plain message (the core's words; mentions defused). When the id is a person's (the one who
        subscribed a channel that is gone), Discord wants their direct-message channel opened first."""
        notice = DiscordMessage(content=defuse(text.strip())[:2000])
        try:
            await self._send(self._channel(channel), notice)
        except discord.NotFound as exc:
            if exc.code != UNKNOWN_CHANNEL or channel.workspace_id == "dm":
                raise
            dm = await self._client().http.start_private_message(int(channel.channel_id))  # Unknown User if not one
            await self._send(self._client().get_partial_messageable(int(dm["id"])), notice)

    def _channel(self, channel: ChannelRef, thread_id: int | None = None) -> discord.PartialMessageable:
        """A channel (or thread) to send to by id alone: no cache needed, so it works right after a reconnect."""
        try:
            guild_id = int(channel.workspace_id) if channel.workspace_id != "dm" else None
            return self._client().get_partial_messageable(thread_id or int(channel.channel_id), guild_id=guild_id)
        except ValueError:
            raise DiscordError(f"discord: {channel} is not a Discord channel id") from None

    async def _send(self, target: discord.PartialMessageable, message: DiscordMessage, *,
                    nonce: str | None = None) -> discord.Message:
        content = message.content or None
        with rate_limits():
            if nonce is None:
                return await target.send(content=content, embeds=message.embeds, allowed_mentions=NO_MENTIONS)
            # discord.py sends enforce_nonce=True with every nonce (a random one when none is given).
            return await target.send(content=content, embeds=message.embeds, nonce=nonce,
                                     allowed_mentions=NO_MENTIONS)

    async def _open_thread(self, channel: ChannelRef, message_id: int, name: str) -> int | None:
        """A public thread on the head message, or None (a DM, a thread, no permission): the rest of the
        digest then follows in the channel itself."""
        if channel.workspace_id == "dm":
            return None
        try:
            # The HTTP call, not Message.create_thread: that one needs the guild in the cache. A 429 is no reason
            # to post the rest in the channel: it goes to the core, which comes back to open the thread.
            with rate_limits():
                data = await self._client().http.start_thread_with_message(
                    int(channel.channel_id), message_id, name=name, auto_archive_duration=THREAD_ARCHIVE_MINUTES)
        except discord.HTTPException as exc:
            if exc.code == THREAD_EXISTS:
                return message_id  # a thread started from a message has that message's id
            log.warning("discord: no thread in %s (%s); the rest of the digest follows in the channel", channel, exc)
            return None
        return int(data["id"])
