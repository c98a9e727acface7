"""A fake Discord on loopback: the REST API discord.py calls, and a gateway websocket that sends events.

    async with FakeDiscord(guilds={GUILD: [CHANNEL]}) as fake:
        monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
        # settings: [discord] api_base_url = fake.api_url; KHOBOR_DISCORD_TOKEN = fake.token
        await adapter.start()
        await fake.interact(fake.command_payload(...))    # an INTERACTION_CREATE over the gateway

Every REST request is recorded with its JSON body. Like Discord, it refuses messages over the limits (400,
code 50035), returns the earlier message for a repeated ``enforce_nonce`` nonce, refuses a second thread on a
message (code 160004) and answers JSON with ``Content-Type: application/json`` exactly.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from aiohttp import WSMsgType, web

Json = dict[str, Any]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
APP_ID = 1_100_000_000_000_000_001
TOKEN = "fake.bot-token.for-tests"
LIMITS = {"content": 2000, "embeds": 10, "embed_total": 6000, "title": 256, "description": 4096, "fields": 25,
          "field_name": 256, "field_value": 1024, "footer": 2048, "nonce": 25}


@dataclass(frozen=True, slots=True)
class Call:
    """One REST request: method, path under /api/v10, query and JSON body."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]


def embed_chars(embed: Json) -> int:
    """Characters Discord counts against a message's 6,000."""
    fields = sum(len(f.get("name", "")) + len(f.get("value", "")) for f in embed.get("fields", []))
    return (len(embed.get("title") or "") + len(embed.get("description") or "") + fields
            + len((embed.get("footer") or {}).get("text", "")) + len((embed.get("author") or {}).get("name", "")))


# What Discord takes for a link's host (found the hard way by others: "Not a well formed URL" for an underscore,
# a host without a top-level domain, spaces): DNS labels in ASCII with a top-level domain, localhost or IPv4.
_WELL_FORMED = re.compile(r"https?://(?:(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]+)|localhost"
                          r"|\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?(?:[/?#]\S*)?", re.IGNORECASE)


def well_formed(url: str | None) -> bool:
    """Whether Discord would accept ``url`` as an embed's link (None: no link, which is fine)."""
    return url is None or bool(_WELL_FORMED.fullmatch(url))


def limit_problems(body: Json) -> list[str]:
    """What Discord would refuse in a create-message body."""
    embeds = body.get("embeds") or []
    checks = [(len(body.get("content") or "") > LIMITS["content"], "content over 2000"),
              (len(embeds) > LIMITS["embeds"], "more than 10 embeds"),
              (sum(map(embed_chars, embeds)) > LIMITS["embed_total"], "embeds over 6000 characters"),
              (not body.get("content") and not embeds, "empty message"),
              (len(str(body.get("nonce", ""))) > LIMITS["nonce"], "nonce over 25")]
    for e in embeds:
        fields = e.get("fields", [])
        checks += [(len(e.get("title") or "") > LIMITS["title"], "title over 256"),
                   (len(e.get("description") or "") > LIMITS["description"], "description over 4096"),
                   (len(fields) > LIMITS["fields"], "more than 25 fields"),
                   (any(len(f["name"]) > LIMITS["field_name"] for f in fields), "field name over 256"),
                   (any(len(f["value"]) > LIMITS["field_value"] for f in fields), "field value over 1024"),
                   (len((e.get("footer") or {}).get("text", "")) > LIMITS["footer"], "footer over 2048"),
                   (not well_formed(e.get("url")), "embed url: Not a well formed URL")]
    return [problem for bad, problem in checks if bad]


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py parses a body as JSON only when the header is exactly this (no "; charset=utf-8").
    return web.Response(body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"})


def _error(status: int, code: int, message: str) -> web.Response:
    return _json({"code": code, "message": message}, status)


class FakeDiscord:
    """Discord's REST API (under ``/api/v10``) and gateway (``/gateway``) for one bot on loopback."""

    def __init__(self, *, guilds: dict[int, list[int]] | None = None) -> None:
        self.guilds = guilds or {}  # guild id -> its text channel ids
        self.port = 0
        self.token = TOKEN  # the only token it accepts
        self.calls: list[Call] = []
        self.commands: dict[str, list[Json]] = {}  # "global" or a guild id -> the registered commands
        self.messages: dict[int, list[Json]] = {}  # channel or thread id -> messages posted there
        self.threads: dict[int, Json] = {}  # thread id (= its first message's id) -> the thread
        self.forbidden: set[int] = set()  # channels where posting answers 403
        self.people: set[int] = set()  # user ids: posting to one as a channel is 404 Unknown Channel, as on Discord
        self.dms: dict[int, int] = {}  # DM channel id -> the person it reaches (POST /users/@me/channels)
        self.identified: list[Json] = []
        self._ids = itertools.count(1_200_000_000_000_000_000)
        self._sockets: list[web.WebSocketResponse] = []
        self._seq = itertools.count(1)
        self._changed = asyncio.Condition()
        self.user = {"id": str(APP_ID), "username": "khobor", "discriminator": "0", "global_name": "Khobor",
                     "avatar": None, "bot": True}

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def __aenter__(self) -> Self:
        app = web.Application(middlewares=[self._record])
        app.router.add_get("/gateway", self._gateway)
        for method, path, handler in self._routes():
            app.router.add_route(method, "/api/v10" + path, handler)
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        for socket in list(self._sockets):
            await socket.close()
        await self._runner.cleanup()

    def _routes(self) -> list[tuple[str, str, Handler]]:
        return [("GET", "/users/@me", self._me),
                ("GET", "/gateway/bot", self._gateway_bot),
                ("POST", "/users/@me/channels", self._open_dm),
                ("GET", "/oauth2/applications/@me", self._application),
                ("PUT", "/applications/{app}/commands", self._put_commands),
                ("PUT", "/applications/{app}/guilds/{guild}/commands", self._put_commands),
                ("POST", "/channels/{channel}/messages", self._create_message),
                ("POST", "/channels/{channel}/messages/{message}/threads", self._create_thread),
                ("POST", "/interactions/{id}/{token}/callback", self._callback),
                ("POST", "/webhooks/{app}/{token}", self._followup),
                ("PATCH", "/webhooks/{app}/{token}/messages/@original", self._followup),
                ("DELETE", "/webhooks/{app}/{token}/messages/@original", self._deleted)]

    @web.middleware
    async def _record(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Record every API request with its JSON body (aiohttp keeps the body for the handler)."""
        if not request.path.startswith("/api/v10/"):
            return await handler(request)
        body = await request.json() if request.can_read_body else None
        self.calls.append(Call(request.method, request.path.removeprefix("/api/v10"), dict(request.query), body,
                               dict(request.headers)))
        try:
            if not request.path.startswith(("/api/v10/interactions/", "/api/v10/webhooks/")) and \
                    request.headers.get("Authorization") != f"Bot {self.token}":
                return _error(401, 0, "401: Unauthorized")
            return await handler(request)
        except web.HTTPNotFound:
            return _error(404, 0, f"fake Discord has no {request.method} {request.path}")
        finally:
            async with self._changed:
                self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[list[Call]], bool]) -> None:
        """Wait until the recorded calls satisfy ``predicate`` (at most 10 s)."""
        async with asyncio.timeout(10), self._changed:
            await self._changed.wait_for(lambda: predicate(self.calls))

    def calls_to(self, method: str, prefix: str) -> list[Call]:
        """The recorded calls of ``method`` whose path starts with ``prefix``."""
        return [c for c in self.calls if c.method == method and c.path.startswith(prefix)]

    def snowflake(self) -> int:
        return next(self._ids)

    async def _me(self, _: web.Request) -> web.Response:
        return _json(self.user)

    async def _open_dm(self, request: web.Request) -> web.Response:
        person = int((await request.json())["recipient_id"])
        if person not in self.people:
            return _error(400, 50035, "Invalid Form Body: recipient_id: Unknown User")
        dm = next((c for c, p in self.dms.items() if p == person), None) or self.snowflake()
        self.dms[dm] = person
        return _json({"id": str(dm), "type": 1, "last_message_id": None, "flags": 0,
                      "recipients": [{"id": str(person), "username": "someone", "discriminator": "0",
                                      "global_name": None, "avatar": None}]})

    async def _gateway_bot(self, _: web.Request) -> web.Response:
        return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": {
            "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}})

    async def _deleted(self, _: web.Request) -> web.Response:
        return web.Response(status=204)

    async def _application(self, _: web.Request) -> web.Response:
        return _json({"id": str(APP_ID), "name": "Khobor", "icon": None, "description": "", "bot_public": True,
                      "bot_require_code_grant": False, "verify_key": "00", "flags": 0, "owner": self.user,
                      "team": None, "rpc_origins": [], "summary": ""})

    async def _put_commands(self, request: web.Request) -> web.Response:
        guild = request.match_info.get("guild", "global")
        stored = [{**c, "id": str(self.snowflake()), "application_id": str(APP_ID), "version": "1",
                   **({"guild_id": guild} if guild != "global" else {})} for c in await request.json()]
        self.commands[guild] = stored
        return _json(stored)

    def _message(self, channel_id: int, body: Json, *, flags: int = 0) -> Json:
        return {"id": str(self.snowflake()), "channel_id": str(channel_id), "author": self.user, "type": 0,
                "content": body.get("content") or "", "embeds": body.get("embeds") or [], "tts": False,
                "timestamp": "2024-11-25T02:00:00+00:00", "edited_timestamp": None, "mention_everyone": False,
                "mentions": [], "mention_roles": [], "attachments": [], "pinned": False, "flags": flags,
                **({"nonce": body["nonce"]} if "nonce" in body else {})}

    async def _create_message(self, request: web.Request) -> web.Response:
        channel_id, body = int(request.match_info["channel"]), await request.json()
        if channel_id in self.forbidden:
            return _error(403, 50013, "Missing Permissions")
        if channel_id in self.people:
            return _error(404, 10003, "Unknown Channel")
        if problems := limit_problems(body):
            return _error(400, 50035, f"Invalid Form Body: {'; '.join(problems)}")
        posted = self.messages.setdefault(channel_id, [])
        if body.get("enforce_nonce") and (same := [m for m in posted if m.get("nonce") == body.get("nonce")]):
            return _json(same[0])
        posted.append(message := self._message(channel_id, body))
        return _json(message)

    async def _create_thread(self, request: web.Request) -> web.Response:
        channel_id, message_id = int(request.match_info["channel"]), int(request.match_info["message"])
        if message_id in self.threads:
            return _error(400, 160004, "A thread has already been created for this message")
        body = await request.json()
        guild = next((g for g, channels in self.guilds.items() if channel_id in channels), 0)
        self.threads[message_id] = thread = {
            "id": str(message_id), "type": 11, "guild_id": str(guild), "parent_id": str(channel_id),
            "name": body["name"], "owner_id": str(APP_ID), "message_count": 0, "member_count": 1,
            "rate_limit_per_user": 0, "thread_metadata": {"archived": False, "locked": False,
            "auto_archive_duration": body["auto_archive_duration"], "archive_timestamp": "2024-11-25T02:00:00+00:00"}}
        return _json(thread, 201)

    async def _callback(self, request: web.Request) -> web.Response:
        body = await request.json()
        flags = (body.get("data") or {}).get("flags", 0)
        return _json({"interaction": {"id": request.match_info["id"], "type": 2,
                                      "response_message_loading": body["type"] == 5,
                                      "response_message_ephemeral": bool(flags & 64)}})

    async def _followup(self, request: web.Request) -> web.Response:
        body = await request.json()
        if problems := limit_problems(body):
            return _error(400, 50035, f"Invalid Form Body: {'; '.join(problems)}")
        return _json(self._message(0, body, flags=body.get("flags", 0)))

    # The gateway

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        async for frame in socket:
            if frame.type != WSMsgType.TEXT:
                continue
            data = json.loads(frame.data)
            if data["op"] == 1:
                await socket.send_json({"op": 11, "d": None, "s": None, "t": None})
            elif data["op"] == 2:
                self.identified.append(data["d"])
                await self._ready(socket)
        self._sockets.remove(socket)
        return socket

    async def _ready(self, socket: web.WebSocketResponse) -> None:
        guilds = [{"id": str(g), "unavailable": True} for g in self.guilds]
        await self._event(socket, "READY", {"v": 10, "user": self.user, "guilds": guilds, "session_id": "fake",
                                            "resume_gateway_url": self.gateway_url,
                                            "application": {"id": str(APP_ID), "flags": 0}})
        for guild_id, channels in self.guilds.items():
            await self._event(socket, "GUILD_CREATE", guild_payload(guild_id, channels))

    async def _event(self, socket: web.WebSocketResponse, name: str, data: Json) -> None:
        await socket.send_json({"op": 0, "t": name, "s": next(self._seq), "d": data})

    async def interact(self, payload: Json) -> None:
        """Send an INTERACTION_CREATE to every connected client, as Discord does when someone uses a command."""
        for socket in self._sockets:
            await self._event(socket, "INTERACTION_CREATE", payload)


def guild_payload(guild_id: int, channels: list[int]) -> Json:
    """A GUILD_CREATE for a server with text channels, the bot its only member."""
    everyone = {"id": str(guild_id), "name": "@everyone", "permissions": "0", "position": 0, "color": 0,
                "hoist": False, "managed": False, "mentionable": False, "flags": 0}
    return {"id": str(guild_id), "name": f"Server {guild_id}", "icon": None, "owner_id": "1", "features": [],
            "roles": [everyone], "emojis": [], "stickers": [], "members": [], "threads": [], "presences": [],
            "voice_states": [], "stage_instances": [], "guild_scheduled_events": [], "soundboard_sounds": [],
            "member_count": 2, "large": False, "unavailable": False, "joined_at": "2024-01-01T00:00:00+00:00",
            "channels": [channel_payload(c, guild_id) for c in channels], "preferred_locale": "en-US"}


def channel_payload(channel_id: int, guild_id: int) -> Json:
    """A text channel."""
    return {"id": str(channel_id), "type": 0, "guild_id": str(guild_id), "name": f"news-{channel_id % 1000}",
            "position": 0, "permission_overwrites": [], "nsfw": False, "parent_id": None, "topic": None,
            "last_message_id": None, "rate_limit_per_user": 0, "flags": 0}


ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
SEND_MESSAGES = 1 << 11


def command_data(name: str, subcommand: str | None = None, *, focused: str | None = None,
                 guild_id: int | None = None, **options: str) -> Json:
    """The ``data`` of a slash command (string options), or of an autocomplete when ``focused`` is set."""
    values = [{"name": k, "type": 3, "value": v, **({"focused": True} if k == focused else {})}
              for k, v in options.items()]
    if subcommand is not None:
        values = [{"name": subcommand, "type": 1, "options": values}]
    return {"id": "1300000000000000001", "name": name, "type": 1, "options": values,
            **({"guild_id": str(guild_id)} if guild_id else {})}


def interaction_payload(interaction_id: int, data: Json, *, channel_id: int, user_id: int, guild_id: int | None = None,
                        permissions: int = SEND_MESSAGES, autocomplete: bool = False) -> Json:
    """An INTERACTION_CREATE as Discord sends it: in a server (with the member's permissions) or a DM."""
    user = {"id": str(user_id), "username": f"reader{user_id % 1000}", "discriminator": "0",
            "global_name": "Reader", "avatar": None}
    payload: Json = {"id": str(interaction_id), "application_id": str(APP_ID), "type": 4 if autocomplete else 2,
                     "data": data, "token": f"interaction-token-{interaction_id}", "version": 1,
                     "channel_id": str(channel_id), "locale": "en-US", "entitlements": [],
                     "attachment_size_limit": 10_485_760, "app_permissions": str(SEND_MESSAGES)}
    if guild_id is None:
        return payload | {"user": user, "context": 1, "authorizing_integration_owners": {"1": str(user_id)},
                          "channel": {"id": str(channel_id), "type": 1, "recipients": [user]}}
    member = {"user": user, "roles": [], "permissions": str(permissions), "joined_at": "2024-01-01T00:00:00+00:00",
              "deaf": False, "mute": False, "flags": 0, "nick": None, "avatar": None, "pending": False}
    return payload | {"guild_id": str(guild_id), "guild_locale": "en-US", "member": member, "context": 0,
                      "authorizing_integration_owners": {"0": str(guild_id)},
                      "channel": channel_payload(channel_id, guild_id)}
