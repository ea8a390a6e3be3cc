"""Console users, sessions and API tokens: passwords hashed with scrypt, tokens stored as SHA-256."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from voicebot.errors import TicketError
from voicebot.handoff.schema import agents, api_tokens, sessions
from voicebot.handoff.store import SqlTicketStore
from voicebot.i18n import DEFAULT, supported

log = logging.getLogger(__name__)

ROLES = ("agent", "supervisor")
"""Console roles; supervisors can do everything agents can."""

SCOPES = ("read", "write")
"""API token scopes: ``write`` may also resolve tickets."""

# scrypt cost: n=2**14, r=8 (16 MiB, ~50 ms): the interactive-login parameters recommended by the scrypt paper.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


def hash_password(password: str) -> str:
    """Return a self-describing scrypt hash of ``password`` (``scrypt$n$r$p$salt$hash``)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Return whether ``password`` matches a hash made by ``hash_password`` (constant-time compare)."""
    try:
        algo, n, r, p, salt, digest = stored.split("$")
        if algo != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except ValueError:
        return False
    return hmac.compare_digest(got, expected)


def token_hash(token: str) -> str:
    """Return the stored form of a session or API token (random tokens need no slow hash)."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Agent:
    """A logged-in console user."""

    id: int
    """Database id."""
    username: str
    """Login name."""
    role: str
    """``agent`` or ``supervisor``."""
    language: str = DEFAULT
    """The console's language for this user (``voicebot.i18n.LANGUAGES``)."""

    @property
    def is_supervisor(self) -> bool:
        """Return whether the user may see confidential tickets and statistics."""
        return self.role == "supervisor"


@dataclass(frozen=True, slots=True)
class ApiClient:
    """A REST API caller identified by its token."""

    name: str
    """Token name (e.g. ``case-system``)."""
    scope: str
    """``read`` or ``write``."""


class AuthStore:
    """Users, sessions and API tokens on the ticket database."""

    def __init__(self, store: SqlTicketStore) -> None:
        self.engine: AsyncEngine = store.engine
        """Database engine."""
        self.now_ms = store.now_ms
        """Epoch-ms clock."""

    async def add_agent(self, username: str, password: str, role: str) -> None:
        """Create a user, or reset an existing user's password and role."""
        if role not in ROLES:
            raise TicketError("agent-role-invalid", f"role must be one of {', '.join(ROLES)}")
        if not username or len(password) < 8:
            raise TicketError("agent-password-weak", "a user name and a password of 8 characters or more are needed")
        hashed = await asyncio.to_thread(hash_password, password)
        async with self.engine.begin() as conn:
            found = (await conn.execute(select(agents.c.id).where(agents.c.username == username))).scalar()
            if found is None:
                await conn.execute(
                    insert(agents).values(
                        username=username, password_hash=hashed, role=role, active=True, created_at=self.now_ms()
                    )
                )
            else:
                await conn.execute(
                    update(agents).where(agents.c.id == found).values(password_hash=hashed, role=role, active=True)
                )
                await conn.execute(delete(sessions).where(sessions.c.agent_id == found))
        log.info("console user %s saved with role %s", username, role)

    async def list_agents(self) -> list[Agent]:
        """Return every active user."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(select(agents).where(agents.c.active.is_(True)).order_by(agents.c.username))
            return [Agent(r.id, r.username, r.role, r.language) for r in rows]

    async def authenticate(self, username: str, password: str) -> Agent | None:
        """Return the user if the password is right, else ``None``."""
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(select(agents).where(agents.c.username == username, agents.c.active.is_(True)))
            ).first()
        if row is None:
            await asyncio.to_thread(hash_password, password)  # same time whether or not the user exists
            return None
        if not await asyncio.to_thread(verify_password, password, row.password_hash):
            return None
        return Agent(row.id, row.username, row.role, row.language)

    async def create_session(self, agent: Agent, ttl_s: float) -> str:
        """Start a session and return the cookie token."""
        token = secrets.token_urlsafe(32)
        now = self.now_ms()
        async with self.engine.begin() as conn:
            await conn.execute(delete(sessions).where(sessions.c.expires_at < now))
            await conn.execute(
                insert(sessions).values(
                    token_hash=token_hash(token), agent_id=agent.id, created_at=now, expires_at=now + int(ttl_s * 1000)
                )
            )
        return token

    async def session_agent(self, token: str) -> Agent | None:
        """Return the user of an unexpired session, or ``None``."""
        query = (
            select(agents.c.id, agents.c.username, agents.c.role, agents.c.language)
            .join(sessions, sessions.c.agent_id == agents.c.id)
            .where(
                sessions.c.token_hash == token_hash(token),
                sessions.c.expires_at > self.now_ms(),
                agents.c.active.is_(True),
            )
        )
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else Agent(row.id, row.username, row.role, row.language)

    async def set_language(self, agent: Agent, language: str) -> None:
        """Remember the console language a user chose."""
        lang = supported(language)
        if lang is None:
            raise TicketError("agent-language-unknown", f"no console language {language!r}")
        async with self.engine.begin() as conn:
            await conn.execute(update(agents).where(agents.c.id == agent.id).values(language=lang))

    async def end_session(self, token: str) -> None:
        """Log out."""
        async with self.engine.begin() as conn:
            await conn.execute(delete(sessions).where(sessions.c.token_hash == token_hash(token)))

    async def create_api_token(self, name: str, scope: str = "read") -> str:
        """Create (or replace) a named API token and return it; only its hash is stored."""
        if scope not in SCOPES:
            raise TicketError("api-scope-invalid", f"scope must be one of {', '.join(SCOPES)}")
        token = "vbt_" + secrets.token_urlsafe(32)
        async with self.engine.begin() as conn:
            await conn.execute(delete(api_tokens).where(api_tokens.c.name == name))
            await conn.execute(
                insert(api_tokens).values(
                    name=name, token_hash=token_hash(token), scope=scope, created_at=self.now_ms()
                )
            )
        log.info("API token %s created with scope %s", name, scope)
        return token

    async def api_client(self, token: str) -> ApiClient | None:
        """Return the client a bearer token belongs to, or ``None``."""
        async with self.engine.begin() as conn:
            row = (await conn.execute(select(api_tokens).where(api_tokens.c.token_hash == token_hash(token)))).first()
            if row is None:
                return None
            await conn.execute(update(api_tokens).where(api_tokens.c.id == row.id).values(last_used_at=self.now_ms()))
        return ApiClient(row.name, row.scope)
