"""The FAQ knowledge base on SQLite and PostgreSQL: seeded from faq.yaml once, every edit a version, export."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml

from tests import handoff_support as support
from voicebot.cli import main
from voicebot.errors import KnowledgeError
from voicebot.handoff.store import SqlTicketStore
from voicebot.knowledge.answers import FaqAnswers, seeded_answers
from voicebot.knowledge.seed import FAQ_FILE, SeedAnswer, export_yaml, load_faq, seed_answers

db_url = support.db_url
store = support.store


async def test_seed_takes_every_answer_of_the_file_once(store: SqlTicketStore) -> None:
    answers = await seeded_answers(store.engine, store.now_ms)
    seeded = await answers.current_all()
    expected = seed_answers(load_faq())
    assert len(seeded) == len(expected) == 24  # the sample's 12 topics in 2 languages
    assert {(a.topic, a.language, a.text) for a in seeded} == {(s.topic, s.language, s.text) for s in expected}
    assert all(a.version == 1 and a.author == "seed" for a in seeded)
    await answers.save("office_hours", "zh-CN", "大厅周一到周五九点开门。", "sue")
    again = await seeded_answers(store.engine, store.now_ms)  # the next start: the edit stays, nothing is seeded twice
    assert len(await again.current_all()) == len(expected)
    current = await again.current("office_hours", "zh-CN")
    assert current is not None and current.text == "大厅周一到周五九点开门。" and current.version == 2


async def test_every_save_is_a_version_with_author_and_time_and_restore_copies_an_old_one(
    store: SqlTicketStore,
) -> None:
    clock = support.ManualNow(1_800_000_000_000)
    answers = FaqAnswers(store.engine, clock)
    await answers.seed([SeedAnswer("office_hours", "en-US", "Open nine to five.")])
    clock.t += 60_000
    second = await answers.save("office_hours", "en-US", "  Open  eight to six.\n", "sue")
    assert (second.version, second.author, second.created_at, second.text) == (2, "sue", clock.t, "Open eight to six.")
    clock.t += 60_000
    restored = await answers.restore("office_hours", "en-US", 1, "li.na")
    assert (restored.version, restored.author, restored.text) == (3, "li.na", "Open nine to five.")
    history = await answers.history("office_hours", "en-US")
    assert [(h.version, h.author) for h in history] == [(3, "li.na"), (2, "sue"), (1, "seed")]
    assert await answers.current("office_hours", "zh-CN") is None  # the other language is separate


async def test_bad_edits_are_refused_with_codes(store: SqlTicketStore) -> None:
    answers = FaqAnswers(store.engine, store.now_ms)
    await answers.seed([SeedAnswer("office_hours", "zh-CN", "九点开门。")])
    cases = [("office_hours", "zh-CN", "   ", "faq-empty-answer"), ("office_hours", "zh-CN", "长" * 401,
             "faq-answer-too-long"), ("no_such_topic", "zh-CN", "x", "faq-unknown-topic"),
             ("office_hours", "fr-FR", "x", "faq-unknown-language")]  # fmt: skip
    for topic, lang, text, code in cases:
        with pytest.raises(KnowledgeError) as err:
            await answers.save(topic, lang, text, "sue")
        assert err.value.code == code
    with pytest.raises(KnowledgeError) as missing:
        await answers.restore("office_hours", "zh-CN", 7, "sue")
    assert missing.value.code == "faq-unknown-version"
    assert [h.version for h in await answers.history("office_hours", "zh-CN")] == [1]


async def test_two_supervisors_saving_at_once_get_two_versions(store: SqlTicketStore) -> None:
    answers = FaqAnswers(store.engine, store.now_ms)
    await answers.seed([SeedAnswer("office_hours", "zh-CN", "九点开门。")])
    saved = await asyncio.gather(answers.save("office_hours", "zh-CN", "八点开门。", "sue"),
                                 answers.save("office_hours", "zh-CN", "十点开门。", "li.na"))  # fmt: skip
    assert sorted(s.version for s in saved) == [2, 3]
    assert len(await answers.history("office_hours", "zh-CN")) == 3


async def test_export_writes_the_current_answers_in_the_seed_format(store: SqlTicketStore) -> None:
    answers = await seeded_answers(store.engine, store.now_ms)
    await answers.save("office_hours", "en-US", "We open at eight.", "sue")
    text = export_yaml(load_faq(), [SeedAnswer(a.topic, a.language, a.text) for a in await answers.current_all()])
    exported = yaml.safe_load(text)
    original = load_faq(FAQ_FILE)
    assert exported["topics"]["office_hours"]["en-US"]["answer"] == "We open at eight."
    assert exported["topics"]["office_hours"]["en-US"]["questions"] == original["topics"]["office_hours"]["en-US"][
        "questions"]
    assert exported["topics"]["office_hours"]["zh-CN"] == original["topics"]["office_hours"]["zh-CN"]
    assert exported.keys() == original.keys() and exported["topics"].keys() == original["topics"].keys()


def test_the_cli_exports_the_database_answers_as_faq_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("VOICEBOT_HANDOFF__DATABASE_URL", url)

    async def edit() -> None:
        db = SqlTicketStore.from_url(url)
        await db.migrate()
        try:
            answers = await seeded_answers(db.engine, db.now_ms)
            await answers.save("office_hours", "zh-CN", "大厅八点开门。", "sue")
        finally:
            await db.close()

    asyncio.run(edit())
    out = tmp_path / "faq.yaml"
    assert main(["faq", "export", "-o", str(out)]) == 0
    exported = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert exported["topics"]["office_hours"]["zh-CN"]["answer"] == "大厅八点开门。"
    assert seed_answers(exported) != seed_answers(load_faq()) and len(seed_answers(exported)) == 24
    assert main(["faq", "history", "office_hours"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("v2\tsue\t") and lines[0].endswith("大厅八点开门。")
    assert lines[1].startswith("v1\tseed\t")
