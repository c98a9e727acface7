"""The console adapter: the core in a terminal, and the test harness.

    harness = ConsoleAdapter(service, settings, output=Console(file=io.StringIO()))
    assert "Subscribed" in await harness.command("digest subscribe south-asia 08:00 Asia/Dhaka")
"""

from __future__ import annotations

import asyncio
import io
import itertools
import logging
import sys
import threading
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from typing import TextIO

from rich.console import Console
from rich.text import Text

from bot.adapters.console.render import digest_text, inert
from bot.adapters.console.terminal import PROMPT as PROMPT_LINE
from bot.adapters.console.terminal import PromptLine
from bot.core.ports import ChannelRef, Checkpoint, Limits, Posted, Reply, UserRef
from bot.core.service import CoreService
from bot.settings import ConsoleSettings
from digests.models import Digest, Story

CONSOLE_LIMITS = Limits(message_chars=1_000_000, blocks_per_message=1000, block_chars=1_000_000,
                        total_chars=1_000_000, messages_per_second=1000.0)
log = logging.getLogger(__name__)
PROMPT = "khobor> "
QUIT_WORDS = frozenset({"quit", "exit"})
HELP_WORDS = frozenset({"help", "?"})


class ConsoleAdapter:
    """Reads commands from a stream (or a prompt), prints replies and digests. Acts as a channel admin."""

    platform = "console"
    limits = CONSOLE_LIMITS
    rate: float | None = None
    access_hint = ""

    def __init__(self, service: CoreService, settings: ConsoleSettings, *, output: Console | None = None,
                 stdin: TextIO | None = None, interactive: bool | None = None,
                 prompt: PromptLine = PROMPT_LINE, listen: bool = False,
                 on_quit: Callable[[], None] | None = None) -> None:
        self.service = service
        self.listen = listen  # read commands from the terminal between start and stop (khobor run)
        self.on_quit = on_quit
        self._reading: asyncio.Task[None] | None = None
        self.output = output or Console()
        self.stdin = stdin or sys.stdin
        self.interactive = self.stdin.isatty() if interactive is None else interactive
        self.prompt = prompt
        self.channel = ChannelRef("console", "local", settings.channel)
        self._ids = itertools.count(1)
        self.posted: list[tuple[ChannelRef, Digest, str | None]] = []
        self.connected = False  # between start and stop (what /readyz asks)

    def user(self, *, can_manage: bool = True) -> UserRef:
        """The person at the console (an admin of the console channel unless told otherwise)."""
        return UserRef("console", "local", "console user", can_manage=can_manage)

    async def start(self) -> None:
        """Nothing to connect to; with ``listen``, begin reading commands from the terminal."""
        self.connected = True
        if self.listen and self._reading is None:
            self._reading = asyncio.create_task(self.run(on_quit=self.on_quit), name="console")

    async def stop(self) -> None:
        """Stop reading commands."""
        self.connected = False
        reading, self._reading = self._reading, None
        if reading is not None and not reading.done():
            reading.cancel()
            with suppress(asyncio.CancelledError):
                await reading

    async def run(self, *, on_quit: Callable[[], None] | None = None) -> None:
        """Read commands until ``quit``, ``exit`` or end of input (Ctrl-D), and answer each one.

        ``on_quit`` is given by ``khobor run``: leaving the prompt then stops the bot. End of input that is
        not a person leaving (standard input closed, as in a container) only stops reading commands."""
        lines = self._read_lines()
        stops = "stops khobor" if on_quit else "leaves the console"
        if self.interactive:
            self.say(f"Khobor console, acting as an admin of #{self.channel.channel_id}. Type `help` for the "
                     f"commands; `quit`, `exit` or Ctrl-D {stops}.")
        while True:
            if self.interactive:
                self.prompt.show(self.output.file, PROMPT)
            line = await lines.get()
            self.prompt.answered()
            word = (line or "").strip().lower()
            if line is None or word in QUIT_WORDS:
                self._leaving(line is None, stops, on_quit)
                return
            if word in HELP_WORDS:
                await self.show_help(stops)
            elif word and not word.startswith("#"):
                await self._handle_one(line)

    async def _handle_one(self, line: str) -> None:
        # One failing command is reported and the console reads on: it must never end the console silently.
        try:
            await self.handle(line, self.user())
        except Exception as exc:
            log.exception("console: %r failed", line[:200])
            self.output.print(Text(f"Sorry, that failed on my side ({type(exc).__name__}); it has been logged.",
                                   style="red"))

    def _leaving(self, end_of_input: bool, stops: str, on_quit: Callable[[], None] | None) -> None:
        if end_of_input and not self.interactive and on_quit is not None:
            log.info("console: standard input is closed; the bot keeps running without it (stop it with SIGTERM)")
            return
        if self.interactive:
            self.say(("\nCtrl-D (end of input): " if end_of_input else "") + f"bye; this {stops}.")
        if on_quit is not None:
            on_quit()

    async def show_help(self, stops: str) -> None:
        """What can be typed here: the console's own words, then the bot's commands."""
        ctrl_c = "" if stops == "stops khobor" else "; Ctrl-C stops khobor"
        self.say(f"At this prompt: `help` shows this; `quit` or `exit` (or Ctrl-D) {stops}{ctrl_c}.\n"
                 "Every chat command works here, acting as an admin of this channel:")
        await self.handle("digest help", self.user())

    def say(self, text: str) -> None:
        """The console's own words (not the core's)."""
        with self.prompt.above():
            self.output.print(Text(text, style="dim"))

    def _read_lines(self) -> asyncio.Queue[str | None]:
        # A daemon thread, so that a prompt waiting for input never holds up shutdown.
        loop, queue = asyncio.get_running_loop(), asyncio.Queue[str | None]()

        def reader() -> None:
            # Bytes that are not UTF-8 become lone surrogates, which the core refuses with a message,
            # instead of an exception here that would end the reading silently.
            binary = getattr(self.stdin, "buffer", None)
            lines = (raw.decode("utf-8", "surrogateescape") for raw in iter(binary.readline, b"")) \
                if binary is not None else iter(self.stdin.readline, "")
            for line in lines:
                loop.call_soon_threadsafe(queue.put_nowait, line)
            loop.call_soon_threadsafe(queue.put_nowait, None)

        threading.Thread(target=reader, name="console-input", daemon=True).start()
        return queue

    async def handle(self, line: str, user: UserRef) -> Reply:
        """Run one command line as ``user`` and print the reply (and any digest)."""
        reply = await self.service.handle_text(line, channel=self.channel, user=user)
        self.print_reply(reply)
        failed = await self.service.post_reply_digest(self, self.channel, reply)
        if failed is not None:
            self.print_reply(failed)
        return reply

    async def command(self, line: str, *, can_manage: bool = True) -> str:
        """The harness: run ``line`` and return everything printed for it, as plain text."""
        buffer = io.StringIO()
        saved, self.output = self.output, Console(file=buffer, width=120, no_color=True, soft_wrap=True)
        try:
            await self.handle(line, self.user(can_manage=can_manage))
        finally:
            self.output = saved
        return buffer.getvalue()

    def print_reply(self, reply: Reply) -> None:
        """The core's words, then the story card if there is one."""
        with self.prompt.above():
            self.output.print(Text(inert(reply.text), style="" if reply.ok else "red"))
            for line in reply.lines:  # Text, never markup: feed names and errors are third-party text
                self.output.print(Text(inert(line)))
            if reply.story is not None:
                self.output.print(story_card(reply.story))

    async def post_digest(self, channel: ChannelRef, digest: Digest, *, nonce: str | None = None,
                          resume: Posted | None = None, checkpoint: Checkpoint | None = None) -> Posted:
        """Print the digest; the console has no threads, so it all goes in one message."""
        if resume is not None and resume.message_ids:
            return resume
        if checkpoint is not None:
            await checkpoint(Posted(message_ids=()))
        self.posted.append((channel, digest, nonce))
        with self.prompt.above():  # a scheduled digest arrives while the prompt waits
            self.output.print(digest_text(digest))
        return Posted(message_ids=(f"console-{next(self._ids)}",))

    async def find_posted(self, channel: ChannelRef, nonce: str, since: datetime) -> Posted | None:
        """The console keeps what it printed in this session."""
        for n, (where, _, posted_nonce) in enumerate(self.posted, start=1):
            if where == channel and posted_nonce == nonce:
                return Posted(message_ids=(f"console-{n}",))
        return None

    async def send_notice(self, channel: ChannelRef, text: str) -> None:
        """Print a notice."""
        with self.prompt.above():
            self.output.print(Text(inert(f"[{channel}] {text}"), style="yellow"))


def story_card(story: Story) -> Text:
    """A story on the terminal: title, sentences, sources (article text as plain Text, never markup)."""
    text = Text(inert(story.title) + "\n", style="bold")
    for sentence in story.summary:
        text.append(inert(f"• {sentence}\n"))
    text.append(inert("Sources: " + ", ".join(f"{s.name} <{s.url}>" for s in story.sources)), style="dim")
    return text
