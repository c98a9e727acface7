"""The ``khobor`` command line: parse, load the settings, run the subcommand's handler, and turn whatever
ended it into a message and an exit status.

Exit status: 0 when the command ran (even if some feeds failed), 1 when it could not run (database
unreachable, ...), 2 for bad settings or arguments.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from bot.cli.parser import build_parser
from bot.errors import BotError, SettingsError, UnknownRegionError, UsageError
from digests.errors import DigestsError

__all__ = ["build_parser", "failure", "main"]

log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``khobor`` script."""
    # Imported here, not above: every worker process spawned from the ``khobor`` script runs the script again
    # (multiprocessing's spawn imports the parent's main module as ``__mp_main__``), which then imports only
    # this module; at the top these imports (pydantic, rich, the settings) cost each worker 0.2 s of CPU.
    import asyncio

    from rich.console import Console

    from bot.cli.commands import HANDLERS
    from bot.runtime.logs import secret_values, setup_logging
    from bot.settings import load_settings

    args = build_parser().parse_args(argv)
    console = Console()
    errors = Console(stderr=True, soft_wrap=True)  # messages are not cut into lines: they are copied and grepped
    try:
        settings = load_settings(args.settings)
        setup_logging(settings.log, console=errors, secrets=secret_values(settings))
        if getattr(args, "region", None):
            settings.region(args.region)
        return asyncio.run(HANDLERS[args.command](args, settings, console))
    except BaseException as exc:  # the one place where an error becomes a message and an exit status
        message, status = failure(exc)
        errors.print(message, markup=False, highlight=False)
        return status


def failure(exc: BaseException) -> tuple[str, int]:
    """What to print and the exit status for an error that ended a command. 2: fix the settings or the
    arguments; 1: the command could not run; 130: interrupted. Never a traceback (it goes to the debug log)."""
    if isinstance(exc, SettingsError):
        return str(exc), 2
    if isinstance(exc, UnknownRegionError | UsageError):
        return f"khobor: {exc}", 2
    if isinstance(exc, BotError | DigestsError):
        return f"khobor: {exc}", 1
    if isinstance(exc, KeyboardInterrupt):
        return "khobor: interrupted", 130
    if isinstance(exc, SystemExit):
        raise exc
    if isinstance(exc, OSError) and exc.filename:
        return f"khobor: {exc.filename}: {exc.strerror or exc}; check the path and its permissions", 1
    if isinstance(exc, OSError):  # no file named: a connection, most likely
        return f"khobor: {exc.strerror or exc}; check the network and the addresses in the settings", 1
    log.debug("khobor: unexpected error", exc_info=exc)
    return (f"khobor: unexpected error ({type(exc).__name__}: {str(exc)[:300]}); this is a bug: please report it "
            "with the output of the same command run with KHOBOR_LOG_LEVEL=DEBUG"), 1


if __name__ == "__main__":
    sys.exit(main())
