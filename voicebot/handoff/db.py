"""Database engines from settings URLs, and programmatic Alembic migrations."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from voicebot.errors import ConfigError, TicketError
from voicebot.settings import project_path

log = logging.getLogger(__name__)

DB_FILE_MODE = 0o600
"""A new SQLite database file: owner read/write only (tickets hold callers' numbers and words)."""

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
"""Alembic scripts shipped inside the package."""

# Serialises concurrent start-ups of several bot processes on one PostgreSQL database.
_PG_MIGRATION_LOCK = 0x766F6963  # "voic"


def async_url(url: str) -> str:
    """Return the async-driver form of a settings URL; relative SQLite paths resolve under the project root."""
    try:
        parsed = make_url(url)
    except ArgumentError as err:
        raise ConfigError("database-url-invalid", f"cannot parse database URL {url!r}") from err
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            path = project_path(database)
            path.parent.mkdir(parents=True, exist_ok=True)
            _create_private(path)
            database = str(path)
        return str(parsed.set(drivername="sqlite+aiosqlite", database=database))
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
    raise ConfigError("database-unsupported", f"unsupported database {backend!r}: use sqlite or postgresql")


def _create_private(path: Path) -> None:
    """Create the SQLite file owner-only (0600) before SQLite does (SQLite gives its -wal/-shm files that mode)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, DB_FILE_MODE))
    except FileExistsError:
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            log.warning("SQLite database %s is readable by others (mode %o): chmod 600 it", path, mode)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets the console read while a call writes; the busy timeout makes writers queue instead of failing.
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> AsyncEngine:
    """Create an async engine for a settings URL (``sqlite:///var/voicebot.db``, ``postgresql://...``)."""
    full = async_url(url)
    # hide_parameters: a database error's text (logged, shown in TicketError) must not quote the row's values,
    # i.e. callers' numbers, complaints and transcripts.
    if full.startswith("sqlite"):
        engine = create_async_engine(full, connect_args={"timeout": 30}, hide_parameters=True)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(full, pool_pre_ping=True, hide_parameters=True)


def _upgrade(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def migrate(engine: AsyncEngine) -> None:
    """Bring the schema up to the newest migration (safe to run from several processes at once)."""
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_upgrade)
    except (SQLAlchemyError, OSError) as err:
        raise TicketError("database-migration-failed", f"cannot migrate the ticket database: {err}") from err
    log.info("ticket database schema is up to date (%s)", engine.url.get_backend_name())
