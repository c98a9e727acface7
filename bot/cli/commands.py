"""What each ``khobor`` subcommand does: one async handler a command, in ``HANDLERS`` by its name.

A handler takes the parsed arguments, the validated settings and the output console, and returns the exit
status; it raises for ``bot.cli.main.failure`` to turn into a message.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from bot.errors import UsageError
from bot.runtime.logs import mask_url
from bot.settings import Settings
from bot.settings_sources import ENV_OVERRIDES, ENV_SETTINGS, LOCAL_SETTINGS, settings_file

# Heavy parts (scikit-learn, scipy, discord.py, slack-bolt, trafilatura, sumy) are imported inside the commands
# that use them, so `khobor --help` and `khobor check-settings` start in a fraction of a second
# (bench/cli_startup.py).

Handler = Callable[[argparse.Namespace, Settings, Console], Coroutine[Any, Any, int]]


def start_workers(settings: Settings) -> None:
    """For a command that collects: the worker pool's fork server started before the heavy imports, to load
    what the workers run meanwhile (:func:`digests.workers.start_worker_server`)."""
    if settings.collect.workers:
        from digests.workers import start_worker_server

        start_worker_server()


async def cmd_collect(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    start_workers(settings)
    from bot.app import App, feed_sources
    from bot.cli import output as views

    sources = feed_sources(settings, args.region)
    async with App(settings, digests=False) as app:
        with views.collect_progress(console, total=len(sources)) as advance:
            reports = await app.collector().collect(sources, force=args.force, progress=advance)
    console.print(views.collect_table(reports))
    console.print(views.collect_totals(reports), highlight=False)
    return 0


async def cmd_feeds(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from bot.app import App, feed_sources
    from bot.cli import output as views

    urls = [source.url for source in feed_sources(settings, args.region)]
    async with App(settings, digests=False) as app:
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
    chosen = settings_file(cli_path, environ)
    if chosen is None:
        origin = "read: the built-in defaults (no --settings, no $KHOBOR_SETTINGS, no ./settings.toml)"
    else:
        path, named_by = chosen
        how = {ENV_SETTINGS: "$KHOBOR_SETTINGS", str(LOCAL_SETTINGS): "./settings.toml in the working directory"}
        origin = f"read: {path.resolve()} ({how.get(named_by, named_by)})"
    overrides = [var for var in ENV_OVERRIDES if var in environ]
    return origin + (f"; overridden by {', '.join(overrides)}" if overrides else "")


async def cmd_digest(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    if not args.no_collect:
        start_workers(settings)
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
                                        topics=values.topics, keywords=values.keywords, workers=False)
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
    summary = await asyncio.to_thread(summarize, text, language=None, config=config, title=title)
    views.print_summary(console, summary, title=title)
    return 0


async def cmd_console(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from bot.adapters.console.adapter import ConsoleAdapter
    from bot.app import App

    async with App(settings) as app:
        await ConsoleAdapter(app.core_service(), settings.console, output=console).run()
    return 0


async def cmd_run(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    start_workers(settings)
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
        async with App(settings, digests=False) as app:
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
        async with App(settings, digests=False) as app:
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

