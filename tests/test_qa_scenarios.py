"""QA scenarios: the committed suite loads and covers what it must; bad files fail with clear messages."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from voicebot.qa.expectations import TicketExpect
from voicebot.qa.scenario import FIXTURES_DIR, SHARED_TAG, ScenarioError, load_scenario, load_suite

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "speech"
FAQ_TOPICS = ("hotline_scope", "office_hours", "id_card", "hukou", "social_security", "medical_insurance",
              "provident_fund", "residence_permit", "business_license", "utility_outage", "school_enrollment",
              "pension")  # fmt: skip


def test_committed_suite_covers_the_required_situations() -> None:
    suite = load_suite([FIXTURES_DIR])
    assert len(suite) >= 30
    by_lang = {lang: [s for s in suite if s.language == lang] for lang in ("zh-CN", "en-US")}
    assert all(len(v) >= 10 for v in by_lang.values())
    for lang, scenarios in by_lang.items():
        topics = {t.expect.faq_topic for s in scenarios for t in s.turns if t.expect.faq_topic}
        assert {f"faq/{name}" for name in FAQ_TOPICS} <= topics, lang
        tags = {tag for s in scenarios for tag in s.tags}
        assert {"complaint", "correction", "handoff", "emergency", "silence", "barge-in", "dtmf", "after-hours",
                "satisfaction", SHARED_TAG} <= tags  # fmt: skip
        assert any(t.dtmf == "0" for s in scenarios for t in s.turns), lang
        assert any(t.barge_in_after_ms is not None for s in scenarios for t in s.turns), lang
        midform = [s for s in scenarios if "complaint" in s.tags and s.expect.handoff == "caller-request"
                   or (s.expect.ticket and s.expect.ticket.handoff_reason == "caller-request")]  # fmt: skip
        assert midform, f"{lang}: no mid-form handoff scenario"
        repeat = [s for s in scenarios if "repeat-caller" in s.tags]
        assert any(s.expect.ticket and s.expect.ticket.repeat_of for s in repeat), f"{lang}: no 重复件 scenario"
        assert any("repeat_status" in t.expect.intent for s in repeat for t in s.turns), f"{lang}: no status answer"
        assert any(s.tickets and s.tickets[0].calling_number != s.calling_number and s.tickets[0].callback_phone
                   for s in repeat), f"{lang}: no scenario asking about another caller's ticket"  # fmt: skip
    assert len({s.name for s in suite}) == len(suite)
    seeded = [t.number for s in suite for t in s.tickets]
    callers = [s.calling_number for s in suite if s.calling_number]
    assert len(set(seeded)) == len(seeded) and len(set(callers)) == len(callers)  # scenarios never see each other's


def test_a_scenario_gives_the_calling_number_and_the_tickets_stored_before_its_call(tmp_path: Path) -> None:
    seeds = [{"number": "20261205", "calling_number": "13900139000", "status": "claimed", "department": "城管委",
              "deadline": "2026-12-05T18:00+08:00", "callback_phone": "13700137000", "description": "垃圾"}]
    scenario = load_scenario(_write(tmp_path, {**GOOD, "calling_number": "+86 139 0013 9000", "tickets": seeds}))
    assert scenario.calling_number == "+86 139 0013 9000"
    (seed,) = scenario.tickets
    assert (seed.number, seed.status, seed.department, seed.callback_phone) == ("20261205", "claimed", "城管委",
                                                                                 "13700137000")  # fmt: skip
    assert seed.deadline_at == 1_796_464_800_000
    assert load_scenario(_write(tmp_path, GOOD, "plain")).tickets == ()


def test_every_project_made_turn_has_its_audio_and_it_is_up_to_date() -> None:
    suite = load_suite([FIXTURES_DIR])
    own = [t.audio for s in suite for t in s.turns if t.audio is not None and not t.shared]
    assert own and all(p.is_file() and p.stat().st_size < 200_000 for p in own)
    check = subprocess.run([sys.executable, str(FIXTURES_DIR / "make_audio.py"), "--check"],
                           capture_output=True, text=True, timeout=120)  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr


def test_shared_turns_point_in_place_and_take_the_reference_from_transcripts() -> None:
    scenario = load_scenario(FIXTURES_DIR / "zh-CN" / "real_speech_1")
    shared = [t for t in scenario.turns if t.shared]
    assert shared and all(t.audio is not None and t.audio.is_relative_to(SHARED.resolve().parent) or
                          str(t.audio).startswith(str(SHARED)) for t in shared)  # fmt: skip
    assert shared[0].say == "广州市房地产中介协会分析"
    assert SHARED_TAG in scenario.tags
    assert not list(FIXTURES_DIR.rglob("aishell*")) and not list(FIXTURES_DIR.rglob("librispeech*"))


def _write(tmp_path: Path, data: object, name: str = "case") -> Path:
    folder = tmp_path / "zh-CN" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scenario.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


GOOD = {"language": "zh-CN", "turns": [{"say": "你好", "audio": "turn1.wav", "expect": {"intent": "greet"}}]}


def test_a_valid_scenario_loads_with_defaults(tmp_path: Path) -> None:
    scenario = load_scenario(_write(tmp_path, {**GOOD, "expect": {"ticket": True, "outcome": "resolved"}}))
    assert scenario.name == "zh-CN/case"
    assert scenario.turns[0].expect.intent == ("greet",)
    assert scenario.expect.ticket == TicketExpect(exists=True)
    assert scenario.expect.outcome == ("resolved",)
    assert scenario.missing_audio() == [scenario.path / "turn1.wav"]
    assert scenario.reference_texts() == ["你好"]


def test_a_call_time_is_read_as_local_time_unless_it_carries_an_offset(tmp_path: Path) -> None:
    assert load_scenario(_write(tmp_path, GOOD, "plain")).at is None
    local = load_scenario(_write(tmp_path, {**GOOD, "at": "2026-11-28T22:00"}, "local")).at
    assert local == datetime(2026, 11, 28, 22, 0).astimezone() and local.tzinfo is not None
    shanghai = load_scenario(_write(tmp_path, {**GOOD, "at": "2026-11-28T22:00+08:00"}, "offset")).at
    assert shanghai == datetime(2026, 11, 28, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({**GOOD, "language": "fr-FR"}, ["language", "zh-CN, en-US", "'fr-FR'"]),
        ({"language": "zh-CN", "turns": []}, ["turns", "non-empty list"]),
        ({**GOOD, "extra": 1}, ["top level", "unknown keys ['extra']"]),
        ({"language": "zh-CN", "turns": [{"say": "x", "audio": "a.wav", "dtmf": "0"}]}, ["turn 1", "only one of"]),
        ({"language": "zh-CN", "turns": [{"audio": "a.wav"}]}, ["turn 1", "reference text in say:"]),
        ({"language": "zh-CN", "turns": [{"say": "x"}]}, ["turn 1", "needs audio:, shared:, dtmf: or silence_ms:"]),
        ({"language": "zh-CN", "turns": [{"dtmf": "0"}, {"dtmf": "12a"}]}, ["turn 2", "dtmf may hold only"]),
        ({"language": "zh-CN", "turns": [{"dtmf": "0", "expect": {"intnet": "x"}}]}, ["turn 1 expect", "'intnet'"]),
        ({"language": "zh-CN", "turns": [{"silence_ms": -5}]}, ["turn 1", "silence_ms", "-5"]),
        ({**GOOD, "expect": {"handoff": 3}}, ["expect", "handoff must be true, false or a reason"]),
        ({**GOOD, "expect": {"ticket": {"kind": "x", "colour": 1}}}, ["expect", "'colour'"]),
        ({**GOOD, "expect": {"max_reply_latency_ms": "fast"}}, ["max_reply_latency_ms", "positive whole number"]),
        ({**GOOD, "at": "Saturday night"}, ["at", "2026-11-28T22:00", "'Saturday night'"]),
        ({**GOOD, "tickets": {"number": "1"}}, ["tickets", "must be a list"]),
        ({**GOOD, "tickets": [{"calling_number": "1"}]}, ["tickets", "entry 1", "number:"]),
        ({**GOOD, "tickets": [{"number": "20261205", "status": "open"}]}, ["tickets", "status must be one of"]),
        ({**GOOD, "tickets": [{"number": "20261205", "deadline": "soon"}]}, ["tickets", "'soon'"]),
        ({**GOOD, "expect": {"ticket": {"repeat_of": "20261205", "colour": 1}}}, ["expect", "'colour'"]),
    ],
)
def test_bad_scenarios_fail_naming_file_place_and_problem(tmp_path: Path, data: object, words: list[str]) -> None:
    folder = _write(tmp_path, data)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(folder)
    message = caught.value.message
    assert str(folder / "scenario.yaml") in message
    for word in words:
        assert word in message, message


def test_broken_yaml_and_missing_files_are_clear(tmp_path: Path) -> None:
    folder = tmp_path / "en-US" / "broken"
    folder.mkdir(parents=True)
    (folder / "scenario.yaml").write_text("language: en-US\nturns: [\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(folder)
    assert caught.value.code == "scenario-bad-yaml" and "broken/scenario.yaml" in caught.value.message
    with pytest.raises(ScenarioError) as missing:
        load_suite([tmp_path / "nowhere"])
    assert missing.value.code == "scenario-missing"


def test_a_suite_reports_every_bad_file_at_once(tmp_path: Path) -> None:
    _write(tmp_path, {**GOOD, "language": "xx"}, "one")
    _write(tmp_path, {"language": "zh-CN"}, "two")
    _write(tmp_path, GOOD, "three")
    with pytest.raises(ScenarioError) as caught:
        load_suite([tmp_path])
    assert "one/scenario.yaml" in caught.value.message and "two/scenario.yaml" in caught.value.message
