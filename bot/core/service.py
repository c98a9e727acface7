"""The core service: every command checked and executed once, whatever platform it came from."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core import commands as cmd
from bot.core.catalogue import Catalogue
from bot.core.feeds import feeds_reply
from bot.core.ports import ChannelRef, ChatAdapter, Newsroom, Reply, SubscriptionStore, UserRef
from bot.core.schedule import next_due
from bot.core.subscriptions import InvalidSubscription, Wanted, normalise
from bot.core.summary import summary_reply
from bot.errors import BotError, ChannelGoneError, UnknownRegionError
from bot.region_settings import RegionSettings
from digests.clock import Clock, utcnow
from digests.errors import DigestsError
from digests.store import Subscription

log = logging.getLogger(__name__)
MANAGERS = {"discord": "people with Manage Channels, Manage Server or Administrator here, or the users listed in "
                       "[discord] manager_user_ids",
            "slack": "workspace admins and owners, or the users listed in [slack] manager_user_ids"}


def refusal(user: UserRef) -> str:
    """What someone who may not manage the channel is told: who may, on their own platform, and why their role
    could not be checked, if it could not."""
    who = MANAGERS.get(user.platform, "the managers named in the settings")
    unverified = f" I could not check your role: {user.unverified}." if user.unverified else ""
    return f"Only people who can manage this channel can change its digests or see its feeds: {who}.{unverified}"


def zone_label(name: str) -> str:
    """A timezone as shown to people: an ``Etc/GMT±N`` name with the offset it means, as POSIX inverts its sign."""
    found = re.fullmatch(r"Etc/GMT([+-])(\d+)", name)
    if found is None or int(found.group(2)) == 0:
        return name
    sign = "-" if found.group(1) == "+" else "+"
    return f"{name} (= UTC{sign}{int(found.group(2))}: the sign of Etc/GMT names is inverted)"


def next_delivery(subscription: Subscription, now: datetime) -> datetime:
    """When the subscription's next digest is due, in its own timezone (as the scheduler computes it)."""
    return next_due(subscription, now)[1].astimezone(ZoneInfo(subscription.timezone))


class CoreService:
    """Executes commands for every adapter. Adapters translate; this decides."""

    def __init__(self, subscriptions: SubscriptionStore, news: Newsroom, catalogue: Catalogue, *,
                 url_deadline_s: float = 20.0, clock: Clock = utcnow) -> None:
        self.subscriptions = subscriptions
        self.news = news
        self.catalogue = catalogue
        self.url_deadline_s = url_deadline_s
        self.clock = clock

    async def post_reply_digest(self, adapter: ChatAdapter, channel: ChannelRef, reply: Reply) -> Reply | None:
        """Post a reply's digest (``digest now``) in ``channel`` through ``adapter``; None when it was posted,
        else what to tell the person who asked (privately). The one place every adapter does this."""
        if reply.digest is None:
            return None
        try:
            await adapter.post_digest(channel, reply.digest)
        except ChannelGoneError as exc:
            log.warning("core: cannot post a digest in %s: %s", channel, exc.reason)
            reason = exc.reason
        except Exception:  # a platform failure: logged with its details, the asker told in plain words
            log.exception("core: posting a digest in %s failed", channel)
            reason = "the platform refused it; it has been logged"
        else:
            return None
        return Reply(f"I could not post the digest here ({reason}). {adapter.access_hint}".strip(), ok=False,
                     private=True)

    async def handle_text(self, line: str, *, channel: ChannelRef, user: UserRef) -> Reply:
        """Parse and execute a command line (Slack, the console, text fallbacks)."""
        try:
            command = cmd.parse_command(line)
        except cmd.CommandError as exc:
            return Reply(f"{exc}\n\n{cmd.USAGE}", ok=False, private=True)
        return await self.execute(command, channel=channel, user=user)

    async def execute(self, command: cmd.Command, *, channel: ChannelRef, user: UserRef) -> Reply:
        """Check and run one command; every failure becomes a reply that says what to do."""
        if isinstance(command, cmd.MANAGING) and not user.can_manage:
            return Reply(refusal(user), ok=False, private=True)
        try:
            return await self._run(command, channel, user)
        except (BotError, DigestsError) as exc:
            return Reply(str(exc), ok=False, private=True)

    async def _run(self, command: cmd.Command, channel: ChannelRef, user: UserRef) -> Reply:
        match command:
            case cmd.Subscribe():
                return await self.subscribe(command, channel, user)
            case cmd.Unsubscribe(region):
                return await self.unsubscribe(region, channel)
            case cmd.ListSubscriptions():
                return await self.list_subscriptions(channel)
            case cmd.Regions():
                return Reply(self.regions_text(), private=True)
            case cmd.Now(region):
                return await self.now(region, channel)
            case cmd.Feeds(region):
                return await self.feeds(region, channel)
            case cmd.Summary(target):
                return await summary_reply(self.news, target, now=self.clock(), url_deadline_s=self.url_deadline_s)
            case _:
                return Reply(cmd.USAGE, private=True)

    def region(self, name: str) -> RegionSettings | str:
        """The region, or an error text naming the valid ones, closest first."""
        try:
            return self.catalogue.region(name)
        except UnknownRegionError:
            return self.catalogue.unknown_region(name)

    async def subscribe(self, command: cmd.Subscribe, channel: ChannelRef, user: UserRef) -> Reply:
        wanted = Wanted(region=command.region, time=command.time, timezone=command.timezone,
                        topics=command.topics, keywords=command.keywords)
        try:
            values = normalise(wanted, self.catalogue)
        except InvalidSubscription as exc:
            return Reply(" ".join(exc.problems), ok=False, private=True)
        sub, created = await self.subscriptions.upsert(
            platform=channel.platform, workspace_id=channel.workspace_id, channel_id=channel.channel_id,
            region=values.region.name, delivery_time=values.time, timezone=values.timezone, topics=values.topics,
            keywords=values.keywords, user_id=user.user_id, now=self.clock())
        title = values.region.title
        done = (f"Subscribed this channel to the {title} digest." if created
                else f"Updated this channel's {title} digest.")
        return Reply(f"{done} {self._describe(sub)}")

    def _describe(self, sub: Subscription) -> str:
        due = next_delivery(sub, self.clock())
        when = f"every day at {sub.delivery_time} {zone_label(sub.timezone)} (next: {due:%a %d %b %H:%M})"
        topics = ", ".join(sub.topics) if sub.topics else "all topics"
        keywords = f"; keywords: {', '.join(sub.keywords)}" if sub.keywords else ""
        paused = f" Paused: {sub.pause_reason}." if sub.paused_at else ""
        return f"Delivered {when}; {topics}{keywords}.{paused}"

    async def unsubscribe(self, region: str | None, channel: ChannelRef) -> Reply:
        removed = await self.subscriptions.remove(platform=channel.platform, workspace_id=channel.workspace_id,
                                                      channel_id=channel.channel_id, region=region)
        if not removed:
            what = f"to {region!r}" if region else "to any region"
            return Reply(f"This channel is not subscribed {what}. See `digest list`.", ok=False, private=True)
        return Reply(f"Unsubscribed this channel from: {', '.join(removed)}.")

    async def list_subscriptions(self, channel: ChannelRef) -> Reply:
        subs = await self._subscriptions_of(channel)
        if not subs:
            return Reply("This channel has no digest yet. Try `digest subscribe REGION` (see `digest regions`).",
                         private=True)
        lines = [f"• {s.region}: {self._describe(s)}" for s in subs]
        return Reply("This channel's digests:\n" + "\n".join(lines), private=True)

    async def _subscriptions_of(self, channel: ChannelRef) -> list[Subscription]:
        return await self.subscriptions.for_channel(platform=channel.platform, workspace_id=channel.workspace_id,
                                                    channel_id=channel.channel_id)

    def regions_text(self) -> str:
        """Every region with its timezone, feeds and topics."""
        return self.catalogue.describe()

    async def now(self, region_name: str | None, channel: ChannelRef) -> Reply:
        subs = await self._subscriptions_of(channel)
        name = region_name or (subs[0].region if subs else self.catalogue.names[0])
        region = self.region(name)
        if isinstance(region, str):
            return Reply(region, ok=False, private=True)
        sub = next((s for s in subs if s.region == region.name), None)
        digest = await self.news.build_digest(region.name, now=self.clock(), topics=sub.topics if sub else None,
                                             keywords=sub.keywords if sub else (),
                                             timezone=sub.timezone if sub else None)
        return Reply(f"Here is the {region.title} digest (on request; not counted as the daily one).",
                     digest=digest)

    async def feeds(self, region_name: str | None, channel: ChannelRef) -> Reply:
        """The named region's feeds, else those of every region the channel receives, with their health."""
        if region_name is None:
            subs = await self._subscriptions_of(channel)
            names = list(dict.fromkeys(s.region for s in subs if s.region in self.catalogue.names))
            if not names:
                return Reply("This channel has no digest yet; name a region: `digest feeds REGION` "
                             "(see `digest regions`).", ok=False, private=True)
        else:
            names = [region_name]
        regions = []
        for name in names:
            region = self.region(name)
            if isinstance(region, str):
                return Reply(region, ok=False, private=True)
            regions.append(region)
        feeds = [feed for region in regions for feed in self.catalogue.feeds(region.name)]
        return await feeds_reply(self.news, regions, feeds, now=self.clock())
