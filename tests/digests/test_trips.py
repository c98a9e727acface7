"""Calls to the workers travel in trips: the calls waiting while the workers are busy leave together, each
with its own answer."""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

import pytest

from digests.trips import Trips
from digests.urls import content_hash


class CountingExecutor(ThreadPoolExecutor):
    """A thread pool that counts the trips handed to it."""

    def __init__(self) -> None:
        super().__init__(max_workers=2)
        self.trips: list[int] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.trips.append(len(args[0]))  # run_calls(calls)
        return super().submit(fn, *args, **kwargs)


def square(n: int) -> int:
    if n < 0:
        raise ValueError(f"no square of {n} here")
    return n * n


async def test_calls_made_while_a_trip_is_out_leave_together_in_order() -> None:
    with CountingExecutor() as pool:
        trips = Trips(pool, trips=1)
        results = await asyncio.gather(*(trips.run(square, n) for n in range(10)))
    assert results == [n * n for n in range(10)]
    assert pool.trips == [1, 9]  # the first left alone at once; the rest waited for it and went in one trip


async def test_trips_carry_at_most_their_share() -> None:
    with CountingExecutor() as pool:
        trips = Trips(pool, trips=2, most=4)
        results = await asyncio.gather(*(trips.run(square, n) for n in range(12)))
    assert results == [n * n for n in range(12)]
    assert pool.trips == [1, 1, 4, 4, 2]


async def test_a_failing_call_fails_alone() -> None:
    with CountingExecutor() as pool:
        trips = Trips(pool, trips=1)
        results = await asyncio.gather(*(trips.run(square, n) for n in (1, 2, -3, 4)), return_exceptions=True)
    assert results[:2] == [1, 4] and results[3] == 16
    assert isinstance(results[2], ValueError) and "no square of -3" in str(results[2])
    assert pool.trips == [1, 3]


async def test_a_trip_that_cannot_leave_fails_every_call_in_it() -> None:
    pool = ThreadPoolExecutor(max_workers=1)
    pool.shutdown()
    trips = Trips(pool, trips=1)
    results = await asyncio.gather(*(trips.run(square, n) for n in range(3)), return_exceptions=True)
    assert all(isinstance(r, RuntimeError) and "shutdown" in str(r) for r in results)


async def test_a_caller_that_gives_up_does_not_stop_the_others() -> None:
    with CountingExecutor() as pool:
        trips = Trips(pool, trips=1)
        first = asyncio.ensure_future(trips.run(square, 2))
        gone = asyncio.ensure_future(trips.run(square, 3))
        kept = asyncio.ensure_future(trips.run(square, 4))
        await asyncio.sleep(0)
        gone.cancel()
        assert await first == 4 and await kept == 16
    with pytest.raises(asyncio.CancelledError):
        await gone
    assert pool.trips == [1, 1]  # the cancelled call did not travel


async def test_trips_to_worker_processes_carry_module_functions_by_name() -> None:
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        trips = Trips(pool, trips=2)
        texts = [f"text {n}" for n in range(6)]
        assert await asyncio.gather(*(trips.run(content_hash, t) for t in texts)) == [content_hash(t) for t in texts]
