"""QA replay of the repeat-caller and ticket-status scenarios (both languages) with the stand-in dialogue, a real
SQLite store seeded with each scenario's tickets, reference ASR and the real session; the verdicts and the words
the bot says are the same whatever hour the call takes place."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from voicebot.handoff.store import SqlTicketStore
from voicebot.qa.report_text import summary_table
from voicebot.qa.results import PASSED, RunResult
from voicebot.qa.runner import run_suite
from voicebot.qa.scenario import FIXTURES_DIR, Scenario, load_scenario

from .test_replay import make_setup

NAMES = [f"{lang}/{name}" for lang in ("zh-CN", "en-US")
         for name in ("repeat_caller_status", "repeat_caller_again", "ticket_status_other_caller")]  # fmt: skip
HOURS = [datetime(2026, 11, 25, 10, 0), datetime(2026, 11, 28, 3, 30), datetime(2026, 12, 1, 23, 59)]
"""A weekday morning with agents on duty, a Saturday night, a Tuesday just before midnight."""


@pytest.fixture
async def fresh(tmp_path: Path) -> AsyncIterator[list[SqlTicketStore]]:
    made: list[SqlTicketStore] = []
    yield made
    for store in made:
        await store.close()


async def replay_at(when: datetime, tmp_path: Path, made: list[SqlTicketStore]) -> RunResult:
    store = SqlTicketStore.from_url(f"sqlite:///{tmp_path}/tickets-{when:%d%H%M}.db")
    await store.migrate()
    made.append(store)
    setup = dataclasses.replace(make_setup(store), store=store)
    suite: list[Scenario] = [dataclasses.replace(load_scenario(FIXTURES_DIR / n), at=when.astimezone()) for n in NAMES]
    return await run_suite(suite, setup, jobs=3)


async def test_repeat_caller_and_status_scenarios_pass_the_same_at_any_hour(
    tmp_path: Path, fresh: list[SqlTicketStore]
) -> None:
    runs = [await replay_at(when, tmp_path, fresh) for when in HOURS]
    for run in runs:
        assert [r.status for r in run.results] == [PASSED] * len(NAMES), summary_table(run) + str(
            [f.message for r in run.results for f in r.failures])
    said = [[(r.name, [t.bot_said for t in r.turns], r.outcome) for r in run.results] for run in runs]
    assert said[0] == said[1] == said[2]
    by_name = {r.name: r for r in runs[0].results}
    status = by_name["zh-CN/repeat_caller_status"]
    assert status.turns[0].bot_said[0].startswith("您好，您有一个正在办理的工单，尾号1205")
    assert any("十二月五日" in text for text in status.turns[1].bot_said)
    again = by_name["en-US/repeat_caller_again"]
    assert again.ticket is not None and again.ticket["repeat_of"] == "20261209"
    other = by_name["en-US/ticket_status_other_caller"]
    assert not any("Market Regulation" in text for turn in other.turns for text in turn.bot_said)


async def test_a_seeded_ticket_is_found_only_by_its_own_number_in_normal_form(
    tmp_path: Path, fresh: list[SqlTicketStore]
) -> None:
    run = await replay_at(HOURS[0], tmp_path, fresh)
    store = fresh[0]
    assert [b.number for b in await store.open_for("13900139000")] == ["20261205"]
    assert await store.open_for("") == ()
    followup = await store.get_by_call(next(r for r in run.results if r.name == "zh-CN/repeat_caller_again").ticket[
        "call_id"])  # type: ignore[index]
    assert followup is not None and followup.repeat_of == "20261206" and followup.calling_number == "0086 13900139001"
    original = await store.get("20261206")
    assert original is not None and original.repeats == (followup.number,)
