"""A silent line is not always a vanished caller: a phone on hold, or one that sends comfort noise, stays.

The media timeout ends calls whose line delivers nothing (issue 12). A caller who puts the bot on hold
(re-INVITE with ``a=sendonly``, RFC 3264 section 8.4) or whose phone suppresses silence and sends comfort noise
(RFC 3389, payload type 13) sends no audio on purpose: those calls must stay up, and still end once the phone
really is gone.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.calls_support import Phone, serving
from voicebot.lines.rtp import COMFORT_NOISE, RtpPacket
from voicebot.lines.sdp import holds

MEDIA_TIMEOUT_S = 1.0


def _reinvite(phone: Phone, direction: str) -> None:
    uac = phone.uac
    body = (f"v=0\r\no=uac 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            f"m=audio {uac.rtp.port} RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na={direction}\r\n")
    uac.send("INVITE", body, cseq=5, to_tag=uac.to_tag)


def test_hold_is_read_from_the_sdp_direction_or_the_zero_address() -> None:
    assert holds(b"v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\na=sendonly\r\n")
    assert holds(b"v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\na=inactive\r\n")
    assert holds(b"v=0\r\nc=IN IP4 0.0.0.0\r\nm=audio 4000 RTP/AVP 0\r\n")
    assert not holds(b"v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n")


async def test_a_caller_on_hold_is_not_taken_for_gone_and_is_after_taking_the_call_back(tmp_path: Path) -> None:
    async with serving(tmp_path, media_timeout_s=MEDIA_TIMEOUT_S) as bot:
        phone = await Phone.call(bot, "hold@test")
        phone.press(0)
        await bot.queued()
        _reinvite(phone, "sendonly")
        await phone.next(200)
        await phone.stop_rtp()  # on hold: the phone sends nothing
        await phone.nothing("BYE", for_s=3 * MEDIA_TIMEOUT_S)
        _reinvite(phone, "sendrecv")  # back from hold ... and then the phone is gone
        await phone.next(200)
        bye, _ = await phone.next("BYE", wait_s=6.0)
        phone.uac.reply(bye, 200)
        record = await bot.record()
    assert record.outcome == "callback"  # gone for good: a callback, not a caller kept on a dead line


async def test_comfort_noise_keeps_a_silent_caller_on_the_line(tmp_path: Path) -> None:
    async with serving(tmp_path, media_timeout_s=MEDIA_TIMEOUT_S) as bot:
        phone = await Phone.call(bot, "dtx@test")
        phone.press(0)
        await bot.queued()
        await phone.stop_rtp()
        for seq in range(16):  # a phone with silence suppression: one comfort-noise packet every 200 ms
            phone.uac.rtp_send(RtpPacket(COMFORT_NOISE, 5000 + seq, 160 * seq, 7, b"\x40"))
            await asyncio.sleep(0.2)
        await phone.nothing("BYE", for_s=0.1)
        await phone.hang_up()
        record = await bot.record()
    assert record.outcome != "callback"  # the caller hung up themselves; the line was never taken for dead
