"""Client-side pacing: keep a platform's request rate just under its global limit, queueing, never dropping
(``Pacer``), and each platform's pace and delivery slots (``Paces``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping

MAX_REQUEUES = 3  # a caller late this many times in a row goes anyway
# A caller that wakes up to this many turns late still takes its turn. The platform's bucket refilled while
# nothing was sent, so the few turns that fell due meanwhile may go together (Slack and Discord allow short
# bursts; the bench's fake Slack, 10). Taking a new turn instead left each such turn unused: on a loaded event
# loop, wake-ups a turn late are common, and a busy minute lost 4 % of the rate (bench/scale_delivery.py).
LATE_TURNS = 4


class Pacer:
    """Hands out evenly spaced start times at ``rate`` per second, first come first served.

    Spacing requests evenly (no bursts) keeps a server's token bucket from ever running dry, so 429s stay
    rare and the rate stays at ``rate``; callers beyond it wait their turn in order.
    """

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        if rate <= 0:
            raise ValueError(f"pacing: rate must be positive, not {rate}")
        self.interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0

    async def wait(self, cost: int = 1) -> float:
        """Wait for this caller's turn; ``cost`` requests are charged to it. Returns the seconds waited.

        A caller that wakes more than :data:`LATE_TURNS` turns late (the event loop was stalled) takes a new
        turn instead: the turns that fell due during a longer stall would otherwise all go at once, a burst
        over the limit."""
        began = now = self._clock()
        for _ in range(MAX_REQUEUES + 1):
            start = max(now, self._next)
            self._next = start + self.interval * cost
            if start > now:
                await self._sleep(start - now)
            now = self._clock()
            if now - start <= self.interval * LATE_TURNS:
                break
        return now - began

    def hold(self, seconds: float) -> None:
        """Send nothing for ``seconds`` (the platform said Retry-After): everyone queued moves back."""
        self._next = max(self._next, self._clock() + seconds)


class Paces:
    """Each platform's pace for deliveries: its :class:`Pacer` (none: unpaced), its delivery slots, and every
    wait reported to ``on_wait(platform, seconds)`` (a metric)."""

    def __init__(self, rates: Mapping[str, float], *, on_wait: Callable[[str, float], None]) -> None:
        self.pacers = {name: Pacer(rate) for name, rate in rates.items()}
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._on_wait = on_wait

    def slots(self, platform: str, per_rate: Callable[[float | None], int]) -> asyncio.Semaphore:
        """The platform's delivery slots, ``per_rate(its requests a second, None: unpaced)`` of them, made on
        first use."""
        if platform not in self._slots:
            pacer = self.pacers.get(platform)
            self._slots[platform] = asyncio.Semaphore(per_rate(1.0 / pacer.interval if pacer else None))
        return self._slots[platform]

    async def wait(self, platform: str) -> float:
        """Wait for the platform's next turn; the seconds waited."""
        pacer = self.pacers.get(platform)
        if pacer is None:
            return 0.0
        waited = await pacer.wait()
        if waited > 0:
            self._on_wait(platform, waited)
        return waited

    def hold(self, platform: str, seconds: float) -> None:
        """The platform said Retry-After: send it nothing for ``seconds``."""
        pacer = self.pacers.get(platform)
        if pacer is not None:
            pacer.hold(seconds)
