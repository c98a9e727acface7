"""What one channel receives on one day: the digest built once per (region, topics, keywords, timezone,
window end) and shared by every channel that wants it (``DigestCache``), with the failing-feed notes this
channel has not had yet and a late note (``with_notes``), after the channel's memory of stories
(``remembered``). Used by :class:`bot.runtime.delivery.Deliverer`; the record's life is its business.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection
from dataclasses import replace
from datetime import datetime

from bot.app import App
from bot.runtime.delivery_policy import late_note
from digests.memory import plan_digest, to_read, with_read
from digests.models import Digest
from digests.store.deliveries import Deliveries, Delivery
from digests.store.subscriptions import Subscription

DigestKey = tuple[str, tuple[str, ...] | None, tuple[str, ...], str, datetime]
Texts = dict[int, str | None]  # article id -> its text (None: pruned), as read for a digest's channels


def _key(sub: Subscription, window_end: datetime) -> DigestKey:
    return sub.region, sub.topics, sub.keywords, sub.timezone, window_end


class DigestCache:
    """Digests built once per (region, topics, keywords, timezone, window end), shared by every channel that
    wants one. The window and its times are the subscriber's local day. Beside each digest, the texts of the
    earlier articles its channels' memories read (``texts``): read once per digest, not once per channel."""

    def __init__(self, app: App, *, entries: int) -> None:
        self.app = app
        self.entries = entries
        self._tasks: dict[DigestKey, asyncio.Task[Digest]] = {}
        self._texts: dict[DigestKey, Texts] = {}

    def texts(self, sub: Subscription, window_end: datetime) -> Texts:
        """The article texts read so far for this digest's channels (kept while the digest is)."""
        key = _key(sub, window_end)
        return self._texts.setdefault(key, {}) if key in self._tasks else {}

    async def get(self, sub: Subscription, window_end: datetime) -> Digest:
        key = _key(sub, window_end)
        task = self._tasks.get(key)
        if task is None or (task.done() and (task.cancelled() or task.exception() is not None)):
            task = asyncio.ensure_future(self.app.build_digest(
                sub.region, now=window_end, topics=sub.topics, keywords=sub.keywords, timezone=sub.timezone))
            self._tasks[key] = task
            while len(self._tasks) > self.entries:
                oldest = next(iter(self._tasks))
                del self._tasks[oldest]
                self._texts.pop(oldest, None)
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


async def remembered(deliveries: Deliveries, sub: Subscription, record: Delivery, digest: Digest, *,
                     known: Texts | None = None) -> Digest:
    """This channel's digest after its memory of stories: repeats without anything new left out, stories
    with something new as updates (:func:`digests.memory.plan_digest`). ``known``: the article texts already
    read (:meth:`DigestCache.texts`), kept up to date here."""
    ids = [s.story_id for s in (*digest.stories, *digest.more) if s.story_id is not None]
    memory = await deliveries.seen(subscription_id=sub.id, story_ids=ids, before=record.digest_date)
    texts = await _read(deliveries, to_read(digest, memory), {} if known is None else known)
    return plan_digest(digest, with_read(memory, texts)).digest


async def _read(deliveries: Deliveries, article_ids: Collection[int], known: Texts) -> dict[int, str]:
    """The texts of these articles (those not pruned), asking the store only for those not in ``known``
    (articles are never rewritten, so a text read once stands)."""
    missing = [i for i in article_ids if i not in known]
    if missing:
        found = await deliveries.article_texts(article_ids=missing)
        known.update({i: found.get(i) for i in missing})
    return {i: text for i in article_ids if (text := known[i]) is not None}
