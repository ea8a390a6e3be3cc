"""A ticket says when its call's recording failed (the disk was full): ``tickets.recording_missing``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``tickets.recording_missing`` (existing tickets: false)."""
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("recording_missing", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    """Drop ``tickets.recording_missing``."""
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("recording_missing")
