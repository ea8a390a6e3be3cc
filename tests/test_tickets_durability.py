"""SIGKILL a real ``voicebot call`` process mid-call: after restart its ticket holds the partial transcript."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests import handoff_support as support
from voicebot.handoff.store import SqlTicketStore

pytestmark = [pytest.mark.real, pytest.mark.rasa, pytest.mark.slow]
db_url = support.db_url

TURNS = ["我要投诉楼下工地晚上施工太吵了", "朝阳区建国路88号", "昨天晚上十一点"]


async def test_sigkill_mid_call_leaves_partial_ticket(db_url: str, tmp_path: Path) -> None:
    turns = tmp_path / "turns.txt"
    turns.write_text("\n".join(TURNS) + "\n", encoding="utf-8")
    env = {**os.environ, "VOICEBOT_HANDOFF__DATABASE_URL": db_url}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "voicebot.cli", "call", "--realtime", "--transcripts", str(turns), "--lang", "zh-CN",
        "--calling-number", "13812345678", "--out", str(tmp_path / "bot.wav"),
        env=env, cwd=str(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    watcher = SqlTicketStore.from_url(db_url)
    await watcher.migrate()
    try:
        number = None
        for _ in range(900):  # the real-time call: the first caller turn is saved well within 90 s
            found = await watcher.list(limit=1)
            if found and any(line.speaker == "caller" for line in found[0].transcript):
                number = found[0].number
                break
            assert proc.returncode is None, "the call ended before it could be killed"
            await asyncio.sleep(0.1)
        assert number is not None, "no partial ticket appeared during the call"
        proc.send_signal(signal.SIGKILL)
        assert await proc.wait() == -signal.SIGKILL
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await watcher.close()
    restarted = SqlTicketStore.from_url(db_url)  # "after restart": a fresh engine on the same database
    await restarted.migrate()
    try:
        t = await restarted.get(number)
        assert t is not None and t.kind == "partial" and t.calling_number == "13812345678"
        said = [line.text for line in t.transcript if line.speaker == "caller"]
        assert said and said[0] == TURNS[0] and TURNS[2] not in said  # cut off mid-call, the start kept
        assert t.transcript[0].speaker == "bot"
    finally:
        await restarted.close()
