"""Publishing drafts: train a new Rasa model in the background, check it, swap it in without a restart.

One publish of one language:

1. the knowledge base to train is the seed file with the database's current answers, every published draft and
   the pending drafts of that language (``merged_faq``);
2. the held-out check: ``nlu_report.py`` trains on the deterministic split and tests on the held-out examples,
   for the knowledge base without the pending drafts (the baseline; cached per content) and with them (the
   candidate); a candidate whose intent F1 is lower than the baseline's by more than ``tolerance`` is refused;
3. the full model is trained (named ``<lang>-publish-<id>.tar.gz``) and loaded with ``PUT /model``; ``GET
   /status`` must then name it. If Rasa cannot load it, it keeps its model; if it names another one afterwards,
   the previous model (the last published one, else the shipped ``rasa_project/models/<lang>/<lang>.tar.gz``) is
   loaded again. Either way the publish is ``failed``;
4. new topics' answers enter the answer store (version 1 by their author), the drafts are marked published.

Every step's outcome is recorded on the publish row (who, when, both F1 values, the model, what went wrong).
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from voicebot.errors import KnowledgeError
from voicebot.knowledge.answers import FaqAnswers
from voicebot.knowledge.drafts import Draft, FaqDrafts, Publish
from voicebot.knowledge.rasa_model import RasaModels
from voicebot.knowledge.seed import FAQ_FILE, SeedAnswer, load_faq
from voicebot.knowledge.training import NluFigures, held_out_figures, prepare, train_model
from voicebot.rasa.api_token import load_rasa_token
from voicebot.rasa.specs import RASA_DIR
from voicebot.settings import Settings, project_path

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PublishSetup:
    """Where and against what a publish runs."""

    seed: dict[str, Any]
    """The parsed ``knowledge/faq.yaml`` (layout and the questions of the shipped topics)."""
    work_dir: Path
    """Training copies, models and the baseline cache (``var/knowledge``)."""
    rasa: dict[str, RasaModels]
    """Per language, the running Rasa server's model API."""
    tolerance: float = 0.01
    """How much lower the candidate's held-out intent F1 may be than the baseline's."""
    rasa_dir: Path = RASA_DIR
    """The shipped Rasa project (its venv trains; its models are what the servers start with)."""

    def shipped_model(self, lang: str) -> Path:
        """Return the model the Rasa server of ``lang`` starts with."""
        return self.rasa_dir / "models" / lang / f"{lang}.tar.gz"


def merged_faq(seed: dict[str, Any], answers: list[SeedAnswer], drafts: list[Draft]) -> dict[str, Any]:
    """Return the knowledge base to train: the seed, the current answers, then the drafts' topics and questions."""
    faq = copy.deepcopy(seed)
    topics: dict[str, Any] = faq["topics"]
    for a in answers:
        topics.setdefault(a.topic, {}).setdefault(a.language, {"answer": a.text, "questions": []})["answer"] = a.text
    for d in (d for d in drafts if d.kind == "topic"):
        topics.setdefault(d.topic, {}).setdefault(d.language, {"answer": d.text, "questions": []})
    for d in (d for d in drafts if d.kind == "question"):
        entry = topics.get(d.topic, {}).get(d.language)
        if entry is not None and d.text not in entry["questions"]:
            entry["questions"].append(d.text)
    return faq


def _digest(faq: dict[str, Any], language: str) -> str:
    return hashlib.sha256(yaml.safe_dump([language, faq], allow_unicode=True).encode()).hexdigest()[:16]


class Publisher:
    """Runs publishes (one at a time per language, recorded in ``faq_publishes``)."""

    def __init__(self, answers: FaqAnswers, drafts: FaqDrafts, setup: PublishSetup) -> None:
        self.answers = answers
        """The answer store (new topics' answers go here)."""
        self.drafts = drafts
        """Drafts and the publish records."""
        self.setup = setup
        """Paths, Rasa servers, tolerance."""

    async def publish(self, language: str, author: str) -> Publish:
        """Run a whole publish of ``language`` for ``author``; return its final record."""
        if language not in self.setup.rasa:
            raise KnowledgeError("faq-unknown-language", f"no Rasa server for {language}")
        started = await self.drafts.start(language, author)
        try:
            await self._run(started)
        except KnowledgeError as err:
            log.warning("publish %d (%s) failed: %s", started.id, language, err.code)
            await self.drafts.finish(started, "failed", str(err))
        except (OSError, ValueError, KeyError) as err:  # the work directory, a report file
            log.warning("publish %d (%s) failed: %s", started.id, language, err)
            await self.drafts.finish(started, "failed", f"[faq-publish-error] {type(err).__name__}: {err}")
        except asyncio.CancelledError:
            await asyncio.shield(self.drafts.finish(started, "failed", "cancelled (the server stopped)"))
            raise
        return next(p for p in await self.drafts.publishes(language) if p.id == started.id)

    async def _run(self, pub: Publish) -> None:
        lang = pub.language
        pending = await self.drafts.pending(lang)
        if not pending:
            await self.drafts.finish(pub, "refused", "there are no drafts to publish")
            return
        published = await self.drafts.published(lang)
        current = [SeedAnswer(a.topic, a.language, a.text) for a in await self.answers.current_all(lang)]
        before = merged_faq(self.setup.seed, current, published)
        after = merged_faq(self.setup.seed, current, published + pending)
        baseline = await self._figures(before, lang, self.setup.work_dir / f"baseline-{lang}")
        work = self.setup.work_dir / f"publish-{pub.id}"
        project = await asyncio.to_thread(prepare, work, after, lang, self.setup.rasa_dir)
        candidate = await held_out_figures(project, lang)
        self._remember(after, lang, candidate)
        if candidate.intent_f1 < baseline.intent_f1 - self.setup.tolerance:
            detail = f"held-out intent F1 dropped from {baseline.intent_f1:.3f} to {candidate.intent_f1:.3f}"
            await self.drafts.finish(pub, "refused", detail, baseline=baseline.intent_f1,
                                     candidate=candidate.intent_f1)  # fmt: skip
            return
        trained = await train_model(project, lang)
        model = trained.with_name(f"{lang}-publish-{pub.id}.tar.gz")
        await asyncio.to_thread(trained.rename, model)
        await swap_model(self.setup.rasa[lang], model, await self._previous(lang))
        new_topics = [SeedAnswer(d.topic, d.language, d.text) for d in pending if d.kind == "topic"]
        for topic in new_topics:
            author = next(d.author for d in pending if d.kind == "topic" and d.topic == topic.topic)
            await self.answers.seed([topic], author)
        detail = (f"{len(pending)} drafts published; held-out intent F1 {baseline.intent_f1:.3f} -> "
                  f"{candidate.intent_f1:.3f} on {candidate.held_out} examples")  # fmt: skip
        await self.drafts.finish(pub, "published", detail, model=str(model), drafts=pending,
                                 baseline=baseline.intent_f1, candidate=candidate.intent_f1)  # fmt: skip

    async def _previous(self, lang: str) -> Path:
        done = [p for p in await self.drafts.publishes(lang, limit=100) if p.status == "published" and p.model_path]
        return Path(str(done[0].model_path)) if done else self.setup.shipped_model(lang)

    async def _figures(self, faq: dict[str, Any], lang: str, work: Path) -> NluFigures:
        known = _cached(self.setup.work_dir / f"nlu-{lang}-{_digest(faq, lang)}.json")
        if known is not None:
            return known
        project = await asyncio.to_thread(prepare, work, faq, lang, self.setup.rasa_dir)
        figures = await held_out_figures(project, lang)
        self._remember(faq, lang, figures)
        return figures

    def _remember(self, faq: dict[str, Any], lang: str, figures: NluFigures) -> None:
        cache = self.setup.work_dir / f"nlu-{lang}-{_digest(faq, lang)}.json"
        cache.parent.mkdir(parents=True, exist_ok=True)
        body = {"intent_f1": figures.intent_f1, "faq_topic_f1": figures.faq_topic_f1, "held_out": figures.held_out}
        cache.write_text(json.dumps(body), encoding="utf-8")


def _cached(path: Path) -> NluFigures | None:
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return NluFigures(data["intent_f1"], data["faq_topic_f1"], data["held_out"])


def publisher_from_settings(answers: FaqAnswers, drafts: FaqDrafts, settings: Settings) -> Publisher:
    """Return the publisher for the Rasa servers of ``settings`` (their URLs and API token, ``[knowledge]``)."""
    token = load_rasa_token(settings.dialogue)
    rasa = {lang: RasaModels(url, token) for lang, url in settings.dialogue.rasa_urls.items()}
    seed = load_faq() if FAQ_FILE.is_file() else {"topics": {}}
    setup = PublishSetup(seed, project_path(settings.knowledge.work_dir), rasa, settings.knowledge.f1_tolerance)
    return Publisher(answers, drafts, setup)


async def swap_model(rasa: RasaModels, model: Path, old: Path) -> None:
    """Load ``model`` into the server; if it then names another model, load ``old`` back; raise if not swapped."""
    try:
        await rasa.load(model)
        if await rasa.current() != model.name:
            raise KnowledgeError("rasa-model-not-loaded", f"{rasa.url} still names another model")
    except KnowledgeError:
        try:
            await rasa.load(old)
        except KnowledgeError as again:
            log.error("Rasa at %s: the old model could not be loaded back either (%s)", rasa.url, again.code)
        raise
    log.info("Rasa at %s now runs %s (previous: %s)", rasa.url, model.name, old.name)
