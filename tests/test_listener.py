"""The listener follows the conversation's turn state: what the bot asked for, and whether it is thinking."""

from __future__ import annotations

import asyncio

import pytest

from voicebot.audio import AudioFrame
from voicebot.call.call_context import CallContext
from voicebot.call.call_runner import file_line_info
from voicebot.call.caller_input import CallerInput, Heard, HungUp, Pressed, Silent
from voicebot.call.listener import Listener
from voicebot.events import CallRecord
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
