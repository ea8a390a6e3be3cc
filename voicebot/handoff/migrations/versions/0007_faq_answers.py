"""FAQ answers the supervisors edit, versioned (the bot speaks the newest; ``knowledge/faq.yaml`` seeds them).

Revision ID: 0007
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``faq_answers`` (filled from ``knowledge/faq.yaml`` when the bot or console starts)."""
    op.create_table(
        "faq_answers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("topic", "language", "version", name="uq_faq_answers_version"),
    )


def downgrade() -> None:
    """Drop ``faq_answers``."""
    op.drop_table("faq_answers")
