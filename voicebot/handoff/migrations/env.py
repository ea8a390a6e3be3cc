"""Alembic environment: run with a connection handed over by ``voicebot.handoff.db.migrate``."""

from __future__ import annotations

from alembic import context

from voicebot.handoff.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the programmatic path is supported
    raise RuntimeError("run migrations through voicebot.handoff.db.migrate()")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
