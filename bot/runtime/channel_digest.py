"""What one channel receives on one day: the digest built once per (region, topics, keywords, timezone,
window end) and shared by every channel that wants it (``DigestCache``), with the failing-feed notes this
channel has not had yet and a late note (``with_notes``), after the channel's memory of stories
(``remembered``). Used by :class:`bot.runtime.delivery.Deliverer`; the record's life is its business.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from bot.app import App
from bot.runtime.delivery_policy import late_note
from digests.memory import plan_digest, to_read, with_read
from digests.models import Digest
from digests.store.deliveries import Deliveries, Delivery
from digests.store.subscriptions import Subscription

DigestKey = tuple[str, tuple[str, ...] | None, tuple[str, ...], str, datetime]


class DigestCache:
    """Digests built once per (region, topics, keywords, timezone, window end), shared by every channel that
    wants one. The window and its times are the subscriber's local day."""

    def __init__(self, app: App, *, entries: int) -> None:
        self.app = app
        self.entries = entries
        self._tasks: dict[DigestKey, asyncio.Task[Digest]] = {}

    async def get(self, sub: Subscription, window_end: datetime) -> Digest:
        key: DigestKey = (sub.region, sub.topics, sub.keywords, sub.timezone, window_end)
        task = self._tasks.get(key)
        if task is None or (task.done() and (task.cancelled() or task.exception() is not None)):
            task = asyncio.ensure_future(self.app.build_digest(
                sub.region, now=window_end, topics=sub.topics, keywords=sub.keywords, timezone=sub.timezone))
            self._tasks[key] = task
            while len(self._tasks) > self.entries:
                del self._tasks[next(iter(self._tasks))]
        return await asyncio.shield(task)


async def with_notes(deliveries: Deliveries, sub: Subscription, record: Delivery, digest: Digest, *, late: bool,
                     clock: Callable[[], datetime]) -> Digest:
    """``digest`` with the failing-feed notes this subscription has not had yet (recorded on ``record``), and a
    late note when ``late``."""
    notes = list(digest.notes)
    if notes:
        before = await deliveries.previous(subscription_id=sub.id, before=record.digest_date)
        await deliveries.set_feed_notes(delivery_id=record.id, notes=notes, now=clock())
        notes = [n for n in notes if before is None or n not in before.feed_notes]
    if late:
        notes.append(late_note(sub, clock()))
    return replace(digest, notes=tuple(notes))


async def remembered(deliveries: Deliveries, sub: Subscription, record: Delivery, digest: Digest) -> Digest:
    """This channel's digest after its memory of stories: repeats without anything new left out, stories
    with something new as updates (:func:`digests.memory.plan_digest`)."""
    ids = [s.story_id for s in (*digest.stories, *digest.more) if s.story_id is not None]
    memory = await deliveries.seen(subscription_id=sub.id, story_ids=ids, before=record.digest_date)
    texts = await deliveries.article_texts(article_ids=to_read(digest, memory))
    return plan_digest(digest, with_read(memory, texts)).digest
