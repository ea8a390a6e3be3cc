"""Run scenarios through the whole bot in virtual time, several at once, and check them."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from voicebot.audio import read_wav
from voicebot.call.call_runner import file_line_info
from voicebot.call.session import CallSession, Engines
from voicebot.errors import VoicebotError
from voicebot.events import CallEnded, CallRecord
from voicebot.handoff.base import WaitingQueue
from voicebot.lines.file_line import CallerTurn, FileLine
from voicebot.lines.line import Dtmf, LineInfo
from voicebot.qa.checks import check_call, check_turn, turn_result, windows
from voicebot.qa.metrics import ErrorCount, error_count, metric_for
from voicebot.qa.results import FAILED, PASSED, SKIPPED, Failure, RunResult, ScenarioResult
from voicebot.qa.scenario import Scenario, in_ci
from voicebot.qa.seeds import SeedStore, seed_tickets
from voicebot.qa.turn_reference import TurnReferenceRecognizer
from voicebot.runtime.aio import cancel_and_wait
from voicebot.runtime.clock import Clock, VirtualClock
from voicebot.settings import SessionSettings

log = logging.getLogger(__name__)

TicketLookup = Callable[[str], Awaitable[dict[str, Any] | None]]
"""Returns the stored ticket of a call id as a dict (or None)."""
Progress = Callable[[ScenarioResult, int, int], None]
"""Called after each scenario with its result, the number done and the total."""
ON_DUTY_FROM = datetime.datetime(2026, 11, 25, 10, 0)
"""A Wednesday morning: a scenario without ``at:`` takes place at the first time agents work from then on."""


@dataclass(frozen=True, slots=True)
class ReplaySetup:
    """The engines a replay uses and how it judges recognition."""

    engines: Engines
    """Shared engines (synthesiser, dialogue, ticket store, VAD; recognisers unless ``reference``)."""
    settings: SessionSettings
    """Call behaviour."""
    ticket_of: TicketLookup
    """Ticket lookup by call id (the real store's ``get_by_call``)."""
    reference: bool = False
    """True: each turn's reference text stands in for speech recognition (dialogue checks without ASR)."""
    model_languages: dict[str, str] = dataclasses.field(default_factory=dict)
    """Per call language, the language of the ASR model configured for it (``ko`` for the CI model)."""
    rate: int = 8000
    """Line sample rate."""
    check_understood: bool = True
    """False skips every ``expect_if_understood`` block (a stand-in dialogue understands differently from Rasa)."""
    store: SeedStore | None = None
    """The SQL store behind ``engines.tickets``, where scenarios' ``tickets:`` are stored before their calls."""

    def understands(self, lang: str) -> bool:
        """Return True when the caller's words reach the dialogue intact for ``lang``."""
        if not self.check_understood:
            return False
        return self.reference or self.model_languages.get(lang, "").split("-")[0] == lang.split("-")[0]


class ReplayError(VoicebotError):
    """The replay cannot set a scenario's call up."""


class _TurnClockedLine(FileLine):
    """A ``FileLine`` that notes when each caller turn starts (to attribute events to turns)."""

    def __init__(self, turns: Sequence[CallerTurn], clock: Clock, info: LineInfo) -> None:
        super().__init__(turns, clock, info)
        self.turn_starts: list[int] = []
        self._turn_clock = clock

    async def recv(self) -> Any:
        """Return the next caller frame or key, noting turn starts."""
        before = self.turns_played
        item = await super().recv()
        if self.turns_played > before:
            at = item.timestamp_ms if isinstance(item, Dtmf) else self._turn_clock.now_ms()
            self.turn_starts.append(int(at))
        return item


def caller_turns(scenario: Scenario, rate: int) -> list[CallerTurn]:
    """Return the scenario's turns as a simulated caller plays them."""
    turns = []
    for turn in scenario.turns:
        clip = read_wav(turn.audio, rate) if turn.audio is not None else None
        turns.append(CallerTurn(clip, turn.dtmf, turn.silence_ms, turn.barge_in_after_ms, turn.describe()))
    return turns


def call_time(scenario: Scenario, queue: WaitingQueue | None) -> datetime.datetime:
    """Return when the scenario's call happens: its ``at:``, or else a time the agents are on duty.

    A replay's outcome must not depend on the hour it runs (handoffs turn into callbacks after hours).
    """
    if scenario.at is not None:
        return scenario.at
    start = ON_DUTY_FROM.astimezone()
    return (queue.next_open(start) if queue is not None else None) or start


async def _play(scenario: Scenario, setup: ReplaySetup) -> tuple[CallRecord, _TurnClockedLine]:
    clock = VirtualClock(start=call_time(scenario, setup.engines.queue))
    call_id = f"qa-{scenario.name.replace('/', '-')}-{time.time_ns()}"
    info = dataclasses.replace(file_line_info(setup.rate, scenario.language, call_id=call_id),
                               calling_number=scenario.calling_number)  # fmt: skip
    if scenario.tickets:
        if setup.store is None:
            raise ReplayError("replay-no-store", "the scenario needs tickets stored, and the replay has no SQL store")
        await seed_tickets(setup.store, scenario.tickets)
    turns = await asyncio.to_thread(caller_turns, scenario, setup.rate)  # WAV reading is blocking IO
    line = _TurnClockedLine(turns, clock, info)
    engines = setup.engines  # the session holds this call's virtual clock while its engines work
    if setup.reference:
        texts = [turn.say if turn.speaks else None for turn in scenario.turns]
        recognizer = TurnReferenceRecognizer(texts, lambda: line.turn_starts)
        engines = dataclasses.replace(engines, recognizers={**engines.recognizers, scenario.language: recognizer})
    ticker = asyncio.create_task(clock.run(), name=f"clock-{info.call_id}")
    try:
        record = await CallSession(line, engines, setup.settings, clock).run()
    finally:
        await cancel_and_wait(ticker)
    return record, line


def _skip_or_fail(scenario: Scenario, result: ScenarioResult) -> bool:
    missing = scenario.missing_audio()
    if not missing:
        return False
    names = ", ".join(str(p) for p in missing)
    shared_only = all(t.shared for t in scenario.turns if t.audio in missing)
    if shared_only and not in_ci():
        result.status = SKIPPED
        result.skip_reason = f"shared recording absent outside CI: {names}"
    else:
        hint = "" if shared_only else " (run audio_fixtures/make_audio.py)"
        result.status = FAILED
        result.failures.append(Failure(None, "audio", f"audio missing: {names}{hint}"))
    return True


async def run_scenario(scenario: Scenario, setup: ReplaySetup) -> ScenarioResult:
    """Replay one scenario and check every expectation; engine errors become failures, never crashes."""
    result = ScenarioResult(scenario.name, scenario.language, PASSED, scenario.description, scenario.tags)
    if _skip_or_fail(scenario, result):
        return result
    began = time.perf_counter()
    try:
        record, line = await _play(scenario, setup)
        ticket = await setup.ticket_of(record.call_id)
    except VoicebotError as err:
        result.status = FAILED
        result.failures.append(Failure(None, "replay", f"the call could not run: {err}"))
        return result
    understood = setup.understands(scenario.language)
    measure = not setup.reference and setup.model_languages.get(scenario.language, "").split("-")[0] == (
        scenario.language.split("-")[0]
    )
    _judge(scenario, result, record, line, ticket, understood, measure)
    result.wall_s = time.perf_counter() - began
    result.rate = setup.rate
    return result


def _judge(
    scenario: Scenario,
    result: ScenarioResult,
    record: CallRecord,
    line: _TurnClockedLine,
    ticket: dict[str, Any] | None,
    understood: bool,
    measure: bool,
) -> None:
    spans = windows(scenario, record, line.turn_starts)
    result.turns = [turn_result(w, i, scenario.language, measure) for i, w in enumerate(spans)]
    result.latencies_ms = record.reply_latencies_ms()
    result.outcome = record.outcome
    result.ticket = ticket
    ended = record.of(CallEnded)
    result.call_ms = ended[-1].at_ms if ended else 0
    result.caller_audio, result.bot_audio = line.caller_audio().pcm, line.bot_audio().pcm
    for window in spans[1:]:
        assert window.turn is not None
        result.failures += check_turn(window, window.turn.expect, window.turn.index)
        if understood:
            result.failures += check_turn(window, window.turn.expect_if_understood, window.turn.index)
        elif not window.turn.expect_if_understood.empty():
            result.unchecked += 1
    for turn in scenario.turns[len(line.turn_starts) :]:
        if not turn.expect.empty() or (understood and not turn.expect_if_understood.empty()):
            message = f"the call ended ({record.outcome}) before the caller got to this turn"
            result.failures.append(Failure(turn.index, "played", message))
    result.failures += check_call(scenario.expect, record, ticket, result.latencies_ms)
    if understood:
        result.failures += check_call(scenario.expect_if_understood, record, ticket, result.latencies_ms)
    elif not scenario.expect_if_understood.empty():
        result.unchecked += 1
    if measure:
        total = ErrorCount(metric_for(scenario.language), 0, 0)
        for window, summary in zip(spans[1:], result.turns[1:], strict=False):
            if window.turn is not None and window.turn.speaks and window.turn.say:
                total = total + error_count(window.turn.say, summary.heard, scenario.language)
        result.error_metric, result.errors, result.ref_length = total.metric, total.errors, total.length
    result.status = FAILED if result.failures else PASSED


async def run_suite(
    scenarios: Sequence[Scenario], setup: ReplaySetup, jobs: int = 4, progress: Progress | None = None
) -> RunResult:
    """Replay every scenario, at most ``jobs`` at once; results come back in suite order."""
    began = time.perf_counter()
    started = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    gate = asyncio.Semaphore(max(1, jobs))
    done = 0

    async def one(scenario: Scenario) -> ScenarioResult:
        nonlocal done
        async with gate:
            result = await run_scenario(scenario, setup)
        done += 1
        if progress is not None:
            progress(result, done, len(scenarios))
        return result

    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(one(s), name=f"replay-{s.name}") for s in scenarios]
    asr = "reference" if setup.reference else "vosk"
    return RunResult([t.result() for t in tasks], asr, time.perf_counter() - began, started)
