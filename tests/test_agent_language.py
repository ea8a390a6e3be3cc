"""Each agent's console language on SQLite and PostgreSQL: migration 0003, stored choice, the switch's checks."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests import handoff_support as support
from tests.handoff_support import PASSWORD, Console
from tests.test_workorder_store import _upgrade_to
from voicebot.errors import TicketError
from voicebot.handoff.auth import AuthStore
from voicebot.handoff.store import SqlTicketStore

db_url = support.db_url
console = support.console


async def test_migration_0003_gives_existing_agents_chinese(db_url: str) -> None:
    old = SqlTicketStore.from_url(db_url)
    try:
        async with old.engine.begin() as conn:
            await conn.run_sync(_upgrade_to, "0002")
        async with old.engine.begin() as conn:
            await conn.execute(text("INSERT INTO agents (username, password_hash, role, active, created_at) "
                                    "VALUES ('li.lei', 'x', 'agent', TRUE, 1)"))  # fmt: skip
        await old.migrate()
        auth = AuthStore(old)
        (agent,) = await auth.list_agents()
        assert agent.language == "zh-CN"
        await auth.set_language(agent, "en")  # any English tag: stored as en-US
        assert [a.language for a in await auth.list_agents()] == ["en-US"]
        with pytest.raises(TicketError):
            await auth.set_language(agent, "fr-FR")
    finally:
        await old.close()


async def test_language_switch_is_per_agent_and_checked(console: Console) -> None:
    alice = await console.client("alice", lang="en-US")
    sue = await console.client("sue")
    try:
        assert "Log out" in await (await alice.get("/console/")).text()
        assert "退出登录" in await (await sue.get("/console/")).text()  # another agent keeps the default
        again = await console.client("alice")  # a new browser: the choice is stored on the agent
        try:
            page = await (await again.get(f"/console/tickets/{console.plain}")).text()
            assert '<html lang="en-US">' in page and 'data-status="new">New<' in page
        finally:
            await again.close()
        unknown = await alice.post("/console/language", data={"lang": "xx"}, allow_redirects=False)
        assert unknown.status == 400
        cross = await alice.post("/console/language", data={"lang": "zh-CN"}, headers={"Origin": "https://evil.example"})
        assert cross.status == 403
        back = await alice.post("/console/language", data={"lang": "zh-CN", "next": "https://evil.example/"},
                                allow_redirects=False)  # fmt: skip
        assert back.status == 303 and back.headers["Location"] == "/console/"  # no open redirect
        assert back.cookies["voicebot_console_lang"].value == "zh-CN"
        login = await (await alice.get("/console/login")).text()  # the login page follows the browser's last choice
        assert "用户名" in login and "User" in await (await alice.get("/console/login?lang=en-US")).text()
        assert PASSWORD not in login
    finally:
        await alice.close()
        await sue.close()
