"""Publishing a new FAQ topic against a real Rasa server (en-US): trained in the background with the Rasa venv,
checked on the held-out split, swapped in with ``PUT /model`` without a restart; a model Rasa cannot load leaves
the old one in place."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.rasa_support import RasaServers
from voicebot.errors import KnowledgeError
from voicebot.handoff.store import SqlTicketStore
from voicebot.knowledge.answers import seeded_answers
from voicebot.knowledge.drafts import FaqDrafts
from voicebot.knowledge.publish import Publisher, PublishSetup
from voicebot.knowledge.rasa_model import RasaModels
from voicebot.knowledge.seed import load_faq
from voicebot.rasa.api_token import RasaToken
from voicebot.rasa.specs import RASA_DIR

pytestmark = [pytest.mark.rasa, pytest.mark.real, pytest.mark.slow, pytest.mark.timeout(3600)]

QUESTIONS = ["how do i get a parking permit", "where can i apply for a residents parking permit",
             "i need a permit to park on my street", "what papers do i need for a parking permit",
             "how much does a parking permit cost", "can i renew my parking permit by phone",
             "my parking permit expired what do i do", "who issues street parking permits",
             "is there a parking permit for residents", "parking permit application"]  # fmt: skip
ANSWER = "This is sample content. Residents apply for a street parking permit at their district office."


@pytest.fixture
async def rasa_en(rasa_servers: RasaServers) -> AsyncIterator[tuple[str, RasaToken]]:
    """The session's real en-US Rasa server; its shipped model is loaded back afterwards (for the other tests)."""
    url = rasa_servers.urls["en-US"]
    try:
        yield url, rasa_servers.token
    finally:
        await RasaModels(url, rasa_servers.token).load(RASA_DIR / "models" / "en-US" / "en-US.tar.gz")


async def parse(url: str, token: RasaToken, text: str) -> str:
    """Return the FAQ topic (or intent) the server's model gives ``text``."""
    async with aiohttp.ClientSession() as session, session.post(
            f"{url}/model/parse", params={"token": token.value}, json={"text": text}) as resp:  # fmt: skip
        body = await resp.json()
    selected = (body.get("response_selector") or {}).get("faq", {}).get("response", {})
    return str(selected.get("intent_response_key") or body["intent"]["name"])


async def test_a_new_topic_is_trained_checked_and_swapped_in(rasa_en: tuple[str, RasaToken], tmp_path: Path) -> None:
    url, token = rasa_en
    store = SqlTicketStore.from_url(f"sqlite:///{tmp_path / 'kb.db'}")
    await store.migrate()
    try:
        answers = await seeded_answers(store.engine, store.now_ms)
        drafts = FaqDrafts(store.engine, store.now_ms)
        models = RasaModels(url, token)
        shipped = await models.current()
        assert shipped == "en-US.tar.gz"
        assert await parse(url, token, "how do i get a parking permit for my street") != "faq/parking_permit"

        # a file Rasa cannot load: refused, and the server keeps answering with the shipped model
        broken = tmp_path / "broken.tar.gz"
        broken.write_bytes(b"not a model")
        with pytest.raises(KnowledgeError):
            await models.load(broken)
        assert await models.current() == shipped

        await drafts.add_topic("parking_permit", "en-US", ANSWER, QUESTIONS, "sue")
        setup = PublishSetup(load_faq(), tmp_path / "work", {"en-US": models})
        result = await Publisher(answers, drafts, setup).publish("en-US", "sue")
        assert result.status == "published", result.detail
        assert result.baseline_f1 is not None and result.candidate_f1 is not None
        assert result.candidate_f1 >= result.baseline_f1 - setup.tolerance
        assert result.model_path is not None and result.model_path.endswith("en-US-publish-1.tar.gz")
        assert await models.current() == "en-US-publish-1.tar.gz" != shipped
        assert await parse(url, token, "how do i get a parking permit for my street") == "faq/parking_permit"
        assert await parse(url, token, "what are your office hours") == "faq/office_hours"  # the old topics stay
        stored = await answers.current("parking_permit", "en-US")
        assert stored is not None and (stored.text, stored.author, stored.version) == (ANSWER, "sue", 1)
        assert await drafts.pending("en-US") == [] and len(await drafts.published("en-US")) == 11
        nothing = await Publisher(answers, drafts, setup).publish("en-US", "sue")
        assert nothing.status == "refused" and await models.current() == "en-US-publish-1.tar.gz"
    finally:
        await store.close()
