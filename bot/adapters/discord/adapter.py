"""The Discord adapter: slash commands in, core replies and digests out. It translates; the core decides.

    adapter = DiscordAdapter(app.core_service(), settings)
    await adapter.start()          # logs in, registers the slash commands, connects to the gateway
    await adapter.post_digest(ChannelRef("discord", guild_id, channel_id), digest, nonce="sub-7-2024-11-25")
    await adapter.stop()

Every message goes out with no mentions allowed. ``[discord] api_base_url`` points discord.py's REST calls
elsewhere (``discord.http.Route.BASE``, process-wide): a proxy, or the loopback fake API in tests.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any, Literal

import discord
from discord import app_commands

from bot.adapters.discord.commands import DigestGroup, Interaction, summary_command
from bot.adapters.discord.config import DiscordConfig
from bot.adapters.discord.render import (
    CONTENT_CHARS,
    DiscordMessage,
    render_digest,
    render_reply,
    story_links,
    thread_name,
)
from bot.adapters.discord.text import defuse
from bot.core import commands as cmd
from bot.core.catalogue import Catalogue
from bot.core.ports import DISCORD_LIMITS, ChannelRef, Checkpoint, Limits, Posted, RateLimited, Reply, UserRef
from bot.core.service import CoreService
from bot.errors import BotError, ChannelGoneError
from digests.fetch import parse_retry_after
from digests.models import Digest

log = logging.getLogger(__name__)
NO_MENTIONS = discord.AllowedMentions.none()
READY_TIMEOUT_S = 120.0
NONCE_CHARS = 25  # Discord's limit on a message nonce
THREAD_EXISTS = 160004  # "A thread has already been created for this message": a retried post
THREAD_ARCHIVE_MINUTES: Literal[1440] = 1440  # a day
HISTORY_LIMIT = 50  # messages read back to find a digest posted before a crash
MARKER = "\n-# ref {nonce}"  # small grey text on the head message: Discord keeps no nonce in history
FAILED = "Something went wrong on my side and it has been logged; please try again in a minute."


class DiscordError(BotError):
    """The Discord adapter could not start or post; the message says what to check."""


class KhoborClient(discord.Client):
    """discord.py's client with minimal intents (guilds only), no mentions, and our command tree."""

    def __init__(self, adapter: DiscordAdapter, *, guild_ready_timeout: float) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(intents=intents, allowed_mentions=NO_MENTIONS, guild_ready_timeout=guild_ready_timeout)
        self.adapter = adapter
        self.tree: app_commands.CommandTree[KhoborClient] = app_commands.CommandTree(self)

    async def setup_hook(self) -> None:
        """Called by ``login``: register the commands before the gateway connects."""
        await self.adapter.register_commands(self.tree)


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


def channel_ref(interaction: Interaction) -> ChannelRef:
    """Where a command was run: ``("discord", guild id or "dm", channel id)``."""
    guild = str(interaction.guild_id) if interaction.guild_id else "dm"
    return ChannelRef("discord", guild, str(interaction.channel_id))


def user_ref(interaction: Interaction, manager_ids: list[str]) -> UserRef:
    """Who ran a command; a manager has Manage Channels or Manage Server here, or is listed in the settings.
    In a direct message the asker is the only member, so they manage it."""
    perms = interaction.permissions
    user = interaction.user
    can_manage = (perms.manage_channels or perms.manage_guild or str(user.id) in manager_ids
                  or interaction.guild_id is None)
    return UserRef("discord", str(user.id), user.display_name, can_manage=can_manage)


class DiscordAdapter:
    """The core on Discord. No I/O until ``start``."""

    platform = "discord"
    limits: Limits = DISCORD_LIMITS
    rate: float | None = 45.0  # a little under Discord's global 50 requests a second per bot
    access_hint = "I need View Channel, Send Messages, Embed Links and Create Public Threads in this channel."

    def __init__(self, service: CoreService, settings: DiscordConfig, *, guild_ready_timeout: float = 2.0) -> None:
        self.service = service
        self.settings = settings
        self.guild_ready_timeout = guild_ready_timeout  # discord.py's wait for the servers' details at connect
        self._client: KhoborClient | None = None
        self._gateway: asyncio.Task[None] | None = None

    @property
    def catalogue(self) -> Catalogue:
        """The regions and topics the slash commands offer (the core's)."""
        return self.service.catalogue

    @property
    def client(self) -> KhoborClient:
        """The connected client; raises DiscordError before ``start``."""
        if self._client is None:
            raise DiscordError("discord: the adapter is not started; await start() first")
        return self._client

    @property
    def connected(self) -> bool:
        """Started, and the gateway session is up and ready (what /readyz asks)."""
        client = self._client
        return client is not None and client.is_ready() and not client.is_closed()

    async def start(self) -> None:
        """Log in with the token (registering the commands), connect to the gateway, wait until ready."""
        token = self.settings.secrets.discord_token
        if token is None:
            raise DiscordError("discord: no bot token; set KHOBOR_DISCORD_TOKEN or KHOBOR_DISCORD_TOKEN_FILE")
        if self.settings.discord.api_base_url:
            discord.http.Route.BASE = self.settings.discord.api_base_url.rstrip("/")
        self._client = client = KhoborClient(self, guild_ready_timeout=self.guild_ready_timeout)
        try:
            await client.login(token.get_secret_value())
            self._gateway = asyncio.create_task(client.connect(), name="discord-gateway")
            await self._until_ready(client, self._gateway)
        except discord.LoginFailure:
            await self.stop()
            raise DiscordError("discord: the bot token was refused; check KHOBOR_DISCORD_TOKEN") from None
        except BaseException:
            await self.stop()
            raise
        log.info("discord: connected as %s (id %s) to %d server(s)", client.user, client.application_id,
                 len(client.guilds))

    async def _until_ready(self, client: KhoborClient, gateway: asyncio.Task[None]) -> None:
        ready = asyncio.create_task(client.wait_until_ready())
        await asyncio.wait({ready, gateway}, timeout=READY_TIMEOUT_S, return_when=asyncio.FIRST_COMPLETED)
        if ready.done():
            return
        ready.cancel()
        if gateway.done():
            gateway.result()  # the connection's own error, if it had one
            raise DiscordError("discord: the gateway closed before the bot was ready")
        raise DiscordError(f"discord: not ready after {READY_TIMEOUT_S:.0f} s; check the network and the token")

    async def stop(self) -> None:
        """Close the gateway connection and the HTTP session."""
        client, gateway = self._client, self._gateway
        self._client = self._gateway = None
        if client is not None:
            await client.close()
        if gateway is not None:
            (outcome,) = await asyncio.gather(gateway, return_exceptions=True)
            if isinstance(outcome, Exception):
                log.warning("discord: the gateway connection ended with %r", outcome)

    async def register_commands(self, tree: app_commands.CommandTree[KhoborClient]) -> None:
        """Add the slash commands and sync them: to the configured servers at once, else globally."""
        tree.add_command(DigestGroup(self))
        tree.add_command(summary_command(self))
        if not self.settings.discord.guild_ids:
            synced = await tree.sync()
            log.info("discord: %d global command(s) registered (they may take a while to appear)", len(synced))
            return
        for guild_id in self.settings.discord.guild_ids:
            try:
                guild = discord.Object(id=int(guild_id))
                tree.copy_global_to(guild=guild)
                synced = await tree.sync(guild=guild)
            except (ValueError, discord.HTTPException) as exc:
                log.error("discord: could not register commands in server %s (%s); is the bot invited there with "
                          "the applications.commands scope?", guild_id, exc)
                continue
            log.info("discord: %d command(s) registered in server %s", len(synced), guild_id)

    async def run(self, interaction: Interaction, build: Callable[[], cmd.Command], *, private: bool) -> None:
        """One slash command: acknowledge at once (Discord allows 3 s), execute in the core, answer, and post
        the digest the reply carries."""
        await interaction.response.defer(ephemeral=private, thinking=True)
        channel = channel_ref(interaction)
        try:
            command = build()
            reply = await self.service.execute(command, channel=channel,
                                               user=user_ref(interaction, self.settings.discord.manager_user_ids))
        except cmd.CommandError as exc:
            reply = Reply(f"{exc}\n\n{cmd.USAGE}", ok=False, private=True)
        except Exception:
            log.exception("discord: command failed in %s", channel)
            reply = Reply(FAILED, ok=False, private=True)
        await self._answer(interaction, render_reply(reply), deferred_private=private)
        await self._post_for(interaction, channel, reply)

    async def _answer(self, interaction: Interaction, message: DiscordMessage, *, deferred_private: bool) -> None:
        try:
            if message.ephemeral and not deferred_private:
                # A public "thinking…" cannot turn private: remove it, then answer the asker alone.
                await interaction.delete_original_response()
            await interaction.followup.send(content=message.content, embeds=message.embeds,
                                            ephemeral=message.ephemeral, allowed_mentions=NO_MENTIONS,
                                            suppress_embeds=message.suppress_embeds)
        except discord.HTTPException as exc:
            log.error("discord: could not answer a command in %s: %s", channel_ref(interaction), exc)

    async def _post_for(self, interaction: Interaction, channel: ChannelRef, reply: Reply) -> None:
        failed = await self.service.post_reply_digest(self, channel, reply)
        if failed is not None:
            await interaction.followup.send(render_reply(failed).content, ephemeral=True,
                                            allowed_mentions=NO_MENTIONS)

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
                raise ChannelGoneError(str(channel), f"{exc.status} {exc.text or 'forbidden'}") from exc
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
            recent: list[Any] = await self.client.http.logs_from(int(channel.channel_id), HISTORY_LIMIT)
        except (discord.Forbidden, discord.NotFound) as exc:
            raise ChannelGoneError(str(channel), f"{exc.status} {exc.text or 'forbidden'}") from exc
        me, oldest = str(self.client.application_id or ""), discord.utils.time_snowflake(since)
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
        messages: list[Any] = await self.client.http.logs_from(thread_id, HISTORY_LIMIT)
        return tuple(str(m["id"]) for m in reversed(messages) if str((m.get("author") or {}).get("id")) == me)

    async def send_notice(self, channel: ChannelRef, text: str) -> None:
        """Post a short plain message (the core's words; mentions defused)."""
        notice = defuse(text.strip())
        await self._send(self._channel(channel), DiscordMessage(content=notice[:2000]))

    def _channel(self, channel: ChannelRef, thread_id: int | None = None) -> discord.PartialMessageable:
        """A channel (or thread) to send to by id alone: no cache needed, so it works right after a reconnect."""
        try:
            guild_id = int(channel.workspace_id) if channel.workspace_id != "dm" else None
            return self.client.get_partial_messageable(thread_id or int(channel.channel_id), guild_id=guild_id)
        except ValueError:
            raise DiscordError(f"discord: {channel} is not a Discord channel id") from None

    async def _send(self, target: discord.PartialMessageable, message: DiscordMessage, *,
                    nonce: str | None = None) -> discord.Message:
        content = message.content or None
        try:
            if nonce is None:
                return await target.send(content=content, embeds=message.embeds, allowed_mentions=NO_MENTIONS)
            # discord.py sends enforce_nonce=True with every nonce (a random one when none is given).
            return await target.send(content=content, embeds=message.embeds, nonce=nonce,
                                     allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:
            if exc.status == 429:  # discord.py waits out most 429s itself; one that reaches here, the core does
                wait = parse_retry_after(exc.response.headers.get("Retry-After"))
                raise RateLimited("discord", 1.0 if wait is None else wait) from exc
            raise

    async def _open_thread(self, channel: ChannelRef, message_id: int, name: str) -> int | None:
        """A public thread on the head message, or None (a DM, a thread, no permission): the rest of the
        digest then follows in the channel itself."""
        if channel.workspace_id == "dm":
            return None
        try:
            # The HTTP call, not Message.create_thread: that one needs the guild in the cache.
            data = await self.client.http.start_thread_with_message(
                int(channel.channel_id), message_id, name=name, auto_archive_duration=THREAD_ARCHIVE_MINUTES)
        except discord.HTTPException as exc:
            if exc.code == THREAD_EXISTS:
                return message_id  # a thread started from a message has that message's id
            log.warning("discord: no thread in %s (%s); the rest of the digest follows in the channel", channel, exc)
            return None
        return int(data["id"])

