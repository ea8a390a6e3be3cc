"""Transfer by closing (AudioSocket and Twilio): the line closes its media so the switch's script continues."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import aiohttp

from tests.telephony_helpers import running, test_settings
from tests.test_audiosocket import UUID_MESSAGE, read_message
from tests.test_twilio import CONNECTED, START, connect
from voicebot.events import CallRecord
from voicebot.lines.audiosocket import HANGUP
from voicebot.lines.line import Line, LineInfo
from voicebot.lines.transfer import TransferByClose
from voicebot.server import AUDIOSOCKET


@dataclass
class ClosingLine:
    """A line whose media connection can only be closed (``ClosableLine``)."""

    info: LineInfo = LineInfo("t-1", "test")
    closed: bool = False
    hangups: int = 0

    async def hangup(self) -> None:
        """Close the media connection."""
        self.hangups += 1
        self.closed = True


async def test_transfer_by_close_hangs_up_only_when_enabled_and_open() -> None:
    enabled = TransferByClose(True, "the media stream", "TwiML continues")
    line = ClosingLine()
    assert await enabled.transfer(line) is True and line.hangups == 1
    assert await enabled.transfer(line) is False and line.hangups == 1  # already closed: nothing to hand over
    disabled, untouched = TransferByClose(False, "the AudioSocket", "dialplan continues"), ClosingLine()
    assert await disabled.transfer(untouched) is False and untouched.hangups == 0 and not untouched.closed


class Transferring:
    """A session that transfers at once and records what ``transfer`` answered, twice."""

    def __init__(self) -> None:
        self.results: list[bool] = []

    async def __call__(self, line: Line) -> CallRecord:
        self.results.append(await line.transfer("agents"))
        self.results.append(await line.transfer("agents"))
        await line.recv()
        return CallRecord(line.info.call_id)


async def test_audiosocket_transfer_on_close_sends_hangup_and_closes() -> None:
    session = Transferring()
    async with running(test_settings(transfer_on_close=True), session) as (app, _):  # type: ignore[arg-type]
        reader, writer = await asyncio.open_connection("127.0.0.1", app[AUDIOSOCKET].port)
        writer.write(UUID_MESSAGE)
        assert (await read_message(reader))[0] == HANGUP
        assert await asyncio.wait_for(reader.read(), 3.0) == b""  # closed: the dialplan continues
        writer.close()
    assert session.results == [True, False]


async def test_audiosocket_without_transfer_on_close_keeps_the_call() -> None:
    session = Transferring()
    async with running(test_settings(), session) as (app, _):  # type: ignore[arg-type]
        reader, writer = await asyncio.open_connection("127.0.0.1", app[AUDIOSOCKET].port)
        writer.write(UUID_MESSAGE)
        await asyncio.sleep(0.3)
        assert session.results == [False, False] and not reader.at_eof()
        writer.write(bytes.fromhex("000000"))  # the caller hangs up
        await writer.drain()
        assert (await read_message(reader))[0] == HANGUP
        writer.close()


async def test_twilio_transfer_on_close_closes_the_stream() -> None:
    session = Transferring()
    async with running(test_settings(transfer_on_close=True), session) as (_, port):  # type: ignore[arg-type]
        http, ws = await connect(port)
        await ws.send_str(CONNECTED)
        await ws.send_str(START)
        message = await asyncio.wait_for(ws.receive(), 3.0)
        assert message.type == aiohttp.WSMsgType.CLOSE  # the TwiML after <Connect><Stream> continues
        await http.close()
    assert session.results == [True, False]
