"""The SIP server against a scripted UAC on raw UDP sockets: answer, media, DTMF, REFER, refusals, shutdown."""

from __future__ import annotations

import asyncio
import re
import time
from typing import cast

import numpy as np

from tests.telephony_helpers import ScriptedBot, running, speech_frames, test_settings
from voicebot.audio import rms_dbfs, silence, ulaw_decode, ulaw_encode
from voicebot.events import DtmfReceived
from voicebot.lines.rtp import RtpPacket, dtmf_payload, parse_rtp
from voicebot.lines.sip_message import SipMessage, parse
from voicebot.server import SIP


class Udp(asyncio.DatagramProtocol):
    """A UDP socket with a queue of what it receives."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[tuple[bytes, float]] = asyncio.Queue()
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self.queue.put_nowait((data, time.monotonic()))

    @property
    def port(self) -> int:
        assert self.transport is not None
        return int(self.transport.get_extra_info("sockname")[1])


async def udp() -> Udp:
    loop = asyncio.get_running_loop()
    _, protocol = await loop.create_datagram_endpoint(Udp, local_addr=("127.0.0.1", 0))
    return protocol


class Uac:
    """Just enough of a SIP caller to drive the server."""

    def __init__(self, sip: Udp, rtp: Udp, server_port: int, call_id: str, codecs: str = "0 101") -> None:
        self.sip, self.rtp, self.server = sip, rtp, ("127.0.0.1", server_port)
        self.call_id, self.codecs, self.cseq = call_id, codecs, 1
        self.to_tag = ""
        self.remote_rtp = 0

    def send(self, method: str, body: str = "", cseq: int | None = None, to_tag: str = "",
             content_type: str = "application/sdp", extra: str = "") -> None:
        sdp_headers = f"Content-Type: {content_type}\r\n" if body else ""
        to = f"<sip:12345@127.0.0.1>{';tag=' + to_tag if to_tag else ''}"
        text = (f"{method} sip:12345@127.0.0.1:{self.server[1]} SIP/2.0\r\n"
                f"Via: SIP/2.0/UDP 127.0.0.1:{self.sip.port};branch=z9hG4bK{method}{cseq or self.cseq}\r\n"
                f"From: <sip:13800138000@127.0.0.1>;tag=uac1\r\nTo: {to}\r\nCall-ID: {self.call_id}\r\n"
                f"CSeq: {cseq or self.cseq} {method}\r\nContact: <sip:uac@127.0.0.1:{self.sip.port}>\r\n"
                f"Max-Forwards: 70\r\n{extra}{sdp_headers}Content-Length: {len(body)}\r\n\r\n{body}")
        assert self.sip.transport is not None
        self.sip.transport.sendto(text.encode(), self.server)

    def invite(self) -> None:
        body = (f"v=0\r\no=uac 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                f"m=audio {self.rtp.port} RTP/AVP {self.codecs}\r\na=rtpmap:101 telephone-event/8000\r\n")
        self.send("INVITE", body)

    async def expect(self, status: int | str, wait_s: float = 3.0) -> SipMessage:
        while True:
            data, _ = await asyncio.wait_for(self.sip.queue.get(), wait_s)
            message = parse(data)
            if message.status == status or message.method == status:
                return message

    async def answered(self) -> SipMessage:
        ok = await self.expect(200)
        self.to_tag = re.search(r"tag=([^;>]+)", ok.get("To")).group(1)  # type: ignore[union-attr]
        self.remote_rtp = int(re.search(rb"m=audio (\d+)", ok.body).group(1))  # type: ignore[union-attr]
        self.send("ACK", cseq=1, to_tag=self.to_tag)
        return ok

    def reply(self, request: SipMessage, status: int) -> None:
        head = [f"SIP/2.0 {status} OK"] + [f"{k}: {v}" for k, v in request.headers if k != "Content-Length"]
        assert self.sip.transport is not None
        self.sip.transport.sendto(("\r\n".join(head) + "\r\nContent-Length: 0\r\n\r\n").encode(), self.server)

    def rtp_send(self, packet: RtpPacket) -> None:
        assert self.rtp.transport is not None
        self.rtp.transport.sendto(packet.to_bytes(), ("127.0.0.1", self.remote_rtp))

    async def speak(self, seconds_of_silence: float = 0.6) -> None:
        frames = speech_frames()[:100] + [silence(8000)] * int(seconds_of_silence * 50)
        for index, frame in enumerate(frames):
            self.rtp_send(RtpPacket(0, 100 + index, 1000 + 160 * index, 42, ulaw_encode(frame.pcm)))
            if index % 5 == 4:
                await asyncio.sleep(0.004)  # faster than real time, but no burst beyond the socket buffer


async def test_call_is_answered_speech_gets_a_paced_reply_and_bye_ends_it() -> None:
    bot = ScriptedBot(reply_ms=600)
    async with running(test_settings(), bot) as (app, _):
        uac = Uac(await udp(), await udp(), app[SIP].port, "call-1@test")
        started = time.monotonic()
        uac.invite()
        await uac.expect(100)
        await uac.expect(180)
        await uac.answered()
        assert time.monotonic() - started < 1.0
        await uac.speak()
        packets: list[tuple[RtpPacket, float]] = []
        while len(packets) < 30:
            data, at = await asyncio.wait_for(uac.rtp.queue.get(), 3.0)
            packets.append((parse_rtp(data), at))
        uac.send("BYE", cseq=2, to_tag=uac.to_tag)
        await uac.expect(200)
        for _ in range(50):
            if bot.records:
                break
            await asyncio.sleep(0.02)
    record = bot.records[0]
    assert record.info["calling"] == "13800138000" and record.info["called"] == "12345"
    assert record.info["protocol_call_id"] == "call-1@test"
    assert bot.loud_frames[record.call_id] >= 40
    rtp = [p for p, _ in packets]
    assert rtp[0].marker and not any(p.marker for p in rtp[1:])
    assert all(p.payload_type == 0 and len(p.payload) == 160 for p in rtp)
    assert [(p.sequence - rtp[0].sequence) & 0xFFFF for p in rtp] == list(range(30))
    assert [p.timestamp - rtp[0].timestamp for p in rtp] == [160 * i for i in range(30)]
    assert rms_dbfs(ulaw_decode(b"".join(p.payload for p in rtp))) > -20  # the tone, decodable
    gaps = np.diff([at for _, at in packets]) * 1000
    assert 17 < float(np.median(gaps)) < 23 and float(np.percentile(gaps, 90)) < 60  # paced (CI shares 2 cores)
    assert 520 < (packets[-1][1] - packets[0][1]) * 1000 < 680  # 29 intervals of 20 ms, in real time


async def test_dtmf_zero_is_delivered_and_the_call_is_referred() -> None:
    bot = ScriptedBot()
    async with running(test_settings(agent_uri="sip:agents@127.0.0.1"), bot) as (app, _):
        uac = Uac(await udp(), await udp(), app[SIP].port, "call-dtmf@test")
        uac.invite()
        await uac.answered()
        for index, (duration, end) in enumerate(((160, False), (320, False), (480, True), (480, True), (480, True))):
            uac.rtp_send(RtpPacket(101, 7 + index, 5000, 42, dtmf_payload(0, end, duration), marker=index == 0))
        refer = await uac.expect("REFER")
        assert refer.get("Refer-To") == "<sip:agent@127.0.0.1>"
        uac.reply(refer, 202)
        uac.send("NOTIFY", "SIP/2.0 200 OK\r\n", cseq=2, to_tag=uac.to_tag, content_type="message/sipfrag",
                 extra="Event: refer\r\nSubscription-State: terminated;reason=noresource\r\n")
        bye = await uac.expect("BYE")
        uac.reply(bye, 200)
        await asyncio.sleep(0.1)
    assert bot.transfers == [True]
    kinds = [(e.kind, getattr(e, "digit", "")) for e in bot.records[0].events]
    assert ("DtmfReceived", "0") in kinds and kinds.count(("DtmfReceived", "0")) == 1


async def test_refusals_forbidden_peer_wrong_codec_and_garbage() -> None:
    bot = ScriptedBot()
    async with running(test_settings(sip_peers="10.9.0.0/16"), bot) as (app, _):
        uac = Uac(await udp(), await udp(), app[SIP].port, "call-x@test")
        uac.invite()
        assert (await uac.expect(403)).reason == "Forbidden"
    async with running(test_settings(), bot) as (app, _):
        uac = Uac(await udp(), await udp(), app[SIP].port, "call-y@test", codecs="18 96")
        uac.invite()
        assert (await uac.expect(488)).reason == "Not Acceptable Here"
        assert uac.sip.transport is not None
        for junk in (b"\x00\x01garbage", b"INVITE sip:x SIP/2.0\r\n\r\n", b"A" * 70000 if False else b"B" * 20000):
            uac.sip.transport.sendto(junk, uac.server)
        uac.send("OPTIONS", cseq=5)
        assert (await uac.expect(200)).get("Allow").startswith("INVITE")
        uac.send("BYE", cseq=6, to_tag="nope")
        await uac.expect(481)
    assert bot.records == []


async def test_cancel_while_ringing() -> None:
    bot = ScriptedBot()
    async with running(test_settings(sip_answer_delay_ms=1500), bot) as (app, _):
        uac = Uac(await udp(), await udp(), app[SIP].port, "call-c@test")
        uac.invite()
        await uac.expect(180)
        uac.send("CANCEL", cseq=1)
        await uac.expect(200)
        await uac.expect(487)
        await asyncio.sleep(1.6)
        assert uac.sip.queue.empty()  # never answered
        assert app[SIP].calls == {}


async def test_flood_ends_that_call_only() -> None:
    async def stuck(line: object) -> object:
        await asyncio.sleep(30)  # a session that never reads
        raise AssertionError

    bot = ScriptedBot()
    async with running(test_settings(shutdown_grace_s=0.1), stuck) as (app, _):  # type: ignore[arg-type]
        flooder = Uac(await udp(), await udp(), app[SIP].port, "flood@test")
        flooder.invite()
        await flooder.answered()
        payload = b"\xff" * 160
        for index in range(400):
            flooder.rtp_send(RtpPacket(0, index, index * 160, 1, payload))
            if index % 50 == 0:
                await asyncio.sleep(0.005)
        bye = await flooder.expect("BYE")
        flooder.reply(bye, 200)
    del bot


async def test_graceful_shutdown_refuses_new_calls_then_byes_current_ones() -> None:
    bot = ScriptedBot()
    settings = test_settings(shutdown_grace_s=0.5)
    async with running(settings, bot) as (app, _):
        uac = Uac(await udp(), await udp(), app[SIP].port, "stay@test")
        uac.invite()
        await uac.answered()
        registry_shutdown = asyncio.create_task(app.shutdown())
        await asyncio.sleep(0.05)
        late = Uac(await udp(), await udp(), app[SIP].port, "late@test")
        late.invite()
        assert (await late.expect(503)).get("Retry-After") == "30"
        bye = await uac.expect("BYE", wait_s=3)
        uac.reply(bye, 200)
        await registry_shutdown
    assert bot.records and bot.records[0].info["protocol_call_id"] == "stay@test"


async def test_dtmf_by_sip_info() -> None:
    bot = ScriptedBot()
    async with running(test_settings(), bot) as (app, _):
        uac = Uac(await udp(), await udp(), app[SIP].port, "call-info@test")
        uac.invite()
        await uac.answered()
        uac.send("INFO", "Signal=5\r\nDuration=160\r\n", cseq=2, to_tag=uac.to_tag,
                 content_type="application/dtmf-relay")
        await uac.expect(200)
        uac.send("BYE", cseq=3, to_tag=uac.to_tag)
        await uac.expect(200)
        await asyncio.sleep(0.1)
    assert [e.digit for e in bot.records[0].of(DtmfReceived)] == ["5"]


async def test_listening_on_all_addresses_advertises_the_route_to_the_caller() -> None:
    async with running(test_settings(host="0.0.0.0"), ScriptedBot()) as (app, _):
        uac = Uac(await udp(), await udp(), app[SIP].port, "any@test")
        uac.invite()
        ok = await uac.answered()
        assert b"c=IN IP4 127.0.0.1\r\n" in ok.body and "@127.0.0.1:" in ok.get("Contact")
        uac.send("BYE", cseq=2, to_tag=uac.to_tag)
        await uac.expect(200)
