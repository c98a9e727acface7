"""Delivery: each subscription's digest of each day posted exactly once, recorded before and after posting.

    deliverer = Deliverer(app, {"slack": slack, "discord": discord})
    status = await deliverer.deliver(subscription, digest_date=date(2026, 11, 25))   # "posted"
    statuses = await deliverer.deliver_many(subscriptions, digest_date=date(2026, 11, 25))

The record is claimed and leased to this process (``owner``), the digest is built, and only then is the record
marked ``posting`` (attempts + 1: an attempt that goes to the platform) and committed. Before every message
the lease is renewed with what is already posted; a process whose lease was taken over stops before sending
(``LeaseLost``). A record with attempts behind it may already be on the platform: it is read back first
(``find_posted`` by the record's nonce, with the thread replies already there) and only what is missing is
posted. How an attempt ends is written on the record by :class:`bot.runtime.outcomes.Outcomes`; the life of
a record is written down in :mod:`digests.store.deliveries`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date

from bot.app import App
from bot.core.ports import ChatAdapter, Checkpoint, Posted, RateLimited
from bot.core.schedule import due_at
from bot.errors import ChannelGoneError
from bot.runtime.channel_digest import DigestCache, remembered, with_notes
from bot.runtime.delivery_policy import (
    DeliveryPolicy,
    channel_of,
    log_ids,
    new_nonce,
    new_owner,
)
from bot.runtime.liveness import owner_is_dead
from bot.runtime.outcomes import Outcomes
from bot.runtime.pacing import Paces
from digests.clock import Clock, utcnow
from digests.models import Digest
from digests.store.deliveries import FAILED, PAUSED, SKIPPED, Deliveries, Delivery, LeaseLost
from digests.store.subscriptions import Subscription

log = logging.getLogger(__name__)
BUSY = "busy"  # another process holds the record's lease: it is that process's to post


class Deliverer(Outcomes):
    """Posts digests to channels through their platform's adapter, recording every step."""

    def __init__(self, app: App, adapters: Mapping[str, ChatAdapter], *,
                 clock: Clock = utcnow,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 policy: DeliveryPolicy | None = None, deliveries: Deliveries | None = None,
                 owner: str | None = None, dead_owner: Callable[[str], bool] = owner_is_dead) -> None:
        self.app = app
        self.adapters = dict(adapters)
        self.policy = policy or DeliveryPolicy()
        self.owner = owner or new_owner()
        self._clock = clock
        self._dead_owner = dead_owner
        self._sleep = sleep
        self._deliveries = deliveries
        self._digests = DigestCache(app, entries=self.policy.cache_entries)
        rates = self.policy.rates if self.policy.rates is not None else \
            {a.platform: a.rate for a in self.adapters.values() if a.rate}
        self._paces = Paces(rates, on_wait=self._waited)
        self._pacers = self._paces.pacers  # the same dict: a platform's Pacer can be replaced in it

    def slots(self, platform: str) -> asyncio.Semaphore:
        """The platform's delivery slots (see :meth:`DeliveryPolicy.slots`)."""
        return self._paces.slots(platform, self.policy.slots)

    async def deliver_many(self, subs: Iterable[Subscription], *, digest_date: date,
                           late: bool = False) -> dict[int, str]:
        """Deliver to many channels at once (a busy minute): bounded concurrency, paced per platform, every
        one queued and none dropped. Returns each subscription's final status."""
        subs = list(subs)
        admitted = asyncio.Semaphore(self.policy.admit)

        async def admit(sub: Subscription) -> str:
            async with admitted:
                return await self.deliver(sub, digest_date=digest_date, late=late)

        outcomes = await asyncio.gather(*(admit(s) for s in subs), return_exceptions=True)
        statuses: dict[int, str] = {}
        for sub, outcome in zip(subs, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                log.error("delivery: subscription %d in %s failed: %r", sub.id, channel_of(sub), outcome,
                          extra=log_ids(sub))
                statuses[sub.id] = FAILED
            else:
                statuses[sub.id] = outcome
        return statuses

    async def deliver(self, sub: Subscription, *, digest_date: date, late: bool = False) -> str:
        """Deliver one subscription's digest of ``digest_date`` (its local date) exactly once; retry transient
        failures with backoff up to ``max_attempts`` attempts that reach the platform. Returns the status:
        posted, paused, failed, or busy (another process holds the record)."""
        depth = self.app.metrics.queue_depth.labels(platform=sub.platform)
        depth.inc()
        try:
            return await self._deliver(sub, digest_date, late)
        finally:
            depth.dec()

    async def give_up(self, sub: Subscription, *, digest_date: date, reason: str) -> str:
        """Settle an open record that is past saving (its grace period is over): read the platform back once,
        then posted or failed for good. Returns the status, or busy."""
        record = await self.deliveries.get(subscription_id=sub.id, digest_date=digest_date)
        if record is None or record.final:
            return record.status if record is not None else FAILED
        taken = await self._take(record)
        if taken is None:
            return BUSY
        async with self.slots(sub.platform):
            settled = await self._give_up(sub, replace(taken, error=reason))
        self._count(sub, settled.status)
        return settled.status

    async def skip(self, sub: Subscription, *, digest_date: date, reason: str) -> bool:
        """Record (once) that this digest will not be delivered; True if this call recorded it."""
        recorded = await self.deliveries.skip(subscription_id=sub.id, digest_date=digest_date, reason=reason,
                                              nonce=new_nonce(sub.id, digest_date), now=self._clock())
        if recorded:
            self._count(sub, SKIPPED)
        return recorded

    async def records(self, *, digest_dates: Sequence[date]) -> list[Delivery]:
        """The delivery records of these local dates (what the schedule's catch-up compares with)."""
        return await self.deliveries.of_dates(digest_dates=digest_dates)

    async def _deliver(self, sub: Subscription, digest_date: date, late: bool) -> str:
        started = await self._start(sub, digest_date, late)
        if isinstance(started, str):
            return started
        current, record = started
        try:
            settled = await self._attempts(current, record, late)
        except LeaseLost as exc:  # another process took the record over: it is theirs to post
            log.warning("delivery: %s: %s", channel_of(sub), exc, extra=log_ids(sub))
            return BUSY
        if settled is None:
            return BUSY
        if settled.final:
            self._count(sub, settled.status)
        return settled.status

    async def _attempts(self, sub: Subscription, record: Delivery, late: bool) -> Delivery | None:
        """Attempt until final, out of attempts, or the digest cannot be built (left open for the sweep).
        None: another process holds the record."""
        builds = limited = failed = 0
        while True:
            await self._ready(sub, record)
            async with self.slots(sub.platform):  # one slot per attempt: a waiting retry holds none
                # A 429 stored nothing: it is waited out (queued, never dropped), not counted as an attempt, up to
                # ``max_rate_limited`` times in this process (then it counts, so no delivery loops for ever).
                outcome = await self._attempt(sub, record, late, refund=limited < self.policy.max_rate_limited)
            if outcome is None:
                return None
            record, reached = outcome
            builds += reached is False
            limited += reached is None
            failed += reached is True
            if record.final:
                return record
            # Failures the platform answered, here: attempts a crash cut short (counted in the record, so that
            # the next one reads back) are no failure of the platform's; repeated crashes end with the grace time.
            if failed + max(0, limited - self.policy.max_rate_limited) >= self.policy.max_attempts:
                async with self.slots(sub.platform):
                    return await self._give_up(sub, record)
            if builds >= self.policy.max_attempts:  # left open: the schedule's sweep tries again later
                log.error("delivery: the digest for %s could not be built %d times (%s); trying again later",
                          channel_of(sub), builds, record.error, extra=log_ids(sub))
                return record
            if record.retry_at is not None:
                await self._sleep(max(0.0, (record.retry_at - self._clock()).total_seconds()))

    async def _ready(self, sub: Subscription, record: Delivery) -> None:
        """Wait for the subscription's shared digest before taking a slot: in a busy minute the slots go to
        deliveries that can post while the other filters' digests are still being built (a failed build is
        left to the attempt, which records it)."""
        with contextlib.suppress(Exception):
            await self._digests.get(sub, due_at(sub, record.digest_date))

    async def _start(self, sub: Subscription, digest_date: date, late: bool) -> tuple[Subscription, Delivery] | str:
        current = await self.app.subscriptions.get(subscription_id=sub.id)
        if current is None or not current.active:
            return PAUSED
        record = await self.deliveries.claim(subscription_id=sub.id, digest_date=digest_date, late=late,
                                             nonce=new_nonce(sub.id, digest_date), now=self._clock())
        if record.final:
            return record.status
        if sub.platform not in self.adapters:
            record = await self.deliveries.mark_failed(
                delivery_id=record.id, retry_at=None, now=self._clock(),
                error=f"delivery: no {sub.platform} adapter is running; enable it in the settings")
            log.error("%s (for %s)", record.error, channel_of(sub), extra=log_ids(sub))
            self._count(sub, record.status)
            return record.status
        return current, record

    async def _attempt(self, sub: Subscription, record: Delivery, late: bool, *,
                       refund: bool = False) -> tuple[Delivery, bool | None] | None:
        """One attempt under this process's lease: build the digest, record ``posting``, read back what an
        earlier attempt left on the platform, post the rest. None when another process holds the record;
        else the record after it and whether the attempt reached the platform (None: it was rate limited)."""
        taken = await self._take(record)
        if taken is None:
            log.info("delivery: %s is being delivered by another process; leaving it", channel_of(sub),
                     extra=log_ids(sub))
            return None
        record, late = taken, late or taken.late
        try:
            digest = await self._compose(sub, record, late)
        except Exception as exc:  # the digest could not be built: nothing went to the platform
            return await self._failed(sub, record, exc), False
        adapter, channel = self.adapters[sub.platform], channel_of(sub)
        try:
            record = await self.deliveries.mark_posting(delivery_id=record.id, owner=self.owner, now=self._clock(),
                                                        lease=self.policy.lease, late=late)
            # Read back after an earlier attempt, or what a refunded one (a 429 mid-thread) already posted.
            earlier = record.attempts > 1 or bool(record.message_ids)
            before = await self._find(adapter, channel, record) if earlier else None
            if before is not None:
                log.info("delivery: %s already has %d message(s) of its digest (%s); posting only the rest",
                         channel, len(before.message_ids), record.nonce, extra=log_ids(sub))
            posted = await adapter.post_digest(channel, digest, nonce=record.nonce, resume=before,
                                               checkpoint=self._checkpoint(record, sub.platform))
        except LeaseLost:
            raise
        except ChannelGoneError as exc:
            return await self._gone(sub, record, exc), True
        except RateLimited as exc:  # reached the platform, which stored nothing and said when to come back
            return await self._failed(sub, record, exc, refund=refund), None
        except Exception as exc:  # anything else is transient: retried with backoff, bounded
            return await self._failed(sub, record, exc), True
        return await self._posted(record, posted, digest), True

    async def _take(self, record: Delivery) -> Delivery | None:
        """Lease the record: at once from an owner whose process is provably gone (killed on this machine), else
        when no live lease is held on it."""
        dead = record.owner if record.owner not in (None, self.owner) and self._dead_owner(record.owner) else None
        if dead is not None:
            log.info("delivery: %s's process is gone; taking over its delivery %d", dead, record.id)
        return await self.deliveries.take(delivery_id=record.id, owner=self.owner, now=self._clock(),
                                          lease=self.policy.lease, dead_owner=dead)

    def _checkpoint(self, record: Delivery, platform: str) -> Checkpoint:
        """Called by the adapter before each message: renew the lease, recording what is posted so far, then
        wait for the platform's pace (each message is one request to its limit), so the message goes out at its
        turn (a database write in between would bunch the posts: 429s). After a wait longer than half the
        lease, the lease is renewed and the turn waited for again: the message always goes within the lease."""
        async def checkpoint(posted: Posted) -> None:
            while True:
                await self.deliveries.renew(delivery_id=record.id, owner=self.owner, now=self._clock(),
                                            lease=self.policy.lease, message_ids=posted.message_ids,
                                            thread_id=posted.thread_id)
                if await self._paces.wait(platform) <= self.policy.lease.total_seconds() / 2:
                    return
        return checkpoint

    def _waited(self, platform: str, seconds: float) -> None:
        self.app.metrics.rate_limit_wait.labels(platform=platform).inc(seconds)

    async def _compose(self, sub: Subscription, record: Delivery, late: bool) -> Digest:
        """The shared digest, with the failing-feed notes this subscription has not had yet and a late note,
        after the channel's memory of stories."""
        digest = await self._digests.get(sub, due_at(sub, record.digest_date))
        digest = await with_notes(self.deliveries, sub, record, digest, late=late, clock=self._clock)
        return await self._remembered(sub, record, digest)

    async def _remembered(self, sub: Subscription, record: Delivery, digest: Digest) -> Digest:
        """This channel's digest after its memory of stories (:func:`bot.runtime.channel_digest.remembered`)."""
        known = self._digests.texts(sub, due_at(sub, record.digest_date))  # read once per digest, not per channel
        return await remembered(self.deliveries, sub, record, digest, known=known)
