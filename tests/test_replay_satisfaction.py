"""QA replay of the satisfaction question (一次一评) in both languages: stand-in dialogue, real VAD, segmenter,
reference ASR, session and SQLite store; the verdicts do not depend on the hour the call takes place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.test_replay import copy_scenario, make_setup, scenarios, store, with_agent_hours
from voicebot.handoff.store import SqlTicketStore
from voicebot.qa.report_text import summary_table
from voicebot.qa.results import FAILED, PASSED
from voicebot.qa.runner import run_suite
from voicebot.qa.scenario import FIXTURES_DIR, load_scenario, load_suite

__all__ = ["store"]  # the fixture

SATISFACTION = ["zh-CN/satisfaction_voice", "zh-CN/satisfaction_dtmf", "zh-CN/satisfaction_not_after_emergency",
                "en-US/satisfaction_voice", "en-US/satisfaction_dtmf", "en-US/satisfaction_skip"]  # fmt: skip


def test_the_committed_suite_has_satisfaction_scenarios_in_both_languages() -> None:
    tagged = [s for s in load_suite([FIXTURES_DIR]) if "satisfaction" in s.tags]
    assert {s.name for s in tagged} == set(SATISFACTION)
    for lang in ("zh-CN", "en-US"):
        expected = {s.expect.satisfaction for s in tagged if s.language == lang}
        assert {"1"} <= expected and len(expected) >= 2, lang


async def test_satisfaction_scenarios_pass_and_the_rating_is_on_the_ticket(store: SqlTicketStore) -> None:
    run = await run_suite(scenarios(*SATISFACTION), make_setup(store), jobs=3)
    assert [r.status for r in run.results] == [PASSED] * len(SATISFACTION), summary_table(run)
    ratings = [r.ticket["satisfaction"] if r.ticket else "no ticket" for r in run.results]
    assert ratings == [3, 1, None, 1, 4, None]
    voice = run.results[0]
    assert any("请您对本次服务进行评价" in said for said in voice.turns[2].bot_said)
    assert voice.turns[3].heard == "基本满意" and any("感谢您的评价" in said for said in voice.turns[3].bot_said)


async def test_the_verdicts_are_the_same_at_any_hour(store: SqlTicketStore, tmp_path: Path) -> None:
    def at(when: str) -> Any:
        def change(data: dict[str, Any]) -> None:
            data["at"] = when

        return change

    night = load_scenario(copy_scenario("zh-CN/satisfaction_voice", tmp_path / "night", at("2026-11-29T03:00")))
    noon = load_scenario(copy_scenario("en-US/satisfaction_dtmf", tmp_path / "noon", at("2026-11-25T12:00")))
    verdicts = []
    for hours in ("always", "Mon-Fri 08:30-17:30", "Sat 20:00-21:00"):
        setup = with_agent_hours(make_setup(store), store, hours)
        run = await run_suite([*scenarios(*SATISFACTION), night, noon], setup, jobs=3)
        assert run.ok, summary_table(run)
        verdicts.append([(r.status, r.outcome, (r.ticket or {}).get("satisfaction")) for r in run.results])
    assert verdicts[0] == verdicts[1] == verdicts[2]
    assert [v[2] for v in verdicts[0]][-2:] == [3, 4]


async def test_a_wrong_rating_expectation_fails_saying_what_the_caller_gave(
    store: SqlTicketStore, tmp_path: Path
) -> None:
    def wrong(data: dict[str, Any]) -> None:
        data["expect"]["satisfaction"] = 2

    def asked(data: dict[str, Any]) -> None:
        data["expect"]["satisfaction"] = True

    suite = [load_scenario(copy_scenario("zh-CN/satisfaction_voice", tmp_path / "a", wrong)),
             load_scenario(copy_scenario("zh-CN/satisfaction_not_after_emergency", tmp_path / "b", asked))]
    run = await run_suite(suite, make_setup(store))
    assert [r.status for r in run.results] == [FAILED, FAILED]
    table = summary_table(run)
    assert "[satisfaction] expected rating 2, got 3 (voice)" in table, table
    assert "[satisfaction] expected the rating question, but the bot never asked" in table, table
