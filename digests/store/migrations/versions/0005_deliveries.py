"""Deliveries: one record per subscription and digest day, written before anything is posted.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from digests.store.tables import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("subscription_id", sa.Integer, sa.ForeignKey("subscriptions.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("digest_date", sa.String(10), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("nonce", sa.String(25), nullable=False, unique=True),
        sa.Column("message_ids", sa.JSON, nullable=False),
        sa.Column("thread_id", sa.String(64)),
        sa.Column("late", sa.Boolean, nullable=False),
        sa.Column("feed_notes", sa.JSON, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("retry_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("posted_at", UTCDateTime()),
        sa.UniqueConstraint("subscription_id", "digest_date", name="uq_deliveries_subscription_date"),
    )
    op.create_index("ix_deliveries_status", "deliveries", ["status", "digest_date"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_status", table_name="deliveries")
    op.drop_table("deliveries")
