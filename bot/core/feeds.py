"""``digest feeds``: a channel's feeds and their health, for the people who manage it.

Feed names, URLs and fetch errors are third-party text: they travel as :attr:`Reply.lines`, which every
adapter shows plain. Failing feeds come first, as they are what someone asking wants to see.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.ports import Newsroom, Reply
from bot.region_settings import RegionSettings
from digests.clean import clip
from digests.models import FeedSource
from digests.store import FeedHealth

MAX_ERROR_CHARS = 300


async def feeds_reply(news: Newsroom, regions: Sequence[RegionSettings], feeds: Sequence[FeedSource], *,
                      now: datetime) -> Reply:
    """The health of ``feeds`` (of ``regions``), as of ``now``, in the regions' own timezones."""
    health = {h.url: h for h in await news.feed_health(urls=[feed.url for feed in feeds])}
    zones = {region.name: ZoneInfo(region.timezone) for region in regions}
    ranked = sorted(feeds, key=lambda feed: _rank(health.get(feed.url)))
    lines = tuple(_line(feed, health.get(feed.url), zones[feed.region], now) for feed in ranked)
    failing = sum(1 for feed in feeds if (h := health.get(feed.url)) is not None and h.consecutive_failures)
    titles = ", ".join(region.title for region in regions)
    summary = f"{failing} failing" if failing else "none failing"
    return Reply(f"Feeds of {titles}: {len(feeds)}, {summary}.", lines=lines, private=True)


def _rank(health: FeedHealth | None) -> tuple[int, int]:
    if health is None:
        return 1, 0
    return (0, -health.consecutive_failures) if health.consecutive_failures else (2, 0)


def _line(feed: FeedSource, health: FeedHealth | None, zone: ZoneInfo, now: datetime) -> str:
    name = f"{feed.name} ({feed.url}) [{feed.region}]"
    if health is None or health.last_attempt_at is None:
        return f"{name}: not read yet"
    parts = [f"{health.consecutive_failures} failures in a row" if health.consecutive_failures > 1
             else "failed at the last try" if health.consecutive_failures else "ok",
             f"last read {_when(health.last_success_at, zone, now)}",
             f"{health.articles} articles"]
    if health.next_attempt_at is not None:
        parts.append(f"next try {_when(health.next_attempt_at, zone, now)}")
    if health.last_error:
        label = "last error" if health.consecutive_failures else "warning"
        parts.append(f"{label}: {clip(' '.join(health.last_error.split()), MAX_ERROR_CHARS)}")
    return f"{name}: " + "; ".join(parts)


def _when(moment: datetime | None, zone: ZoneInfo, now: datetime) -> str:
    if moment is None:
        return "never"
    local = moment.astimezone(zone)
    return f"{local:%d %b %H:%M} {local:%Z} ({_ago(moment, now)})"


def _ago(moment: datetime, now: datetime) -> str:
    seconds = int((now - moment).total_seconds())
    ahead, seconds = seconds < 0, abs(seconds)
    amount = (f"{seconds // 86400} d" if seconds >= 86400 else f"{seconds // 3600} h" if seconds >= 3600
              else f"{seconds // 60} min")
    return f"in {amount}" if ahead else f"{amount} ago"
