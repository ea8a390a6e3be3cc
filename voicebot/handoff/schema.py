"""The handoff tables (SQLAlchemy Core), shared by the store, queue, console and migrations."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

tickets = Table(
    "tickets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("number", String(16), nullable=False, unique=True),
    Column("call_id", String(128), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("language", String(16), nullable=False, default="zh-CN"),
    Column("channel", String(32), nullable=False, default=""),
    Column("calling_number", String(64), nullable=False, default=""),
    Column("called_number", String(64), nullable=False, default=""),
    Column("protocol_call_id", String(256), nullable=False, default=""),
    Column("intent", String(128)),
    Column("fields", JSON, nullable=False),
    Column("faq_topics", JSON, nullable=False),
    Column("transcript", JSON, nullable=False),
    Column("handoff_reason", Text),
    Column("confidential", Boolean, nullable=False, default=False),
    Column("recording_ref", Text),
    Column("started_at", BigInteger, nullable=False, default=0),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("queued_at", BigInteger),
    Column("claimed_at", BigInteger),
    Column("claimed_by", String(64)),
    Column("resolved_at", BigInteger),
    Column("callback_number", String(64)),
    Column("notes", Text, nullable=False, default=""),
    Column("purged_at", BigInteger),
    Column("recording_missing", Boolean, nullable=False, default=False),  # migration 0004
    # The work order (migration 0002; NULL for tickets without one: partial and bot-resolved calls)
    Column("request_type", String(16)),
    Column("category", String(64)),
    Column("subcategory", String(64)),
    Column("urgency", String(16)),
    Column("deadline_at", BigInteger),
    Column("district", String(64)),
    Column("street", String(64)),
    Column("community", String(64)),
    Column("area_resolved", Boolean),
    Column("department", String(128)),
    Column("work_order", JSON),
    # The caller's rating of a call the bot resolved, 1 (very satisfied) to 5 (migration 0005; NULL: none)
    Column("satisfaction", SmallInteger),
    # Repeat callers (migration 0006): the calling number in its normal form (handoff/caller_number.py), and the
    # open ticket this one follows up (重复件)
    Column("caller_key", String(32), nullable=False, default="", server_default=""),
    Column("repeat_of", String(16)),
    Index("ix_tickets_status_queued", "status", "queued_at"),
    Index("ix_tickets_updated", "updated_at"),
    Index("ix_tickets_department", "department"),
    Index("ix_tickets_created", "created_at"),  # migration 0008: hot topics count tickets by day
    Index("ix_tickets_caller_key", "caller_key", "status"),
    Index("ix_tickets_repeat_of", "repeat_of"),
)
"""One ticket per call; times are epoch milliseconds (portable between SQLite and PostgreSQL)."""

ticket_changes = Table(
    "ticket_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("field", String(64), nullable=False),
    Column("old", Text),
    Column("new", Text),
    Column("actor", String(64), nullable=False),
    Column("at", BigInteger, nullable=False),
)
"""Field-change history: who changed which work-order or complaint field from what to what."""

ticket_history = Table(
    "ticket_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("at", BigInteger, nullable=False),
    Column("actor", String(64), nullable=False, default="bot"),
    Column("note", Text, nullable=False, default=""),
)
"""Status history: one row per status change."""

agents = Table(
    "agents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(256), nullable=False),
    Column("role", String(16), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", BigInteger, nullable=False),
    Column("language", String(8), nullable=False, default="zh-CN", server_default="zh-CN"),
)
"""Console users (roles ``agent`` and ``supervisor``)."""

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("agent_id", Integer, ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
)
"""Server-side console sessions; the cookie holds a random token, the table its SHA-256."""

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("scope", String(16), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("last_used_at", BigInteger),
)
"""REST API tokens for the city's case system (``read`` or ``write`` scope), stored hashed."""

followups = Table(
    "followups",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("number", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_at", BigInteger, nullable=False),
    Column("last_attempt_at", BigInteger),
    Column("resolution", Text, nullable=False, default=""),
    Column("result", String(32)),
    Column("rating", Integer),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Index("ix_followups_status_next", "status", "next_at"),
)
"""回访 (migration 0009): one satisfaction call per resolved ticket. ``status`` is ``pending``, ``calling``, ``done``,
``failed`` (attempts used up) or ``skipped`` (not to be called); ``result`` the last outcome (``rated``, ``busy``,
``no-answer``, ``confidential``...), ``rating`` the citizen's key (1 satisfied, 2 basically satisfied, 3 not)."""
faq_answers = Table(
    "faq_answers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("topic", String(64), nullable=False),
    Column("language", String(8), nullable=False),
    Column("text", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("author", String(64), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    UniqueConstraint("topic", "language", "version", name="uq_faq_answers_version"),
)
"""Spoken FAQ answers, every edit a new version (migration 0007): the newest version of a topic and language is
what the bot says; ``author`` is the console user (``seed`` for the text taken from ``knowledge/faq.yaml``)."""

faq_drafts = Table(
    "faq_drafts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("topic", String(64), nullable=False),
    Column("language", String(8), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("author", String(64), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("publish_id", Integer),
)
"""What needs a new Rasa model (migration 0007): ``kind`` ``question`` (a new example question of a topic) or
``topic`` (a new topic; ``text`` is its first answer). ``publish_id``: the publish that trained it (NULL: draft)."""

faq_publishes = Table(
    "faq_publishes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("language", String(8), nullable=False),
    Column("status", String(16), nullable=False),
    Column("author", String(64), nullable=False),
    Column("started_at", BigInteger, nullable=False),
    Column("finished_at", BigInteger),
    Column("baseline_f1", Float),
    Column("candidate_f1", Float),
    Column("model_path", Text),
    Column("detail", Text, nullable=False, default=""),
)
"""Each "publish" (migration 0007): train, check on the held-out split, swap the Rasa model; ``status``
``running``, ``published``, ``refused`` (F1 dropped) or ``failed``; the intent F1 before and after."""
