"""The adaptive simulated caller, on the real call session with a fake form-filling dialogue engine."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dialogue.base import BotTurn, FileTicket, Hangup
from tests.fake_tickets import MemoryTickets
from tests.fakes import EnergyVad, ToneSynth, rasa_down, tone
from voicebot.call.session import Engines
from voicebot.errors import DialogueError
from voicebot.qa.dialogue_caller import CallerScript
from voicebot.qa.dialogue_command import judge_runs
from voicebot.qa.dialogue_corpus import CallerLine, Dialogue, load_corpus
from voicebot.qa.dialogue_runner import DialogueRun, DialogueSetup, run_dialogue, run_dialogues
from voicebot.settings import SessionSettings

DATA = Path(__file__).parent / "data" / "dialogues"
FORM = ("location", "incident_time", "callback_phone", "confidential", "complaint_confirmed")
YES = ("对", "是的", "yes")


@dataclass
class _Form:
    asking: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    asked_times: dict[str, int] = field(default_factory=dict)
    filed: bool = False
    last: str | None = None


SPOKEN = str.maketrans("零幺一二三四五六七八九", "01123456789")


@dataclass
class FormDialogue:
    """A ``DialogueEngine`` that fills a complaint form like Rasa does: it says which field it asks (``asked``).

    It asks for the location again until it has a house number, always asks the time twice, reads a phone
    number as digits, takes "不对 最后四位是…" as new last digits of the field filled last (then asks its question
    again) and files the ticket on a "yes" (or on anything when ``yes_to_anything``).
    """

    yes_to_anything: bool = False
    heard: list[tuple[str | None, str]] = field(default_factory=list)
    calls: dict[str, _Form] = field(default_factory=dict)

    def _ask(self, form: _Form, name: str) -> BotTurn:
        form.asking = name
        form.asked_times[name] = form.asked_times.get(name, 0) + 1
        return BotTurn((f"请说一下{name}",), asked=name, expect="number" if name == "callback_phone" else None)

    async def respond(self, call_id: str, text: str, lang: str, metadata: dict[str, Any]) -> BotTurn:
        """Answer one caller utterance."""
        form = self.calls.setdefault(call_id, _Form())
        self.heard.append((form.asking, text))
        name = form.asking
        if name is None:
            if form.filed:
                return BotTurn(("感谢您的来电 再见",), (Hangup(),), intent="goodbye")
            if "投诉" in text or "complain" in text:
                form.fields.update(description=text, complaint_category="sanitation")
                return self._ask(form, FORM[0])
            return BotTurn(("抱歉 我没听明白 请您换个说法再说一遍",), intent="nlu_fallback")
        if name == "location" and "号" not in text:
            return self._ask(form, name)
        if name == "incident_time" and form.asked_times[name] < 2:
            return self._ask(form, name)
        if text.startswith("不对") and form.last:
            tail = "".join(c for c in text.translate(SPOKEN) if c.isdigit())
            form.fields[form.last] = str(form.fields[form.last])[: -len(tail)] + tail
            return self._ask(form, name)
        if name == "complaint_confirmed":
            if text in YES or self.yes_to_anything:
                form.asking, form.filed = None, True
                return BotTurn(("好的 正在为您登记工单",), (FileTicket(dict(form.fields)),), intent="affirm")
            return self._ask(form, name)
        form.fields[name] = False if name == "confidential" else text
        form.last = name
        return self._ask(form, FORM[FORM.index(name) + 1])


def _setup(dialogue: FormDialogue, tmp_path: Path) -> DialogueSetup:
    engines = Engines({}, ToneSynth(), dialogue, MemoryTickets(), EnergyVad)
    speech = {"zh-CN": tone(900), "en-US": tone(900)}
    return DialogueSetup(engines, SessionSettings(no_input_ms=20000), speech, tmp_path)


def _dialogue(ident: str) -> Dialogue:
    return next(d for d in load_corpus([DATA]).dialogues if d.id == ident)


async def _play(ident: str, tmp_path: Path, yes_to_anything: bool = False) -> tuple[DialogueRun, FormDialogue]:
    engine = FormDialogue(yes_to_anything)
    return await run_dialogue(_dialogue(ident), _setup(engine, tmp_path)), engine


async def test_the_caller_answers_the_field_asked_repeats_its_last_answer_and_presses_keys(tmp_path: Path) -> None:
    run, engine = await _play("t-zh-001", tmp_path)
    assert run.error is None
    assert engine.heard == [
        (None, "喂 你好 我要投诉 楼下饭馆油烟太大了"),
        ("location", "海淀区 学院路 那边"),
        ("location", "海淀区 学院路 二十八号 小区 门口"),
        ("incident_time", "天天 中午 晚上 做饭 的 时候"),
        ("incident_time", "天天 中午 晚上 做饭 的 时候"),  # the list is used up: the caller repeats it
        ("callback_phone", "13812345678"),  # dtmf: keys, heard as digits
        ("confidential", "不对不对 最后 四位 是 五六七九"),  # a correction is said at once, whatever is asked
        ("confidential", "不用"),
        ("complaint_confirmed", "呃 啊 嗯嗯"),
        ("complaint_confirmed", "对"),
        (None, "没了 谢谢"),
    ]
    assert [t.source for t in run.turns][:3] == ["say", "answers.location", "answers.location"]
    assert run.turns[8].line.gibberish and run.turns[8].asked == "complaint_confirmed"
    assert run.ticket is not None and run.ticket["kind"] == "complaint"
    assert run.ticket["fields"]["callback_phone"] == "13812345679"  # corrected right after it was given
    report = judge_runs([run])
    verdict = report.verdicts[0]
    assert verdict.completed and verdict.turns == 11 and verdict.turns_to_ticket == 10
    assert verdict.gibberish_turns == 1 and verdict.gibberish_accepted == ()
    assert {c.field: c.ok for c in verdict.checks} == dict.fromkeys(
        ("category", "location", "incident_time", "description", "callback_phone", "confidential"), True
    )
    assert verdict.all_right and verdict.outcome_ok
    assert verdict.misunderstandings == 0


async def test_a_bot_that_takes_gibberish_as_yes_is_counted(tmp_path: Path) -> None:
    run, _ = await _play("t-zh-001", tmp_path, yes_to_anything=True)
    verdict = judge_runs([run]).verdicts[0]
    assert verdict.gibberish_accepted == (8,)
    assert ("gibberish", "turn 9 not taken as yes", "taken as yes") in verdict.failures()


async def test_dtmf_zero_hands_off_with_a_stored_ticket(tmp_path: Path) -> None:
    run, engine = await _play("t-zh-002", tmp_path)
    assert engine.heard == []
    assert run.ticket is not None and run.ticket["kind"] == "handoff"
    verdict = judge_runs([run]).verdicts[0]
    assert verdict.outcome == "handoff" and verdict.outcome_ok


async def test_dialogues_run_concurrently_each_with_its_own_call_and_store(tmp_path: Path) -> None:
    corpus = load_corpus([DATA]).select(["zh-CN"], "dev")
    engine = FormDialogue()
    runs = await run_dialogues(corpus.dialogues * 3, _setup(engine, tmp_path), concurrency=3)
    assert [r.dialogue.id for r in runs] == [d.id for d in corpus.dialogues] * 3
    assert len({r.record.call_id for r in runs}) == len(runs)
    assert len(await asyncio.to_thread(lambda: list(tmp_path.glob("*.db")))) == len(runs)
    assert all(r.ticket is not None and r.ticket["call_id"] == r.record.call_id for r in runs)


def test_the_script_hangs_up_after_its_last_say_and_after_24_turns() -> None:
    dialogue = _dialogue("t-zh-001")
    script = CallerScript(dialogue)
    assert script.next_line(None) == (dialogue.say[0], "say")
    assert script.next_line("ticket_number") == (dialogue.say[1], "say")  # no answer for that field: say goes on
    assert script.next_line(None) is None
    looping = CallerScript(dialogue, max_turns=24)
    played = [looping.play("location", i) for i in range(30)]
    assert sum(p is not None for p in played) == 24


def test_a_correction_is_said_at_once_whatever_the_bot_asks_next() -> None:
    phone = (CallerLine("幺八六 幺零零二 三七八零"), CallerLine("不对 不对 最后 几 位 是 三八七零"))
    place = (CallerLine("on elm street"), CallerLine("no wait it's oak street"), CallerLine("oak street"))
    dialogue = replace(_dialogue("t-zh-001"), answers={"callback_phone": phone, "location": place,
                                                       "confidential": (CallerLine("不用"),)})
    script = CallerScript(dialogue)
    assert script.next_line("callback_phone") == (phone[0], "answers.callback_phone")
    assert script.next_line("confidential") == (phone[1], "answers.callback_phone")  # corrected at once
    assert script.next_line("confidential") == (dialogue.answers["confidential"][0], "answers.confidential")
    assert script.next_line("location") == (place[0], "answers.location")
    assert script.next_line(None) == (place[1], "answers.location")
    assert script.next_line(None) == (dialogue.say[0], "say")  # "oak street" is a repeat, said only when asked
    assert script.next_line("location") == (place[2], "answers.location")


@dataclass
class FlakyFormDialogue(FormDialogue):
    """Unreachable for its first answer (a Rasa restart), then a form like ``FormDialogue``."""

    failed: bool = False
    error: DialogueError = field(default_factory=rasa_down)

    async def respond(self, call_id: str, text: str, lang: str, metadata: dict[str, Any]) -> BotTurn:
        """Fail once, then answer."""
        if not self.failed:
            self.failed = True
            raise self.error
        return await super().respond(call_id, text, lang, metadata)


async def test_a_call_hit_by_a_server_outage_is_played_again(tmp_path: Path) -> None:
    engine = FlakyFormDialogue()
    [run] = await run_dialogues([_dialogue("t-zh-001")], _setup(engine, tmp_path))
    assert engine.failed and run.error is None
    assert run.ticket is not None and run.ticket["kind"] == "complaint"
    alone = await run_dialogue(_dialogue("t-zh-001"), _setup(FlakyFormDialogue(), tmp_path))
    assert alone.error is not None and alone.error.startswith("rasa-unreachable")


async def test_a_call_hit_by_a_rasa_timeout_on_a_loaded_machine_is_played_again(tmp_path: Path) -> None:
    engine = FlakyFormDialogue(error=DialogueError("rasa-timeout", "POST /webhooks/rest/webhook took longer than 4 s"))
    [run] = await run_dialogues([_dialogue("t-zh-001")], _setup(engine, tmp_path))
    assert engine.failed and run.error is None
    assert run.ticket is not None and run.ticket["kind"] == "complaint"
