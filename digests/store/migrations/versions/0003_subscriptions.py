"""Subscriptions: a channel's daily digest of a region.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from digests.store.tables import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("channel_id", sa.String(64), nullable=False),
        sa.Column("region", sa.String(40), nullable=False),
        sa.Column("delivery_time", sa.String(5), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("topics", sa.JSON),
        sa.Column("keywords", sa.JSON, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("paused_at", UTCDateTime()),
        sa.Column("pause_reason", sa.Text),
        sa.UniqueConstraint("platform", "workspace_id", "channel_id", "region", name="uq_subscriptions_channel_region"),
    )


def downgrade() -> None:
    op.drop_table("subscriptions")
