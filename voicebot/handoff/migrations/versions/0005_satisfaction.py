"""一次一评: the caller's satisfaction rating on the call's ticket (every call leaves one).

Today's figures read tickets by creation time through ``ix_tickets_created`` (migration 0008).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the nullable ``tickets.satisfaction`` (1 very satisfied ... 5 very dissatisfied; existing tickets: NULL)."""
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("satisfaction", sa.SmallInteger, nullable=True))


def downgrade() -> None:
    """Drop ``tickets.satisfaction``."""
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("satisfaction")
