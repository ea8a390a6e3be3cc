"""Publishing a new FAQ topic against a real Rasa server (en-US): trained in the background with the Rasa venv,
checked on the held-out split, swapped in with ``PUT /model`` without a restart; a model Rasa cannot load leaves
the old one in place."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.rasa_support import free_ports
from voicebot.errors import KnowledgeError
from voicebot.handoff.store import SqlTicketStore
from voicebot.knowledge.answers import seeded_answers
from voicebot.knowledge.drafts import FaqDrafts
from voicebot.knowledge.publish import Publisher, PublishSetup
from voicebot.knowledge.rasa_model import RasaModels
from voicebot.knowledge.seed import load_faq
from voicebot.rasa.api_token import RasaToken
from voicebot.rasa.specs import RASA_DIR, server_env, server_specs

# Marked ``rasa`` (it needs the trained models); it swaps models on a server of its own, not on the session's.
pytestmark = [pytest.mark.rasa, pytest.mark.real, pytest.mark.slow, pytest.mark.timeout(3600)]

QUESTIONS = ["how do i get a parking permit", "where can i apply for a residents parking permit",
             "i need a permit to park on my street", "what papers do i need for a parking permit",
             "how much does a parking permit cost", "can i renew my parking permit by phone",
             "my parking permit expired what do i do", "who issues street parking permits",
             "is there a parking permit for residents", "parking permit application"]  # fmt: skip
ANSWER = "This is sample content. Residents apply for a street parking permit at their district office."


@pytest.fixture
async def rasa_en(tmp_path: Path) -> AsyncIterator[tuple[str, RasaToken]]:
    """One real en-US Rasa server with the shipped model, started as the supervisor does but without its health
    watchdog: loading a model blocks Rasa's HTTP server for a minute or more on a busy machine, and the session's
    supervised servers are then restarted in the middle of ``PUT /model`` (docs/knowledge.md, limits)."""
    port, actions = free_ports(2)
    token = RasaToken(secrets.token_urlsafe(24))
    spec = server_specs({"en-US": port}, actions, RASA_DIR, RASA_DIR / "endpoints.yml")[1]
    log = (tmp_path / "rasa.log").open("wb")
    proc = await asyncio.create_subprocess_exec(*spec.argv, cwd=RASA_DIR, env=server_env(spec, token),
                                                stdout=log, stderr=log)  # fmt: skip
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(900):
                with contextlib.suppress(aiohttp.ClientError):
                    async with session.get(spec.health_url) as resp:
                        if resp.status == 200:
                            break
                assert proc.returncode is None, (tmp_path / "rasa.log").read_text()[-2000:]
                await asyncio.sleep(1)
        yield f"http://127.0.0.1:{port}", token
    finally:
        proc.terminate()
        await proc.wait()
        log.close()


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
