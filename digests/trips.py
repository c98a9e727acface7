"""Calls to the worker processes, gathered into trips: each trip carries every call waiting when a worker is
free, instead of one call a trip.

A trip costs the process that sends it more than a light page's extraction costs a worker (pickling, two pipe
writes and a wake-up of the pool's threads each way), so with one page a trip the main process was the
bottleneck. At most ``trips`` trips are in flight (the workers, plus one queued so no worker waits for the
next); calls made meanwhile wait and leave together in the next trip. Under a light load a call still leaves
at once, alone; the busier the workers, the larger the trips. Each call gets its own result or exception.

This module is imported by the workers (:func:`run_calls`): it imports nothing heavy.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")
MOST_PER_TRIP = 32  # calls in one trip: a bound on what one worker's answer holds

Outcome = tuple[bool, Any]  # (True, result) or (False, the exception raised)


def run_calls(calls: Sequence[Callable[[], Any]]) -> list[Outcome]:
    """Run calls in a worker, each one's result or exception apart, so that one failing call fails alone."""
    outcomes: list[Outcome] = []
    for call in calls:
        try:
            outcomes.append((True, call()))
        except Exception as exc:  # handed to that call's caller, as the executor would have
            outcomes.append((False, exc))
    return outcomes


class Trips:
    """``await trips.run(func, *args, **kwargs)``: ``func(*args, **kwargs)`` in ``executor`` (None: a thread), in
    a trip with whatever other calls are waiting. ``func`` must be a module-level function (it is pickled by
    name)."""

    def __init__(self, executor: Executor | None, *, trips: int, most: int = MOST_PER_TRIP) -> None:
        self._executor = executor
        self._trips = max(1, trips)
        self._most = max(1, most)
        self._waiting: list[tuple[Callable[[], Any], asyncio.Future[Any]]] = []
        self._in_flight: set[asyncio.Task[None]] = set()

    async def run(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """The call's result (or its exception), once a trip has carried it."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiting.append((partial(func, *args, **kwargs), future))
        self._send()
        return await future

    def _send(self) -> None:
        while self._waiting and len(self._in_flight) < self._trips:
            batch, self._waiting = self._waiting[:self._most], self._waiting[self._most:]
            task = asyncio.get_running_loop().create_task(self._trip(batch))
            self._in_flight.add(task)
            task.add_done_callback(self._landed)

    def _landed(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._send()

    async def _trip(self, batch: list[tuple[Callable[[], Any], asyncio.Future[Any]]]) -> None:
        batch = [(call, future) for call, future in batch if not future.done()]  # callers gone meanwhile
        if not batch:
            return
        loop = asyncio.get_running_loop()
        try:
            outcomes = await loop.run_in_executor(self._executor, run_calls, [call for call, _ in batch])
        except Exception as exc:  # the trip itself failed (a broken pool): every call in it did
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        except BaseException:  # cancelled (the loop is closing): so are the calls
            for _, future in batch:
                future.cancel()
            raise
        for (_, future), (ok, value) in zip(batch, outcomes, strict=True):
            if future.done():
                continue
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)
