"""Drafts of new FAQ topics and questions, the publish records, and the knowledge base a publish trains."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from aiohttp import web
from aiohttp.test_utils import TestServer

from tests import handoff_support as support
from voicebot.errors import KnowledgeError
from voicebot.handoff.store import SqlTicketStore
from voicebot.knowledge.drafts import FaqDrafts
from voicebot.knowledge.publish import merged_faq, swap_model
from voicebot.knowledge.rasa_model import RasaModels
from voicebot.knowledge.seed import SeedAnswer, export_yaml, load_faq
from voicebot.rasa.api_token import RasaToken

db_url = support.db_url
store = support.store
QUESTIONS = ["how do i get a parking permit", "where do i apply for a parking permit", "parking permit cost",
             "renew my parking permit", "who issues parking permits"]  # fmt: skip


async def test_drafts_wait_until_a_publish_takes_them(store: SqlTicketStore) -> None:
    drafts = FaqDrafts(store.engine, store.now_ms)
    await drafts.add_topic("parking_permit", "en-US", "Apply at the district office.", QUESTIONS, "sue")
    assert await drafts.add_questions("office_hours", "en-US", ["  when  do you open\n", "", "opening times"],
                                      "li.na") == 2  # fmt: skip
    pending = await drafts.pending("en-US")
    assert [(d.kind, d.author) for d in pending][:2] == [("topic", "sue"), ("question", "sue")] and len(pending) == 8
    assert pending[-2].text == "when do you open" and await drafts.pending("zh-CN") == []
    first = await drafts.start("en-US", "sue")
    with pytest.raises(KnowledgeError) as busy:
        await drafts.start("en-US", "li.na")
    assert busy.value.code == "faq-publish-running"
    await drafts.finish(first, "refused", "held-out intent F1 dropped", baseline=0.9, candidate=0.7)
    assert len(await drafts.pending("en-US")) == 8 and await drafts.published("en-US") == []
    second = await drafts.start("en-US", "sue")
    await drafts.finish(second, "published", "ok", baseline=0.9, candidate=0.91, model="/m.tar.gz", drafts=pending)
    assert await drafts.pending("en-US") == [] and len(await drafts.published("en-US")) == 8
    history = await drafts.publishes("en-US")
    assert [(p.id, p.status, p.candidate_f1) for p in history] == [(second.id, "published", 0.91),
                                                                    (first.id, "refused", 0.7)]  # fmt: skip
    assert all(p.finished_at is not None and p.author == "sue" for p in history)
    exported = yaml.safe_load(export_yaml(merged_faq(load_faq(), [], await drafts.published("en-US")), []))
    assert exported["topics"]["parking_permit"]["en-US"]["questions"] == QUESTIONS  # a retrainable seed
    assert "when do you open" in exported["topics"]["office_hours"]["en-US"]["questions"]
    stale = await drafts.start("en-US", "li.na")  # the process stops in the middle of it
    assert await drafts.interrupt_running() == 1
    assert (await drafts.publishes("en-US"))[0].status == "failed" and stale.status == "running"
    await drafts.start("en-US", "li.na")  # no longer blocked


async def test_bad_drafts_are_refused_with_codes(store: SqlTicketStore) -> None:
    drafts = FaqDrafts(store.engine, store.now_ms)
    cases = [("Parking Permit", "x", QUESTIONS, "faq-bad-topic-name"), ("parking", "", QUESTIONS, "faq-empty-answer"),
             ("parking", "x", QUESTIONS[:4], "faq-few-questions")]  # fmt: skip
    for topic, answer, questions, code in cases:
        with pytest.raises(KnowledgeError) as err:
            await drafts.add_topic(topic, "en-US", answer, questions, "sue")
        assert err.value.code == code
    with pytest.raises(KnowledgeError) as none:
        await drafts.add_questions("office_hours", "en-US", [" ", ""], "sue")
    assert none.value.code == "faq-no-questions" and await drafts.pending("en-US") == []


async def test_the_trained_knowledge_base_has_the_answers_and_the_drafts(store: SqlTicketStore) -> None:
    drafts = FaqDrafts(store.engine, store.now_ms)
    await drafts.add_topic("parking_permit", "en-US", "Apply at the district office.", QUESTIONS, "sue")
    await drafts.add_questions("office_hours", "en-US", ["opening times please"], "sue")
    seed = load_faq()
    faq = merged_faq(seed, [SeedAnswer("office_hours", "en-US", "We open at eight.")], await drafts.pending("en-US"))
    office = faq["topics"]["office_hours"]["en-US"]
    assert office["answer"] == "We open at eight." and office["questions"][-1] == "opening times please"
    assert faq["topics"]["parking_permit"] == {"en-US": {"answer": "Apply at the district office.",
                                                         "questions": QUESTIONS}}  # fmt: skip
    assert seed["topics"]["office_hours"]["en-US"]["questions"][-1] != "opening times please"  # the seed is a copy


class FakeRasaModels:
    """Rasa's model API over HTTP (``GET /status``, ``PUT /model``); ``fail_names`` load but report another name."""

    def __init__(self, fail_names: set[str]) -> None:
        self.loaded = "en-US.tar.gz"
        self.puts: list[str] = []
        self.fail_names = fail_names
        self.app = web.Application()
        self.app.router.add_get("/status", self.status)
        self.app.router.add_put("/model", self.model)

    async def status(self, request: web.Request) -> web.Response:
        assert request.query.get("token") == "secret"
        return web.json_response({"model_file": self.loaded})

    async def model(self, request: web.Request) -> web.Response:
        name = Path((await request.json())["model_file"]).name
        self.puts.append(name)
        if name == "broken.tar.gz":
            return web.json_response({"message": "cannot load"}, status=400)
        self.loaded = "something-else.tar.gz" if name in self.fail_names else name
        return web.Response(status=204)


async def test_a_swap_that_does_not_take_loads_the_old_model_back() -> None:
    fake = FakeRasaModels({"en-US-publish-2.tar.gz"})
    server = TestServer(fake.app)
    await server.start_server()
    try:
        rasa = RasaModels(str(server.make_url("")), RasaToken("secret"))
        await swap_model(rasa, Path("/m/en-US-publish-1.tar.gz"), Path("/m/en-US.tar.gz"))
        assert await rasa.current() == "en-US-publish-1.tar.gz"
        with pytest.raises(KnowledgeError) as wrong:
            await swap_model(rasa, Path("/m/en-US-publish-2.tar.gz"), Path("/m/en-US-publish-1.tar.gz"))
        assert wrong.value.code == "rasa-model-not-loaded" and await rasa.current() == "en-US-publish-1.tar.gz"
        with pytest.raises(KnowledgeError) as refused:
            await swap_model(rasa, Path("/m/broken.tar.gz"), Path("/m/en-US-publish-1.tar.gz"))
        assert refused.value.code == "rasa-model-refused" and "secret" not in str(refused.value)
        assert fake.puts == ["en-US-publish-1.tar.gz", "en-US-publish-2.tar.gz", "en-US-publish-1.tar.gz",
                             "broken.tar.gz", "en-US-publish-1.tar.gz"]  # fmt: skip
    finally:
        await server.close()
