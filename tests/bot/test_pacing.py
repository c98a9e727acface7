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


async def test_turns_missed_while_the_loop_was_busy_are_spread_again_not_sent_in_a_burst() -> None:
    time = FakeTime()
    pacer = Pacer(10.0, clock=time.clock, sleep=time.sleep)
    await pacer.wait()  # the first goes at once and books the next turn, at +0.1 s

    async def stalled(seconds: float) -> None:  # the loop was blocked: this waiter wakes a second late
        time.slept.append(round(seconds, 6))
        time.now += seconds + 1.0

    pacer._sleep = stalled
    await pacer.wait()
    assert round(pacer._next - time.now, 6) == 0.1  # it took a fresh turn; the next caller waits a full interval


async def test_a_caller_a_few_turns_late_keeps_its_turn() -> None:
    time = FakeTime()
    pacer = Pacer(10.0, clock=time.clock, sleep=time.sleep)
    await pacer.wait()

    async def late(seconds: float) -> None:  # the loop was busy: this waiter wakes two turns late
        time.slept.append(round(seconds, 6))
        time.now += seconds + 0.2

    pacer._sleep = late
    waited = await pacer.wait()
    assert round(waited, 6) == 0.3 and time.slept == [0.1]  # it went (no second sleep, no new turn)
    assert round(pacer._next - time.now, 6) == -0.1  # the turns after it are the ones already booked
