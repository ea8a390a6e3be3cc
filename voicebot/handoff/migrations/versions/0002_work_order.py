"""The 12345 work order on tickets (type, category, urgency, deadline, area, department) and field-change history.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COLUMNS = (
    ("request_type", sa.String(16)),
    ("category", sa.String(64)),
    ("subcategory", sa.String(64)),
    ("urgency", sa.String(16)),
    ("deadline_at", sa.BigInteger),
    ("district", sa.String(64)),
    ("street", sa.String(64)),
    ("community", sa.String(64)),
    ("area_resolved", sa.Boolean),
    ("department", sa.String(128)),
    ("work_order", sa.JSON),
)


def upgrade() -> None:
    """Add the nullable work-order columns (existing tickets keep NULL) and the change-history table."""
    with op.batch_alter_table("tickets") as batch:
        for name, type_ in COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
        batch.create_index("ix_tickets_department", ["department"])
    op.create_table(
        "ticket_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ticket_id", sa.Integer, sa.ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("old", sa.Text),
        sa.Column("new", sa.Text),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_ticket_changes_ticket_id", "ticket_changes", ["ticket_id"])


def downgrade() -> None:
    """Drop the change history and the work-order columns."""
    op.drop_table("ticket_changes")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_index("ix_tickets_department")
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
