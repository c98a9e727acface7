"""A channel's memory of stories: what each subscription's digest of each day showed of each story, and the
message that carried it (so the next days show only what is new, as an update that links back).

Revision ID: 0008_i16m
Revises: 0007_i15
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from digests.store.tables import UTCDateTime

revision = "0008_i16m"
down_revision = "0007_i15"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stories_shown",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("subscription_id", sa.Integer, sa.ForeignKey("subscriptions.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("story_id", sa.Integer, nullable=False),
        sa.Column("digest_date", sa.String(10), nullable=False),
        sa.Column("outlets", sa.JSON, nullable=False),
        sa.Column("sentences", sa.JSON, nullable=False),
        sa.Column("link", sa.String(1000)),
        sa.Column("article_ids", sa.JSON, nullable=False),
        sa.Column("shown_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("subscription_id", "story_id", "digest_date", name="uq_stories_shown_sub_story_date"),
    )


def downgrade() -> None:
    op.drop_table("stories_shown")
