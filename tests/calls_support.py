"""A real ``CallSession`` (fake engines) over SIP with the real ticket store and queue, for calls that end badly."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from dialogue.base import BotTurn
from tests.fakes import EnergyVad, ScriptedDialogue, ScriptedRecognizer, ToneSynth
from tests.telephony_helpers import running, test_settings
from tests.test_server_session import Caller
from tests.test_sip_server import Uac, udp
from voicebot.audio import silence
from voicebot.call.session import CallSession, Engines
from voicebot.events import BotStartedSpeaking, CallRecord
from voicebot.handoff.hours import AgentHours
from voicebot.handoff.queue import HandoffQueue
from voicebot.handoff.store import SqlTicketStore
from voicebot.handoff.ticket import Ticket
from voicebot.lines.audiosocket import AudioSocketServer
from voicebot.lines.line import Line
from voicebot.lines.sip_message import SipMessage, parse
from voicebot.recording.plan import RecordingPlan
from voicebot.server import AUDIOSOCKET, SIP
from voicebot.settings import SessionSettings

AGENTS = "sip:agents@127.0.0.1"
"""Where the bot REFERs callers."""


@dataclass
class Bot:
    """The running server, its ticket store and queue, and the records of finished calls."""

    sip_port: int
    audiosocket: AudioSocketServer
    store: SqlTicketStore
    queue: HandoffQueue
    http_port: int = 0
    records: list[CallRecord] = field(default_factory=list)

    async def record(self, wait_s: float = 10.0) -> CallRecord:
        """Return the first finished call's record (waiting for it)."""
        deadline = time.monotonic() + wait_s
        while not self.records:
            assert time.monotonic() < deadline, "the call never ended"
            await asyncio.sleep(0.05)
        return self.records[0]

    async def queued(self, wait_s: float = 10.0) -> None:
        """Wait until one caller waits in the queue."""
        deadline = time.monotonic() + wait_s
        while (await self.queue.stats(datetime.now().astimezone())).queue_length < 1:
            assert time.monotonic() < deadline, "the caller never reached the queue"
            await asyncio.sleep(0.05)

    async def ticket(self, number: str) -> Ticket:
        """Return a ticket as stored now."""
        ticket = await self.store.get(number)
        assert ticket is not None
        return ticket


@asynccontextmanager
async def serving(tmp_path: Path, media_timeout_s: float = 30.0, notify_timeout_s: float = 30.0,
                  ms_per_char: int = 20, agent_uri: str = AGENTS, recording: RecordingPlan | None = None,
                  heard: Sequence[str] = (), turns: Sequence[BotTurn] = ()) -> AsyncIterator[Bot]:
    """Run the server with real sessions, a SQLite ticket database and agents on duty round the clock
    (``recording``: calls are recorded; ``heard``/``turns``: what the recogniser hears and the dialogue says)."""
    store = SqlTicketStore.from_url(f"sqlite:///{tmp_path / 'tickets.db'}")
    await store.migrate()
    queue = HandoffQueue(store, AgentHours.parse("always"))
    engines = Engines({"zh-CN": ScriptedRecognizer(heard)}, ToneSynth(ms_per_char=ms_per_char),
                      ScriptedDialogue(list(turns)), store, EnergyVad, agent_target=agent_uri or "agents",
                      queue=queue, recording=recording)  # as engines.py does
    base = test_settings(agent_uri=agent_uri, refer_notify_timeout_s=notify_timeout_s)
    settings = dataclasses.replace(base, session=SessionSettings(no_input_ms=60000, media_timeout_s=media_timeout_s))
    bot: Bot | None = None

    async def session(line: Line) -> CallRecord:
        record = await CallSession(line, engines, settings.session).run()
        assert bot is not None
        bot.records.append(record)
        return record

    try:
        async with running(settings, session) as (app, http_port):  # type: ignore[arg-type]
            bot = Bot(app[SIP].port, app[AUDIOSOCKET], store, queue, http_port)
            yield bot
    finally:
        await store.close()


class Phone:
    """A SIP caller written from RFC 3261/3515: INVITE, RTP every 20 ms, DTMF, and answers to REFER/BYE."""

    def __init__(self, uac: Uac) -> None:
        self.uac = uac
        self.caller = Caller(uac)
        self._rtp: asyncio.Task[None] | None = None
        self._cseq = 1

    @classmethod
    async def call(cls, bot: Bot, call_id: str) -> Phone:
        """Place a call and keep sending (silent) RTP, like a real phone."""
        phone = cls(Uac(await udp(), await udp(), bot.sip_port, call_id))
        phone.uac.invite()
        await phone.uac.answered()
        phone.start_rtp()
        return phone

    def start_rtp(self) -> None:
        """Send silence every 20 ms until ``stop_rtp``."""
        async def keep_sending() -> None:
            while True:
                await self.caller.play(silence(8000, 200).pcm)

        self._rtp = asyncio.create_task(keep_sending())

    async def stop_rtp(self) -> None:
        """Stop all RTP (the phone vanished, or hung up)."""
        if self._rtp is not None:
            self._rtp.cancel()
            await asyncio.wait([self._rtp])
            self._rtp = None

    async def next(self, method_or_status: str | int, wait_s: float = 5.0) -> tuple[SipMessage, float]:
        """Return the next SIP message of that method (or status) and when it arrived (monotonic s)."""
        deadline = time.monotonic() + wait_s
        while True:
            data, at = await asyncio.wait_for(self.uac.sip.queue.get(), max(0.01, deadline - time.monotonic()))
            message = parse(data)
            if message.method == method_or_status or message.status == method_or_status:
                return message, at

    async def nothing(self, method: str, for_s: float) -> None:
        """Assert the bot sends no ``method`` request for ``for_s`` seconds."""
        try:
            message, _ = await self.next(method, for_s)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected {method}: {message}")

    def notify(self, sipfrag: str, terminated: bool) -> None:
        """Report the REFER's progress or outcome (RFC 3515 section 2.4.4)."""
        self._cseq += 1
        state = "terminated;reason=noresource" if terminated else "active;expires=60"
        self.uac.send("NOTIFY", f"{sipfrag}\r\n", cseq=self._cseq, to_tag=self.uac.to_tag,
                      content_type="message/sipfrag", extra=f"Event: refer\r\nSubscription-State: {state}\r\n")

    async def hang_up(self) -> None:
        """Send BYE and wait for its 200."""
        await self.stop_rtp()
        self._cseq += 1
        self.uac.send("BYE", cseq=self._cseq, to_tag=self.uac.to_tag)
        await self.next(200)

    def press(self, digit: int) -> None:
        """Key a digit (RFC 4733)."""
        self.caller.digit(digit)


async def claimed_call(bot: Bot, call_id: str, agent: str = "alice") -> tuple[Phone, str]:
    """Place a call whose caller keys 0, wait until it is queued, let ``agent`` claim it; return phone and number."""
    phone = await Phone.call(bot, call_id)
    phone.press(0)
    await bot.queued()
    claimed = await bot.queue.claim_next(agent)
    assert claimed is not None
    return phone, claimed.number


def spoken(record: CallRecord) -> list[tuple[int, str]]:
    """Return (call time ms, text) of every utterance the bot started to play."""
    return [(e.at_ms, e.text) for e in record.of(BotStartedSpeaking)]
