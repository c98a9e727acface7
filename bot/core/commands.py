"""The command grammar, parsed once for every platform.

    digest subscribe REGION [HH:MM] [TIMEZONE] [topics=a,b] [keywords="a phrase, word"]
    digest unsubscribe [REGION]
    digest list | digest regions | digest now [REGION] | digest feeds [REGION] | digest help
    summary TARGET            (a URL, or words that match a recent story)

Parsing only splits and names the parts; the service checks them against the settings.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from bot.core.subscriptions import looks_like_time
from bot.errors import BotError
from digests.clean import has_lone_surrogate

USAGE = """\
`digest subscribe REGION [HH:MM] [TIMEZONE] [topics=a,b] [keywords="a phrase, word"]`: daily digest here
`digest unsubscribe [REGION]`: stop it (every region when none is given)
`digest list`: this channel's subscriptions and next deliveries
`digest regions`: the regions, their topics and feeds
`digest now [REGION]`: post a digest here now
`digest feeds [REGION]`: this channel's feeds and their health (last read, failures, next try, last error)
`summary TARGET`: summarise a URL, or find a recent story by its words
`digest help`: this help"""

# A command longer than this is refused before it is split: shlex takes seconds on a megabyte.
MAX_COMMAND_CHARS = 4000


class CommandError(BotError):
    """A command line that cannot be understood; the message says what is wrong and shows usage."""


@dataclass(frozen=True, slots=True)
class Subscribe:
    """As typed; :func:`bot.core.subscriptions.normalise` checks and normalises every value."""

    region: str
    time: str | None = None
    timezone: str | None = None
    topics: str | None = None  # comma-separated
    keywords: str | None = None  # in digests.taxonomy.parse_keywords' grammar


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    region: str | None = None


@dataclass(frozen=True, slots=True)
class ListSubscriptions:
    pass


@dataclass(frozen=True, slots=True)
class Regions:
    pass


@dataclass(frozen=True, slots=True)
class Now:
    region: str | None = None


@dataclass(frozen=True, slots=True)
class Feeds:
    region: str | None = None


@dataclass(frozen=True, slots=True)
class Help:
    pass


@dataclass(frozen=True, slots=True)
class Summary:
    target: str


Command = Subscribe | Unsubscribe | ListSubscriptions | Regions | Now | Feeds | Help | Summary
# Commands that change what a channel receives, or show the server's inner state: only its managers may run them.
MANAGING = (Subscribe, Unsubscribe, Now, Feeds)


def parse_command(line: str) -> Command:
    """Parse a command line (with or without a leading ``/``); raises CommandError saying what is wrong."""
    if len(line) > MAX_COMMAND_CHARS:
        raise CommandError(f"that command is {len(line):,} characters long; commands are at most "
                           f"{MAX_COMMAND_CHARS:,}")
    if has_lone_surrogate(line):
        raise CommandError("that command holds bytes that are not valid text (check the terminal's encoding); "
                           "type it again")
    try:
        words = shlex.split(line.strip().lstrip("/"))
    except ValueError as exc:  # an unclosed quote
        raise CommandError(f"cannot read that command ({exc}); close your quotes") from None
    if not words:
        return Help()
    head, rest = words[0].lower(), words[1:]
    if head == "summary":
        if not rest:
            raise CommandError("`summary` needs a URL or some words, e.g. `summary sylhet floods`")
        return Summary(target=" ".join(rest))
    if head != "digest":
        raise CommandError(f"unknown command {head!r}; try `digest help`")
    return _parse_digest(rest)


def _parse_digest(words: list[str]) -> Command:
    if not words:
        return Help()
    verb, args = words[0].lower(), words[1:]
    if verb == "subscribe":
        return _parse_subscribe(args)
    if verb in ("list", "regions", "help") and args:
        raise CommandError(f"`digest {verb}` takes no arguments")
    simple: dict[str, Command] = {"list": ListSubscriptions(), "regions": Regions(), "help": Help()}
    if verb in simple:
        return simple[verb]
    if verb in ("unsubscribe", "now", "feeds"):
        if len(args) > 1:
            raise CommandError(f"`digest {verb}` takes at most one region")
        region = args[0].lower() if args else None
        if verb == "feeds":
            return Feeds(region)
        return Unsubscribe(region) if verb == "unsubscribe" else Now(region)
    raise CommandError(f"unknown digest command {verb!r}; try `digest help`")


def _parse_subscribe(args: list[str]) -> Subscribe:
    """Name the parts: ``topics=`` and ``keywords=`` by key, a time by its look, the rest is the timezone."""
    if not args:
        raise CommandError("`digest subscribe` needs a region, e.g. `digest subscribe south-asia 08:00 Asia/Dhaka`")
    region, time, timezone, topics, keywords = args[0], None, None, None, None
    for arg in args[1:]:
        key, sep, value = arg.partition("=")
        if sep and key.lower() == "topics":
            topics = value
        elif sep and key.lower() == "keywords":
            keywords = value
        elif time is None and timezone is None and ((":" in arg and "/" not in arg) or looks_like_time(arg)):
            time = arg
        elif timezone is None:
            timezone = arg
        else:
            raise CommandError(f"unexpected {arg!r}; usage: `digest subscribe REGION [HH:MM] [TIMEZONE] "
                               "[topics=a,b] [keywords=\"a phrase, word\"]`")
    return Subscribe(region=region, time=time, timezone=timezone, topics=topics, keywords=keywords)
