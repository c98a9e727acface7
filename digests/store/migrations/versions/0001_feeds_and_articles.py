"""Feeds with their health, and articles.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from digests.store.tables import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.String(2048), nullable=False, unique=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("etag", sa.String(1024)),
        sa.Column("last_modified", sa.String(100)),
        sa.Column("last_attempt_at", UTCDateTime()),
        sa.Column("last_success_at", UTCDateTime()),
        sa.Column("next_attempt_at", UTCDateTime()),
        sa.Column("consecutive_failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
        sa.Column("last_status", sa.Integer),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
        sa.Column("url", sa.String(2048), nullable=False, unique=True),
        sa.Column("link", sa.String(2048), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("author", sa.String(300)),
        sa.Column("language", sa.String(8)),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("text_origin", sa.String(16), nullable=False),
        sa.Column("extraction_error", sa.Text),
        sa.Column("published_at", UTCDateTime()),
        sa.Column("fetched_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_articles_content_hash", "articles", ["content_hash"], unique=True)
    op.create_index("ix_articles_feed_published", "articles", ["feed_id", "published_at"])
    op.create_index("ix_articles_fetched_at", "articles", ["fetched_at"])


def downgrade() -> None:
    op.drop_table("articles")
    op.drop_table("feeds")
