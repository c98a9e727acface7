"""Errors of the runtime. Messages say what was wrong and what to do."""

from __future__ import annotations


class BotError(Exception):
    """Base class of every error raised by :mod:`bot`."""


class SettingsError(BotError):
    """The settings could not be read or are invalid; ``problems`` lists every one."""

    def __init__(self, source: str, problems: list[str]) -> None:
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"settings: {source} has {len(problems)} problem(s):\n{lines}")
        self.source = source
        self.problems = problems


class UnknownRegionError(BotError):
    """A region name that the settings do not define."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(f"no region {name!r}; regions: {', '.join(known)}")
        self.name = name
        self.known = known


class UsageError(BotError):
    """A command was given arguments it cannot use; the message names the valid ones."""


class ChannelGoneError(BotError):
    """A channel that no longer exists or forbids the bot (403/404, channel_not_found, not_in_channel,
    account_inactive): its subscriptions are paused, never retried forever."""

    def __init__(self, channel: str, reason: str) -> None:
        super().__init__(f"delivery: channel {channel} is gone or forbids the bot ({reason}); "
                         "its digests are paused until someone subscribes it again")
        self.channel = channel
        self.reason = reason
