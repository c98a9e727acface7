"""How a delivery attempt ends, written on its record: posted (with what it showed of each story), failed and
retried (after the backoff, or the platform's own wait), paused (the channel is gone), or given up (after reading
the channel back once). The record side of :class:`bot.runtime.delivery.Deliverer`, which sets the attributes
declared here; the life of a record is written down in :mod:`digests.store.deliveries`.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.app import App
from bot.core.ports import ChannelRef, ChatAdapter, Posted, RateLimited
from bot.errors import ChannelGoneError
from bot.runtime.delivery_policy import DeliveryPolicy, channel_of, log_ids
from bot.runtime.pacing import Paces
from bot.runtime.paused import tell_paused
from digests.clock import Clock
from digests.memory import shown_of
from digests.models import Digest
from digests.store.deliveries import Deliveries, Delivery
from digests.store.subscriptions import Subscription

log = logging.getLogger("bot.runtime.delivery")  # the delivery's log, as before this part had a module of its own


class Outcomes:
    """The record side of :class:`bot.runtime.delivery.Deliverer` (which sets these attributes)."""

    app: App
    adapters: dict[str, ChatAdapter]
    policy: DeliveryPolicy
    owner: str
    _clock: Clock
    _paces: Paces
    _deliveries: Deliveries | None

    @property
    def deliveries(self) -> Deliveries:
        if self._deliveries is None:
            self._deliveries = Deliveries(self.app.store.engine)
        return self._deliveries

    def _count(self, sub: Subscription, status: str) -> None:
        self.app.metrics.deliveries.labels(platform=sub.platform, status=status).inc()

    async def _give_up(self, sub: Subscription, record: Delivery) -> Delivery:
        """Out of attempts or time. A record with attempts behind it may still have posted: look once, never
        post again."""
        error = f"delivery: gave up after {record.attempts} attempts ({record.error or 'interrupted'})"
        if record.attempts > 0 or record.message_ids:
            try:
                found = await self._find(self.adapters[sub.platform], channel_of(sub), record)
            except Exception as exc:  # reading back failed too: give up as planned
                found, error = None, f"{error}; reading the channel back failed: {exc!r}"
            if found is not None:
                return await self._posted(record, found)
        log.error("%s for %s", error, channel_of(sub), extra=log_ids(sub))
        return await self.deliveries.mark_failed(delivery_id=record.id, error=error, retry_at=None,
                                                 now=self._clock(), owner=self.owner)

    async def _find(self, adapter: ChatAdapter, channel: ChannelRef, record: Delivery) -> Posted | None:
        await self._paces.wait(channel.platform)
        return await adapter.find_posted(channel, record.nonce, since=record.created_at - self.policy.find_margin)

    async def _posted(self, record: Delivery, posted: Posted, digest: Digest | None = None) -> Delivery:
        """Record the posted digest and, in the same transaction, what it showed of each story (unknown when
        a digest given up on is found posted: then the channel's memory misses that day)."""
        shown = shown_of(digest, day=record.digest_date.isoformat(), links=dict(posted.links)) if digest else []
        return await self.deliveries.mark_posted(delivery_id=record.id, message_ids=posted.message_ids,
                                                 thread_id=posted.thread_id, now=self._clock(), shown=shown)

    async def _failed(self, sub: Subscription, record: Delivery, exc: Exception, *, refund: bool = False) -> Delivery:
        wait = self.policy.backoff(max(record.attempts, 1))
        hint = exc.retry_after if isinstance(exc, RateLimited) else None
        if hint is not None:  # the platform said when: no backoff on top (429s do not count as failures)
            wait = hint
            self._paces.hold(sub.platform, hint)
        now = self._clock()
        log.warning("delivery: attempt %d for %s failed (%r); retrying in %.0f s", record.attempts,
                    channel_of(sub), exc, wait, extra=log_ids(sub))
        self._count(sub, "retry")
        return await self.deliveries.mark_failed(delivery_id=record.id, error=f"{exc.__class__.__name__}: {exc}",
                                                 retry_at=now + timedelta(seconds=wait), now=now, owner=self.owner,
                                                 refund=refund)

    async def _gone(self, sub: Subscription, record: Delivery, exc: ChannelGoneError) -> Delivery:
        """The channel is gone or forbids the bot: pause its subscriptions and tell someone, where possible."""
        record, count = await self.deliveries.mark_paused(delivery_id=record.id, error=str(exc), now=self._clock())
        log.warning("%s; paused %d subscription(s)", exc, count, extra=log_ids(sub))
        await tell_paused(self.adapters[sub.platform], sub, exc.reason, pace=self._paces.wait)
        return record
