"""``voicebot serve``'s 回访 service: REGISTER with a SIPp registrar, then the scheduler loop calls a SIPp phone
through the trunk (credentials from a secret file) and stores the rating."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiohttp import web

from tests.fakes import ToneSynth
from tests.handoff_support import db_url, draft, store  # noqa: F401  (fixtures)
from tests.sipp_harness import DTMF_PCAP, free_udp_port, open_capture, render_scenario, run_sipp
from voicebot.errors import ConfigError
from voicebot.followup.book import FollowupBook
from voicebot.followup.service import followup_ctx, trunk_from_settings
from voicebot.handoff.hours import AgentHours
from voicebot.handoff.queue import HandoffQueue
from voicebot.handoff.store import SqlTicketStore
from voicebot.settings import FollowupSettings, HandoffSettings, Settings

pytestmark = pytest.mark.real


async def test_service_registers_then_calls_and_records(store: SqlTicketStore, tmp_path: Path) -> None:  # noqa: F811
    secret = tmp_path / "trunk_password"
    secret.write_text("s3cret\n", encoding="utf-8")
    number = await store.save(draft("svc", calling_number="13812345678"))
    await HandoffQueue(store, AgentHours.parse("always"), followups=True).resolve(number, "li", "路灯已修复")
    registrar_dir, phone_dir = tmp_path / "registrar", tmp_path / "phone"
    registrar_dir.mkdir(), phone_dir.mkdir()
    registrar = render_scenario("followup_registrar", registrar_dir, user="hotline", password="s3cret")
    phone = render_scenario("followup_phone", phone_dir, user="hotline", password="s3cret",
                            dtmf_pcap=str(DTMF_PCAP).format(3), key_after_ms="1000")
    capture = await open_capture()
    reg_port, phone_port = free_udp_port(), free_udp_port()
    sipps = [asyncio.create_task(run_sipp(reg_port, registrar, calls=1, capture_port=capture.port, timeout_s=40,
                                          local_port=reg_port)),
             asyncio.create_task(run_sipp(phone_port, phone, calls=1, capture_port=capture.port, timeout_s=40,
                                          local_port=phone_port))]
    await asyncio.sleep(0.5)
    settings = Settings(handoff=HandoffSettings(timezone="Asia/Shanghai"), followup=FollowupSettings(
        enabled=True, trunk_uri=f"sip:127.0.0.1:{phone_port}", registrar_uri=f"sip:127.0.0.1:{reg_port}",
        username="hotline", password_file=str(secret), allowed_hours="always", ring_timeout_s=10,
        answer_timeout_s=5, poll_interval_s=0.5))
    app = web.Application()
    app.cleanup_ctx.append(followup_ctx(settings, store, ToneSynth(), None))
    runner = web.AppRunner(app)
    await runner.setup()
    book = FollowupBook(store)
    try:
        for _ in range(200):
            row = await book.get(number)
            if row is not None and row.status == "done":
                break
            await asyncio.sleep(0.1)
    finally:
        await runner.cleanup()
    results = [await task for task in sipps]
    assert [code for code, _ in results] == [0, 0], results
    row = await book.get(number)
    assert row is not None and (row.status, row.result, row.rating) == ("done", "rated", 3)


def test_enabled_without_a_trunk_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as caught:
        trunk_from_settings(FollowupSettings(enabled=True))
    assert caught.value.code == "config-followup-trunk"


def test_the_password_never_shows_in_settings_reprs(tmp_path: Path) -> None:
    settings = FollowupSettings(username="hotline", password="top-secret-pw")
    assert "top-secret-pw" not in repr(settings) and "top-secret-pw" not in repr(trunk_from_settings(
        FollowupSettings(trunk_uri="sip:t", password="top-secret-pw")))
    assert trunk_from_settings(FollowupSettings(trunk_uri="sip:t", password="top-secret-pw")).password == \
        "top-secret-pw"
