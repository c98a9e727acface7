"""The Discord adapter: slash commands in, core replies and digests out. It translates; the core decides.

    adapter = DiscordAdapter(app.core_service(), settings)
    await adapter.start()          # logs in, registers the slash commands, connects to the gateway
    await adapter.post_digest(ChannelRef("discord", guild_id, channel_id), digest, nonce="sub-7-2024-11-25")
    await adapter.stop()

Every message goes out with no mentions allowed. ``[discord] api_base_url`` points discord.py's REST calls
elsewhere (``discord.http.Route.BASE``, process-wide), and its gateway at the one that API names: a proxy, or a
loopback fake.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

import aiohttp
import discord
import yarl
from discord import app_commands

from bot.adapters.discord.commands import DigestGroup, Interaction, summary_command
from bot.adapters.discord.config import DiscordConfig
from bot.adapters.discord.posting import NO_MENTIONS, DiscordPoster
from bot.adapters.discord.posting import DiscordError as DiscordError
from bot.adapters.discord.posting import message_nonce as message_nonce
from bot.adapters.discord.render import DiscordMessage, render_reply
from bot.core import commands as cmd
from bot.core.catalogue import Catalogue
from bot.core.ports import DISCORD_LIMITS, ChannelRef, Checkpoint, Limits, Posted, Reply, UserRef
from bot.core.service import CoreService
from digests.models import Digest

log = logging.getLogger(__name__)
READY_TIMEOUT_S = 120.0
# 429s that discord.py may wait out inside a request (its least); longer ones go back to the core, which waits
# without holding a delivery's lease or a platform slot.
RATE_LIMIT_WAIT_S = 30.0
FAILED = "Something went wrong on my side and it has been logged; please try again in a minute."


class KhoborClient(discord.Client):
    """discord.py's client with minimal intents (guilds only), no mentions, and our command tree."""

    def __init__(self, adapter: DiscordAdapter, *, guild_ready_timeout: float) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(intents=intents, allowed_mentions=NO_MENTIONS, guild_ready_timeout=guild_ready_timeout,
                         max_ratelimit_timeout=RATE_LIMIT_WAIT_S)
        self.adapter = adapter
        self.tree: app_commands.CommandTree[KhoborClient] = app_commands.CommandTree(self)

    async def setup_hook(self) -> None:
        """Called by ``login``: register the commands before the gateway connects."""
        await self.adapter.register_commands(self.tree)


def channel_ref(interaction: Interaction) -> ChannelRef:
    """Where a command was run: ``("discord", guild id or "dm", channel id)``."""
    guild = str(interaction.guild_id) if interaction.guild_id else "dm"
    return ChannelRef("discord", guild, str(interaction.channel_id))


def user_ref(interaction: Interaction, manager_ids: list[str]) -> UserRef:
    """Who ran a command; a manager has Manage Channels or Manage Server here (an administrator has every
    permission, though Discord may send only that bit), or is listed in the settings. In a direct message the
    asker is the only member, so they manage it."""
    perms = interaction.permissions
    user = interaction.user
    can_manage = (perms.administrator or perms.manage_channels or perms.manage_guild or str(user.id) in manager_ids
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
        self._poster = DiscordPoster(lambda: self.client)

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
            if self.settings.discord.api_base_url:
                await self._gateway_of_api(client, self.settings.discord.api_base_url)
            self._gateway = asyncio.create_task(client.connect(), name="discord-gateway")
            await self._until_ready(client, self._gateway)
        except discord.LoginFailure:
            await self.stop()
            raise DiscordError("discord: the bot token was refused; check KHOBOR_DISCORD_TOKEN") from None
        except discord.RateLimited as exc:
            await self.stop()
            raise DiscordError(f"discord: Discord asks to wait {exc.retry_after:.0f} s before logging in again "
                               "(rate limited); start again after that") from None
        except (aiohttp.ClientError, OSError) as exc:  # no answer at all (a refused token is LoginFailure)
            await self.stop()
            api = self.settings.discord.api_base_url or discord.http.Route.BASE
            raise DiscordError(f"discord: cannot reach the API at {api} ({type(exc).__name__}: {exc}); check the "
                               "network and [discord] api_base_url") from None
        except BaseException:
            await self.stop()
            raise
        log.info("discord: connected as %s (id %s) to %d server(s)", client.user, client.application_id,
                 len(client.guilds))

    @staticmethod
    async def _gateway_of_api(client: KhoborClient, base: str) -> None:
        """With ``api_base_url``, connect to the gateway that API names (``GET /gateway/bot``, as Discord's docs
        ask), not discord.py's built-in ``wss://gateway.discord.gg``: a proxy or a fake serves both. Process-wide,
        as ``Route.BASE`` is."""
        try:
            _, url, _ = await client.http.get_bot_gateway()
        except discord.GatewayNotFound:
            raise DiscordError(f"discord: {base.rstrip('/')}/gateway/bot did not name a gateway; [discord] "
                               "api_base_url must serve Discord's REST API (its /gateway/bot too)") from None
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)

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
            try:
                synced = await tree.sync()
            except discord.RateLimited as exc:  # the commands synced before stay registered: start all the same
                log.warning("discord: commands not synced now (rate limited for %.0f s); the ones registered "
                            "before stay in use", exc.retry_after)
                return
            except discord.HTTPException as exc:  # a 429 discord.py does not trust is one too
                log.error("discord: commands not synced now (%s); the ones registered before stay in use", exc)
                return
            log.info("discord: %d global command(s) registered (they may take a while to appear)", len(synced))
            return
        for guild_id in self.settings.discord.guild_ids:
            try:
                guild = discord.Object(id=int(guild_id))
                tree.copy_global_to(guild=guild)
                synced = await tree.sync(guild=guild)
            except discord.RateLimited as exc:
                log.warning("discord: commands not synced in server %s now (rate limited for %.0f s); the ones "
                            "registered before stay in use", guild_id, exc.retry_after)
                continue
            except (ValueError, discord.HTTPException) as exc:
                log.error("discord: could not register commands in server %s (%s); is the bot invited there with "
                          "the applications.commands scope?", guild_id, exc)
                continue
            log.info("discord: %d command(s) registered in server %s", len(synced), guild_id)

    async def run(self, interaction: Interaction, build: Callable[[], cmd.Command], *, private: bool) -> None:
        """One slash command: acknowledge at once (Discord allows 3 s), execute in the core, post the digest the
        reply carries, and answer: the reply, or, when the digest could not be posted, only why (privately)."""
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
        failed = await self.service.post_reply_digest(self, channel, reply)
        await self._answer(interaction, render_reply(failed or reply), deferred_private=private)

    async def _answer(self, interaction: Interaction, message: DiscordMessage, *, deferred_private: bool) -> None:
        try:
            if message.ephemeral and not deferred_private:
                # A public "thinking…" cannot turn private: remove it, then answer the asker alone.
                await interaction.delete_original_response()
            await interaction.followup.send(content=message.content, embeds=message.embeds,
                                            ephemeral=message.ephemeral, allowed_mentions=NO_MENTIONS,
                                            suppress_embeds=message.suppress_embeds)
        except (discord.HTTPException, discord.RateLimited) as exc:  # e.g. the interaction expired (15 min)
            log.error("discord: could not answer a command in %s: %s", channel_ref(interaction), exc)

    async def post_digest(self, channel: ChannelRef, digest: Digest, *, nonce: str | None = None,
                          resume: Posted | None = None, checkpoint: Checkpoint | None = None) -> Posted:
        """Post the digest: a head message and its thread (:meth:`DiscordPoster.post_digest`)."""
        return await self._poster.post_digest(channel, digest, nonce=nonce, resume=resume, checkpoint=checkpoint)

    async def find_posted(self, channel: ChannelRef, nonce: str, since: datetime) -> Posted | None:
        """The digest posted with ``nonce`` since ``since``, or None (:meth:`DiscordPoster.find_posted`)."""
        return await self._poster.find_posted(channel, nonce, since)

    async def send_notice(self, channel: ChannelRef, text: str) -> None:
        """Post a short plain message (the core's words; mentions defused)."""
        await self._poster.send_notice(channel, text)
