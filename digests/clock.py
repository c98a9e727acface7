"""The wall clock: the one source of "now" for the pipeline and the runtime, aware and in UTC.

What keeps time (the collector, the intake, the core, the scheduler, delivery, ``bot.app.App`` for the
runtime's passes) takes a :data:`Clock`, default :func:`utcnow`, so a test sets it. The parsers' sanity checks
(a feed's future date, a Retry-After date) call :func:`utcnow` directly. No naive datetime meets these."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC)
