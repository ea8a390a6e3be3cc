"""一次一评: the caller's satisfaction rating on the call's ticket (every call leaves one); tickets by creation time.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the nullable ``tickets.satisfaction`` (1 very satisfied ... 5 very dissatisfied; existing tickets: NULL)
    and an index on ``created_at`` (the supervisor page's figures for today read it on every load)."""
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("satisfaction", sa.SmallInteger, nullable=True))
        batch.create_index("ix_tickets_created", ["created_at"])


def downgrade() -> None:
    """Drop ``tickets.satisfaction`` and the ``created_at`` index."""
    with op.batch_alter_table("tickets") as batch:
        batch.drop_index("ix_tickets_created")
        batch.drop_column("satisfaction")
