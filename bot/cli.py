"""The ``khobor`` command line.

Exit status: 0 when the command ran (even if some feeds failed), 1 when it could not run (database
unreachable, ...), 2 for bad settings or arguments.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from rich.console import Console

from bot import views
from bot.app import App, feed_sources
from bot.errors import BotError, SettingsError, UnknownRegionError
from bot.logs import setup_logging
from bot.settings import Settings, load_settings
from digests.errors import DigestsError

Handler = Callable[[argparse.Namespace, Settings, Console], Coroutine[Any, Any, int]]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="khobor", description="Self-hosted regional news digests.")
    parser.add_argument("--settings", metavar="PATH",
                        help="settings file (default: $KHOBOR_SETTINGS, else ./settings.toml, else built-in)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    collect = commands.add_parser("collect", help="read every feed once and store new articles")
    collect.add_argument("--region", help="only this region's feeds")
    collect.add_argument("--force", action="store_true", help="also try feeds that are backing off")
    feeds = commands.add_parser("feeds", help="show each feed's health")
    feeds.add_argument("--region", help="only this region's feeds")
    commands.add_parser("check-settings", help="validate and print the effective settings (secrets masked)")
    return parser


async def cmd_collect(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    sources = feed_sources(settings, args.region)
    async with App(settings) as app:
        with views.collect_progress(console, total=len(sources)) as advance:
            reports = await app.collector().collect(sources, force=args.force, progress=advance)
    console.print(views.collect_table(reports))
    console.print(views.collect_totals(reports), highlight=False)
    return 0


async def cmd_feeds(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    urls = [source.url for source in feed_sources(settings, args.region)]
    async with App(settings) as app:
        health = await app.store.feed_health(urls=urls)
    known = {h.url for h in health}
    console.print(views.health_table(health, never_read=[u for u in urls if u not in known]))
    return 0


async def cmd_check_settings(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    data = settings.model_dump(mode="json")
    data["secrets"] = {name: ("set (hidden)" if value else "not set") for name, value in data["secrets"].items()}
    data["storage"]["url"] = views.mask_url(settings.database_url)  # may hold a password
    console.print_json(json.dumps(data))
    console.print(f"[green]settings OK[/] ({len(settings.regions)} region(s), "
                  f"{sum(len(r.feeds) for r in settings.regions)} feed(s))")
    return 0


HANDLERS: dict[str, Handler] = {
    "collect": cmd_collect,
    "feeds": cmd_feeds,
    "check-settings": cmd_check_settings,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``khobor`` script."""
    args = build_parser().parse_args(argv)
    console = Console()
    errors = Console(stderr=True)
    try:
        settings = load_settings(args.settings)
        setup_logging(settings.log, console=errors)
        if getattr(args, "region", None):
            settings.region(args.region)
        return asyncio.run(HANDLERS[args.command](args, settings, console))
    except SettingsError as exc:
        errors.print(str(exc), markup=False, highlight=False)
        return 2
    except UnknownRegionError as exc:
        errors.print(f"khobor: {exc}", markup=False, highlight=False)
        return 2
    except (BotError, DigestsError) as exc:
        errors.print(f"khobor: {exc}", markup=False, highlight=False)
        return 1
    except KeyboardInterrupt:
        errors.print("khobor: interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
