"""The knowledge base pages over HTTP: supervisors only, edits versioned with who and when, restore, export, and a
preview spoken by the real TTS (espeak-ng behind pyttsx3, as the bot builds it)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import wave
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml

from tests import handoff_support as support
from tests.handoff_support import PASSWORD, Console
from voicebot.audio import rms_dbfs
from voicebot.engines import open_synthesizer
from voicebot.handoff.auth import AuthStore
from voicebot.handoff.console import create_console_app
from voicebot.handoff.store import SqlTicketStore
from voicebot.knowledge.answers import FaqAnswers
from voicebot.knowledge.drafts import FaqDrafts
from voicebot.knowledge.seed import file_answers
from voicebot.settings import HandoffSettings, Settings

db_url = support.db_url
console = support.console
BASE = "/console/knowledge/zh-CN/office_hours"
TOPICS = len([a for a in file_answers() if a.language == "zh-CN"])


async def test_agents_cannot_open_or_change_the_knowledge_base(console: Console) -> None:
    agent = await console.client("alice")
    try:
        for method, url in [("GET", "/console/knowledge"), ("GET", "/console/knowledge/zh-CN/"), ("GET", BASE),
                            ("POST", BASE), ("POST", BASE + "/restore"), ("GET", BASE + "/preview.wav?text=x"),
                            ("GET", "/console/knowledge/export.yaml")]:  # fmt: skip
            resp = await agent.request(method, url, data={"text": "hacked", "version": "1"}, allow_redirects=False)
            assert resp.status == 403, (method, url, resp.status)
        assert "nav-knowledge" not in await (await agent.get("/console/")).text()
    finally:
        await agent.close()
    answers = FaqAnswers(console.store.engine, console.store.now_ms)
    current = await answers.current("office_hours", "zh-CN")
    assert current is not None and current.version == 1 and current.author == "seed"


async def test_a_supervisor_edits_restores_and_exports_an_answer(console: Console) -> None:
    sup = await console.client("sue")
    try:
        listing = await (await sup.get("/console/knowledge/zh-CN/")).text()
        assert "知识库" in listing and 'data-topic="office_hours"' in listing and listing.count("data-topic=") == TOPICS
        console.now.t += 3_600_000
        saved = await sup.post(BASE, data={"text": "大厅周一到周五早上八点开门。"}, allow_redirects=False)
        assert saved.status == 303 and saved.headers["Location"] == BASE + "?saved=2"
        page = await (await sup.get(saved.headers["Location"])).text()
        assert "已保存为第 2 版" in page and "大厅周一到周五早上八点开门。</textarea>" in page
        assert 'data-version="2"' in page and "sue" in page and 'id="restore-1"' in page
        refused = await sup.post(BASE, data={"text": "  "}, allow_redirects=False)
        assert refused.status == 409 and "答案不能为空" in await refused.text()
        restored = await sup.post(BASE + "/restore", data={"version": "1"}, allow_redirects=False)
        assert restored.headers["Location"] == BASE + "?saved=3"
        exported = yaml.safe_load(await (await sup.get("/console/knowledge/export.yaml")).text())
        assert exported["topics"]["office_hours"]["zh-CN"]["answer"].startswith("这是样例内容。政务服务大厅")
        assert (await sup.get("/console/knowledge/fr-FR/")).status == 404
        assert (await sup.get("/console/knowledge/zh-CN/no_such_topic")).status == 404
        no_tts = await sup.get(BASE + "/preview.wav", params={"text": "你好"})
        assert no_tts.status == 503  # this console was built without a synthesiser
    finally:
        await sup.close()
    history = await FaqAnswers(console.store.engine, console.store.now_ms).history("office_hours", "zh-CN")
    assert [(h.version, h.author) for h in history] == [(3, "sue"), (2, "sue"), (1, "seed")]
    assert history[1].created_at == console.now.t


@pytest.fixture
async def voiced(tmp_path: Path) -> AsyncIterator[Console]:
    """A console whose previews speak with the bot's real synthesiser."""
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    store = SqlTicketStore.from_url(url)
    await store.migrate()
    await AuthStore(store).add_agent("sue", PASSWORD, "supervisor")
    settings = Settings(handoff=HandoffSettings(database_url=url))
    async with contextlib.AsyncExitStack() as stack:
        synth = await open_synthesizer(settings, 8000, stack)
        yield Console(create_console_app(store, settings, synthesizer=synth), store, support.ManualNow(), "", "")
    await store.close()


@pytest.mark.real
async def test_the_preview_is_the_text_spoken_by_the_real_tts(voiced: Console) -> None:
    sup = await voiced.client("sue")
    try:
        lengths = []
        for text in ("大厅八点开门。", "大厅周一到周五早上八点开门，周六上午九点到十二点开门。"):
            resp = await sup.get(BASE + "/preview.wav", params={"text": text})
            assert resp.status == 200 and resp.content_type == "audio/wav"
            with wave.open(io.BytesIO(await resp.read())) as wav:
                assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (8000, 1, 2)
                pcm = wav.readframes(wav.getnframes())
                lengths.append(wav.getnframes() / 8000)
            assert rms_dbfs(pcm) > -40.0  # speech, not silence
        assert 0.5 < lengths[0] < lengths[1]  # a longer answer takes longer to say
        too_long = await sup.get(BASE + "/preview.wav", params={"text": "长" * 401})
        assert too_long.status == 400
    finally:
        await sup.close()


async def test_drafts_of_new_topics_and_questions_and_a_publish_without_drafts(console: Console) -> None:
    sup = await console.client("sue")
    agent = await console.client("alice")
    try:
        for url in ("/console/knowledge-drafts/en-US/topic", "/console/knowledge-publish/en-US",
                    "/console/knowledge/en-US/office_hours/questions"):  # fmt: skip
            assert (await agent.post(url, data={"topic": "x"}, allow_redirects=False)).status == 403, url
        questions = "\n".join(f"parking permit question {i}" for i in range(5))
        topic = {"topic": "parking_permit", "answer": "Apply at the district office.", "questions": questions}
        made = await sup.post("/console/knowledge-drafts/en-US/topic", data=topic, allow_redirects=False)
        assert made.status == 303
        exists = await sup.post("/console/knowledge-drafts/en-US/topic", data={**topic, "topic": "office_hours"})
        assert exists.status == 409 and "该话题已存在" in await exists.text()
        few = await sup.post("/console/knowledge-drafts/en-US/topic", data={**topic, "questions": "one\ntwo"})
        assert few.status == 409 and "至少需要 5 个" in await few.text()
        asked = {"questions": "when do you open\n\nopening times"}
        more = await sup.post("/console/knowledge/en-US/office_hours/questions", data=asked, allow_redirects=False)
        assert more.status == 303
        page = await (await sup.get("/console/knowledge/en-US/")).text()
        assert page.count("data-draft=") == 8 and "parking permit question 4" in page and 'id="publish"' in page
        assert "还没有发布记录" in page
        assert 'id="save-questions"' in await (await sup.get("/console/knowledge/en-US/office_hours")).text()
        started = await sup.post("/console/knowledge-publish/zh-CN", allow_redirects=False)  # no zh-CN drafts
        assert started.status == 303 and started.headers["Location"].endswith("?publishing=1")
        drafts = FaqDrafts(console.store.engine, console.store.now_ms)
        for _ in range(100):
            done = await drafts.publishes("zh-CN")
            if done and done[0].status != "running":
                break
            await asyncio.sleep(0.05)
        assert [(p.status, p.author, p.detail) for p in done] == [("refused", "sue", "there are no drafts to publish")]
        listing = await (await sup.get("/console/knowledge/zh-CN/")).text()
        assert 'data-status="refused"' in listing and "已拒绝" in listing
        assert len(await drafts.pending("en-US")) == 8  # untouched by the other language's publish
    finally:
        await sup.close()
        await agent.close()
