"""FAQ answers the supervisors edit, versioned (the bot speaks the newest; ``knowledge/faq.yaml`` seeds them);
drafts of new topics and questions and the publishes that train a new Rasa model from them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``faq_answers`` (filled from ``knowledge/faq.yaml`` when the bot or console starts), the drafts of
    new topics and questions, and the publishes that train them."""
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


    op.create_table(
        "faq_drafts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("publish_id", sa.Integer),
    )
    op.create_table(
        "faq_publishes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("started_at", sa.BigInteger, nullable=False),
        sa.Column("finished_at", sa.BigInteger),
        sa.Column("baseline_f1", sa.Float),
        sa.Column("candidate_f1", sa.Float),
        sa.Column("model_path", sa.Text),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
    )


def downgrade() -> None:
    """Drop the knowledge base tables."""
    op.drop_table("faq_publishes")
    op.drop_table("faq_drafts")
    op.drop_table("faq_answers")
