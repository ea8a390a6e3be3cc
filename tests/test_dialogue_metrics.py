"""The dialogue report's figures, bars, JSON and baseline diff, on hand-made call records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from voicebot.call.prompts import PROMPTS
from voicebot.events import BotReplied, BotStartedSpeaking, CallRecord, HandoffRequested, TicketFiled
from voicebot.qa.dialogue_bars import check_bars
from voicebot.qa.dialogue_caller import PlayedTurn
from voicebot.qa.dialogue_command import judge_runs
from voicebot.qa.dialogue_corpus import CallerLine, Dialogue, Expectation
from voicebot.qa.dialogue_report import (
    DialogueReportError,
    diff_reports,
    format_diff,
    format_table,
    read_report,
    write_report,
)
from voicebot.qa.dialogue_runner import DialogueRun
from voicebot.qa.dialogue_signals import advice_kinds, load_bot_texts

TICKET = {"category": "noise", "location": "海淀区学院路28号", "callback_phone": "13812345678"}
GOOD_FIELDS = {"complaint_category": "noise", "location": "海淀区学院路二十八号", "callback_phone": "13812345678"}


def _dialogue(ident: str, outcome: str = "complaint", emergency: str | None = None, split: str = "heldout",
              ticket: dict[str, Any] | None = None, lang: str = "zh-CN") -> Dialogue:  # fmt: skip
    expected = TICKET if ticket is None and outcome == "complaint" else (ticket or {})
    return Dialogue(ident, lang, split, (), (CallerLine("喂"),), {}, Expectation(outcome, emergency, expected))


def _turns(*lines: tuple[int, str, str | None, bool]) -> tuple[PlayedTurn, ...]:
    return tuple(PlayedTurn(i, at, CallerLine(text, gibberish=g), asked, "say") for i, (at, text, asked, g) in
                 enumerate(lines))  # fmt: skip


def _complaint(ident: str, fields: dict[str, Any], split: str = "heldout") -> DialogueRun:
    record = CallRecord(ident, events=[
        BotReplied(100, ("请问在哪里",), "complain", asked="location"),
        BotReplied(1100, ("请问对吗",), "inform", asked="complaint_confirmed"),
        TicketFiled(2100, "12345678", "complaint"),
    ], outcome="ticket")  # fmt: skip
    turns = _turns((0, "我要投诉", None, False), (1000, "海淀区", "location", False),
                   (2000, "对", "complaint_confirmed", False), (3000, "没了", None, False))  # fmt: skip
    return DialogueRun(_dialogue(ident, split=split), record, turns, {"kind": "complaint", "fields": fields})


def _emergency(ident: str, said: str, expected: str | None, intent: str | None = None) -> DialogueRun:
    record = CallRecord(ident, events=[BotReplied(100, (said,), intent), BotStartedSpeaking(120, said)])
    outcome = "emergency" if expected else "faq"
    return DialogueRun(_dialogue(ident, outcome, expected), record, _turns((0, "着火了", None, False)), None)


TEXTS = load_bot_texts()


def test_complaint_figures_field_accuracy_completion_and_turns() -> None:
    wrong = {**GOOD_FIELDS, "location": "朝阳区"}
    missing = DialogueRun(_dialogue("c-3"), CallRecord("c-3", outcome="handoff"), _turns((0, "x", None, False)),
                          {"kind": "handoff", "fields": {"complaint_category": "noise"}})  # fmt: skip
    report = judge_runs([_complaint("c-1", GOOD_FIELDS), _complaint("c-2", wrong), missing])
    [f] = report.figures
    assert (f.lang, f.split, f.dialogues) == ("zh-CN", "heldout", 3)
    assert (f.all_fields_right.hits, f.all_fields_right.total) == (1, 3)
    assert (f.fields["location"].hits, f.fields["location"].total) == (1, 3)
    assert (f.fields["category"].hits, f.fields["category"].total) == (3, 3)
    assert (f.completion.hits, f.completion.total) == (2, 3)
    assert f.turns_per_complaint == 3.0
    assert (f.outcome.hits, f.outcome.total) == (2, 3)
    assert f.failing[0] == "c-3"  # the worst first: outcome, location and phone wrong
    failures = {v.id: v.failures() for v in report.verdicts}
    assert ("location", "海淀区学院路28号", "朝阳区") in failures["c-2"]
    assert ("outcome", "complaint", "handoff") in failures["c-3"]
    assert any("every field right" in p for p in report.problems)
    assert any("field location" in p for p in report.problems)


@pytest.mark.parametrize(
    ("said", "intent", "kinds"),
    [
        (PROMPTS["emergency"]["zh-CN"], "emergency", {"any"}),
        ("紧急情况 请马上拨打 幺幺九", None, {"fire", "gas"}),  # reworded: found by the number
        ("This is an emergency: call 120 now", None, {"medical"}),
        ("您好 请问有什么可以帮您", None, set()),
        ("请留一个回访电话", "emergency", set()),  # the caller's intent, not advice: the form goes on
        ("请拨打 幺二零", "emergency", {"medical"}),
    ],
)
def test_emergency_advice_is_found_by_intent_text_or_number(said: str, intent: str | None, kinds: set[str]) -> None:
    record = CallRecord("e", events=[BotReplied(0, (said,), intent)])
    assert advice_kinds(record.events, "zh-CN", TEXTS) >= kinds
    if not kinds:
        assert advice_kinds(record.events, "zh-CN", TEXTS) == set()


def test_every_emergency_response_of_the_rasa_domain_is_found_with_its_kind() -> None:
    for lang in ("zh-CN", "en-US"):
        known = TEXTS.emergency[lang]
        assert set(known.values()) >= {"any", "fire", "gas", "medical", "police"}, lang
        for text, kind in known.items():
            assert advice_kinds([BotStartedSpeaking(0, text)], lang, TEXTS) == {kind}


def test_emergency_precision_and_recall() -> None:
    runs = [
        _emergency("e-1", PROMPTS["emergency"]["zh-CN"], "fire", "emergency"),
        _emergency("e-5", "请问在哪里", None, "emergency"),  # not advice
        _emergency("e-2", "这是紧急情况 请马上挂断电话 拨打幺幺零报警", "medical"),  # wrong advice: not found
        _emergency("e-3", PROMPTS["emergency"]["zh-CN"], None, "emergency"),  # a false alarm
        _emergency("e-4", "办公时间是周一到周五", None),
    ]
    report = judge_runs(runs)
    [f] = report.figures
    assert (f.emergency_recall.hits, f.emergency_recall.total) == (1, 2)
    assert (f.emergency_precision.hits, f.emergency_precision.total) == (2, 3)
    assert any("emergency recall" in p for p in report.problems)
    assert any("emergency precision" in p for p in report.problems)


def test_gibberish_taken_as_yes_and_misunderstandings_are_counted() -> None:
    record = CallRecord("g", events=[
        BotReplied(100, ("请问对吗",), "inform", asked="complaint_confirmed"),
        BotReplied(1100, ("抱歉 我没听明白 请您换个说法再说一遍",), "nlu_fallback", asked="complaint_confirmed"),
        BotReplied(2100, ("好的",), "affirm", slots={"complaint_confirmed": True}),
        TicketFiled(2200, "1", "complaint"),
    ])  # fmt: skip
    turns = _turns((0, "投诉", None, False), (1000, "嗯嗯啊", "complaint_confirmed", True),
                   (2000, "呃呃", "complaint_confirmed", True), (3000, "没了", None, False))  # fmt: skip
    run = DialogueRun(_dialogue("g-1"), record, turns, {"kind": "complaint", "fields": GOOD_FIELDS})
    report = judge_runs([run])
    [verdict] = report.verdicts
    assert verdict.gibberish_turns == 2 and verdict.gibberish_accepted == (2,)
    assert verdict.misunderstandings == 1
    assert any("gibberish" in p for p in report.problems)


def test_bars_apply_to_held_out_figures_only_and_need_them() -> None:
    dev = judge_runs([_complaint("d-1", {**GOOD_FIELDS, "location": "朝阳区"}, split="dev")])
    assert dev.problems == ("zh-CN: no held-out dialogues were played",)
    good = judge_runs([_complaint("h-1", GOOD_FIELDS), _complaint("d-1", {}, split="dev")])
    assert good.problems == ()
    assert check_bars(good.figures, ["zh-CN", "en-US"]) == ["en-US: no held-out dialogues were played"]


def test_outcomes_handoff_and_faq() -> None:
    handoff = DialogueRun(_dialogue("h", "handoff"), CallRecord("h", events=[HandoffRequested(0, "dtmf-0")],
                          outcome="handoff"), (), {"kind": "handoff", "fields": {}})  # fmt: skip
    faq = DialogueRun(_dialogue("f", "faq"), CallRecord("f", events=[BotReplied(0, ("九点上班",), "faq",
                      faq_topic="faq/office_hours")]), (), None)  # fmt: skip
    verdicts = judge_runs([handoff, faq]).verdicts
    assert [(v.outcome, v.outcome_ok) for v in verdicts] == [("handoff", True), ("faq", True)]


def test_json_round_trip_and_baseline_diff(tmp_path: Path) -> None:
    old = judge_runs([_complaint("c-1", {**GOOD_FIELDS, "location": "朝阳区"}), _complaint("c-2", GOOD_FIELDS)])
    new = judge_runs([_complaint("c-1", GOOD_FIELDS), _complaint("c-2", {**GOOD_FIELDS, "callback_phone": "1"})])
    path = tmp_path / "old.json"
    write_report(old.to_dict(), path)
    changes = diff_reports(read_report(path), new.to_dict())
    text = format_diff(changes)
    assert "better  c-1: location now right" in text
    assert "WORSE   c-2: callback_phone now wrong" in text
    assert "better  zh-CN heldout: field location 50.0% -> 100.0%" in text
    assert "WORSE   zh-CN heldout: field callback_phone 100.0% -> 50.0%" in text
    assert format_diff(diff_reports(new.to_dict(), new.to_dict())) == "compared with the baseline: no change"
    table = format_table(new.figures)
    assert "zh-CN heldout" in table and "complaints, every field right %" in table and "50.0" in table
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    with pytest.raises(DialogueReportError) as caught:
        read_report(tmp_path / "bad.json")
    assert caught.value.code == "dialogue-baseline-invalid"
