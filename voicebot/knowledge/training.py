"""Training a candidate Rasa model from the knowledge base, in a copy of ``rasa_project`` (Rasa's own venv).

The copy gets the project's config, domain, data and scripts and a ``knowledge/faq.yaml`` written from the
database (current answers, published and new drafts); the shipped project is never touched. Two runs of the
project's own scripts, as subprocesses with the Rasa venv:

* ``scripts/nlu_report.py LANG --json``: trains an NLU model on the deterministic split (every 5th example held
  out) and tests it on the held-out part: the intent F1 the publish compares;
* ``scripts/train.py LANG --force``: the full model (NLU and dialogue policies) Rasa loads.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from voicebot.errors import KnowledgeError
from voicebot.rasa.specs import RASA_DIR

COPIED = ("config", "domain", "data", "scripts", "requirements.lock")
"""What of ``rasa_project`` a training copy needs (the knowledge base is written from the database)."""

JIEBA_DIR = Path("knowledge") / "jieba"
"""The Chinese tokeniser's dictionary (the zh-CN config reads it relative to the project)."""


@dataclass(frozen=True, slots=True)
class NluFigures:
    """What ``nlu_report.py`` measured on the held-out split."""

    intent_f1: float
    """Intent F1, weighted by examples."""
    faq_topic_f1: float | None
    """FAQ topic (response selector) macro F1."""
    held_out: int
    """Held-out examples tested."""


def prepare(work: Path, faq: dict[str, Any], language: str, rasa_dir: Path = RASA_DIR) -> Path:
    """Write a training copy of the project under ``work`` with ``faq`` as its knowledge base; return it."""
    project = work / "project"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    for name in COPIED:
        source = rasa_dir / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / name)
    if (rasa_dir / JIEBA_DIR).is_dir():
        shutil.copytree(rasa_dir / JIEBA_DIR, project / JIEBA_DIR)
    (project / ".venv").symlink_to((rasa_dir / ".venv").resolve())
    topics = {t: e for t, e in faq["topics"].items() if isinstance(e, dict) and language in e}
    (project / "knowledge").mkdir(exist_ok=True)
    (project / "knowledge" / "faq.yaml").write_text(
        yaml.safe_dump({**faq, "topics": topics}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return project


def _environment() -> dict[str, str]:
    """The training processes' environment: this one without the bot's settings and secrets."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("VOICEBOT_", "RASA_AUTH"))}
    return {**kept, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}


async def _run(project: Path, *args: str, timeout_s: float) -> None:
    proc = await asyncio.create_subprocess_exec(
        str(project / ".venv" / "bin" / "python"), *args, cwd=project,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        env=_environment(), start_new_session=True)  # its own process group: rasa runs as a grandchild
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout_s)
    except BaseException:  # timeout or cancelled: never leave a training process (or its rasa child) behind
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        await proc.wait()
        raise
    if proc.returncode != 0:
        tail = out.decode("utf-8", "replace")[-800:]
        raise KnowledgeError("faq-training-failed", f"{' '.join(args[:2])} exited {proc.returncode}: {tail}")


async def held_out_figures(project: Path, language: str, timeout_s: float = 1800.0) -> NluFigures:
    """Train on the split and test on the held-out examples; return the figures."""
    report = project / "nlu_report.json"
    await _run(project, "scripts/nlu_report.py", language, "--json", str(report), timeout_s=timeout_s)
    row = json.loads(report.read_text(encoding="utf-8"))[0]
    if row.get("intent_f1_weighted") is None:
        raise KnowledgeError("faq-training-failed", f"the NLU test of {language} reported no intent F1")
    topic_f1 = row.get("faq_topic_f1_macro")
    return NluFigures(float(row["intent_f1_weighted"]), None if topic_f1 is None else float(topic_f1),
                      int(row.get("held_out_examples") or 0))  # fmt: skip


async def train_model(project: Path, language: str, timeout_s: float = 1800.0) -> Path:
    """Train the full model of ``language`` in the copy; return the model file."""
    await _run(project, "scripts/train.py", language, "--force", timeout_s=timeout_s)
    model = project / "models" / language / f"{language}.tar.gz"
    if not model.is_file():
        raise KnowledgeError("faq-training-failed", f"rasa train wrote no {model.name}")
    return model
