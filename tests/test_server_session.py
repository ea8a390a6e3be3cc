"""The server with the real ``CallSession`` (fake engines) over SIP: greeting, a turn, barge-in, DTMF-0 REFER."""

from __future__ import annotations

import asyncio

from tests.fake_tickets import MemoryTickets
from tests.fakes import EnergyVad, ScriptedDialogue, ScriptedRecognizer, ToneSynth, say
from tests.telephony_helpers import running, test_settings, tone
from tests.test_sip_server import Uac, udp
from voicebot.audio import rms_dbfs, silence, split_frames, ulaw_decode, ulaw_encode
from voicebot.call.session import CallSession, Engines
from voicebot.events import BargeIn, CallRecord, HandoffRequested, Transcribed
from voicebot.lines.line import Line
from voicebot.lines.rtp import RtpPacket, dtmf_payload, parse_rtp
from voicebot.server import SIP


async def spurt(uac: Uac, quiet_s: float = 0.3, first_s: float = 5.0) -> list[RtpPacket]:
    """Collect bot RTP until it pauses."""
    packets = []
    data, _ = await asyncio.wait_for(uac.rtp.queue.get(), first_s)
    packets.append(parse_rtp(data))
    while True:
        try:
            data, _ = await asyncio.wait_for(uac.rtp.queue.get(), quiet_s)
        except TimeoutError:
            return packets
        packets.append(parse_rtp(data))


class Caller:
    """Sends caller RTP in real time from a counter."""

    def __init__(self, uac: Uac) -> None:
        self.uac = uac
        self.seq = 0

    async def play(self, pcm: bytes) -> None:
        for frame in split_frames(pcm, 8000):
            self.uac.rtp_send(RtpPacket(0, self.seq, self.seq * 160, 7, ulaw_encode(frame.pcm)))
            self.seq += 1
            await asyncio.sleep(0.02)

    def digit(self, event: int) -> None:
        for index, end in enumerate((False, False, True, True, True)):
            payload = dtmf_payload(event, end, 160 * (min(index, 2) + 1))
            self.uac.rtp_send(RtpPacket(101, self.seq, 99_000, 7, payload, marker=index == 0))
            self.seq += 1


async def test_real_session_over_sip() -> None:
    records: list[CallRecord] = []
    tickets = MemoryTickets()
    dialogue = ScriptedDialogue([say("好的，请您详细描述一下您要反映的问题，我们会认真记录并尽快处理。")])
    engines = Engines({"zh-CN": ScriptedRecognizer(["我要投诉噪音", "等一下"])}, ToneSynth(ms_per_char=120), dialogue,
                      tickets, EnergyVad, agent_target="sip:agents@127.0.0.1")
    settings = test_settings(agent_uri="sip:agents@127.0.0.1")

    async def session(line: Line) -> CallRecord:
        record = await CallSession(line, engines, settings.session).run()
        records.append(record)
        return record

    async with running(settings, session) as (app, _):  # type: ignore[arg-type]
        uac = Uac(await udp(), await udp(), app[SIP].port, "session@test")
        uac.invite()
        await uac.answered()
        caller = Caller(uac)
        greeting = await spurt(uac)  # the greeting starts without the caller saying anything
        assert len(greeting) >= 10 and rms_dbfs(ulaw_decode(greeting[0].payload)) > -30
        await caller.play(tone(8000, 800) + silence(8000, 1000).pcm)
        collecting = asyncio.create_task(spurt(uac, first_s=3.0, quiet_s=0.5))
        await asyncio.sleep(0.6)  # the bot is well into its ~4 s reply (200 packets)...
        await caller.play(tone(8000, 600, freq=500.0))  # ...when the caller talks over it
        reply = await collecting
        assert 20 < len(reply) < 120, "the reply should be cut short by the barge-in"
        await caller.play(silence(8000, 400).pcm)
        caller.digit(0)
        refer = await uac.expect("REFER", wait_s=10)
        assert refer.get("Refer-To") == "<sip:agents@127.0.0.1>"
        uac.reply(refer, 202)
        uac.send("NOTIFY", "SIP/2.0 200 OK\r\n", cseq=2, to_tag=uac.to_tag, content_type="message/sipfrag",
                 extra="Event: refer\r\nSubscription-State: terminated;reason=noresource\r\n")
        bye = await uac.expect("BYE", wait_s=10)
        uac.reply(bye, 200)
        for _ in range(50):
            if records:
                break
            await asyncio.sleep(0.05)
    record = records[0]
    assert [e.text for e in record.of(Transcribed)][0] == "我要投诉噪音"
    assert [e.reason for e in record.of(HandoffRequested)] == ["dtmf-0"]
    stored = tickets.tickets[record.call_id]
    assert stored.calling_number == "13800138000" and stored.protocol_call_id == "session@test"
    assert len(record.of(BargeIn)) == 1
