"""A channel that is gone or forbids the bot: its subscriptions are paused (by the delivery record), and
someone is told how to resume: the channel itself, else the person who subscribed it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.core.ports import ChannelRef, ChatAdapter
from bot.runtime.delivery_policy import channel_of, log_ids
from digests.store.subscriptions import Subscription

log = logging.getLogger("bot.runtime.delivery")  # the delivery's log lines, as before this module


def paused_notice(sub: Subscription, reason: str) -> str:
    """What the channel (or its subscriber) is told: why it was paused and the command that resumes it."""
    return (f"Khobor paused the daily **{sub.region}** digest of this channel: the bot cannot post there "
            f"(`{reason}`). Once it can, run `digest subscribe {sub.region} {sub.delivery_time} {sub.timezone}` "
            "again to resume.")


async def tell_paused(adapter: ChatAdapter, sub: Subscription, reason: str, *,
                      pace: Callable[[str], Awaitable[float]]) -> None:
    """Tell the channel, else the person who subscribed it (a direct message where the platform allows), that
    ``sub`` was paused; best effort, each try waiting for the platform's ``pace``."""
    text = paused_notice(sub, reason)
    for where in (channel_of(sub), ChannelRef(sub.platform, sub.workspace_id, sub.created_by)):
        try:
            await pace(sub.platform)
            await adapter.send_notice(where, text)
        except Exception as exc:  # a notice is best effort
            log.info("delivery: could not tell %s that %s was paused: %r", where, channel_of(sub), exc,
                     extra=log_ids(sub))
            continue
        log.info("delivery: told %s that %s was paused", where, channel_of(sub), extra=log_ids(sub))
        return
    log.warning("delivery: nobody could be told that %s was paused (%s)", channel_of(sub), reason,
                extra=log_ids(sub))
