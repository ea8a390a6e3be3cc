"""The bot's own safety step in a call (fake engines, real classifier): advise, ask once, or pass the words on."""

from __future__ import annotations

from voicebot.call.call_runner import file_line_info, run_file_call
from voicebot.call.prompts import prompt
from voicebot.call.session import Engines
from voicebot.events import BotReplied, BotStartedSpeaking, HandoffRequested
from voicebot.lines.file_line import CallerTurn
from voicebot.settings import SessionSettings

from .fake_tickets import MemoryTickets
from .fakes import EnergyVad, ScriptedDialogue, ScriptedRecognizer, ToneSynth, say, tone

SETTINGS = SessionSettings(no_input_ms=20000, max_no_input=1)


def engines(texts: list[str], dialogue: ScriptedDialogue, lang: str = "zh-CN") -> Engines:
    return Engines(
        recognizers={lang: ScriptedRecognizer(texts)},
        synthesizer=ToneSynth(),
        dialogue=dialogue,
        tickets=MemoryTickets(),
        vad_factory=EnergyVad,
    )


async def call(texts: list[str], dialogue: ScriptedDialogue, lang: str = "zh-CN") -> tuple[list[str], list[BotReplied]]:
    info = file_line_info(lang=lang)
    done = await run_file_call([CallerTurn(tone(1200)) for _ in texts], engines(texts, dialogue, lang), SETTINGS, info)
    return [e.text for e in done.record.of(BotStartedSpeaking)], done.record.of(BotReplied)


async def test_emergency_advice_then_the_open_form_goes_on() -> None:
    dialogue = ScriptedDialogue([say("请问在什么地方", asked="location"), say("好的 什么时候", asked="incident_time")])
    spoken, replies = await call(["我要投诉楼下噪音", "救命 楼下着火了", "人民路一号"], dialogue)
    assert dialogue.asked == ["我要投诉楼下噪音", "人民路一号"]  # the emergency words stay with the bot
    advice = [r for r in replies if r.intent == "emergency"]
    assert len(advice) == 1
    assert advice[0].utterances == (prompt("emergency_fire", "zh-CN"), prompt("emergency_more", "zh-CN"))
    assert spoken.index(prompt("emergency_fire", "zh-CN")) < spoken.index("好的 什么时候")
    assert [m["safety"] for m in dialogue.metadata] == ["none", "none"]


async def test_a_complaint_that_mentions_an_ambulance_reaches_the_dialogue() -> None:
    dialogue = ScriptedDialogue([say("请问在什么地方", asked="location")])
    spoken, replies = await call(["救护车 每天 半夜 鸣笛 太 吵"], dialogue)
    assert dialogue.asked == ["救护车 每天 半夜 鸣笛 太 吵"]
    assert not any(r.intent == "emergency" or r.asked == "in_danger" for r in replies)
    assert prompt("emergency_medical", "zh-CN") not in spoken and dialogue.metadata[0]["safety"] == "none"


async def test_unsure_asks_once_and_no_sends_the_kept_words() -> None:
    dialogue = ScriptedDialogue([say("请问在什么地方", asked="location")])
    spoken, replies = await call(["楼道里有股煤气味", "没有"], dialogue)
    assert replies[0].asked == "in_danger" and replies[0].utterances == (prompt("in_danger", "zh-CN"),)
    assert spoken.count(prompt("in_danger", "zh-CN")) == 1
    assert dialogue.asked == ["楼道里有股煤气味"]
    assert dialogue.metadata[0]["safety"] == "none"
    assert not any(r.intent == "emergency" for r in replies)


async def test_a_no_with_more_words_sends_one_account_and_is_not_asked_again() -> None:
    dialogue = ScriptedDialogue([say("请问在什么地方", asked="location"), say("好的")])
    spoken, replies = await call(["楼道里有股煤气味", "没有 就是 物业 一直 不管", "三号楼 楼道 还有 烟味"], dialogue)
    assert dialogue.asked == ["楼道里有股煤气味 物业 一直 不管", "三号楼 楼道 还有 烟味"]  # the account, whole
    assert [m["safety"] for m in dialogue.metadata] == ["none", "none"]  # the caller said no danger
    assert [r.asked for r in replies].count("in_danger") == 1


async def test_unsure_then_yes_with_a_casualty_gives_the_advice() -> None:
    dialogue = ScriptedDialogue([])
    spoken, replies = await call(["楼道里有股煤气味", "有 人 晕倒 了"], dialogue)
    assert dialogue.asked == []
    assert prompt("emergency_medical", "zh-CN") in spoken
    assert [r.intent for r in replies] == [None, "emergency"]


async def test_unsure_then_a_bare_yes_advises_for_the_hazard_asked_about() -> None:
    dialogue = ScriptedDialogue([])
    spoken, _ = await call(["there's a gas smell in the hallway", "yes"], dialogue, lang="en-US")
    assert prompt("in_danger", "en-US") in spoken and prompt("emergency_gas", "en-US") in spoken
    assert dialogue.asked == []


async def test_gibberish_at_the_danger_question_is_no_yes() -> None:
    dialogue = ScriptedDialogue([say("请问在什么地方", asked="location")])
    spoken, replies = await call(["楼道里有股煤气味", "呃 啊 啊"], dialogue)
    assert dialogue.asked == ["楼道里有股煤气味"]
    assert not any(r.intent == "emergency" for r in replies)


async def test_a_request_for_a_person_always_wins() -> None:
    for texts in (["楼道里有股煤气味", "转人工"], ["着火了 转人工"]):
        dialogue = ScriptedDialogue([])
        done = await run_file_call([CallerTurn(tone(1200)) for _ in texts], engines(texts, dialogue), SETTINGS,
                                   file_line_info())  # fmt: skip
        assert done.record.of(HandoffRequested)[0].reason == "caller-request", texts
        assert dialogue.asked == [] and done.record.outcome == "handoff"


async def test_keys_instead_of_an_answer_send_the_kept_words_first() -> None:
    dialogue = ScriptedDialogue([say("请问在什么地方", asked="location"), say("好的")])
    texts = ["楼道里有股煤气味"]
    turns = [CallerTurn(tone(1200)), CallerTurn(dtmf="5")]
    done = await run_file_call(turns, engines(texts, dialogue), SETTINGS, file_line_info())
    assert dialogue.asked == ["楼道里有股煤气味", "5"]
    assert [m["safety"] for m in dialogue.metadata] == ["none", "none"]
    assert done.record.of(BotReplied)[0].asked == "in_danger"
