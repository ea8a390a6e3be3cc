"""Repeat callers: each ticket's calling number in one normal form, and the ticket it follows up (重复件).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from voicebot.handoff.caller_number import caller_key

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``tickets.caller_key`` (filled from the stored calling numbers) and ``tickets.repeat_of``."""
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("caller_key", sa.String(32), nullable=False, server_default=""))
        batch.add_column(sa.Column("repeat_of", sa.String(16), nullable=True))
        batch.create_index("ix_tickets_caller_key", ["caller_key", "status"])
        batch.create_index("ix_tickets_repeat_of", ["repeat_of"])
    tickets = sa.table("tickets", sa.column("id", sa.Integer), sa.column("calling_number", sa.String),
                       sa.column("caller_key", sa.String))  # fmt: skip
    conn = op.get_bind()
    rows = conn.execute(sa.select(tickets.c.id, tickets.c.calling_number).where(tickets.c.calling_number != ""))
    for ticket_id, number in rows.fetchall():
        key = caller_key(number)
        if key:
            conn.execute(sa.update(tickets).where(tickets.c.id == ticket_id).values(caller_key=key))


def downgrade() -> None:
    """Drop ``tickets.repeat_of`` and ``tickets.caller_key``."""
    with op.batch_alter_table("tickets") as batch:
        batch.drop_index("ix_tickets_repeat_of")
        batch.drop_index("ix_tickets_caller_key")
        batch.drop_column("repeat_of")
        batch.drop_column("caller_key")
