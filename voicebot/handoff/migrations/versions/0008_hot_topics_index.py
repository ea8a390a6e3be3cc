"""An index on ``tickets.created_at``: the hot-topics page and its metrics count tickets by the day they came in.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``ix_tickets_created``."""
    op.create_index("ix_tickets_created", "tickets", ["created_at"])


def downgrade() -> None:
    """Drop ``ix_tickets_created``."""
    op.drop_index("ix_tickets_created", table_name="tickets")
