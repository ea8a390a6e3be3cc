"""Initial handoff schema: tickets, status history, agents, sessions, API tokens.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables."""
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("number", sa.String(16), nullable=False, unique=True),
        sa.Column("call_id", sa.String(128), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("calling_number", sa.String(64), nullable=False),
        sa.Column("called_number", sa.String(64), nullable=False),
        sa.Column("protocol_call_id", sa.String(256), nullable=False),
        sa.Column("intent", sa.String(128)),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("faq_topics", sa.JSON, nullable=False),
        sa.Column("transcript", sa.JSON, nullable=False),
        sa.Column("handoff_reason", sa.Text),
        sa.Column("confidential", sa.Boolean, nullable=False),
        sa.Column("recording_ref", sa.Text),
        sa.Column("started_at", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
        sa.Column("queued_at", sa.BigInteger),
        sa.Column("claimed_at", sa.BigInteger),
        sa.Column("claimed_by", sa.String(64)),
        sa.Column("resolved_at", sa.BigInteger),
        sa.Column("callback_number", sa.String(64)),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("purged_at", sa.BigInteger),
    )
    op.create_index("ix_tickets_status_queued", "tickets", ["status", "queued_at"])
    op.create_index("ix_tickets_updated", "tickets", ["updated_at"])
    op.create_table(
        "ticket_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ticket_id", sa.Integer, sa.ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_index("ix_ticket_history_ticket_id", "ticket_history", ["ticket_id"])
    op.create_table(
        "agents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("agent_id", sa.Integer, sa.ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("last_used_at", sa.BigInteger),
    )


def downgrade() -> None:
    """Drop the tables."""
    for name in ("api_tokens", "sessions", "agents", "ticket_history", "tickets"):
        op.drop_table(name)
