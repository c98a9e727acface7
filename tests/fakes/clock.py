"""A settable clock for tests, and a sleep that only records (waits and backoff must not slow the tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Clock:
    """``clock()`` is ``clock.now``; move it by setting ``now``. ``await clock.sleep(s)`` records ``s``."""

    now: datetime
    slept: list[float] = field(default_factory=list)

    def __call__(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
