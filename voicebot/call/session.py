"""One call, start to end: listen, think, speak, hand off, and leave a record and a ticket behind."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from asr.base import Recognizer, VoiceActivityDetector
from dialogue.base import DialogueEngine
from tts.base import Synthesizer
from voicebot.call.call_context import CallContext
from voicebot.call.caller_input import CallerInput
from voicebot.call.clocked import ClockedDialogue, ClockedQueue, ClockedStream, ClockedSynthesizer, ClockedTickets
from voicebot.call.conversation import Conversation
from voicebot.call.holding import Holding
from voicebot.call.listener import Listener
from voicebot.call.live_view import LineDisplay
from voicebot.call.playback import Speaker
from voicebot.call.satisfaction import Survey
from voicebot.call.ticket_keeper import TicketKeeper
from voicebot.errors import ConfigError, VoicebotError
from voicebot.events import CallEnded, CallRecord, CallStarted, ErrorOccurred, TicketFiled
from voicebot.handoff.base import TicketStore, WaitingQueue
from voicebot.lines.line import Line
from voicebot.recording.plan import RecordingPlan
from voicebot.recording.recorder import CallRecorder
from voicebot.runtime.clock import Clock, RealClock
from voicebot.settings import SessionSettings
from voicebot.workorder.book import WorkOrderBook

log = logging.getLogger(__name__)

INBOX_SIZE = 16
"""Caller inputs waiting for the conversation; more means the bot is hopelessly behind."""


def final_kind(record: CallRecord) -> str:
    """Return the ticket kind a finished call leaves: handoff, callback, complaint, resolved, or partial."""
    kinds = {event.ticket_kind for event in record.of(TicketFiled)}
    if record.outcome == "callback" and "callback" in kinds:  # a callback taken instead of a handoff
        return "callback"
    if record.outcome in ("handoff", "callback"):
        return "handoff"
    if "complaint" in kinds:
        return "complaint"
    return "resolved" if record.outcome == "resolved" else "partial"


@dataclass(frozen=True, slots=True)
class Engines:
    """The engines a call needs; built once per process in ``voicebot.engines``, shared by all calls."""

    recognizers: Mapping[str, Recognizer]
    """Speech recogniser per language (one model each, one stream per call)."""
    synthesizer: Synthesizer
    """Speech synthesiser, normally a prompt cache in front of the real engine."""
    dialogue: DialogueEngine
    """Dialogue engine client."""
    tickets: TicketStore
    """Durable ticket store."""
    vad_factory: Callable[[], VoiceActivityDetector]
    """Makes one voice activity detector per call."""
    agent_target: str = "agents"
    """Where transfers go (SIP URI, queue name)."""
    queue: WaitingQueue | None = None
    """The agents' queue; without one, a handoff transfers at once (or promises a callback)."""
    workorder: WorkOrderBook | None = None
    """The work order's operator files; without them tickets carry no work order."""
    recording: RecordingPlan | None = None
    """How calls are recorded; ``None``: not recorded."""


class CallSession:
    """Runs one call on a line with shared engines; ``run()`` returns its ``CallRecord``."""

    def __init__(self, line: Line, engines: Engines, settings: SessionSettings, clock: Clock | None = None) -> None:
        self.line = line
        self.engines = engines
        self.settings = settings
        self.clock = clock
        self.lang = line.info.lang or settings.default_lang
        self.record = CallRecord(line.info.call_id, info=dataclasses.asdict(line.info), listeners=(LineDisplay(line),))
        self._started_at_ms = int(time.time() * 1000)

    async def run(self) -> CallRecord:
        """Run the call until it ends; the ticket is saved even if the call is cut off."""
        clock = self.clock or RealClock()
        self.clock = clock
        info = self.line.info
        await self.record.emit(CallStarted(0, protocol=info.protocol, lang=self.lang))
        log.info("call %s: answered (%s, %s)", info.call_id, info.protocol, self.lang)
        recognizer = self.engines.recognizers.get(self.lang)
        if recognizer is None:
            raise ConfigError("asr-no-model-for-language", f"no speech recogniser configured for {self.lang}")
        # Every engine of this call holds the clock while it works (virtual time stands still): wrapped once, here.
        stream = ClockedStream(recognizer.start_stream(info.call_id, info.rate), clock)
        tickets = ClockedTickets(self.engines.tickets, clock)
        recording = self.engines.recording
        recorder = CallRecorder.start(recording, info.call_id, info.rate, clock)
        context = CallContext(self.line, self.lang, clock, self.record, self.settings, recording=recording,
                              recorder=recorder)  # fmt: skip
        keeper = TicketKeeper(context, tickets, self.engines.workorder, self._started_at_ms)
        speaker = Speaker(context, ClockedSynthesizer(self.engines.synthesizer, clock))
        inbox: asyncio.Queue[CallerInput] = asyncio.Queue(INBOX_SIZE)
        queue = ClockedQueue(self.engines.queue, clock) if self.engines.queue else None
        holding = Holding(queue, self.line, speaker, clock, self.record, self.lang) if queue else None
        dialogue = ClockedDialogue(self.engines.dialogue, clock)
        conversation = Conversation(context, dialogue, tickets, speaker, keeper, inbox, self.engines.agent_target,
                                    holding)  # fmt: skip
        listener = Listener(context, self.engines.vad_factory(), stream, speaker, inbox)
        reason = "error"
        try:
            reason = await self._run_stages(listener, conversation, Survey(context, speaker), inbox)
        except* VoicebotError as group:
            for err in group.exceptions:
                assert isinstance(err, VoicebotError)
                log.error("call %s: %s", info.call_id, err)
                await self.record.emit(ErrorOccurred(int(clock.now_ms()), err.code, err.message))
        finally:
            self.record.outcome = self.record.outcome or reason
            await self.record.emit(CallEnded(int(clock.now_ms()), reason=self.record.outcome))
            recorder.close()  # final before the last save: the ticket says whether it is missing
            await asyncio.shield(self._final_save(keeper))
            await stream.aclose()
        log.info("call %s: ended (%s)", info.call_id, self.record.outcome)
        return self.record

    async def _run_stages(
        self, listener: Listener, conversation: Conversation, survey: Survey, inbox: asyncio.Queue[Any]
    ) -> str:
        outcome = "abandoned"
        async with asyncio.TaskGroup() as group:
            listen_task = group.create_task(listener.run(), name=f"listen-{self.record.call_id}")

            async def converse() -> None:
                nonlocal outcome
                try:
                    async with asyncio.timeout(self.settings.max_call_s):
                        outcome = await conversation.run()
                        if survey.due(outcome):  # 一次一评: the caller rates a call the bot resolved, once
                            await survey.run(inbox)
                except TimeoutError:
                    outcome = "too-long"
                listen_task.cancel()  # the bot ended the call: stop listening
                if outcome != "abandoned":
                    await self.line.hangup()

            group.create_task(converse(), name=f"converse-{self.record.call_id}")
        self.record.outcome = outcome
        return outcome

    async def _final_save(self, keeper: TicketKeeper) -> None:
        # Every call leaves a ticket, even a silent one: agents and supervisors see abandoned calls too.
        number = await keeper.save(final_kind(self.record), {})
        if number is not None:
            self.record.keep_ticket(number)  # no TicketFiled: the call is over
