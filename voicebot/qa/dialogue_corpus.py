"""The dialogue corpus (``corpus/<lang>/{dev,heldout}*.yaml``, format in ``corpus/README.md``), loaded and checked.

Every problem is a ``CorpusError`` naming the file and the dialogue id, so a corpus author sees at once
which entry to fix (an unknown answer field, a missing ``expect``, a duplicate id...).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from voicebot.errors import VoicebotError
from voicebot.settings import PROJECT_ROOT

CORPUS_DIR = PROJECT_ROOT / "corpus"
"""The corpus shipped with the project."""
LANGS = ("zh-CN", "en-US")
"""Languages a dialogue may be in."""
SPLITS = ("dev", "heldout")
"""Corpus parts: tuned against (dev) and never read while tuning (heldout)."""
OUTCOMES = ("complaint", "handoff", "emergency", "faq", "callback", "status", "other")
"""What a call may end in."""
EMERGENCIES = ("fire", "gas", "medical", "police")
"""Emergency advice kinds."""
ANSWER_FIELDS = (
    "request_type", "complaint_category", "location", "incident_time", "description", "callback_phone",
    "confidential", "complaint_confirmed", "id_number", "ticket_number", "in_danger", "callback_offered",
    "correction", "district",
)  # fmt: skip
"""Fields the bot may ask for (``BotReplied.asked``) that a dialogue may answer."""
ANSWER_ALIASES = {"category": "complaint_category"}
"""Answer keys accepted under another name (the ``expect.ticket`` spelling)."""
TICKET_FIELDS = (
    "request_type", "category", "district", "location", "incident_time", "description", "callback_phone",
    "confidential", "id_number",
)  # fmt: skip
"""Fields ``expect.ticket`` may name."""
REQUEST_TYPES = ("complaint", "report", "assistance", "consultation", "suggestion")
"""诉求类型 values."""
CATEGORIES = ("noise", "sanitation", "traffic", "property", "utilities", "consumer", "labor", "safety_hazard", "other")
"""Complaint categories."""


class CorpusError(VoicebotError):
    """A corpus file cannot be used as it is."""


@dataclass(frozen=True, slots=True)
class CallerLine:
    """One thing the simulated caller does in a turn."""

    text: str = ""
    """Words said (empty for a key press)."""
    dtmf: str = ""
    """Keys pressed instead (``dtmf:0`` in the corpus)."""
    gibberish: bool = False
    """Noise or meaningless sounds: the bot must never take it as "yes"."""

    def describe(self) -> str:
        """Return the turn as written in the corpus."""
        return f"dtmf:{self.dtmf}" if self.dtmf else self.text


@dataclass(frozen=True, slots=True)
class Expectation:
    """What a dialogue must end in."""

    outcome: str
    """``complaint``, ``handoff``, ``emergency``, ``faq``, ``callback``, ``status`` or ``other``."""
    emergency: str | None
    """The emergency advice the bot must give (``fire``...), or None for none."""
    ticket: Mapping[str, Any]
    """Expected ticket fields (see ``TICKET_FIELDS``); only what the caller said."""


@dataclass(frozen=True, slots=True)
class Dialogue:
    """One realistic call and the ticket it should produce."""

    id: str
    """Unique id across the corpus."""
    lang: str
    """``zh-CN`` or ``en-US``."""
    split: str
    """``dev`` or ``heldout``."""
    persona: tuple[str, ...]
    """Free tags (elderly, gibberish, emergency...)."""
    say: tuple[CallerLine, ...]
    """What the caller says when the bot asks for nothing in particular, in order (the opening first)."""
    answers: Mapping[str, tuple[CallerLine, ...]]
    """Per asked field, what the caller says, one item per time asked."""
    expect: Expectation
    """The expected outcome and ticket."""
    source: str = ""
    """The file it came from."""


@dataclass(frozen=True, slots=True)
class Corpus:
    """Every dialogue loaded, in file order."""

    dialogues: tuple[Dialogue, ...]
    """The dialogues."""
    files: tuple[str, ...]
    """The files read."""

    def select(self, langs: Sequence[str] = (), split: str = "all") -> Corpus:
        """Return the dialogues of these languages (all when empty) and split (``dev``, ``heldout`` or ``all``)."""
        chosen = tuple(
            d for d in self.dialogues if (not langs or d.lang in langs) and (split == "all" or d.split == split)
        )
        return Corpus(chosen, self.files)


def _fail(where: str, code: str, message: str) -> CorpusError:
    return CorpusError(code, f"{where}: {message}")


def _line(value: Any, where: str) -> CallerLine:
    if isinstance(value, bool) or value is None:  # YAML reads a bare yes/no/on/off as a boolean
        raise _fail(where, "corpus-bad-turn", f"a turn must be text, got {value!r}: quote words like \"yes\"")
    if isinstance(value, int | float):
        value = str(value)
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("dtmf:"):
            digits = text[5:].strip()
            if not digits or any(c not in "0123456789*#" for c in digits):
                raise _fail(where, "corpus-bad-dtmf", f"{text!r}: keys must be 0-9, * or #")
            return CallerLine(dtmf=digits)
        if not text:
            raise _fail(where, "corpus-bad-turn", "an empty turn")
        return CallerLine(text=text)
    if isinstance(value, dict):
        unknown = set(value) - {"text", "gibberish"}
        if unknown or not isinstance(value.get("text"), str) or not value["text"].strip():
            raise _fail(where, "corpus-bad-turn", f"a turn mapping needs text (and gibberish: true), got {value!r}")
        return CallerLine(text=value["text"].strip(), gibberish=bool(value.get("gibberish", False)))
    raise _fail(where, "corpus-bad-turn", f"a turn must be text or a mapping, got {type(value).__name__}")


def _lines(value: Any, where: str) -> tuple[CallerLine, ...]:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise _fail(where, "corpus-bad-turn", "an empty list of turns")
    return tuple(_line(item, f"{where}[{i}]") for i, item in enumerate(items))


def _answers(value: Any, where: str) -> dict[str, tuple[CallerLine, ...]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(where, "corpus-bad-answers", "answers must be a mapping of field: turn(s)")
    answers: dict[str, tuple[CallerLine, ...]] = {}
    for key, turns in value.items():
        name = ANSWER_ALIASES.get(str(key), str(key))
        if name not in ANSWER_FIELDS:
            raise _fail(where, "corpus-unknown-answer-field", f"unknown answer field {key!r} (known: "
                        f"{', '.join(ANSWER_FIELDS)})")  # fmt: skip
        if name in answers:
            raise _fail(where, "corpus-duplicate-answer-field", f"{key!r} given twice")
        answers[name] = _lines(turns, f"{where}.{key}")
    return answers


def _check_value(name: str, value: Any, where: str) -> None:
    allowed = {"request_type": REQUEST_TYPES, "category": CATEGORIES}.get(name)
    if allowed is not None and value not in allowed:
        raise _fail(where, "corpus-bad-expected-value", f"{name}: {value!r} is not one of {', '.join(allowed)}")
    if name == "confidential":
        if not isinstance(value, bool):
            raise _fail(where, "corpus-bad-expected-value", f"confidential must be true or false, got {value!r}")
        return
    if isinstance(value, list) and name in ("description", "incident_time", "location"):
        if not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise _fail(where, "corpus-bad-expected-value", f"{name}: a list must hold non-empty texts")
        return
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        raise _fail(where, "corpus-bad-expected-value", f"{name}: expected text, got {value!r}")


def _expectation(value: Any, where: str) -> Expectation:
    if not isinstance(value, dict):
        raise _fail(where, "corpus-missing-expect", "every dialogue needs expect: {outcome, emergency, ticket}")
    unknown = set(value) - {"outcome", "emergency", "ticket"}
    if unknown:
        raise _fail(where, "corpus-unknown-key", f"expect: unknown keys {sorted(unknown)}")
    outcome = value.get("outcome")
    if outcome not in OUTCOMES:
        raise _fail(where, "corpus-bad-outcome", f"expect.outcome {outcome!r} is not one of {', '.join(OUTCOMES)}")
    emergency = value.get("emergency")
    if emergency is not None and emergency not in EMERGENCIES:
        raise _fail(where, "corpus-bad-emergency", f"expect.emergency {emergency!r}: null or {', '.join(EMERGENCIES)}")
    ticket = value.get("ticket") or {}
    if not isinstance(ticket, dict):
        raise _fail(where, "corpus-bad-ticket", "expect.ticket must be a mapping")
    for name, expected in ticket.items():
        if name not in TICKET_FIELDS:
            raise _fail(where, "corpus-unknown-ticket-field", f"expect.ticket: unknown field {name!r} (known: "
                        f"{', '.join(TICKET_FIELDS)})")  # fmt: skip
        _check_value(name, expected, f"{where}.expect.ticket")
    if outcome == "complaint" and not ticket:
        raise _fail(where, "corpus-bad-ticket", "a complaint dialogue must expect ticket fields")
    return Expectation(str(outcome), emergency, {k: v for k, v in ticket.items()})


def _dialogue(raw: Any, index: int, lang: str, split: str, path: Path) -> Dialogue:
    where = f"{path}: dialogue #{index + 1}"
    if not isinstance(raw, dict):
        raise _fail(where, "corpus-bad-dialogue", "a dialogue must be a mapping")
    ident = raw.get("id")
    if not isinstance(ident, str) or not ident.strip():
        raise _fail(where, "corpus-missing-id", "every dialogue needs an id")
    where = f"{path}: {ident}"
    unknown = set(raw) - {"id", "persona", "say", "answers", "expect"}
    if unknown:
        raise _fail(where, "corpus-unknown-key", f"unknown keys {sorted(unknown)}")
    if not raw.get("say"):
        raise _fail(where, "corpus-missing-say", "every dialogue needs say: with at least the opening")
    if "expect" not in raw:
        raise _fail(where, "corpus-missing-expect", "every dialogue needs expect:")
    persona = raw.get("persona") or []
    tags = tuple(str(t) for t in (persona if isinstance(persona, list) else str(persona).split()))
    return Dialogue(
        id=ident.strip(),
        lang=lang,
        split=split,
        persona=tags,
        say=_lines(raw["say"], f"{where}.say"),
        answers=_answers(raw.get("answers"), f"{where}.answers"),
        expect=_expectation(raw["expect"], where),
        source=str(path),
    )


def load_file(path: Path) -> list[Dialogue]:
    """Load and check one corpus file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise CorpusError("corpus-missing", f"{path}: no such file") from err
    except yaml.YAMLError as err:
        raise CorpusError("corpus-bad-yaml", f"{path}: not valid YAML: {err}") from err
    if not isinstance(data, dict) or not isinstance(data.get("dialogues"), list):
        raise _fail(str(path), "corpus-bad-file", "expected a mapping with lang, split and a list of dialogues")
    lang, split = data.get("lang"), data.get("split")
    if lang not in LANGS:
        raise _fail(str(path), "corpus-bad-lang", f"lang {lang!r} is not one of {', '.join(LANGS)}")
    if split not in SPLITS:
        raise _fail(str(path), "corpus-bad-split", f"split {split!r} is not one of {', '.join(SPLITS)}")
    return [_dialogue(raw, i, str(lang), str(split), path) for i, raw in enumerate(data["dialogues"])]


def corpus_files(root: Path, splits: Iterable[str] = SPLITS) -> list[Path]:
    """Return the corpus files under ``root`` (``<lang>/<split>*.yaml``) for these splits, sorted."""
    wanted = tuple(splits)
    return sorted(p for p in root.glob("*/*.yaml") if any(p.name.startswith(s) for s in wanted))


def load_corpus(paths: Iterable[Path]) -> Corpus:
    """Load every file (a folder means its ``<lang>/<split>*.yaml``); ids must be unique across them all."""
    files: list[Path] = []
    for path in paths:
        files.extend(corpus_files(path) if path.is_dir() else [path])
    dialogues: list[Dialogue] = []
    seen: dict[str, str] = {}
    for path in files:
        for dialogue in load_file(path):
            if dialogue.id in seen:
                raise CorpusError(
                    "corpus-duplicate-id", f"{path}: {dialogue.id}: id already used in {seen[dialogue.id]}"
                )
            seen[dialogue.id] = str(path)
            dialogues.append(dialogue)
    return Corpus(tuple(dialogues), tuple(str(p) for p in files))
