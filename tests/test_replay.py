"""The replay runner with the stand-in dialogue: real VAD, segmenter, reference ASR, session and SQLite store.

The stand-in answers from a copy of the assistant's FAQ/NLU files, so a changed FAQ
answer or a mislabelled NLU example makes the replay fail exactly as with Rasa.
"""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from asr.vad import WebRtcVad
from voicebot.call.session import Engines
from voicebot.handoff.hours import AgentHours
from voicebot.handoff.queue import HandoffQueue
from voicebot.handoff.store import SqlTicketStore
from voicebot.qa.report_text import summary_table
from voicebot.qa.results import FAILED, PASSED, SKIPPED, RunResult
from voicebot.qa.runner import ON_DUTY_FROM, ReplaySetup, call_time, run_suite
from voicebot.qa.scenario import FIXTURES_DIR, Scenario, load_scenario, load_suite
from voicebot.qa.stand_in import StandInDialogue
from voicebot.settings import PROJECT_ROOT, SessionSettings

from .fakes import ScriptedRecognizer, ToneSynth

RASA = PROJECT_ROOT / "rasa_project"
OFFLINE = ["zh-CN/faq_office_hours", "en-US/faq_pension", "zh-CN/dtmf_zero", "zh-CN/silence", "zh-CN/barge_in",
           "en-US/emergency_fire", "zh-CN/dtmf_zero_after_question"]  # fmt: skip
"""Scenarios the stand-in can pass (no complaint form)."""


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlTicketStore]:
    tickets = SqlTicketStore.from_url(f"sqlite:///{tmp_path}/tickets.db")
    await tickets.migrate()
    yield tickets
    await tickets.close()


def make_setup(store: SqlTicketStore, project: Path = RASA) -> ReplaySetup:
    async def ticket_of(call_id: str) -> dict[str, Any] | None:
        ticket = await store.get_by_call(call_id)
        return ticket.to_json(history=False) if ticket else None

    engines = Engines({}, ToneSynth(), StandInDialogue(project), store, lambda: WebRtcVad(2))
    return ReplaySetup(engines, SessionSettings(), ticket_of, reference=True, check_understood=False)


def scenarios(*names: str, root: Path = FIXTURES_DIR) -> list[Scenario]:
    return [load_scenario(root / name) for name in names]


def copy_scenario(name: str, tmp_path: Path, change: Any = None) -> Path:
    target = tmp_path / "fixtures" / name
    shutil.copytree(FIXTURES_DIR / name, target)
    if change is not None:
        data = yaml.safe_load((target / "scenario.yaml").read_text(encoding="utf-8"))
        change(data)
        (target / "scenario.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


async def test_offline_scenarios_pass_and_record_what_happened(store: SqlTicketStore) -> None:
    run = await run_suite(scenarios(*OFFLINE), make_setup(store), jobs=4)
    assert [r.status for r in run.results] == [PASSED] * len(OFFLINE), summary_table(run)
    faq = run.results[0]
    assert faq.outcome == "resolved" and faq.ticket is not None and faq.ticket["kind"] == "resolved"
    assert faq.turns[1].faq_topics == ("faq/office_hours",) and "九点" in faq.turns[1].bot_said[0]
    assert faq.turns[1].heard == "请问 你们周末上班吗" and faq.turns[1].latency_ms is not None
    assert faq.caller_audio and faq.bot_audio and faq.call_ms > 5000
    barge = run.results[4]
    assert "BargeIn" in barge.turns[2].events
    silence = run.results[3]
    assert silence.outcome == "no-input" and "NoInput" in silence.turns[1].events
    assert run.ok and run.count(PASSED) == len(OFFLINE)


async def test_a_wrong_expectation_fails_naming_scenario_and_turn(store: SqlTicketStore, tmp_path: Path) -> None:
    def wrong(data: dict[str, Any]) -> None:
        data["turns"][0]["expect"]["faq_topic"] = "pension"

    folder = copy_scenario("zh-CN/faq_office_hours", tmp_path, wrong)
    run = await run_suite([load_scenario(folder)], make_setup(store))
    result = run.results[0]
    assert result.status == FAILED and not run.ok
    assert [(f.turn, f.check) for f in result.failures] == [(1, "faq_topic")]
    table = summary_table(run)
    assert "zh-CN/faq_office_hours turn 1: [faq_topic] expected FAQ topic faq/pension, got faq/office_hours" in table


def _project_copy(tmp_path: Path) -> Path:
    project = tmp_path / "rasa_project"
    shutil.copytree(RASA / "knowledge", project / "knowledge")
    shutil.copytree(RASA / "data", project / "data")
    return project


async def test_a_changed_faq_answer_fails_the_replay(store: SqlTicketStore, tmp_path: Path) -> None:
    project = _project_copy(tmp_path)
    faq_file = project / "knowledge" / "faq.yaml"
    faq = yaml.safe_load(faq_file.read_text(encoding="utf-8"))
    faq["topics"]["office_hours"]["zh-CN"]["answer"] = "政务服务大厅每天上午八点开门。"
    faq_file.write_text(yaml.safe_dump(faq, allow_unicode=True), encoding="utf-8")
    run = await run_suite(scenarios("zh-CN/faq_office_hours", "en-US/faq_pension"), make_setup(store, project))
    changed, untouched = run.results
    assert untouched.status == PASSED
    assert changed.status == FAILED
    assert [f.where(changed.name) for f in changed.failures] == ["zh-CN/faq_office_hours turn 1"]
    assert "bot should say '九点'; it said: 政务服务大厅每天上午八点开门。" in changed.failures[0].message


async def test_a_mislabelled_nlu_example_fails_the_replay(store: SqlTicketStore, tmp_path: Path) -> None:
    project = _project_copy(tmp_path)
    nlu_file = project / "data" / "en-US" / "nlu.yml"
    nlu = yaml.safe_load(nlu_file.read_text(encoding="utf-8"))
    goodbye = next(block for block in nlu["nlu"] if block.get("intent") == "goodbye")
    goodbye["examples"] += "- hi how many years do i need to pay into the pension\n"  # the scenario's words
    nlu_file.write_text(yaml.safe_dump(nlu, allow_unicode=True), encoding="utf-8")
    run = await run_suite(scenarios("en-US/faq_pension"), make_setup(store, project))
    result = run.results[0]
    assert result.status == FAILED
    messages = [f"{f.where(result.name)}: {f.message}" for f in result.failures]
    assert "en-US/faq_pension turn 1: expected FAQ topic faq/pension, got none (intent goodbye)" in messages
    assert "en-US/faq_pension turn 2: the call ended (resolved) before the caller got to this turn" in messages


async def test_missing_shared_speech_skips_outside_ci_and_fails_in_ci(
    store: SqlTicketStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy_scenario("en-US/real_speech_1", tmp_path)
    scenario = load_scenario(folder, shared_root=tmp_path / "no-shared-here")
    monkeypatch.setenv("CI", "")
    skipped = (await run_suite([scenario], make_setup(store))).results[0]
    assert skipped.status == SKIPPED and "shared recording absent outside CI" in skipped.skip_reason
    monkeypatch.setenv("CI", "true")
    failed = (await run_suite([scenario], make_setup(store))).results[0]
    assert failed.status == FAILED and "audio missing" in failed.failures[0].message


async def test_missing_project_audio_always_fails_with_a_hint(store: SqlTicketStore, tmp_path: Path) -> None:
    folder = copy_scenario("en-US/faq_hukou", tmp_path)
    (folder / "turn2.wav").unlink()
    result = (await run_suite([load_scenario(folder)], make_setup(store))).results[0]
    assert result.status == FAILED and "make_audio.py" in result.failures[0].message


async def test_shared_speech_replays_with_reference_texts(store: SqlTicketStore) -> None:
    suite = [s for s in load_suite([FIXTURES_DIR]) if "shared-speech" in s.tags]
    if any(s.missing_audio() for s in suite):
        pytest.skip("../shared/speech is not here (CI clones it beside the repo)")
    run: RunResult = await run_suite(suite, make_setup(store), jobs=4)
    assert run.ok, summary_table(run)
    assert all(r.ticket is not None for r in run.results)


async def test_a_model_of_the_call_language_is_measured_with_wer(store: SqlTicketStore) -> None:
    base = make_setup(store)
    heard = ["hi how many years do i need to pay into the pensions", "ok that is all goodbye"]  # 1 word wrong of 17
    engines = dataclasses.replace(base.engines, recognizers={"en-US": ScriptedRecognizer(heard)})
    setup = dataclasses.replace(base, engines=engines, reference=False, model_languages={"en-US": "en-US"})
    result = (await run_suite(scenarios("en-US/faq_pension"), setup)).results[0]
    assert result.status == PASSED, result.failures
    assert (result.error_metric, result.errors, result.ref_length) == ("wer", 1, 17)
    assert result.turns[1].heard == heard[0] and result.turns[1].error_rate == pytest.approx(1 / 12)
    assert "WER 5.9% over 17 words" in summary_table(RunResult([result], "vosk"))


async def test_a_model_of_another_language_skips_understanding_checks(store: SqlTicketStore) -> None:
    base = make_setup(store)
    engines = dataclasses.replace(base.engines, recognizers={"zh-CN": ScriptedRecognizer(["헬름", "이 말"])})
    setup = dataclasses.replace(base, engines=engines, reference=False, check_understood=True,
                                model_languages={"zh-CN": "ko"})  # fmt: skip
    suite = [s for s in load_suite([FIXTURES_DIR / "zh-CN"]) if s.name == "zh-CN/real_speech_1"]
    if suite[0].missing_audio():
        pytest.skip("../shared/speech is not here (CI clones it beside the repo)")
    result = (await run_suite(suite, setup)).results[0]
    assert result.status == PASSED, result.failures
    assert result.unchecked == 1 and result.error_metric == ""  # turn 1's expect_if_understood was left out


def with_agent_hours(setup: ReplaySetup, store: SqlTicketStore, hours: str) -> ReplaySetup:
    engines = dataclasses.replace(setup.engines, queue=HandoffQueue(store, AgentHours.parse(hours)))
    return dataclasses.replace(setup, engines=engines)


async def test_a_replay_takes_place_when_agents_work_unless_the_scenario_says_when(store: SqlTicketStore) -> None:
    suite = scenarios("zh-CN/dtmf_zero", "zh-CN/after_hours_dtmf_zero", "en-US/after_hours_dtmf_zero")
    queue = HandoffQueue(store, AgentHours.parse("Sat 20:00-21:00"))
    assert call_time(suite[0], queue) == datetime(2026, 11, 28, 20, 0).astimezone()  # first shift after the default
    assert call_time(suite[0], None) == ON_DUTY_FROM.astimezone()
    assert call_time(suite[1], queue) == datetime(2026, 11, 28, 22, 0).astimezone()
    # The same outcome whatever the hour the replay runs: on duty the caller is queued, after hours called back.
    run = await run_suite(suite, with_agent_hours(make_setup(store), store, "Mon-Fri 08:30-17:30"))
    assert run.ok, summary_table(run)
    assert [r.outcome for r in run.results] == ["handoff", "callback", "callback"]
    tickets = [await store.get_by_call(r.ticket["call_id"]) for r in run.results if r.ticket is not None]
    assert [t.status for t in tickets if t is not None] == ["callback_due"] * 3  # queued, then hung up: called back


class SlowQueue(HandoffQueue):
    """The real queue on a slow database: every callback registration takes 300 ms of real time."""

    async def request_callback(self, number: str, callback_number: str, actor: str = "bot") -> None:
        await asyncio.sleep(0.3)
        await super().request_callback(number, callback_number, actor)


async def test_a_slow_queue_holds_virtual_time_still_so_the_caller_hears_the_answer(store: SqlTicketStore) -> None:
    setup = make_setup(store)
    queue = SlowQueue(store, AgentHours.parse("Mon-Fri 08:30-17:30"))
    setup = dataclasses.replace(setup, engines=dataclasses.replace(setup.engines, queue=queue))
    result = (await run_suite(scenarios("zh-CN/after_hours_dtmf_zero"), setup)).results[0]
    assert result.status == PASSED, result.failures  # turn 2: the callback confirmation was heard before hang-up
