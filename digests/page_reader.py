"""Collected pages sent to the worker processes a few at a time (:func:`digests.workers.read_pages`).

A trip to a process-pool worker costs the collecting process about a quarter of a millisecond however little
it carries (pickling, the pool's queue thread, waking the event loop for each result): as much as storing the
article. Pages fetched within a millisecond of each other share one trip. A batch stays small so that both
workers keep busy and a page waits little: its fetch slot is held until its text comes back.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor
from functools import partial

from digests.models import ExtractedArticle
from digests.workers import read_pages

Read = tuple[ExtractedArticle | None, str | None]
Page = tuple[bytes, str, bool, bool, bool]  # html, url, and whether the feed gave its date, title and author

BATCH = 4  # pages a trip carries at most
WAIT_S = 0.001  # how long the first page of a batch waits for others


class PageReader:
    """:func:`digests.workers.read_page` in ``executor`` (None: a thread), pages batched per trip."""

    def __init__(self, executor: Executor | None, *, batch: int = BATCH, wait_s: float = WAIT_S) -> None:
        self.executor = executor
        self.batch = batch
        self.wait_s = wait_s
        self._pending: list[tuple[Page, asyncio.Future[Read]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._trips: set[asyncio.Task[None]] = set()

    async def read(self, html: bytes, *, url: str, dated: bool, titled: bool = False, signed: bool = False) -> Read:
        """The page's article and content hash, as :func:`digests.workers.read_page` gives them."""
        loop = asyncio.get_running_loop()
        result: asyncio.Future[Read] = loop.create_future()
        self._pending.append(((html, url, dated, titled, signed), result))
        if len(self._pending) >= self.batch:
            self._send()
        elif self._timer is None:
            self._timer = loop.call_later(self.wait_s, self._send)
        return await result

    def _send(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        pending, self._pending = self._pending, []
        if pending:
            trip = asyncio.get_running_loop().create_task(self._trip(pending))
            self._trips.add(trip)  # a reference until it is done: the loop keeps only weak ones
            trip.add_done_callback(self._trips.discard)

    async def _trip(self, pending: list[tuple[Page, asyncio.Future[Read]]]) -> None:
        loop = asyncio.get_running_loop()
        try:
            results = await loop.run_in_executor(self.executor, partial(read_pages, [page for page, _ in pending]))
        except asyncio.CancelledError:
            for _, waiter in pending:
                waiter.cancel()
            raise
        except Exception as exc:  # a broken pool, a shut-down executor: every page of the trip hears of it
            for _, waiter in pending:
                if not waiter.done():
                    waiter.set_exception(exc)
            return
        for (_, waiter), read in zip(pending, results, strict=True):
            if not waiter.done():  # its reader may have been cancelled meanwhile
                waiter.set_result(read)
