"""What a delivery may do and how it speaks: its attempts, lease, backoff and concurrency, the ids on its records
and log lines, and its late note (the paused notice is :mod:`bot.runtime.paused`'s). Used by
:mod:`bot.runtime.delivery`."""

from __future__ import annotations

import math
import os
import secrets
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.ports import ChannelRef
from bot.runtime.liveness import process_suffix
from digests.store.subscriptions import Subscription


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """How hard to try: attempts that reach the platform, backoff, concurrency, platform rates, and the lease
    a process holds on a delivery while it posts (longer than any one request may take)."""

    max_attempts: int = 5
    max_rate_limited: int = 50  # 429s waited out per delivery before they count against ``max_attempts`` too
    lease: timedelta = timedelta(seconds=90)
    backoff_base_s: float = 5.0
    backoff_max_s: float = 600.0
    concurrency: int = 16  # deliveries in flight per platform, at least (more where its rate allows)
    # Requests a second per platform, a little under the global limits (Discord: 50/s per bot).
    rates: Mapping[str, float] | None = None  # per platform; None: each adapter's own ``rate``
    # Roughly how long one delivery keeps its slot (a head message, thread replies a second apart per channel,
    # the records): a platform gets rate x this many deliveries in flight, so its rate, not the slots, is
    # what limits a busy minute, while a delivery waits in the pacer's queue for seconds, well within its lease.
    slot_seconds: float = 4.0
    # Deliveries ``deliver_many`` runs at once (claimed, waiting for a digest, a slot or a retry), as the
    # scheduler's ``deliver_concurrency`` does for scheduled ones: all 10,000 at once would queue 10,000 records'
    # writes ahead of the first post, each waiting on the connection pool (which gives up after 30 s).
    admit: int = 256
    find_margin: timedelta = timedelta(minutes=10)  # clock skew allowed when reading the platform back
    cache_entries: int = 256

    def slots(self, rate: float | None) -> int:
        """Deliveries in flight at once on a platform paced at ``rate`` requests a second (None: unpaced)."""
        return max(self.concurrency, math.ceil((rate or 0.0) * self.slot_seconds))

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failed attempt: doubling, capped."""
        return float(min(self.backoff_max_s, self.backoff_base_s * 2 ** max(0, attempts - 1)))


def new_owner() -> str:
    """This process's name on the delivery records it leases: host, pid, a random part (pids are reused) and, on
    Linux, what tells another process on this machine that this one is gone (:mod:`bot.runtime.liveness`)."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(4)}{process_suffix()}"


def new_nonce(subscription_id: int, digest_date: date) -> str:
    """A delivery's nonce (at most 25 characters): readable, and random so no other delivery shares it."""
    return f"k{subscription_id}-{digest_date:%y%m%d}-{secrets.token_hex(4)}"[:25]


def channel_of(sub: Subscription) -> ChannelRef:
    return ChannelRef(sub.platform, sub.workspace_id, sub.channel_id)


def log_ids(sub: Subscription) -> dict[str, object]:
    """The ids a subscription's log lines carry (``extra=``), in delivery and the schedule: channel, region,
    subscription."""
    return {"channel": str(channel_of(sub)), "region": sub.region, "subscription": sub.id}


def late_note(sub: Subscription, now: datetime) -> str:
    local = now.astimezone(ZoneInfo(sub.timezone))
    return (f"This digest is late: it was due at {sub.delivery_time} and went out at {local:%H:%M} "
            f"({sub.timezone}); the bot or the platform was unavailable.")
