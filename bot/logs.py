"""Logging set-up: readable lines on a terminal, JSON lines when asked (``[log] format = "json"``)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from rich.console import Console
from rich.logging import RichHandler

from bot.settings import LogSettings


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
        if record.exc_info:
            payload["error"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str, ensure_ascii=False)


def setup_logging(settings: LogSettings, *, console: Console) -> None:
    """Route every logger to standard error in the chosen format."""
    handler: logging.Handler
    if settings.format == "json":
        handler = logging.StreamHandler(console.file)
        handler.setFormatter(JsonFormatter())
    else:
        handler = RichHandler(console=console, show_path=False, rich_tracebacks=False, markup=False)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.level)
    for noisy in ("trafilatura", "htmldate", "courlan", "charset_normalizer", "alembic"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
