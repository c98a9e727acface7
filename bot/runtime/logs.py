"""Logging set-up: readable lines on a terminal (one whole line a record in a file or a pipe), JSON lines when
asked (``[log] format = "json"``).

Either way a line carries the ids passed with ``extra=`` (feed, region, channel, subscription), and every
line passes ``RedactSecrets`` first, so a token that slips into a message, an argument or a traceback is
printed as ``[redacted]``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from rich.console import Console
from rich.logging import RichHandler

from bot.adapters.console.terminal import AbovePrompt
from bot.settings import LogSettings, Settings

IDS = ("feed", "region", "channel", "subscription")  # shown, in this order, at the end of a text line
REDACTED = "[redacted]"
MIN_SECRET = 6  # shorter values would redact ordinary words


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with any ``extra=`` ids (feed, region, channel) as fields."""

    _standard = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        payload.update({k: v for k, v in vars(record).items() if k not in self._standard})
        if record.exc_info or record.exc_text:
            payload["error"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        return json.dumps(payload, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The message, then the record's ids: ``collect: feed failed [feed=https://x/feed region=south-asia]``."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        ids = " ".join(f"{key}={getattr(record, key)}" for key in IDS if getattr(record, key, None) is not None)
        if not ids:
            return text
        head, sep, rest = text.partition("\n")  # after the message's first line, before a traceback
        return f"{head} [{ids}]{sep}{rest}"


class RedactSecrets(logging.Filter):
    """Replaces each secret value in a record (message, arguments, extras, traceback) with ``[redacted]``.
    The last line of defence: code should never log a secret in the first place."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Longest first, so a secret containing another is redacted whole.
        self.secrets = sorted({s for s in secrets if len(s) >= MIN_SECRET}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """``text`` with every secret replaced."""
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        for key in IDS:
            value = getattr(record, key, None)
            if isinstance(value, str):
                setattr(record, key, self.redact(value))
        return True


def mask_url(url: str) -> str:
    """A URL with its password shown as ``***`` (SQLAlchemy's own masking, without importing SQLAlchemy)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    userinfo, _, host = parts.netloc.rpartition("@")
    return parts._replace(netloc=f"{userinfo.partition(':')[0]}:***@{host}").geturl()


def secret_values(settings: Settings) -> list[str]:
    """What must never be logged: the tokens, and the database URL's password."""
    values = [s.get_secret_value() for s in (settings.secrets.discord_token, settings.secrets.slack_bot_token,
                                              settings.secrets.slack_app_token, settings.secrets.slack_signing_secret)
              if s is not None]
    password = urlsplit(settings.storage.url or "").password
    return values + ([password] if password else [])


OWN_LOGGERS = ("bot", "digests")  # Khobor's own modules log under their import names


class LibraryLevel(logging.Filter):
    """Khobor's own lines at the configured level; other libraries' (APScheduler's "Running job ...",
    aiohttp's, ...) only from ``[log] library_level`` up, so the console stays readable."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        own = record.name.split(".", 1)[0] in OWN_LOGGERS
        if record.name == "discord.client" and "voice will NOT be supported" in str(record.msg):
            return False  # at every start, about voice libraries Khobor never uses: it alarms, tells nothing
        return own or record.levelno >= self.level


def setup_logging(settings: LogSettings, *, console: Console, secrets: Iterable[str] = ()) -> None:
    """Route every logger to standard error in the chosen format, with ``secrets`` redacted, printed above
    the console's prompt when it is shown."""
    handler: logging.Handler
    if settings.format == "json":
        handler = logging.StreamHandler(console.file)
        handler.setFormatter(JsonFormatter())
    elif console.is_terminal:
        handler = RichHandler(console=console, show_path=False, rich_tracebacks=False, markup=False)
        handler.setFormatter(TextFormatter("%(message)s"))
    else:  # a file, a pipe, journald, `docker logs`: one whole line a record, to be grepped, never cut at 80
        handler = logging.StreamHandler(console.file)
        handler.setFormatter(TextFormatter("%(asctime)s %(levelname)-7s %(message)s"))
    outer = AbovePrompt(handler)  # filtered first, so that a dropped line never redraws the prompt
    outer.addFilter(LibraryLevel(logging.getLevelName(settings.library_level)))
    outer.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [outer]
    root.setLevel(min(logging.getLevelName(settings.level), logging.getLevelName(settings.library_level)))
    for noisy in ("trafilatura", "htmldate", "courlan", "charset_normalizer", "alembic"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
