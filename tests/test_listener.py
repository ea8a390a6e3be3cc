"""The listener follows the conversation's turn state: what the bot asked for, and whether it is thinking."""

from __future__ import annotations

import asyncio

import pytest

from asr.base import Transcript
from voicebot.audio import AudioFrame
from voicebot.call.call_context import CallContext
from voicebot.call.call_runner import file_line_info
from voicebot.call.caller_input import CallerInput, Heard, HungUp, Pressed, Silent
from voicebot.call.listener import Listener
from voicebot.events import CallRecord, UserStoppedSpeaking
from voicebot.lines.line import Dtmf
from voicebot.runtime.clock import RealClock
from voicebot.settings import SessionSettings

from .fakes import EnergyVad, QuietLine, ScriptedStream, tone

SPEECH = AudioFrame(tone(20).pcm, 8000)
QUIET = AudioFrame(bytes(320), 8000)


class FedLine(QuietLine):
    """A line whose caller sends the given frames and keys, then hangs up."""

    def __init__(self, items: list[AudioFrame | Dtmf]) -> None:
        self.info = file_line_info()
        self._items = list(items)

    async def recv(self) -> AudioFrame | Dtmf | None:
        return self._items.pop(0) if self._items else None


class SilentBot:
    """A ``BotVoice`` that never speaks."""

    speaking = False
    spoken_ms = 0
    interruptible = True

    def duck(self, on: bool) -> None:
        pass

    async def interrupt(self) -> bool:
        return False

    async def line_closed(self) -> None:
        pass


async def listen(
    items: list[AudioFrame | Dtmf], expect: str | None = None, thinking: bool = False, no_input_ms: int = 8000
) -> list[CallerInput]:
    settings = SessionSettings(no_input_ms=no_input_ms)
    context = CallContext(FedLine(items), "zh-CN", RealClock(), CallRecord("c1"), settings)
    inbox: asyncio.Queue[CallerInput] = asyncio.Queue()
    listener = Listener(context, EnergyVad(), ScriptedStream(["一", "二"], []), SilentBot(), inbox)
    context.turn.expect, context.turn.thinking = expect, thinking  # as the conversation writes them, after start
    await listener.run()
    return [inbox.get_nowait() for _ in range(inbox.qsize())]


@pytest.mark.parametrize(("expect", "pressed"), [(None, [Pressed("0"), Pressed("5")]), ("number", [Pressed("05")])])
async def test_a_lone_zero_asks_for_a_person_unless_the_bot_asked_for_a_number(
    expect: str | None, pressed: list[Pressed]
) -> None:
    heard = await listen([Dtmf("0"), Dtmf("5"), Dtmf("#")], expect=expect)
    assert heard == [*pressed, HungUp()]


@pytest.mark.parametrize(("expect", "utterances"), [(None, 2), ("number", 1)])
async def test_a_pause_of_a_second_ends_an_utterance_unless_the_bot_asked_for_a_number(
    expect: str | None, utterances: int
) -> None:
    frames = [SPEECH] * 10 + [QUIET] * 50 + [SPEECH] * 10 + [QUIET] * 100  # 1000 ms pause: > 700, < 1500
    heard = await listen(frames, expect=expect)
    assert len([item for item in heard if isinstance(item, Heard)]) == utterances


@pytest.mark.parametrize(("thinking", "silent"), [(False, 1), (True, 0)])
async def test_no_input_is_not_reported_while_the_bot_thinks(thinking: bool, silent: int) -> None:
    heard = await listen([QUIET] * 75, thinking=thinking, no_input_ms=1000)  # 1.5 s of silence
    assert len([item for item in heard if isinstance(item, Silent)]) == silent


class GrowingPartials(ScriptedStream):
    """A stream whose partial transcript grows with the frames fed: ``(frames, text)`` steps, like vosk's."""

    def __init__(self, steps: list[tuple[int, str]], finals: list[str]) -> None:
        super().__init__(finals, [])
        self._steps = steps
        self._heard = 0

    async def accept(self, frame: AudioFrame) -> None:
        self._heard += 1

    def partial(self) -> Transcript:
        return Transcript(next((text for after, text in reversed(self._steps) if self._heard >= after), ""), False)

    async def finish(self) -> Transcript:
        self._heard = 0
        return await super().finish()


async def endpoints(
    frames: list[AudioFrame | Dtmf], stream: GrowingPartials, settings: SessionSettings,
    expect: str | None = None, asked: str | None = None,
) -> tuple[list[CallerInput], list[UserStoppedSpeaking]]:
    context = CallContext(FedLine(frames), "zh-CN", RealClock(), CallRecord("c1"), settings)
    inbox: asyncio.Queue[CallerInput] = asyncio.Queue()
    listener = Listener(context, EnergyVad(), stream, SilentBot(), inbox)
    context.turn.expect, context.turn.asked = expect, asked
    await listener.run()
    return [inbox.get_nowait() for _ in range(inbox.qsize())], context.record.of(UserStoppedSpeaking)


async def test_a_complete_yes_ends_after_the_short_hold_and_fixed_waits_700_ms() -> None:
    frames: list[AudioFrame | Dtmf] = [SPEECH] * 20 + [QUIET] * 60
    adaptive = await endpoints(frames, GrowingPartials([(5, "是的")], ["是的"]), SessionSettings(), "yes_no")
    fixed = await endpoints(frames, GrowingPartials([(5, "是的")], ["是的"]),
                            SessionSettings(end_of_turn="fixed"), "yes_no")
    assert [(e.waited_ms, e.end_reason) for e in adaptive[1]] == [(300, "yes-no-answer")]
    assert [(e.waited_ms, e.end_reason) for e in fixed[1]] == [(700, "fixed")]
    assert adaptive[0] == fixed[0] == [Heard("是的", 0.9), HungUp()]


async def test_a_phone_number_paused_between_groups_is_one_utterance_that_ends_short_once_complete() -> None:
    """一三八 幺二三四 <1 s pause> 五六七八: the pause is not an end (digits missing); the complete number is."""
    frames: list[AudioFrame | Dtmf] = [SPEECH] * 40 + [QUIET] * 50 + [SPEECH] * 25 + [QUIET] * 100
    steps = [(10, "一三八"), (30, "一三八 幺二三四"), (100, "一三八 幺二三四 五六七八")]
    heard, stops = await endpoints(frames, GrowingPartials(steps, ["一三八 幺二三四 五六七八"]), SessionSettings(),
                                   "number", "callback_phone")
    assert heard == [Heard("一三八 幺二三四 五六七八", 0.9), HungUp()]
    assert [(e.waited_ms, e.end_reason) for e in stops] == [(300, "number-complete")]


async def test_the_hold_follows_the_partial_as_it_grows_in_the_silence() -> None:
    """The recogniser lags: 那个 shows while the silence runs, then the words catch up to a closing 了."""
    frames: list[AudioFrame | Dtmf] = [SPEECH] * 30 + [QUIET] * 80
    steps = [(10, "我 想 问 一下 那个"), (30 + 25, "我 想 问 一下 那个 路灯 坏 了")]
    heard, stops = await endpoints(frames, GrowingPartials(steps, ["我想问一下那个路灯坏了"]), SessionSettings())
    assert len([item for item in heard if isinstance(item, Heard)]) == 1
    assert [(e.waited_ms, e.end_reason) for e in stops] == [(520, "closing-word")]  # words caught up ~500 ms in


async def test_an_utterance_cut_at_the_length_limit_says_so() -> None:
    frames: list[AudioFrame | Dtmf] = ([SPEECH] * 200 + [QUIET] * 10) * 4 + [QUIET] * 100  # 16.8 s: over 15 s
    heard, stops = await endpoints(frames, GrowingPartials([(5, "我 想 问 一下")], ["a", "b"]), SessionSettings())
    assert [(e.waited_ms, e.end_reason) for e in stops] == [(0, "cut"), (1200, "trailing-hesitation")]
    assert len([item for item in heard if isinstance(item, Heard)]) == 2
