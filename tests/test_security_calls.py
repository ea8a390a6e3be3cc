"""Calls that end badly, with a SIP caller written from RFC 3261/3515 against the real session, store and queue.

A refused or failed transfer is told to the caller and the ticket goes back to the queue (a hang-up then books
the callback); a 202 is not a success until the NOTIFY says so; a caller whose RTP stops is hung up and called
back; a claim reaches the waiting caller at once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import statistics
import time
import uuid
from pathlib import Path

from aiohttp import web

from tests.calls_support import AGENTS, Phone, claimed_call, serving, spoken
from voicebot.audio import rms_dbfs, ulaw_decode
from voicebot.call.prompts import prompt
from voicebot.commands.serve_cmd import transfer_warning
from voicebot.events import ErrorOccurred, TransferAttempted
from voicebot.handoff.hours import AgentHours
from voicebot.handoff.listen import changes_ctx
from voicebot.handoff.queue import HandoffQueue
from voicebot.handoff.store import SqlTicketStore
from voicebot.lines.audiosocket import AUDIO, DTMF, HANGUP, UUID, pack, read_message
from voicebot.lines.rtp import parse_rtp
from voicebot.settings import Settings

CALLER = "13800138000"
"""The number the test phone calls from."""


def loud_packets_after(phone: Phone, since: float) -> int:
    """Count the bot's RTP packets carrying sound that arrived after ``since`` (drains what arrived so far)."""
    count = 0
    while not phone.uac.rtp.queue.empty():
        data, at = phone.uac.rtp.queue.get_nowait()
        if at > since and rms_dbfs(ulaw_decode(parse_rtp(data).payload)) > -30:
            count += 1
    return count


async def test_refer_answered_405_is_told_requeued_and_a_hang_up_books_the_callback(tmp_path: Path) -> None:
    async with serving(tmp_path) as bot:
        phone, number = await claimed_call(bot, "refused@test")
        refer, _ = await phone.next("REFER")
        assert refer.get("Refer-To") == f"<{AGENTS}>"
        phone.uac.reply(refer, 405)
        refused_at = time.monotonic()
        await phone.nothing("BYE", 2.0)  # the bot keeps the caller...
        assert loud_packets_after(phone, refused_at) >= 25  # ...and talks to them (the prompt, as RTP audio)
        ticket = await bot.ticket(number)
        assert ticket.status == "queued" and ticket.claimed_by is None  # another agent can take it
        await phone.hang_up()
        record = await bot.record()
        ticket = await bot.ticket(number)
    assert ticket.status == "callback_due" and ticket.callback_number == CALLER and ticket.claimed_by is None
    texts = [text for _, text in spoken(record)]
    assert prompt("transfer_failed", "zh-CN", number=number) in texts
    assert [e.connected for e in record.of(TransferAttempted)] == [False]


async def test_after_a_405_the_next_claim_books_the_callback_without_another_refer(tmp_path: Path) -> None:
    async with serving(tmp_path) as bot:
        phone, number = await claimed_call(bot, "refused-twice@test")
        refer, _ = await phone.next("REFER")
        phone.uac.reply(refer, 405)
        await bot.queued()  # back in the queue
        assert (await bot.queue.claim_next("bob")) is not None
        bye, _ = await phone.next("BYE", wait_s=8.0)  # the caller's side takes no REFER: told, then called back
        phone.uac.reply(bye, 200)
        await phone.stop_rtp()
        record = await bot.record()
        ticket = await bot.ticket(number)
    assert ticket.status == "callback_due" and ticket.claimed_by is None and ticket.callback_number == CALLER
    assert [e.connected for e in record.of(TransferAttempted)] == [False]  # one REFER only
    assert spoken(record)[-1][1] == prompt("callback_registered", "zh-CN", number=number)


async def test_notify_486_fails_the_transfer_and_the_bye_waits_for_a_notify_200(tmp_path: Path) -> None:
    async with serving(tmp_path) as bot:
        phone, number = await claimed_call(bot, "busy@test")
        refer, _ = await phone.next("REFER")
        phone.uac.reply(refer, 202)
        phone.notify("SIP/2.0 100 Trying", terminated=False)
        await phone.next(200)
        await phone.nothing("BYE", 0.5)
        phone.notify("SIP/2.0 486 Busy Here", terminated=True)
        await phone.next(200)  # NOTIFY answered 200 OK
        await phone.nothing("BYE", 1.0)
        assert (await bot.ticket(number)).status == "queued"
        assert (await bot.queue.claim_next("bob")) is not None  # the next agent takes it: a second REFER
        refer, _ = await phone.next("REFER")
        phone.uac.reply(refer, 202)
        await phone.nothing("BYE", 1.0)  # a 202 alone is no transfer: the bot waits for the outcome
        phone.notify("SIP/2.0 200 OK", terminated=True)
        _, notified_at = await phone.next(200)
        bye, bye_at = await phone.next("BYE")
        phone.uac.reply(bye, 200)
        await phone.stop_rtp()
        record = await bot.record()
        ticket = await bot.ticket(number)
    assert bye_at >= notified_at
    assert ticket.status == "claimed" and ticket.claimed_by == "bob"
    assert [e.connected for e in record.of(TransferAttempted)] == [False, True]
    assert prompt("transfer_failed", "zh-CN", number=number) in [text for _, text in spoken(record)]
    assert record.outcome == "handoff"


async def test_no_notify_after_202_times_out_as_a_failed_transfer_and_key_1_takes_the_callback(tmp_path: Path) -> None:
    async with serving(tmp_path, notify_timeout_s=1.0) as bot:
        phone, number = await claimed_call(bot, "silent-notify@test")
        refer, _ = await phone.next("REFER")
        phone.uac.reply(refer, 202)
        accepted_at = time.monotonic()
        await phone.nothing("BYE", 2.5)
        assert loud_packets_after(phone, accepted_at + 1.0) >= 25  # told after the timeout, still on the line
        assert (await bot.ticket(number)).status == "queued"
        phone.press(1)  # takes the callback the apology offered
        bye, _ = await phone.next("BYE", wait_s=10.0)
        phone.uac.reply(bye, 200)
        await phone.stop_rtp()
        record = await bot.record()
        ticket = await bot.ticket(number)
    assert ticket.status == "callback_due" and ticket.callback_number == CALLER and ticket.claimed_by is None
    assert spoken(record)[-1][1] == prompt("callback_registered", "zh-CN", number=number)
    assert record.outcome == "callback"


async def test_caller_whose_rtp_stops_is_hung_up_and_called_back(tmp_path: Path) -> None:
    async with serving(tmp_path, media_timeout_s=1.5) as bot:
        phone = await Phone.call(bot, "vanished@test")
        phone.press(0)
        await bot.queued()
        await phone.stop_rtp()  # no BYE, no RTP: the phone is simply gone
        stopped_at = time.monotonic()
        bye, bye_at = await phone.next("BYE", wait_s=6.0)
        phone.uac.reply(bye, 200)
        record = await bot.record()
        number = record.tickets[0]
        ticket = await bot.ticket(number)
        assert await bot.queue.claim_next("alice") is None  # nobody left waiting to be claimed
    assert 1.4 <= bye_at - stopped_at < 4.0
    assert ticket.status == "callback_due" and ticket.claimed_by is None and ticket.callback_number == CALLER
    assert "line-media-timeout" in [e.code for e in record.of(ErrorOccurred)]


async def test_caller_who_never_sends_rtp_is_a_callback_not_an_abandoned_call(tmp_path: Path) -> None:
    async with serving(tmp_path, media_timeout_s=1.0) as bot:
        phone = await Phone.call(bot, "no-media@test")
        await phone.stop_rtp()
        bye, _ = await phone.next("BYE", wait_s=8.0)
        phone.uac.reply(bye, 200)
        record = await bot.record()
        ticket = await bot.ticket(record.tickets[0])
    assert ticket.status == "callback_due" and ticket.callback_number == CALLER
    assert record.outcome == "callback"


async def test_claim_reaches_the_waiting_caller_at_once(tmp_path: Path) -> None:
    latencies = []
    async with serving(tmp_path, ms_per_char=120) as bot:  # long prompts: the claim lands mid-sentence
        for index in range(3):
            phone = await Phone.call(bot, f"waiting-{index}@test")
            phone.press(0)
            await bot.queued()
            await asyncio.sleep(1.0)  # the queue prompt is playing (about 6 s of it)
            claimed_at = time.monotonic()
            assert await bot.queue.claim_next("alice") is not None
            refer, refer_at = await phone.next("REFER", wait_s=5.0)
            latencies.append(refer_at - claimed_at)
            phone.uac.reply(refer, 202)
            phone.notify("SIP/2.0 200 OK", terminated=True)
            bye, _ = await phone.next("BYE")
            phone.uac.reply(bye, 200)
            await phone.stop_rtp()
            bot.records.clear()
    print(f"claim -> REFER: median {statistics.median(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms")
    assert max(latencies) < 2.0, latencies


async def test_audiosocket_caller_whose_audio_stops_is_hung_up_and_called_back(tmp_path: Path) -> None:
    async with serving(tmp_path, media_timeout_s=1.5) as bot:
        call_uuid = bot.audiosocket.register(str(uuid.uuid4()), CALLER, "12345")
        reader, writer = await asyncio.open_connection("127.0.0.1", bot.audiosocket.port)
        writer.write(pack(UUID, uuid.UUID(call_uuid).bytes))
        for _ in range(25):  # half a second of (silent) audio, then the DTMF 0 Asterisk relays
            writer.write(pack(AUDIO, bytes(320)))
            await asyncio.sleep(0.02)
        writer.write(pack(DTMF, b"0"))
        for _ in range(50):
            writer.write(pack(AUDIO, bytes(320)))
            await asyncio.sleep(0.02)
        await bot.queued()
        stopped_at = time.monotonic()  # the socket stays open, but nothing more comes
        while (await read_message(reader))[0] != HANGUP:
            assert time.monotonic() - stopped_at < 6.0
        hung_up_after = time.monotonic() - stopped_at
        writer.close()
        record = await bot.record()
        ticket = await bot.ticket(record.tickets[0])
    assert 1.0 <= hung_up_after < 4.0
    assert ticket.status == "callback_due" and ticket.callback_number == CALLER and ticket.claimed_by is None


async def test_claim_from_another_process_reaches_the_waiting_caller_by_the_change_poller(tmp_path: Path) -> None:
    async with serving(tmp_path) as bot:
        poller = changes_ctx(bot.store, 0.5)(web.Application())  # what `voicebot serve` runs beside the console
        await anext(poller)
        console = SqlTicketStore.from_url(f"sqlite:///{tmp_path / 'tickets.db'}")  # the console's own process
        try:
            phone = await Phone.call(bot, "other-process@test")
            phone.press(0)
            await bot.queued()
            claimed_at = time.monotonic()
            assert await HandoffQueue(console, AgentHours.parse("always")).claim_next("alice") is not None
            refer, refer_at = await phone.next("REFER", wait_s=5.0)
            phone.uac.reply(refer, 202)
            phone.notify("SIP/2.0 200 OK", terminated=True)
            bye, _ = await phone.next("BYE")
            phone.uac.reply(bye, 200)
            await phone.stop_rtp()
        finally:
            await console.close()
            await poller.aclose()
    print(f"claim in another process -> REFER: {(refer_at - claimed_at) * 1000:.0f} ms (0.5 s poll)")
    assert refer_at - claimed_at < 2.0


async def test_without_agent_uri_a_claimed_caller_is_told_and_called_back_not_bounced(tmp_path: Path) -> None:
    async with serving(tmp_path, agent_uri="") as bot:  # the default settings: nowhere to REFER to
        phone, number = await claimed_call(bot, "no-agent-uri@test")
        bye, _ = await phone.next("BYE", wait_s=8.0)  # no REFER to nowhere: told, then the bot hangs up
        phone.uac.reply(bye, 200)
        await phone.stop_rtp()
        record = await bot.record()
        ticket = await bot.ticket(number)
    assert ticket.status == "callback_due" and ticket.callback_number == CALLER and ticket.claimed_by is None
    assert spoken(record)[-1][1] == prompt("callback_registered", "zh-CN", number=number)
    assert record.of(TransferAttempted) == [] and record.outcome == "callback"


def test_serve_warns_once_when_sip_callers_cannot_be_transferred() -> None:
    default = Settings()
    assert default.server.agent_uri == ""
    warning = transfer_warning(default)
    assert warning is not None and "agent_uri is empty" in warning and "callback" in warning
    with_agents = dataclasses.replace(default, server=dataclasses.replace(default.server, agent_uri=AGENTS))
    assert transfer_warning(with_agents) is None
    no_sip = dataclasses.replace(default, server=dataclasses.replace(default.server, sip_port=-1))
    assert transfer_warning(no_sip) is None
