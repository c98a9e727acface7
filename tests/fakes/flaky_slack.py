"""The fake Slack Web API with trouble on demand: scripted 429s (with Retry-After) and 500s per channel, channels
that are gone, a workspace rate limit and a per-channel one (token buckets answering 429), and a hook called
after each post is stored, before it is answered.

    api = FlakySlackApi(rate=50.0)
    api.script["C001"] = ["429", "500"]       # the next two chat.postMessage calls there fail, then it works
    # also "500-after-post" (stored, then a 500) and "drop-after-post" (stored, then the connection is cut)
    api.gone["C404"] = "channel_not_found"
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.fakes.slack_api import ApiCall, FakeSlackApi


class TokenBucket:
    """``rate`` requests a second, bursts of ``burst``."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.at = burst, time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class FlakySlackApi(FakeSlackApi):
    """A :class:`FakeSlackApi` that can fail. Message timestamps start at the real clock (or ``ts_start``)."""

    def __init__(self, *, rate: float | None = None, burst: float = 5.0, ts_start: int | None = None,
                 retry_after: int = 1, channel_rate: float | None = None, channel_burst: float = 3.0) -> None:
        super().__init__()
        self._clock = int(time.time()) if ts_start is None else ts_start
        self.bucket = TokenBucket(rate, burst) if rate else None
        # Slack's chat.postMessage also limits each channel (about one message a second, short bursts).
        self.channel_rate, self.channel_burst = channel_rate, channel_burst
        self.channel_buckets: dict[str, TokenBucket] = {}
        self.retry_after = retry_after
        self.script: dict[str, list[str]] = {}  # channel -> failures to answer its next posts with
        self.gone: dict[str, str] = {}  # channel -> Slack error for every call there
        self.limited = 0  # 429s answered
        self.limited_workspace = self.limited_channel = 0  # ... by each bucket
        self.errors = 0  # 500s answered
        self.on_post: Callable[[str, dict[str, Any]], None] | None = None

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.path.removeprefix("/api/")
        if self.bucket is not None and method != "auth.test" and not self.bucket.take():
            self.limited_workspace += 1
            return self._limit()
        if method not in ("chat.postMessage", "conversations.history"):
            return await super()._api(request)
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())  # aiohttp keeps the body: the parent reads it again
        else:
            args.update(await request.post())
        channel = str(args.get("channel"))
        if channel in self.gone:
            return web.json_response({"ok": False, "error": self.gone[channel]})
        if method == "chat.postMessage" and self.channel_rate:
            bucket = self.channel_buckets.setdefault(channel, TokenBucket(self.channel_rate, self.channel_burst))
            if not bucket.take():
                self.limited_channel += 1
                return self._limit()
        trouble = self.script.get(channel, [])
        if method == "chat.postMessage" and trouble:
            kind = trouble.pop(0)
            if kind not in ("500-after-post", "drop-after-post"):  # those go through the parent, which records them
                self.calls.append(ApiCall(method, args, dict(request.headers)))
            return await self._trouble(kind, request)
        response = await super()._api(request)
        if method == "chat.postMessage" and self.on_post is not None:
            self.on_post(channel, args)
        return response

    async def _trouble(self, kind: str, request: web.Request) -> web.StreamResponse:
        if kind == "429":
            return self._limit()
        if kind == "drop-after-post":  # posted, then the connection is cut before the answer
            await super()._api(request)
            if request.transport is not None:
                request.transport.close()
            raise ConnectionResetError("fake Slack dropped the connection after storing the post")
        if kind == "500-after-post":  # posted, but the answer is lost
            await super()._api(request)
        self.errors += 1
        return web.json_response({"ok": False, "error": "internal_error"}, status=500)

    def _limit(self) -> web.StreamResponse:
        self.limited += 1
        return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                 headers={"Retry-After": str(self.retry_after)})

    def heads(self, channel: str) -> list[dict[str, Any]]:
        """The digests' head messages posted in a channel (only they carry the nonce in their metadata)."""
        return [m for m in self.messages.get(channel, []) if m.get("metadata")]
