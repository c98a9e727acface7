"""The slash commands: ``/digest …`` and ``/summary``, each turned into a core command and handed on.

Options become the core's command dataclasses as typed; the core checks them. Autocomplete only suggests
(regions, their topics, timezones); Discord lets people type anything, so nothing here is a check.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import cache
from typing import Any, Protocol

import discord
from discord import app_commands

from bot.core import commands as cmd
from bot.core.catalogue import Catalogue

Interaction = discord.Interaction[discord.Client]
Choices = list[app_commands.Choice[str]]
MAX_CHOICES = 25  # Discord's limit
CHOICE_CHARS = 100  # Discord's limit on a choice's name and value


class Runner(Protocol):
    """What the commands need from the adapter: the regions' catalogue, and a way to run a core command."""

    @property
    def catalogue(self) -> Catalogue: ...

    async def run(self, interaction: Interaction, build: Callable[[], cmd.Command], *, private: bool) -> None:
        """Acknowledge, build the command, execute it in the core, answer."""


def subscribe_command(region: str, time: str | None, timezone: str | None, topics: str | None,
                      keywords: str | None) -> cmd.Subscribe:
    """The Subscribe command from the slash command's options, as typed: the core normalises them."""
    return cmd.Subscribe(region=region, time=time, timezone=timezone, topics=topics, keywords=keywords)


def summary(target: str) -> cmd.Summary:
    """The Summary command; the parser's message when the target is blank."""
    if not target.strip():
        raise cmd.CommandError("`/summary` needs a URL or some words, e.g. `sylhet floods`")
    return cmd.Summary(target=target.strip())


def _region(value: str | None) -> str | None:
    return value.strip().lower() or None if value else None


def region_choices(catalogue: Catalogue, current: str) -> Choices:
    """Regions whose name or title contains what was typed."""
    typed = current.strip().lower()
    return [app_commands.Choice(name=f"{r.title} ({r.name})"[:CHOICE_CHARS], value=r.name)
            for r in catalogue.regions if typed in r.name or typed in r.title.lower()][:MAX_CHOICES]


@cache
def _timezones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def timezone_choices(current: str) -> Choices:
    """IANA timezones containing what was typed, those starting with it first."""
    typed = current.strip().lower().replace(" ", "_")
    names = [n for n in _timezones() if typed in n.lower()]
    names.sort(key=lambda n: (not n.lower().startswith(typed),
                              not any(part.startswith(typed) for part in n.lower().split("/")), n))
    return [app_commands.Choice(name=n, value=n) for n in names[:MAX_CHOICES]]


def topic_choices(catalogue: Catalogue, region: str | None, current: str) -> Choices:
    """Topics for a comma-separated entry: what is already typed, plus each topic that matches the last part."""
    regions = [r for r in catalogue.regions if r.name == _region(region)] or catalogue.regions
    labels = list(dict.fromkeys(label for r in regions for label in catalogue.topic_labels(r)))
    *done, last = [part.strip() for part in current.split(",")]
    done = [part for part in done if part]
    taken = {part.lower() for part in done}
    choices: Choices = []
    for label in labels:
        if label.lower() in taken or last.lower() not in label.lower():
            continue
        value = ", ".join([*done, label])
        if len(value) <= CHOICE_CHARS:
            choices.append(app_commands.Choice(name=value, value=value))
    return choices[:MAX_CHOICES]


class DigestGroup(app_commands.Group):
    """``/digest subscribe|unsubscribe|list|regions|now|feeds|help``."""

    def __init__(self, runner: Runner) -> None:
        super().__init__(name="digest", description="Daily regional news digests in this channel")
        self.runner = runner

    @app_commands.command(description="Deliver a daily digest of a region to this channel")
    @app_commands.describe(region="The region (see /digest regions)", time="When, 24-hour HH:MM (default 08:00)",
                           timezone="IANA timezone, e.g. Asia/Dhaka (default: the region's)",
                           topics="Only these topics, comma-separated", keywords="Only stories with these words, "
                           "comma-separated")
    async def subscribe(self, interaction: Interaction, region: str, time: str | None = None,
                        timezone: str | None = None, topics: str | None = None, keywords: str | None = None) -> None:
        await self.runner.run(interaction, lambda: subscribe_command(region, time, timezone, topics, keywords),
                              private=False)

    @app_commands.command(description="Stop a region's digest here (every region when none is given)")
    @app_commands.describe(region="The region to stop")
    async def unsubscribe(self, interaction: Interaction, region: str | None = None) -> None:
        await self.runner.run(interaction, lambda: cmd.Unsubscribe(_region(region)), private=False)

    @app_commands.command(name="list", description="This channel's digests and their next deliveries")
    async def list_(self, interaction: Interaction) -> None:
        await self.runner.run(interaction, cmd.ListSubscriptions, private=True)

    @app_commands.command(description="The regions, their topics and feeds")
    async def regions(self, interaction: Interaction) -> None:
        await self.runner.run(interaction, cmd.Regions, private=True)

    @app_commands.command(description="Post a digest here now")
    @app_commands.describe(region="The region (default: this channel's first subscription)")
    async def now(self, interaction: Interaction, region: str | None = None) -> None:
        await self.runner.run(interaction, lambda: cmd.Now(_region(region)), private=False)

    @app_commands.command(description="This channel's feeds and their health (managers only)")
    @app_commands.describe(region="The region (default: every region this channel receives)")
    async def feeds(self, interaction: Interaction, region: str | None = None) -> None:
        await self.runner.run(interaction, lambda: cmd.Feeds(_region(region)), private=True)

    @app_commands.command(name="help", description="How to use the digest commands")
    async def help_(self, interaction: Interaction) -> None:
        await self.runner.run(interaction, cmd.Help, private=True)

    @feeds.autocomplete("region")
    @now.autocomplete("region")
    @unsubscribe.autocomplete("region")
    @subscribe.autocomplete("region")
    async def _regions(self, interaction: Interaction, current: str) -> Choices:
        return region_choices(self.runner.catalogue, current)

    @subscribe.autocomplete("timezone")
    async def _timezones(self, interaction: Interaction, current: str) -> Choices:
        return timezone_choices(current)

    @subscribe.autocomplete("topics")
    async def _topics(self, interaction: Interaction, current: str) -> Choices:
        return topic_choices(self.runner.catalogue, getattr(interaction.namespace, "region", None), current)


def summary_command(runner: Runner) -> app_commands.Command[Any, ..., None]:
    """``/summary target``: a URL, or words of a recent story."""

    @app_commands.command(name="summary", description="Summarise an article link, or find a recent story by words")
    @app_commands.describe(target="A link to an article, or words from a recent story's title")
    async def summary_(interaction: Interaction, target: str) -> None:
        await runner.run(interaction, lambda: summary(target), private=False)

    return summary_
