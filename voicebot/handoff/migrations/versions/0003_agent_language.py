"""Each console user's page language (zh-CN unless they switch to en-US).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``agents.language`` (existing users read Chinese)."""
    with op.batch_alter_table("agents") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=False, server_default="zh-CN"))


def downgrade() -> None:
    """Drop ``agents.language``."""
    with op.batch_alter_table("agents") as batch:
        batch.drop_column("language")
