"""The 回访 conversation on a scripted line: what the bot says, which keys count, silence and hang-ups."""

from __future__ import annotations

import asyncio

from tests.fakes import QuietLine, ToneSynth
from voicebot.audio import AudioFrame
from voicebot.call.call_context import CallContext
from voicebot.call.playback import Speaker
from voicebot.events import CallRecord
from voicebot.followup.call import Answer, ask_rating, followup_texts
from voicebot.lines.line import Dtmf
from voicebot.runtime.clock import RealClock
from voicebot.settings import SessionSettings


class KeyingLine(QuietLine):
    """A citizen who waits ``delay_s`` after each of the bot's first frames, then presses ``keys`` one by one."""

    def __init__(self, keys: list[str | None], delay_s: float = 0.05) -> None:
        self.keys = list(keys)
        self.delay_s = delay_s
        self.frames = 0

    async def recv(self) -> AudioFrame | Dtmf | None:
        await asyncio.sleep(self.delay_s)
        if not self.keys:
            await asyncio.sleep(3600)
        key = self.keys.pop(0)
        return None if key is None else Dtmf(key)

    async def send(self, frame: AudioFrame) -> None:
        self.frames += 1


async def run(line: KeyingLine, synth: ToneSynth, lang: str = "zh-CN") -> Answer:
    context = CallContext(line, lang, RealClock(), CallRecord("t"), SessionSettings())
    intro, question = followup_texts(lang, "噪声扰民", "已联系施工单位停工")
    return await ask_rating(line, Speaker(context, synth), lang, intro, question, timeout_s=0.3)


def test_the_words_come_from_the_ticket() -> None:
    intro, question = followup_texts("zh-CN", "噪声扰民", "已联系施工单位停工")
    assert intro == "您好，这里是12345热线回访。您反映的噪声扰民问题，处理结果是：已联系施工单位停工。"
    assert "满意请按1" in question and "不满意请按3" in question
    intro_en, _ = followup_texts("en-US", None, "")
    assert intro_en.endswith("About the hotline issue you reported, the result is: it has been dealt with.")


async def test_a_key_during_the_prompt_rates_and_stops_it() -> None:
    synth = ToneSynth()
    assert await run(KeyingLine(["2"]), synth) == Answer("rated", 2)
    assert synth.spoken[0].startswith("您好，这里是12345热线回访") and synth.spoken[-1].startswith("您的评价已记录")
    assert len(synth.spoken) == 2  # the key came during the introduction: no question, straight to the thanks


async def test_other_keys_ask_again_then_no_rating() -> None:
    synth = ToneSynth(ms_per_char=1)
    assert await run(KeyingLine(["9", "#"], delay_s=0.01), synth) == Answer("no-rating")
    assert synth.spoken[-1].startswith("没有收到您的评价")


async def test_silence_asks_twice_and_hang_up_ends_it() -> None:
    synth = ToneSynth(ms_per_char=1)
    assert await run(KeyingLine([]), synth) == Answer("no-rating")
    assert sum(text.startswith("请对处理结果进行评价") for text in synth.spoken) == 2
    assert await run(KeyingLine([None], delay_s=0.5), ToneSynth(ms_per_char=1)) == Answer("hung-up")
