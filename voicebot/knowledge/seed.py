"""``knowledge/faq.yaml``, the seed and the export format of the FAQ answers.

The file (see ``rasa_project/knowledge/faq.yaml``) holds, per topic and language, the spoken ``answer`` and the
example ``questions`` Rasa is trained on. The database takes the answers from it once (version 1, author ``seed``);
afterwards the supervisors' edits live in the database and ``export_yaml`` writes them back in the same format
(questions and the file's other keys are kept from the seed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from voicebot.errors import KnowledgeError
from voicebot.settings import PROJECT_ROOT

FAQ_FILE = PROJECT_ROOT / "rasa_project" / "knowledge" / "faq.yaml"
"""The shipped knowledge base (the seed)."""

LANGUAGES = ("zh-CN", "en-US")
"""The languages an answer is kept in."""

EXPORT_HEADER = "# FAQ knowledge base exported from the ticket database (voicebot faq export): current answers.\n"
"""The first line of an exported file (the seed's comments are not kept)."""

SEED_AUTHOR = "seed"
"""The author recorded for answers taken from the file."""


@dataclass(frozen=True, slots=True)
class SeedAnswer:
    """One topic's answer in one language as the file has it."""

    topic: str
    """The FAQ topic (``office_hours``; Rasa's retrieval intent is ``faq/office_hours``)."""
    language: str
    """``zh-CN`` or ``en-US``."""
    text: str
    """The spoken answer."""


def load_faq(path: Path = FAQ_FILE) -> dict[str, Any]:
    """Return the parsed file; raise KnowledgeError if it is missing or not a knowledge base."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise KnowledgeError("faq-file-unreadable", f"cannot read {path}: {err}") from err
    if not isinstance(data, dict) or not isinstance(data.get("topics"), dict):
        raise KnowledgeError("faq-file-invalid", f"{path} has no 'topics' mapping")
    return data


def seed_answers(data: dict[str, Any]) -> list[SeedAnswer]:
    """Return every (topic, language) answer of a parsed file."""
    found: list[SeedAnswer] = []
    for topic, entry in data["topics"].items():
        for lang, body in (entry or {}).items():
            if lang in LANGUAGES and isinstance(body, dict) and str(body.get("answer") or "").strip():
                found.append(SeedAnswer(str(topic), lang, str(body["answer"]).strip()))
    return found


def file_answers(path: Path = FAQ_FILE) -> list[SeedAnswer]:
    """Return the answers of the knowledge base file (none if there is no file)."""
    return seed_answers(load_faq(path)) if path.is_file() else []


def export_yaml(data: dict[str, Any], answers: Iterable[SeedAnswer]) -> str:
    """Return the file ``data`` with its answers replaced by ``answers`` (the database's current texts)."""
    topics: dict[str, Any] = {name: dict(entry or {}) for name, entry in data["topics"].items()}
    for answer in answers:
        entry = topics.setdefault(answer.topic, {})
        body = dict(entry.get(answer.language) or {})
        body["answer"] = answer.text
        body.setdefault("questions", [])
        entry[answer.language] = {"answer": body["answer"], **{k: v for k, v in body.items() if k != "answer"}}
    out = {**data, "topics": topics}
    return EXPORT_HEADER + yaml.safe_dump(out, allow_unicode=True, sort_keys=False, width=120)
