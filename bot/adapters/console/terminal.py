"""The console's prompt line, kept at the bottom of the terminal.

While ``khobor>`` waits for input, anything else printed (log lines, a scheduled digest, a notice) first
clears the prompt's line, prints, and draws the prompt again below it, so the prompt is never overwritten
and a log line never lands after it. What the user has typed but not sent stays in the terminal's input
buffer: it is still sent with Enter, though it is not drawn again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

CLEAR_LINE = "\r\x1b[2K"  # carriage return, then erase the whole line (VT100; every terminal emulator)


class PromptLine:
    """Whether the prompt is on screen, and printing above it. Thread-safe: logs come from worker threads."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._stream: IO[str] | None = None
        self.text = ""

    @property
    def shown(self) -> bool:
        return self._stream is not None

    def show(self, stream: IO[str], text: str) -> None:
        """Draw ``text`` as the prompt on ``stream`` (a terminal) and remember it is there."""
        with self._lock:
            self._stream, self.text = stream, text
            stream.write(text)
            stream.flush()

    def answered(self) -> None:
        """The user pressed Enter: the terminal moved to a new line, the prompt is history."""
        with self._lock:
            self._stream = None

    @contextmanager
    def above(self) -> Iterator[None]:
        """Print inside this block and it appears above the prompt, which is drawn again after it."""
        with self._lock:
            stream = self._stream
            if stream is None:
                yield
                return
            stream.write(CLEAR_LINE)
            stream.flush()
            try:
                yield
            finally:
                stream.write(self.text)
                stream.flush()


PROMPT = PromptLine()  # one terminal per process


class AbovePrompt(logging.Handler):
    """Wraps the real handler so that its lines are printed above the console's prompt."""

    def __init__(self, inner: logging.Handler, prompt: PromptLine = PROMPT) -> None:
        super().__init__()
        self.inner = inner
        self.prompt = prompt

    def emit(self, record: logging.LogRecord) -> None:
        with self.prompt.above():
            self.inner.handle(record)
