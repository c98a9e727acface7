"""The pacer: evenly spaced turns at the rate, in order, and a hold after a Retry-After."""

from __future__ import annotations

import asyncio

from bot.runtime.pacing import Pacer


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))


async def test_turns_are_spaced_at_the_rate_and_queued_in_order() -> None:
    time = FakeTime()
    pacer = Pacer(10.0, clock=time.clock, sleep=time.sleep)
    await asyncio.gather(*(pacer.wait() for _ in range(4)))
    assert time.slept == [0.1, 0.2, 0.3]  # the first goes at once; none is dropped
    time.now += 10  # idle: no credit is saved up, so no burst follows
    await pacer.wait()
    await pacer.wait()
    assert time.slept[-1] == 0.1


async def test_a_hold_moves_everyone_back() -> None:
    time = FakeTime()
    pacer = Pacer(10.0, clock=time.clock, sleep=time.sleep)
    pacer.hold(2.0)
    await pacer.wait()
    assert time.slept == [2.0]
