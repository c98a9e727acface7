"""Topic evidence: feed items' categories, and the topics a region's digests placed articles under.

Revision ID: 0006_i11
Revises: 0006_i10
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from digests.store.tables import UTCDateTime

revision = "0006_i11"
down_revision = "0006_i10"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("categories", sa.JSON, nullable=True))
    op.create_table(
        "topic_placements",
        sa.Column("region", sa.String(40), primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("topic", sa.String(100), nullable=False),
        sa.Column("placed_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_topic_placements_region_placed", "topic_placements", ["region", "placed_at"])


def downgrade() -> None:
    op.drop_index("ix_topic_placements_region_placed", table_name="topic_placements")
    op.drop_table("topic_placements")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("categories")
