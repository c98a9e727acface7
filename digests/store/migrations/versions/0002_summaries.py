"""Summaries: one per article and summary configuration, computed once.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from digests.store.tables import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "summaries",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("config", sa.String(100), primary_key=True),
        sa.Column("sentences", sa.JSON, nullable=False),
        sa.Column("algorithm", sa.String(40), nullable=False),
        sa.Column("language", sa.String(8)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("summaries")
