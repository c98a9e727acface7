"""Stories kept in the database: each article is assigned its story when it is stored.

A story outlives its articles (retention deletes old articles, never stories), so its identity, headline and
first and last sighting stay for story memory across days. ``articles.story_id`` is a plain indexed column
(no foreign key: adding one to SQLite would rebuild ``articles`` and drop its full-text triggers).

Revision ID: 0007_i15
Revises: 0006_i11
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from digests.store.tables import UTCDateTime

revision = "0007_i15"
down_revision = "0006_i11"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("language", sa.String(8)),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("first_seen", UTCDateTime(), nullable=False),
        sa.Column("last_seen", UTCDateTime(), nullable=False),
        sa.Column("articles", sa.Integer, nullable=False),
    )
    op.create_index("ix_stories_last_seen", "stories", ["last_seen"])
    op.add_column("articles", sa.Column("story_id", sa.Integer))
    op.create_index("ix_articles_story", "articles", ["story_id"])


def downgrade() -> None:
    op.drop_index("ix_articles_story", "articles")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("story_id")
    op.drop_index("ix_stories_last_seen", "stories")
    op.drop_table("stories")
