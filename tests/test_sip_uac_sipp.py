"""The bot as SIP UAC against SIPp as the called phone: digest challenge, ringing, media both ways, BYE."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.sipp_harness import DTMF_PCAP, open_capture, render_scenario, sipp_phone
from tests.telephony_helpers import tone
from voicebot.audio import AudioFrame
from voicebot.lines.line import Dtmf
from voicebot.lines.sip_uac import SipClient, Trunk

pytestmark = pytest.mark.real


async def _first_key(call: object) -> str:
    while True:
        item = await call.recv()  # type: ignore[attr-defined]
        if item is None:
            return ""
        if isinstance(item, Dtmf):
            return item.digit


async def test_uac_answers_the_challenge_and_hears_the_key(tmp_path: Path) -> None:
    scenario = render_scenario("followup_phone", tmp_path, user="bot", password="s3cret-pw",
                               dtmf_pcap=str(DTMF_PCAP).format(1), key_after_ms="800")
    capture = await open_capture()
    port, sipp = await sipp_phone(scenario, timeout_s=30, capture_port=capture.port)
    client = SipClient(Trunk(f"sip:127.0.0.1:{port}", username="bot", password="s3cret-pw"), "127.0.0.1")
    await client.open()
    try:
        result = await client.dial("13800138000", ring_timeout_s=10)
        assert result.outcome == "answered", result
        call = result.call
        assert call is not None
        pcm = tone(8000, 20)
        for i in range(25):
            await call.send(AudioFrame(pcm, 8000, i * 20))
            await asyncio.sleep(0.02)
        assert await asyncio.wait_for(_first_key(call), 10) == "1"
        await call.hangup()
    finally:
        await client.close()
    code, output = await sipp
    assert code == 0, output
    assert sum(len(s) for s in capture.streams.values()) >= 20


@pytest.mark.parametrize(("scenario_name", "status", "outcome"), [
    ("followup_busy", 486, "busy"),
    ("followup_no_answer", 487, "no-answer"),  # rings past the timeout: CANCEL, 487, ACK
])
async def test_uac_failures_are_acknowledged(tmp_path: Path, scenario_name: str, status: int, outcome: str) -> None:
    scenario = render_scenario(scenario_name, tmp_path)
    port, sipp = await sipp_phone(scenario, timeout_s=30)
    client = SipClient(Trunk(f"sip:127.0.0.1:{port}"), "127.0.0.1")
    await client.open()
    try:
        result = await client.dial("13800138000", ring_timeout_s=2)
    finally:
        await client.close()
    code, output = await sipp
    assert code == 0, output  # SIPp saw the CANCEL and the ACK it waits for
    assert (result.status, result.outcome, result.call) == (status, outcome, None)


async def test_uac_wrong_password_is_refused(tmp_path: Path) -> None:
    scenario = render_scenario("followup_phone", tmp_path, user="bot", password="right",
                               dtmf_pcap=str(DTMF_PCAP).format(1), key_after_ms="100")
    port, sipp = await sipp_phone(scenario, timeout_s=15)
    client = SipClient(Trunk(f"sip:127.0.0.1:{port}", username="bot", password="wrong"), "127.0.0.1")
    await client.open()
    try:
        result = await client.dial("13800138000", ring_timeout_s=5)
    finally:
        await client.close()
    code, _output = await sipp
    assert (result.status, result.outcome) == (403, "failed")
    assert code != 0  # the scenario's bad-credentials branch fails the call
