"""The ``khobor`` command line.

Exit status: 0 when the command ran (even if some feeds failed), 1 when it could not run (database
unreachable, ...), 2 for bad settings or arguments.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from rich.console import Console

from bot.errors import BotError, SettingsError, UnknownRegionError, UsageError
from bot.runtime.logs import mask_url, secret_values, setup_logging
from bot.settings import Settings, load_settings
from bot.settings_sources import ENV_OVERRIDES, settings_path
from digests.errors import DigestsError
from digests.summary_config import ALGORITHMS

# Heavy parts (scikit-learn, scipy, discord.py, slack-bolt, trafilatura, sumy) are imported inside the commands
# that use them, so `khobor --help` and `khobor check-settings` start in a fraction of a second
# (bench/cli_startup.py).

log = logging.getLogger(__name__)
Handler = Callable[[argparse.Namespace, Settings, Console], Coroutine[Any, Any, int]]


IMPORT_HELP = """\
Subscriptions: every valid entry is upserted: a new channel and region is created; an existing one gets
the file's time, timezone, topics, keywords and paused state. Subscriptions not in the file are kept.
An entry is invalid when its region is not in the current settings, its timezone is not an IANA name,
its time is not HH:MM, a topic is unknown, or it repeats an earlier channel and region; each is reported
with its index and reason, and the valid entries are still imported.

Feeds are settings, not data: they are never written. The [[regions]] TOML for feeds that their region
does not list yet is printed on standard output, to paste into settings.toml; notes go to standard error.

Exit status: 0 every entry was imported (or, with --dry-run, would be); 2 some entries were invalid
(the valid ones were imported) or the file could not be used at all (nothing imported); 1 the database
could not be opened."""


SETTINGS_HELP = "settings file (default: $KHOBOR_SETTINGS, else ./settings.toml, else built-in)"


def version() -> str:
    """The installed package's version."""
    try:
        return metadata.version("khobor")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


class _Commands(argparse._SubParsersAction):  # type: ignore[type-arg]
    """Every subcommand also takes --settings, so `khobor check-settings --settings x` works."""

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = super().add_parser(name, **kwargs)
        # SUPPRESS: when not given after the command, the value given before it (or None) stands.
        parser.add_argument("--settings", metavar="PATH", default=argparse.SUPPRESS, help=SETTINGS_HELP)
        return parser


SUMMARIZE_HELP = """\
A URL is fetched through the fetch guard, which refuses private and loopback addresses (also with
allow_private_links, which covers feed links only). For a page on your own network, fetch it yourself and
pipe it in:  curl -s http://intranet.local/page | khobor summarize -"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="khobor", description="Self-hosted regional news digests.")
    parser.add_argument("--settings", metavar="PATH", help=SETTINGS_HELP)
    parser.add_argument("--version", action="version", version=f"khobor {version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", action=_Commands)
    collect = commands.add_parser("collect", help="read every feed once and store new articles")
    collect.add_argument("--region", help="only this region's feeds")
    collect.add_argument("--force", action="store_true", help="also try feeds that are backing off")
    feeds = commands.add_parser("feeds", help="show each feed's health")
    feeds.add_argument("--region", help="only this region's feeds")
    commands.add_parser("check-settings", help="validate and print the effective settings (secrets masked)")
    digest = commands.add_parser("digest", help="collect (unless --no-collect), then print a region's digest")
    digest.add_argument("--region", help="the region (default: the first in the settings)")
    digest.add_argument("--hours", type=positive_int, help="how far back to look (default: [digest] hours)")
    digest.add_argument("--topics", help="only these topics, comma-separated")
    digest.add_argument("--keywords",
                        help='only stories with one of these words or "quoted phrases"')
    digest.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    digest.add_argument("--no-collect", action="store_true", help="use what is stored; read no feed")
    commands.add_parser("console", help="type bot commands (digest subscribe, summary, ...) in the terminal")
    commands.add_parser("run", help="run the bot: Discord and/or Slack when their tokens are set, else the console")
    healthcheck = commands.add_parser("healthcheck", help="exit 0 if the running bot's /healthz answers 200, else 1")
    healthcheck.add_argument("--url", help="the URL to ask (default: /healthz on [health] host and port)")
    healthcheck.add_argument("--timeout", type=float, default=5.0, help="seconds to wait (default: 5)")
    summarize = commands.add_parser(
        "summarize", help="summarise a URL, a file, or - (standard input)", description=SUMMARIZE_HELP)
    summarize.add_argument("target", metavar="TARGET", help="http(s) URL, file path (text or HTML), or -")
    summarize.add_argument("--sentences", type=positive_int, help="sentences in the summary")
    summarize.add_argument("--algorithm", choices=ALGORITHMS, help="summary algorithm")
    export = commands.add_parser("export", help="write the subscriptions and feeds (JSON) or the feeds (OPML)")
    export.add_argument("--format", choices=("json", "opml"), default="json")
    export.add_argument("--output", metavar="FILE", help="write here instead of standard output")
    imports = commands.add_parser(
        "import", help="import subscriptions from a JSON export; print TOML for new feeds (JSON or OPML)",
        formatter_class=argparse.RawDescriptionHelpFormatter, description=IMPORT_HELP)
    imports.add_argument("file", metavar="FILE", help="a `khobor export` JSON file or an OPML file, or -")
    imports.add_argument("--dry-run", action="store_true", help="validate and report; open no database")
    return parser


def positive_int(value: str) -> int:
    """An argparse type: a whole number of at least 1."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of at least 1")
    return int(value)


async def cmd_collect(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from bot.app import App, feed_sources
    from bot.cli import output as views

    sources = feed_sources(settings, args.region)
    async with App(settings) as app:
        with views.collect_progress(console, total=len(sources)) as advance:
            reports = await app.collector().collect(sources, force=args.force, progress=advance)
    console.print(views.collect_table(reports))
    console.print(views.collect_totals(reports), highlight=False)
    return 0


async def cmd_feeds(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from bot.app import App, feed_sources
    from bot.cli import output as views

    urls = [source.url for source in feed_sources(settings, args.region)]
    async with App(settings) as app:
        health = await app.store.feed_health(urls=urls)
    known = {h.url for h in health}
    console.print(views.health_table(health, never_read=[u for u in urls if u not in known]))
    return 0


async def cmd_check_settings(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    data = settings.model_dump(mode="json")
    data["secrets"] = {name: ("set (hidden)" if value else "not set") for name, value in data["secrets"].items()}
    data["storage"]["url"] = mask_url(settings.database_url)  # may hold a password
    console.print_json(json.dumps(data))
    console.print(f"[green]settings OK[/] ({len(settings.regions)} region(s), "
                  f"{sum(len(r.feeds) for r in settings.regions)} feed(s))")
    console.print(settings_origin(args.settings, os.environ), markup=False, highlight=False, soft_wrap=True)
    return 0


def settings_origin(cli_path: str | None, environ: Mapping[str, str]) -> str:
    """Which file the settings came from (or the built-in defaults), and the environment overrides applied."""
    path = settings_path(cli_path, environ)
    if path is None:
        origin = "read: the built-in defaults (no --settings, no $KHOBOR_SETTINGS, no ./settings.toml)"
    else:
        how = "--settings" if cli_path else ("$KHOBOR_SETTINGS" if environ.get("KHOBOR_SETTINGS") else
                                             "./settings.toml in the working directory")
        origin = f"read: {path.resolve()} ({how})"
    overrides = [var for var in ENV_OVERRIDES if var in environ]
    return origin + (f"; overridden by {', '.join(overrides)}" if overrides else "")


async def cmd_digest(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from bot.app import App, feed_sources
    from bot.cli import output as views
    from bot.core.catalogue import Catalogue
    from bot.core.subscriptions import InvalidSubscription, Wanted, normalise

    wanted = Wanted(region=args.region or settings.regions[0].name, topics=args.topics, keywords=args.keywords)
    try:  # the same rules as a subscription's, from the core's one normaliser
        values = normalise(wanted, Catalogue(settings.regions))
    except InvalidSubscription as exc:
        raise UsageError(" ".join(exc.problems)) from None
    region = values.region
    async with App(settings) as app:
        if not args.no_collect:
            progress_console = Console(stderr=True)
            sources = feed_sources(settings, region.name)
            with views.collect_progress(progress_console, total=len(sources)) as advance:
                reports = await app.collector().collect(sources, progress=advance)
            progress_console.print(views.collect_totals(reports), highlight=False)
        digest = await app.build_digest(region.name, now=datetime.now(UTC), hours=args.hours,
                                        topics=values.topics, keywords=values.keywords)
    views.print_digest(console, digest, args.format)
    return 0


async def cmd_summarize(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from bot.app import summary_config
    from bot.cli import output as views
    from bot.cli.summarize_input import read_target
    from digests.summarize import summarize

    config = replace(summary_config(settings), **{k: v for k, v in
                     (("sentences", args.sentences), ("algorithm", args.algorithm)) if v is not None})
    title, text = await read_target(args.target, settings)
    summary = await asyncio.to_thread(summarize, text, language=None, config=config)
    views.print_summary(console, summary, title=title)
    return 0


async def cmd_console(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from bot.adapters.console.adapter import ConsoleAdapter
    from bot.app import App

    async with App(settings) as app:
        await ConsoleAdapter(app.core_service(), settings.console, output=console).run()
    return 0


async def cmd_run(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from bot.runtime import run as runtime

    return await runtime.run(settings, console)


async def cmd_export(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from bot.app import App
    from bot.cli import transfer

    now = datetime.now(UTC)
    feeds = sum(len(r.feeds) for r in settings.regions)
    if args.format == "opml":
        text = transfer.export_opml(settings, now=now).decode()
        what = f"{feeds} feed(s) in {len(settings.regions)} region(s), as OPML"
    else:
        async with App(settings) as app:
            data = await transfer.export_data(settings, app.subscriptions, now=now)
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        what = (f"{len(data['subscriptions'])} subscription(s) and {feeds} feed(s) in "
                f"{len(settings.regions)} region(s), as JSON")
    if not args.output:
        console.file.write(text)
        return 0
    target = Path(args.output)
    try:
        await asyncio.to_thread(target.write_text, text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"export: cannot write {target}: {exc.strerror}; check that its folder exists and is "
                         "writable") from None
    Console(stderr=True).print(f"wrote {what} to {target}", markup=False, highlight=False, soft_wrap=True)
    return 0


async def cmd_import(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from bot.app import App
    from bot.cli import feeds_toml, transfer

    notes = Console(stderr=True)
    try:
        data = await asyncio.to_thread(sys.stdin.buffer.read if args.file == "-" else Path(args.file).read_bytes)
    except OSError as exc:
        raise UsageError(f"import: cannot read {args.file}: {exc.strerror}") from None
    found = transfer.read_import(data, settings)
    for problem in found.problems:
        notes.print(f"invalid {problem}", markup=False, highlight=False)
    if found.subscriptions and not args.dry_run:
        async with App(settings) as app:
            created, updated = await transfer.import_subscriptions(found.subscriptions, app.subscriptions,
                                                                   now=datetime.now(UTC))
        done = f"imported {created + updated} subscription(s): {created} new, {updated} updated"
    else:
        done = f"would import {len(found.subscriptions)} subscription(s)" if args.dry_run else "imported none"
    if found.kind == "json":
        notes.print(f"{done}; {len(found.problems)} of {found.total} invalid", markup=False, highlight=False)
    toml, count = feeds_toml.new_feeds_toml(found.regions, settings)
    if count:
        console.file.write(toml + "\n")
        notes.print(f"{count} feed(s) are not configured yet. Feeds are settings, not data, so they were not "
                    "imported: paste the TOML above into settings.toml and restart khobor.", markup=False,
                    highlight=False)
    elif found.regions:
        notes.print("every feed in the file is already configured", markup=False, highlight=False)
    return 2 if found.problems else 0


async def cmd_healthcheck(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from bot.runtime.health import probe, probe_url

    if args.url is None and not settings.health.enabled:
        console.print("khobor: unhealthy: the health server is disabled ([health] enabled = false)", highlight=False)
        return 1
    if args.url is None and settings.health.port == 0:
        console.print("khobor: unhealthy: [health] port = 0 (any free port); pass --url", highlight=False)
        return 1
    problem = await probe(args.url or probe_url(settings.health), limit_s=args.timeout)
    if problem is not None:
        console.print(f"khobor: unhealthy: {problem}", markup=False, highlight=False)
        return 1
    console.print("khobor: healthy", highlight=False)
    return 0


HANDLERS: dict[str, Handler] = {
    "collect": cmd_collect,
    "feeds": cmd_feeds,
    "check-settings": cmd_check_settings,
    "console": cmd_console,
    "run": cmd_run,
    "healthcheck": cmd_healthcheck,
    "digest": cmd_digest,
    "summarize": cmd_summarize,
    "export": cmd_export,
    "import": cmd_import,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``khobor`` script."""
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
    if isinstance(exc, OSError):
        where = f" {exc.filename}:" if exc.filename else ""
        return f"khobor:{where} {exc.strerror or exc}; check the path and its permissions", 1
    log.debug("khobor: unexpected error", exc_info=exc)
    return (f"khobor: unexpected error ({type(exc).__name__}: {str(exc)[:300]}); this is a bug: please report it "
            "with the output of the same command run with KHOBOR_LOG_LEVEL=DEBUG"), 1


if __name__ == "__main__":
    sys.exit(main())
