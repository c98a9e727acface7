"""A fake Slack Web API on loopback, enough for the adapter: real HTTP, Slack's JSON shapes, recorded calls.

    async with FakeSlackApi() as api:
        api.add_user("UADMIN", admin=True)
        client = AsyncWebClient(token=api.bot_token, base_url=api.base_url)

Answers ``auth.test``, ``chat.postMessage`` (rejecting blocks over Slack's limits with ``invalid_blocks``,
as Slack does), ``users.info``, ``conversations.history`` (metadata only with ``include_all_metadata``),
``conversations.replies`` (both only in channels the bot is in), ``conversations.join``,
``apps.connections.open`` plus a Socket Mode WebSocket, and ``response_url``s for slash commands.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from aiohttp import WSMsgType, web

from tests.fakes.webserver import WebServer

TEAM_ID = "T0FAKE"
BOT_USER_ID = "U0KHOBOR"
METHODS = ("auth.test", "chat.postMessage", "users.info", "conversations.history", "conversations.replies",
           "conversations.join", "apps.connections.open")


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One Web API request: its method, its arguments (query, form and JSON merged) and headers."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]


def block_problems(blocks: list[dict[str, Any]]) -> list[str]:
    """Why Slack would refuse these blocks (its documented limits), or nothing."""
    problems = [f"{len(blocks)} blocks; the limit is 50"] if len(blocks) > 50 else []
    for index, block in enumerate(blocks):
        kind, text = block.get("type"), (block.get("text") or {}).get("text", "")
        if kind == "section" and not 0 < len(text) <= 3000:
            problems.append(f"blocks[{index}]: section text of {len(text)} characters (1-3000)")
        if kind == "header" and not 0 < len(text) <= 150:
            problems.append(f"blocks[{index}]: header text of {len(text)} characters (1-150)")
        if kind == "context":
            elements = block.get("elements") or []
            if not 0 < len(elements) <= 10 or any(not 0 < len(e.get("text", "")) <= 3000 for e in elements):
                problems.append(f"blocks[{index}]: context needs 1-10 elements of 1-3000 characters")
    return problems


class FakeSlackApi:
    """The fake; ``calls`` and ``responses`` record what arrived, ``messages`` what was posted per channel."""

    def __init__(self, *, bot_token: str = "xoxb-fake-bot-token", app_token: str = "xapp-fake-app-token") -> None:
        self.bot_token, self.app_token = bot_token, app_token
        self.server = WebServer()
        self.calls: list[ApiCall] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.responses: dict[str, list[dict[str, Any]]] = {}
        self.socket_replies: list[dict[str, Any]] = []
        self.closed_channels: set[str] = set()  # chat.postMessage there answers not_in_channel
        # Public channels the bot posts in without being a member (chat:write.public): a bot reads only the
        # conversations it is in, so history and replies there answer not_in_channel until it joins.
        self.outside: set[str] = set()
        self.join_refused: str | None = None  # conversations.join's error (e.g. missing_scope), if any
        self._socket: web.WebSocketResponse | None = None
        self._clock = 1_700_000_000
        self._changed = asyncio.Event()  # set whenever something arrives, for wait_for

    async def start(self) -> None:
        await self.server.start()
        for method in METHODS:
            for verb in ("GET", "POST"):
                self.server.route(f"/api/{method}", self._api, method=verb)
        self.server.route("/socket", self._websocket)

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        await self.server.close()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        return self.server.url("/api/")

    def add_user(self, user_id: str, *, name: str = "someone", admin: bool = False, owner: bool = False) -> None:
        self.users[user_id] = {"id": user_id, "team_id": TEAM_ID, "name": name, "is_admin": admin,
                               "is_owner": owner, "is_primary_owner": False, "is_bot": False}

    def response_url(self, name: str) -> str:
        """A slash command's ``response_url``; what is POSTed there lands in ``responses[name]``."""
        self.responses.setdefault(name, [])

        async def handler(request: web.Request) -> web.StreamResponse:
            self.responses[name].append(await request.json())
            self._changed.set()
            return web.Response(text="ok")

        self.server.route(f"/respond/{name}", handler, method="POST")
        return self.server.url(f"/respond/{name}")

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method == method]

    async def wait_for(self, condition: Callable[[], object], within: float = 10.0) -> None:
        """Wait until ``condition()`` holds (the adapter answers after its acknowledgement, asynchronously)."""
        async with asyncio.timeout(within):
            while not condition():
                self._changed.clear()
                await self._changed.wait()

    async def send_envelope(self, envelope_id: str, kind: str, payload: dict[str, Any]) -> None:
        """Push a Socket Mode envelope (e.g. ``slash_commands``) to the connected client."""
        await self.wait_for(lambda: self._socket is not None)
        assert self._socket is not None
        await self._socket.send_json({"envelope_id": envelope_id, "type": kind, "payload": payload,
                                      "accepts_response_payload": kind == "slash_commands"})

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.path.removeprefix("/api/")
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        elif request.can_read_body:
            args.update(await request.post())
        self.calls.append(ApiCall(method, args, dict(request.headers)))
        self._changed.set()
        token = self.app_token if method == "apps.connections.open" else self.bot_token
        if request.headers.get("Authorization") != f"Bearer {token}":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        handler = getattr(self, "_" + method.replace(".", "_"))
        result: dict[str, Any] = handler(args)
        return web.json_response(result)

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://fake.slack.test/", "team": "Fake", "user": "khobor",
                "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": "B0KHOBOR", "is_enterprise_install": False}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(args.get("user")))
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        blocks = args.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if str(args.get("channel")) in self.closed_channels:
            return {"ok": False, "error": "not_in_channel"}
        if problems := block_problems(blocks):
            return {"ok": False, "error": "invalid_blocks", "errors": problems}
        if len(str(args.get("text", ""))) > 40_000:
            return {"ok": False, "error": "msg_too_long"}
        self._clock += 1
        channel = str(args["channel"])
        message = {"type": "message", "ts": f"{self._clock}.000100", "text": args.get("text", ""), "blocks": blocks,
                   "bot_id": "B0KHOBOR", "user": BOT_USER_ID, "metadata": args.get("metadata")}
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
            for parent in self.messages.get(channel, []):
                if parent["ts"] == args["thread_ts"]:
                    parent["thread_ts"] = parent["ts"]
                    parent["reply_count"] = parent.get("reply_count", 0) + 1
        self.messages.setdefault(channel, []).append(message)
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}

    def _conversations_join(self, args: dict[str, Any]) -> dict[str, Any]:
        if self.join_refused is not None:
            return {"ok": False, "error": self.join_refused}
        self.outside.discard(str(args["channel"]))
        return {"ok": True, "channel": {"id": str(args["channel"]), "is_member": True}}

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        if str(args["channel"]) in self.outside:
            return {"ok": False, "error": "not_in_channel"}
        oldest = float(args.get("oldest") or 0)
        with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        top = [m for m in self.messages.get(str(args["channel"]), [])
               if float(m["ts"]) > oldest and m.get("thread_ts", m["ts"]) == m["ts"]]
        newest_first = list(reversed(top))
        start, limit = int(args.get("cursor") or 0), int(args.get("limit") or 100)
        page = [{k: v for k, v in m.items() if k != "metadata" or (with_metadata and v)}
                for m in newest_first[start:start + limit]]
        more = start + limit < len(newest_first)
        return {"ok": True, "messages": page, "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    def _conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        if str(args["channel"]) in self.outside:
            return {"ok": False, "error": "not_in_channel"}
        ts = str(args["ts"])
        thread = [m for m in self.messages.get(str(args["channel"]), []) if m["ts"] == ts or m.get("thread_ts") == ts]
        if not thread:
            return {"ok": False, "error": "thread_not_found"}
        limit = int(args.get("limit") or 1000)
        return {"ok": True, "messages": thread[:limit], "has_more": len(thread) > limit}

    def _apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": self.server.url("/socket").replace("http://", "ws://")}

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._socket = socket
        self._changed.set()
        await socket.send_json({"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"}})
        async for frame in socket:
            if frame.type == WSMsgType.TEXT:
                self.socket_replies.append(json.loads(frame.data))
                self._changed.set()
        self._socket = None
        return socket
