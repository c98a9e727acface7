"""Deliveries get an owner and a lease: only the process holding a live lease may post a digest.

Revision ID: 0006_i10
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from digests.store.tables import UTCDateTime

revision = "0006_i10"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("owner", sa.String(80)))
        batch.add_column(sa.Column("lease_until", UTCDateTime()))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("lease_until")
        batch.drop_column("owner")
