"""Tables. Every change to them is a new Alembic migration in ``migrations/versions`` (append-only)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware UTC datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None


class Base(DeclarativeBase):
    pass


class FeedRow(Base):
    """A feed URL and its health. Regions refer to feeds by URL in the settings."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    etag: Mapped[str | None] = mapped_column(String(1024))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_status: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ArticleRow(Base):
    """One article, stored once however many regions and channels use it."""

    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_content_hash", "content_hash", unique=True),  # same text under two URLs: stored once
        Index("ix_articles_feed_published", "feed_id", "published_at"),
        Index("ix_articles_fetched_at", "fetched_at"),
        Index("ix_articles_story", "story_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2048), unique=True)  # canonical URL
    link: Mapped[str] = mapped_column(String(2048))  # as given by the feed
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(300))
    language: Mapped[str | None] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(300))  # the outlet's name
    content_hash: Mapped[str] = mapped_column(String(64))
    # "page": text extracted from the article page; "feed": the page could not be read, the feed's summary
    text_origin: Mapped[str] = mapped_column(String(16))
    extraction_error: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    categories: Mapped[list[str] | None] = mapped_column(JSON)  # the feed item's own (migration 0006_i11)
    story_id: Mapped[int | None] = mapped_column(Integer)  # stories.id, set when it is stored


class StoryRow(Base):
    """One event, as first assigned when its first article was stored. Outlives its articles (retention)."""

    __tablename__ = "stories"
    __table_args__ = (Index("ix_stories_last_seen", "last_seen"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    language: Mapped[str | None] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(Text)  # the first article's headline
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    articles: Mapped[int] = mapped_column(Integer)


class SummaryRow(Base):
    """An article's summary under one configuration (``algorithm:sentences:max_chars``)."""

    __tablename__ = "summaries"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    config: Mapped[str] = mapped_column(String(100), primary_key=True)
    sentences: Mapped[list[str]] = mapped_column(JSON)
    algorithm: Mapped[str] = mapped_column(String(40))  # what actually ran ("lead" after a fallback)
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SubscriptionRow(Base):
    """A channel's daily digest of one region, at a local time."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("platform", "workspace_id", "channel_id", "region", name="uq_subscriptions_channel_region"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    workspace_id: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(64))
    region: Mapped[str] = mapped_column(String(40))
    delivery_time: Mapped[str] = mapped_column(String(5))  # "HH:MM", local to ``timezone``
    timezone: Mapped[str] = mapped_column(String(64))
    topics: Mapped[list[str] | None] = mapped_column(JSON)  # None: every topic
    keywords: Mapped[list[str]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pause_reason: Mapped[str | None] = mapped_column(Text)


class DeliveryRow(Base):
    """One subscription's digest of one local day: written (``posting``) before it is posted, so a crash at any
    moment leaves a record that says whether to look on the platform before posting again."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "digest_date", name="uq_deliveries_subscription_date"),
        Index("ix_deliveries_status", "status", "digest_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"))
    digest_date: Mapped[str] = mapped_column(String(10))  # "YYYY-MM-DD", local to the subscription
    status: Mapped[str] = mapped_column(String(10))  # pending | posting | posted | failed | paused | skipped
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    nonce: Mapped[str] = mapped_column(String(25), unique=True)  # marks the posted message on the platform
    message_ids: Mapped[list[str]] = mapped_column(JSON)
    thread_id: Mapped[str | None] = mapped_column(String(64))
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    feed_notes: Mapped[list[str]] = mapped_column(JSON)  # failing-feed notes current when it was built
    error: Mapped[str | None] = mapped_column(Text)
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    owner: Mapped[str | None] = mapped_column(String(80))  # the process that may post it now (see deliveries.py)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())  # ... until then


class TopicPlacementRow(Base):
    """The topic a region's digest placed an article under: labelled context for later days' digests."""

    __tablename__ = "topic_placements"
    __table_args__ = (Index("ix_topic_placements_region_placed", "region", "placed_at"),)

    region: Mapped[str] = mapped_column(String(40), primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(100))
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StoryShownRow(Base):
    """What one subscription's digest of one local day showed of one story, and the message that carried it:
    the channel's memory of stories (migration 0008_i16m). Written with the delivery's ``posted`` mark."""

    __tablename__ = "stories_shown"
    __table_args__ = (
        UniqueConstraint("subscription_id", "story_id", "digest_date", name="uq_stories_shown_sub_story_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"))
    story_id: Mapped[int] = mapped_column(Integer)  # stories.id
    digest_date: Mapped[str] = mapped_column(String(10))  # "YYYY-MM-DD", local to the subscription
    outlets: Mapped[list[str]] = mapped_column(JSON)
    sentences: Mapped[list[str]] = mapped_column(JSON)
    link: Mapped[str | None] = mapped_column(String(1000))  # Discord message link / Slack permalink
    article_ids: Mapped[list[int]] = mapped_column(JSON)  # the articles it linked to
    shown_at: Mapped[datetime] = mapped_column(UTCDateTime())
