"""The ``khobor`` command line's grammar: every subcommand, its options and their help.

What each subcommand does is ``bot.cli.commands``; ``bot.cli.main`` parses, runs and turns errors into exit
statuses.
"""

from __future__ import annotations

import argparse
from typing import Any

from digests.summary_config import ALGORITHMS

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
    from importlib import metadata  # 40 ms: not in the workers, which import this module with the khobor script

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

