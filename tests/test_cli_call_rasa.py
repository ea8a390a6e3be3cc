"""Whole calls from the CLI with --transcripts against the real assistant: tickets land with every field filled."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from voicebot.cli import main
from voicebot.handoff.store import SqlTicketStore

pytestmark = [pytest.mark.real, pytest.mark.rasa, pytest.mark.timeout(900)]

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "audio_fixtures" / "transcripts"
COMPLAINT_FIELDS = ("complaint_category", "location", "incident_time", "description", "callback_phone")


def _call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, lang: str) -> tuple[dict, object]:  # type: ignore[type-arg]
    db = f"sqlite:///{tmp_path / 'tickets.db'}"
    monkeypatch.setenv("VOICEBOT_HANDOFF__DATABASE_URL", db)
    monkeypatch.setenv("VOICEBOT_TTS__CACHE_DIR", str(tmp_path / "tts"))
    record_path = tmp_path / "call.json"
    code = main(["call", "--transcripts", str(TRANSCRIPTS / name), "--lang", lang, "--calling-number", "13800001111",
                 "--out", str(tmp_path / "bot.wav"), "--json", str(record_path)])  # fmt: skip
    assert code == 0
    record = json.loads(record_path.read_text(encoding="utf-8"))

    async def stored() -> object:
        store = SqlTicketStore.from_url(db)
        try:
            return await store.get_by_call(record["call_id"])
        finally:
            await store.close()

    return record, asyncio.run(stored())


@pytest.mark.parametrize(("name", "lang"), [("complaint_zh.txt", "zh-CN"), ("complaint_en.txt", "en-US")])
def test_complaint_call_files_a_complete_ticket(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str, lang: str
) -> None:
    record, ticket = _call(tmp_path, monkeypatch, name, lang)
    out = capsys.readouterr().out
    assert ticket is not None, out
    assert ticket.kind == "complaint", out  # type: ignore[attr-defined]
    for field in COMPLAINT_FIELDS:
        assert ticket.fields.get(field), f"{field} missing: {ticket.fields}\n{out}"  # type: ignore[attr-defined]
    assert ticket.fields["callback_phone"] == "13812345678"  # type: ignore[attr-defined]
    filed = [e for e in record["events"] if e["kind"] == "TicketFiled"]
    assert filed and filed[0]["number"] == ticket.number  # type: ignore[attr-defined]
    assert ticket.number in out  # type: ignore[attr-defined]  # the number printed is the one stored


def test_human_requested_mid_form_hands_off_with_the_partial_ticket(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    record, ticket = _call(tmp_path, monkeypatch, "handoff_midform_zh.txt", "zh-CN")
    out = capsys.readouterr().out
    assert ticket is not None and ticket.kind == "handoff", out  # type: ignore[attr-defined]
    assert ticket.handoff_reason == "caller-request"  # type: ignore[attr-defined]
    assert ticket.fields.get("complaint_category") == "sanitation", ticket.fields  # type: ignore[attr-defined]
    said = [line.text for line in ticket.transcript if line.speaker == "caller"]  # type: ignore[attr-defined]
    assert said[:2] == ["我 想 反映 个 问题", "小区 的 垃圾 好 几 天 没 人 清 了"]
    assert any(e["kind"] == "HandoffRequested" for e in record["events"])
