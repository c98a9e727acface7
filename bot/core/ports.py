"""What the core knows of a chat platform: channel and user references, limits, and the adapter protocol."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from digests.models import Digest, Story
from digests.store import FeedHealth, Subscription


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """A channel on a platform: ``("discord", guild id, channel id)`` or ``("slack", team id, channel id)``."""

    platform: str
    workspace_id: str
    channel_id: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.workspace_id}/{self.channel_id}"


@dataclass(frozen=True, slots=True)
class UserRef:
    """Who ran a command. ``can_manage`` is decided by the adapter from the platform's own permissions
    (Discord: Manage Channels or Manage Server; Slack: workspace admin or owner) or the settings' list."""

    platform: str
    user_id: str
    name: str
    can_manage: bool = False
    unverified: str = ""  # why the adapter could not check the user's role, when it could not


@dataclass(frozen=True, slots=True)
class Limits:
    """A platform's message limits the renderers keep to."""

    message_chars: int
    blocks_per_message: int  # Discord: embeds per message; Slack: blocks per message
    block_chars: int  # Discord: embed description; Slack: section text
    total_chars: int  # Discord: all embeds of one message; Slack: a message's text in all
    messages_per_second: float = 1.0  # per channel


DISCORD_LIMITS = Limits(message_chars=2000, blocks_per_message=10, block_chars=4096, total_chars=6000,
                        messages_per_second=5.0)
SLACK_LIMITS = Limits(message_chars=40000, blocks_per_message=50, block_chars=3000, total_chars=40000,
                      messages_per_second=1.0)


@dataclass(frozen=True, slots=True)
class Posted:
    """What a platform returned for one posted digest: the head message and the thread's messages."""

    message_ids: tuple[str, ...]
    thread_id: str | None = None
    links: tuple[tuple[str, str], ...] = ()  # (story key, link of the message that carried it), where known


Checkpoint = Callable[[Posted], Awaitable[None]]
"""Called by an adapter before each message of a digest with what is already posted; raises to stop it (the
delivery's lease was lost: another process may be posting the same digest)."""


@dataclass(frozen=True, slots=True)
class Reply:
    """The core's answer to a command. ``text`` is the core's own words (light Markdown: ``**bold**`` and
    backticks); article content travels only as values (``digest``, ``story``) that adapters render and
    neutralise for their platform, and other third-party text (feed names, fetch errors) as ``lines``: shown
    after ``text``, one a line, as plain text with no markup or mention left active."""

    text: str
    ok: bool = True
    digest: Digest | None = None
    story: Story | None = None
    lines: tuple[str, ...] = ()
    private: bool = False  # shown only to the person who asked, where the platform can


class RateLimited(Exception):
    """The platform refused a request for now; try again after ``retry_after`` seconds. Adapters raise it in
    place of their library's own rate-limit errors, so the core never reads a platform's exception types."""

    def __init__(self, platform: str, retry_after: float) -> None:
        super().__init__(f"{platform}: rate limited; retry after {retry_after:.0f} s")
        self.platform = platform
        self.retry_after = retry_after


class ChatAdapter(Protocol):
    """A platform adapter: what the core needs of it. No I/O in ``__init__``; ``start``/``stop`` connect and
    disconnect. Posting raises :class:`bot.errors.ChannelGoneError` for a channel that is gone or closed to the
    bot and :class:`RateLimited` when the platform says to wait; anything else is transient."""

    platform: str
    limits: Limits
    rate: float | None  # requests a second the platform allows this bot in all (None: no limit)
    access_hint: str  # what the bot needs in a channel to post there, said when it cannot

    @property
    def connected(self) -> bool:
        """Connected and able to post (what /readyz asks)."""

    async def start(self) -> None:
        """Connect, register commands, begin handling events."""

    async def stop(self) -> None:
        """Disconnect cleanly."""

    async def post_digest(self, channel: ChannelRef, digest: Digest, *, nonce: str | None = None,
                          resume: Posted | None = None, checkpoint: Checkpoint | None = None) -> Posted:
        """Render ``digest`` for the platform within its limits and post it (overflow in a thread). With
        ``resume`` (what ``find_posted`` found), post only the messages that are not there yet. ``checkpoint``
        is awaited before each message; the adapter posts no request that its library retries blindly."""

    async def send_notice(self, channel: ChannelRef, text: str) -> None:
        """Post a short plain message (e.g. to tell admins a subscription was paused)."""

    async def find_posted(self, channel: ChannelRef, nonce: str, since: datetime) -> Posted | None:
        """A digest posted with ``nonce`` since ``since``, read back from the platform, or None: its head
        message, then the thread replies already posted, in order. Lets a delivery interrupted between posting
        and recording find out what it did post."""


class SubscriptionStore(Protocol):
    """Where the core keeps channels' subscriptions (``digests.store.Subscriptions``)."""

    async def upsert(self, *, platform: str, workspace_id: str, channel_id: str, region: str, delivery_time: str,
                     timezone: str, topics: Sequence[str] | None, keywords: Sequence[str], user_id: str,
                     now: datetime) -> tuple[Subscription, bool]: ...

    async def remove(self, *, platform: str, workspace_id: str, channel_id: str,
                     region: str | None = None) -> list[str]: ...

    async def for_channel(self, *, platform: str, workspace_id: str, channel_id: str) -> list[Subscription]: ...


class Newsroom(Protocol):
    """What the core asks of the news pipeline (``bot.app.App`` wires it): digests, and stories on request."""

    async def build_digest(self, region_name: str, *, now: datetime, hours: int | None = None,
                           topics: Collection[str] | None = None, keywords: Sequence[str] = (),
                           timezone: str | None = None) -> Digest:
        """The region's digest for the ``hours`` before ``now``, filtered, its times in ``timezone``."""

    async def summarize_url(self, url: str, *, deadline_s: float) -> Story | None:
        """A page someone sent, summarised (public addresses only); None when it holds no article text."""

    async def find_story(self, words: str, *, now: datetime, days: int) -> Story | None:
        """The story of the last ``days`` that best matches ``words``, or None."""

    async def feed_health(self, *, urls: Sequence[str]) -> list[FeedHealth]:
        """The read state of these feeds (those never read yet are absent)."""

