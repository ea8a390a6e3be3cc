"""回访 through the real pieces: an agent resolves a ticket, the scheduler calls SIPp (the citizen's phone, behind a
digest-protected trunk), the real espeak-ng prompt reaches it over RTP, its RFC 4733 key comes back, the rating is
stored on the 回访 row and in the ticket's history."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.handoff_support import db_url, draft, store  # noqa: F401  (fixtures)
from tests.sipp_harness import DTMF_PCAP, open_capture, render_scenario, sipp_phone
from tts.pyttsx3_synth import Pyttsx3Synthesizer
from voicebot.followup.book import FollowupBook
from voicebot.followup.rules import Policy
from voicebot.followup.scheduler import FollowupScheduler
from voicebot.handoff.hours import AgentHours
from voicebot.handoff.queue import HandoffQueue
from voicebot.handoff.store import SqlTicketStore
from voicebot.lines.sip_uac import SipClient, Trunk
from voicebot.settings import FollowupSettings, SessionSettings

pytestmark = pytest.mark.real

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
async def synth() -> AsyncIterator[Pyttsx3Synthesizer]:
    engine = Pyttsx3Synthesizer({"zh-CN": "cmn-latn-pinyin", "en-US": "en-us"}, speech_rate=170,
                                rates={"zh-CN": 210})
    await engine.start()
    yield engine
    await engine.aclose()


async def resolved_ticket(store: SqlTicketStore) -> str:  # noqa: F811
    number = await store.save(draft("followup-call", calling_number="13812345678"))
    queue = HandoffQueue(store, AgentHours.parse("always"), followups=True)
    await queue.claim(number, "li")
    await queue.resolve(number, "li", "已安排维修人员处理")
    return number


async def test_followup_call_stores_the_citizens_rating(store: SqlTicketStore, synth: Pyttsx3Synthesizer,  # noqa: F811
                                                        tmp_path: Path) -> None:
    number = await resolved_ticket(store)
    book = FollowupBook(store)
    queued = await book.get(number)
    assert queued is not None and queued.status == "pending" and queued.resolution == "已安排维修人员处理"

    scenario = render_scenario("followup_phone", tmp_path, user="hotline", password="trunk-secret",
                               dtmf_pcap=str(DTMF_PCAP).format(1), key_after_ms="9000")
    capture = await open_capture()
    port, sipp = await sipp_phone(scenario, timeout_s=60, capture_port=capture.port)
    client = SipClient(Trunk(f"sip:127.0.0.1:{port}", username="hotline", password="trunk-secret"), "127.0.0.1")
    await client.open()
    settings = FollowupSettings(enabled=True, ring_timeout_s=10, answer_timeout_s=8)
    policy = Policy(AgentHours.parse("always", "Asia/Shanghai"))
    scheduler = FollowupScheduler(book, policy, settings, client, synth, SessionSettings())
    try:
        outcomes = await scheduler.run_once(datetime.now(SHANGHAI))
    finally:
        await client.close()
    code, output = await sipp
    assert code == 0, output
    assert outcomes == ["rated"]
    done = await book.get(number)
    assert done is not None and (done.status, done.result, done.rating, done.attempts) == ("done", "rated", 1, 1)
    ticket = await store.get(number)
    assert ticket is not None and ticket.status == "resolved"
    assert [h.note for h in ticket.history if h.actor == "followup"] == ["回访 rated: 1 (satisfied)"]
    assert await book.pending() == []
    # The prompt reached the phone: seconds of speech in 20 ms packets, before the key and the thanks.
    packets = [item for stream in capture.streams.values() for item in stream]
    assert capture.bad == 0 and sum(item.speech for item in packets) > 150
