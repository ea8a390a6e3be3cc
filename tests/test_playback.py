"""What ``Speaker.say`` tells its caller: finished, interrupted, hung up or failed (with the error)."""

from __future__ import annotations

import asyncio

from voicebot.audio import AudioFrame, rms_dbfs
from voicebot.call.call_context import CallContext
from voicebot.call.call_runner import file_line_info
from voicebot.call.playback import SayEnd, Speaker
from voicebot.events import BotStoppedSpeaking, CallRecord, ErrorOccurred
from voicebot.runtime.clock import RealClock
from voicebot.settings import SessionSettings

from .fakes import BrokenSynth, QuietLine, ToneSynth


class CountingLine(QuietLine):
    """A line that only counts the frames it is sent."""

    def __init__(self) -> None:
        self.info = file_line_info()
        self.sent = 0
        self.playing = asyncio.Event()

    async def send(self, frame: AudioFrame) -> None:
        self.sent += 1
        if self.sent == 2:
            self.playing.set()


def speaker(synth: ToneSynth) -> tuple[Speaker, CountingLine, CallRecord]:
    line, record = CountingLine(), CallRecord("c1")
    return Speaker(CallContext(line, "zh-CN", RealClock(), record, SessionSettings()), synth), line, record


async def test_an_utterance_played_to_the_end_is_finished() -> None:
    bot, line, record = speaker(ToneSynth(ms_per_char=20))
    said = await bot.say("短句")
    assert said.finished and said.end is SayEnd.FINISHED and said.error is None
    assert line.sent == 10 and [e.interrupted for e in record.of(BotStoppedSpeaking)] == [False]


async def test_a_synthesis_failure_is_returned_with_its_error_and_recorded() -> None:
    bot, line, record = speaker(BrokenSynth(cached=set()))
    said = await bot.say("没有缓存的话")
    assert said.end is SayEnd.FAILED and not said.finished
    assert said.error is not None and said.error.code == "tts-failed"
    assert [e.code for e in record.of(ErrorOccurred)] == ["tts-failed"] and line.sent == 0


async def test_a_hang_up_while_speaking_and_after_it_is_hung_up_not_interrupted() -> None:
    bot, line, record = speaker(ToneSynth())
    saying = asyncio.create_task(bot.say("一句很长的话" * 5))
    await asyncio.wait_for(line.playing.wait(), 1.0)
    await bot.line_closed()
    assert (await asyncio.wait_for(saying, 1.0)).end is SayEnd.HUNG_UP
    assert (await bot.say("再见")).end is SayEnd.HUNG_UP
    assert [e.interrupted for e in record.of(BotStoppedSpeaking)] == [True]  # as before: one stop, cut short


async def test_a_barge_in_is_interrupted() -> None:
    bot, line, _ = speaker(ToneSynth())
    saying = asyncio.create_task(bot.say("一句很长的话" * 5))
    await asyncio.wait_for(line.playing.wait(), 1.0)
    assert await bot.interrupt()
    assert (await asyncio.wait_for(saying, 1.0)).end is SayEnd.INTERRUPTED


class RecordingLine(CountingLine):
    """A line that keeps the frames it is sent."""

    def __init__(self) -> None:
        super().__init__()
        self.frames: list[AudioFrame] = []
        self._wanted = 0
        self._reached = asyncio.Event()

    async def send(self, frame: AudioFrame) -> None:
        await super().send(frame)
        self.frames.append(frame)
        if len(self.frames) >= self._wanted:
            self._reached.set()

    async def until(self, count: int) -> None:
        """Wait until ``count`` frames were sent."""
        self._wanted = count
        self._reached.clear()
        if len(self.frames) < count:
            await asyncio.wait_for(self._reached.wait(), 5.0)


async def test_an_interrupted_utterance_says_where_to_resume_and_ducking_turns_it_down() -> None:
    line = RecordingLine()
    bot = Speaker(CallContext(line, "zh-CN", RealClock(), CallRecord("c1"), SessionSettings()), ToneSynth())
    text = "第一句。" + "第二句很长很长很长很长很长很长很长很长很长很长。"
    saying = asyncio.create_task(bot.say(text, interruptible=False))
    await asyncio.wait_for(line.playing.wait(), 1.0)
    assert bot.speaking and not bot.interruptible
    loud = rms_dbfs(line.frames[-1].pcm)
    bot.duck(True)
    await line.until(len(line.frames) + 2)
    assert rms_dbfs(line.frames[-1].pcm) < loud - 6  # turned down by about 9 dB
    await line.until(40)  # 800 ms: well into the second sentence (~60 ms per character)
    assert await bot.interrupt()  # a key press: stops even a prompt speech may not cut
    said = await asyncio.wait_for(saying, 1.0)
    assert said.end is SayEnd.INTERRUPTED and said.rest == "第二句很长很长很长很长很长很长很长很长很长很长。"
    assert bot.interruptible  # nothing playing
