"""The Rasa client against the REAL trained zh-CN assistant (rasa run + action server via the supervisor).

Also runs the end-to-end test stories of both languages with ``rasa test core``. Needs rasa_project/setup.sh
(CI runs it); loading a model takes about 35 s, so the servers are shared by the module.
"""

from __future__ import annotations

import socket
import subprocess
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from dialogue.base import FileTicket, Handoff, Hangup, TicketStatus
from dialogue.rasa_client import RasaClient
from tests.rasa_support import RasaServers
from voicebot.rasa.supervisor import RASA_DIR

pytestmark = [pytest.mark.real, pytest.mark.rasa]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def rasa_url(rasa_servers: RasaServers) -> str:
    """The zh-CN server of the session's shared Rasa servers (see tests/conftest.py)."""
    return rasa_servers.urls["zh-CN"]


@pytest_asyncio.fixture(loop_scope="module")
async def client(rasa_url: str, rasa_servers: RasaServers) -> AsyncIterator[RasaClient]:
    rasa = RasaClient({"zh-CN": rasa_url}, timeout_s=30, token=rasa_servers.token)
    yield rasa
    await rasa.aclose()


@pytest.mark.asyncio(loop_scope="module")
async def test_faq_answer(client: RasaClient) -> None:
    turn = await client.respond(uuid.uuid4().hex, "嗯 那个 公积金 怎么 提取", "zh-CN", {})
    assert turn.faq_topic == "faq/provident_fund"
    assert turn.intent == "faq/provident_fund"
    assert any("公积金" in u for u in turn.utterances)
    assert turn.directives == ()


@pytest.mark.asyncio(loop_scope="module")
async def test_complaint_filled_and_confirmed(client: RasaClient) -> None:
    call = uuid.uuid4().hex
    first = await client.respond(call, "我 要 投诉 朝阳区 建国路 那边 工地 每天 晚上 施工 太 吵", "zh-CN", {})
    assert first.slots["complaint_category"] == "noise"
    assert first.slots["location"] == "朝阳区建国路工地"  # the place found whole in the sentence (jieba + jionlp)
    assert first.asked == "incident_time"  # "每天晚上" said in passing names no day: when, exactly?
    when = await client.respond(call, "就 昨天 晚上 十一 点 多", "zh-CN", {})
    assert when.slots["incident_time"].startswith("昨天晚上") and when.asked == "description"  # anything to add?
    nothing = await client.respond(call, "没有 了", "zh-CN", {})
    assert nothing.asked == "callback_phone" and nothing.expect == "number"  # then the callback number
    await client.respond(call, "幺三八 幺二三四 五六七八", "zh-CN", {})
    readback = await client.respond(call, "不用 保密", "zh-CN", {})
    assert any("幺三八 幺二三四 五六七八" in u for u in readback.utterances)
    corrected = await client.respond(call, "不对 是 一三九 零零零零 一二三四", "zh-CN", {})
    assert any("幺三九 零零零零 幺二三四" in u for u in corrected.utterances)
    done = await client.respond(call, "对 没错", "zh-CN", {"calling_number": "13800001111"})
    (ticket,) = done.directives
    assert isinstance(ticket, FileTicket)
    assert ticket.fields["callback_phone"] == "13900001234"
    assert ticket.fields["calling_number"] == "13800001111"
    for name in ("complaint_category", "location", "incident_time", "description"):
        assert ticket.fields[name], name


@pytest.mark.asyncio(loop_scope="module")
async def test_handoff_mid_form_carries_partial_slots(client: RasaClient) -> None:
    call = uuid.uuid4().hex
    await client.respond(call, "我 想 反映 个 问题", "zh-CN", {})
    await client.respond(call, "小区 的 垃圾 好几 天 没 人 清 了", "zh-CN", {})
    turn = await client.respond(call, "转 人工", "zh-CN", {})
    (handoff,) = turn.directives
    assert isinstance(handoff, Handoff)
    assert handoff.reason == "caller-request"
    assert handoff.slots.get("complaint_category") == "sanitation"


@pytest.mark.asyncio(loop_scope="module")
async def test_status_emergency_goodbye_and_after_hours(client: RasaClient) -> None:
    status = await client.respond(uuid.uuid4().hex, "查 一下 工单 二零二六 一一二三 零零一 的 进度", "zh-CN", {})
    assert TicketStatus("20261123001") in status.directives
    fire = await client.respond(uuid.uuid4().hex, "我 家 着火 了", "zh-CN", {})  # no bot verdict: the NLU decides
    assert any("幺幺九" in u for u in fire.utterances) and Hangup() not in fire.directives  # the call goes on
    assert any("转人工" in u for u in fire.utterances)
    mention = await client.respond(uuid.uuid4().hex, "救护车 每天 半夜 鸣笛 太 吵 了", "zh-CN", {"safety": "none"})
    assert not any("幺二零" in u for u in mention.utterances)  # the bot judged it no emergency: a complaint
    bye = await client.respond(uuid.uuid4().hex, "没事 了 再见", "zh-CN", {})
    assert bye.directives == (Hangup(),)
    night = uuid.uuid4().hex
    after_hours = {"agents_available": False, "agents_back": "明天上午八点半", "calling_number": "13800001111"}
    offer = await client.respond(night, "转 人工", "zh-CN", after_hours)
    assert offer.directives == () and any("明天上午八点半" in u for u in offer.utterances)
    accepted = await client.respond(night, "好的", "zh-CN", after_hours)
    (callback,) = accepted.directives
    assert isinstance(callback, FileTicket) and callback.fields["kind"] == "callback"


@pytest.mark.parametrize("lang", ["zh-CN", "en-US"])
def test_end_to_end_stories(lang: str, tmp_path: Path) -> None:
    """``rasa test core --e2e`` on tests/e2e/test_<lang>.yml: every intent and action must be right."""
    assert (RASA_DIR / "models" / lang / f"{lang}.tar.gz").is_file(), "run rasa_project/setup.sh"
    result = subprocess.run(
        [str(RASA_DIR / ".venv" / "bin" / "python"), "scripts/run_e2e.py", lang, "--out", str(tmp_path)],
        cwd=RASA_DIR, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "13 stories, 0 intent/action errors: passed" in result.stdout
