"""The Slack adapter: slash commands in, replies and Block Kit digests out. It translates; the core decides.

``/digest TEXT`` and ``/summary TEXT`` become the core's ``digest TEXT`` and ``summary TEXT``. Slack wants an
acknowledgement within 3 seconds, so the command is acknowledged first and answered through its
``response_url``. Events arrive over Socket Mode (``mode = "socket"``, app token) or as HTTP POSTs whose
signatures Bolt checks (``mode = "http"``, signing secret).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.config import SlackConfig
from bot.adapters.slack.posting import DIGEST_EVENT as DIGEST_EVENT
from bot.adapters.slack.posting import SlackPoster
from bot.adapters.slack.render import render_reply
from bot.core.ports import SLACK_LIMITS, ChannelRef, Checkpoint, Limits, Posted, Reply, UserRef
from bot.core.service import CoreService
from bot.errors import BotError
from digests.fetch_failures import parse_retry_after
from digests.models import Digest

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"  # the Request URL of the slash commands, in HTTP mode
COMMANDS = ("/digest", "/summary")
ADMIN_TTL_SECONDS = 300.0
STARTUP_CALL_S = 20.0  # each start-up call to Slack; then start-up fails rather than retrying forever
REFUSALS = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive",
                      "not_allowed_token_type", "missing_scope", "no_permission", "ekm_access_denied"})


_ESCAPED_LINK = re.compile(r"<(https?://[^|>\s]+)(?:\|[^>]*)?>", re.IGNORECASE)


def typed(text: str) -> str:
    """A command's text as the user typed it: a command that escapes its text (``should_escape``) gets links as
    ``<https://x.example/a|x.example/a>``, which would otherwise be read as words; and Slack sends ``&``, ``<``
    and ``>`` as ``&amp;``, ``&lt;`` and ``&gt;`` (a link's ``?a=1&b=2`` included)."""
    text = _ESCAPED_LINK.sub(r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


class ShortRateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """slack_sdk's retry of a 429, only when Slack asks for a short wait: a longer one is no request's to sleep
    through (it would hold the delivery's lease and slot, unseen by the pacer) but the core's, as RateLimited."""

    def __init__(self, max_retry_count: int = 2, longest_s: float = 5.0) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.longest_s = longest_s

    async def _can_retry_async(self, *, state: RetryState, request: HttpRequest,
                               response: HttpResponse | None = None, error: Exception | None = None) -> bool:
        if response is None or response.status_code != 429:
            return False
        values = next((v for k, v in response.headers.items() if k.lower() == "retry-after"), None)
        wait = parse_retry_after(str(values[0] if isinstance(values, list) and values else values or ""))
        return wait is not None and wait <= self.longest_s


class SlackSetupError(BotError):
    """The Slack adapter cannot start as configured; the message names the setting to fix."""


class SlackAdapter:
    """A :class:`bot.core.ports.ChatAdapter` for Slack, on slack-bolt's ``AsyncApp``."""

    platform = "slack"
    limits: Limits = SLACK_LIMITS
    rate: float | None = 20.0  # a little under chat.postMessage's workspace-wide allowance
    access_hint = "Invite me to this channel with `/invite` and try again."

    def __init__(self, service: CoreService, settings: SlackConfig, *, pace: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.service = service
        self.settings = settings
        self.pace = 1.0 / SLACK_LIMITS.messages_per_second if pace is None else pace  # between a thread's posts
        self._clock = clock
        self._client: AsyncWebClient | None = None
        self._bolt: AsyncApp | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._runner: web.AppRunner | None = None
        self._admins: dict[tuple[str, str], tuple[float, bool]] = {}
        self._workspace_url = ""  # auth.test's url (https://team.slack.com/), for permalinks
        self._poster = SlackPoster(lambda: self.client)

    @property
    def client(self) -> AsyncWebClient:
        """The Web API client (made on first use; no I/O until a call)."""
        if self._client is None:
            token = self.settings.secrets.slack_bot_token
            if token is None:
                raise SlackSetupError("slack: no bot token; set KHOBOR_SLACK_BOT_TOKEN or KHOBOR_SLACK_BOT_TOKEN_FILE")
            base = self.settings.slack.api_base_url or AsyncWebClient.BASE_URL
            # Not slack_sdk's default connection-error retry: a post whose answer was lost may be stored already,
            # and re-sending it blindly doubles it. A short 429 is safe to retry (Slack stored nothing); anything
            # else goes back to the delivery, which reads the channel back before posting again.
            self._client = AsyncWebClient(token=token.get_secret_value(), base_url=base.rstrip("/") + "/",
                                          retry_handlers=[ShortRateLimitRetry()])
        return self._client

    @property
    def http_url(self) -> str | None:
        """Where Slack's requests are served in HTTP mode once started (the bound port, even if 0 was asked)."""
        if self._runner is None or not self._runner.addresses:
            return None
        host, port = self._runner.addresses[0][:2]
        return f"http://{host}:{port}{EVENTS_PATH}"

    def bolt(self) -> AsyncApp:
        """The Bolt app with the slash commands registered (built once)."""
        if self._bolt is None:
            http = self.settings.slack.mode == "http"
            secret = self.settings.secrets.slack_signing_secret
            if http and secret is None:
                raise SlackSetupError("slack: HTTP mode needs the signing secret; set KHOBOR_SLACK_SIGNING_SECRET "
                                      "(or use mode = \"socket\")")
            self._bolt = AsyncApp(name="khobor", client=self.client, request_verification_enabled=http,
                                  signing_secret=secret.get_secret_value() if secret else "")
            for command in COMMANDS:
                self._bolt.command(command)(self._on_command)
        return self._bolt

    @property
    def connected(self) -> bool:
        """Connected over Socket Mode (a live websocket), or serving HTTP (what /readyz asks)."""
        if self._socket is not None:
            session = getattr(self._socket.client, "current_session", None)
            return session is not None and not session.closed
        return self._runner is not None

    async def start(self) -> None:
        """Check the tokens, then connect over Socket Mode, or listen for Slack's HTTP requests on
        ``http_host:http_port``. Refused tokens raise :class:`SlackSetupError`: start-up ends there."""
        bolt, token = self.bolt(), self.settings.secrets.slack_app_token
        socket = self.settings.slack.mode == "socket"
        if socket and token is None:
            raise SlackSetupError("slack: Socket Mode needs an app token (xapp-…); set KHOBOR_SLACK_APP_TOKEN "
                                  "(or use mode = \"http\")")
        identity = await self._checked("auth.test", "KHOBOR_SLACK_BOT_TOKEN", "the app's bot token (xoxb-…)",
                                       self.client.auth_test())
        self._workspace_url = str(identity.get("url") or "")
        if socket and token is not None:
            opened = await self._checked("apps.connections.open", "KHOBOR_SLACK_APP_TOKEN", "an app-level token "
                                         "(xapp-…) with the connections:write scope",
                                         self.client.apps_connections_open(app_token=token.get_secret_value()))
            self._socket = AsyncSocketModeHandler(bolt, app_token=token.get_secret_value())
            self._socket.client.wss_uri = str(opened.get("url") or "") or None
            await self._connect_socket()
            log.info("slack: connected over Socket Mode")
            return
        slack = self.settings.slack
        runner = web.AppRunner(bolt.web_app(path=EVENTS_PATH, port=slack.http_port), shutdown_timeout=2.0)
        await runner.setup()
        await web.TCPSite(runner, slack.http_host, slack.http_port).start()
        self._runner = runner
        log.info("slack: serving slash commands at %s", self.http_url)

    async def _checked(self, method: str, variable: str, needs: str, call: Awaitable[Any]) -> Any:
        """A start-up call's answer; a refusal or a broken answer ends start-up, saying what to check.

        slack-sdk retries a failed Socket Mode connection forever: credentials are checked here first."""
        try:
            async with asyncio.timeout(STARTUP_CALL_S):
                return await call
        except SlackApiError as exc:
            error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
            said = error or f"HTTP {exc.response.status_code}, not a Slack answer"
            hint = (f"check {variable}: {needs}" if error in REFUSALS or exc.response.status_code in (401, 403)
                    else "Slack may be down or [slack] api_base_url is wrong; try again later")
            raise SlackSetupError(f"slack: {method} failed ({said}); {hint}") from None
        except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as exc:
            raise SlackSetupError(f"slack: {method} failed ({type(exc).__name__}: {exc}); check the network "
                                  "and [slack] api_base_url") from None

    async def _connect_socket(self) -> None:
        assert self._socket is not None
        try:
            async with asyncio.timeout(STARTUP_CALL_S):
                await self._socket.connect_async()  # type: ignore[no-untyped-call]
        except TimeoutError:
            await self.stop()
            raise SlackSetupError(f"slack: the Socket Mode connection did not open within {STARTUP_CALL_S:g} s; "
                                  "check the network") from None

    async def stop(self) -> None:
        """Disconnect Socket Mode or stop the HTTP server."""
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _on_command(self, ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()  # first: Slack gives up after 3 seconds
        channel = ChannelRef("slack", str(command.get("team_id", "")), str(command.get("channel_id", "")))
        line = f"{command['command'].lstrip('/')} {typed(str(command.get('text', '')))}".strip()
        log.info("slack: %s from %s in %s", command["command"], command.get("user_id"), channel)
        try:
            user = await self.user(channel.workspace_id, str(command.get("user_id", "")),
                                   str(command.get("user_name", "")), direct=channel.channel_id.startswith("D"))
            reply = await self.service.handle_text(line, channel=channel, user=user)
            await self._answer(reply, channel, respond)
        except Exception:
            log.exception("slack: %s failed in %s", command["command"], channel)
            await respond(text="Sorry, that failed on my side; it has been logged. Please try again later.",
                          response_type="ephemeral")

    async def _answer(self, reply: Reply, channel: ChannelRef, respond: AsyncRespond) -> None:
        """Post the digest the reply carries, then answer: the reply, or only why the digest could not be posted
        (privately), never a public "here is the digest" with no digest."""
        failed = await self.service.post_reply_digest(self, channel, reply)
        answer = failed or reply
        message = render_reply(answer)
        kind = "ephemeral" if answer.private else "in_channel"
        await respond(text=message.text, blocks=message.blocks, response_type=kind)

    async def user(self, team_id: str, user_id: str, name: str, *, direct: bool = False) -> UserRef:
        """Who ran a command; ``can_manage`` for workspace admins and owners and the settings' managers, and in a
        direct message (``direct``: a ``D…`` conversation) for the person in it, as on Discord."""
        if direct:
            return UserRef("slack", user_id, name, can_manage=True)
        allowed, unverified = await self._role(team_id, user_id)
        return UserRef("slack", user_id, name, can_manage=allowed, unverified=unverified)

    async def can_manage(self, team_id: str, user_id: str) -> bool:
        """Whether the user may change a channel's digests (users.info, cached for a few minutes)."""
        return (await self._role(team_id, user_id))[0]

    async def _role(self, team_id: str, user_id: str) -> tuple[bool, str]:
        """Whether the user manages, and why that could not be checked (users.info refused), if it could not."""
        if user_id in self.settings.slack.manager_user_ids:
            return True, ""
        now, key = self._clock(), (team_id, user_id)
        cached = self._admins.get(key)
        if cached is not None and cached[0] > now:
            return cached[1], ""
        try:
            response = await self.client.users_info(user=user_id)
        except SlackApiError as exc:  # e.g. the users:read scope is missing: refuse, and say why
            error = str(exc.response.get("error") or f"HTTP {exc.response.status_code}")
            log.warning("slack: users.info for %s/%s failed: %s", team_id, user_id, error)
            scope = "; the app needs the users:read scope (see slack-app-manifest.yaml)" \
                if error == "missing_scope" else ""
            return False, f"Slack's users.info answered {error}{scope}"
        info: dict[str, Any] = response.get("user") or {}
        allowed = any(bool(info.get(flag)) for flag in ("is_admin", "is_owner", "is_primary_owner"))
        self._admins[key] = (now + ADMIN_TTL_SECONDS, allowed)
        return allowed, ""

    async def post_digest(self, channel: ChannelRef, digest: Digest, *, nonce: str | None = None,
                          resume: Posted | None = None, checkpoint: Checkpoint | None = None) -> Posted:
        """Post the digest: a head message and its thread (:meth:`SlackPoster.post_digest`)."""
        return await self._poster.post_digest(channel, digest, nonce=nonce, resume=resume, checkpoint=checkpoint,
                                              pace=self.pace, workspace_url=self._workspace_url)

    async def find_posted(self, channel: ChannelRef, nonce: str, since: datetime) -> Posted | None:
        """The digest posted with ``nonce`` after ``since``, or None (:meth:`SlackPoster.find_posted`)."""
        return await self._poster.find_posted(channel, nonce, since)

    async def send_notice(self, channel: ChannelRef, text: str) -> None:
        """Post a short message from the core (its own words) in the channel."""
        await self._poster.send_notice(channel, text)
