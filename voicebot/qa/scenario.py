"""A QA scenario: the caller's scripted turns and what the bot must do, loaded from ``scenario.yaml``.

Layout: ``audio_fixtures/<lang>/<name>/scenario.yaml`` plus the caller's WAV files
beside it, or turns pointing (``shared:``) into ``../shared/speech`` in place.
See ``docs/qa.md`` for the format.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from voicebot.errors import VoicebotError
from voicebot.qa.expectations import CallExpect, TurnExpect, parse_call_expect, parse_turn_expect
from voicebot.qa.seeds import SeedTicket, parse_seeds
from voicebot.settings import PROJECT_ROOT

FIXTURES_DIR = PROJECT_ROOT / "audio_fixtures"
"""Where the project's scenarios live."""
SHARED_SPEECH_DIR = PROJECT_ROOT.parent / "shared" / "speech"
"""Real human recordings, referenced in place (CI clones the repo beside ``shared/``)."""
LANGUAGES = ("zh-CN", "en-US")
SHARED_TAG = "shared-speech"
"""Tag added to every scenario with a turn from ``../shared/speech``."""

_TURN_KEYS = {"say", "audio", "shared", "dtmf", "silence_ms", "barge_in_after_ms", "expect", "expect_if_understood"}
_SCENARIO_KEYS = {"language", "description", "tags", "at", "turns", "expect", "expect_if_understood", "calling_number",
                  "tickets"}  # fmt: skip


class ScenarioError(VoicebotError):
    """A scenario file is missing, malformed or points at audio that is not there."""


@dataclass(frozen=True, slots=True)
class Turn:
    """One thing the caller does, and what must follow it."""

    index: int
    """1-based turn number (as reports name it)."""
    say: str = ""
    """Reference text: what the caller says (ASR stand-in with ``--asr reference``; WER/CER reference)."""
    audio: Path | None = None
    """The caller's speech (project-made WAV, or a shared recording)."""
    shared: bool = False
    """True when ``audio`` is a real recording under ``../shared/speech`` (never copied into the repo)."""
    dtmf: str = ""
    """Keys pressed instead of speaking."""
    silence_ms: int = 0
    """Silence after the turn (no-input tests)."""
    barge_in_after_ms: int | None = None
    """Cut in this long after the bot starts its next utterance."""
    expect: TurnExpect = field(default_factory=TurnExpect)
    """Checked in every run."""
    expect_if_understood: TurnExpect = field(default_factory=TurnExpect)
    """Checked only when the words reach the dialogue intact (reference texts, or a model of the call's language)."""

    @property
    def speaks(self) -> bool:
        """Return True when the turn has speech audio (it yields one transcript)."""
        return self.audio is not None

    def describe(self) -> str:
        """Return a short label for reports."""
        if self.dtmf:
            return f"[dtmf {self.dtmf}]"
        if self.audio is None:
            return f"[silence {self.silence_ms} ms]"
        prefix = f"[barge-in after {self.barge_in_after_ms} ms] " if self.barge_in_after_ms is not None else ""
        return prefix + (self.say or self.audio.name)


@dataclass(frozen=True, slots=True)
class Scenario:
    """A scripted call and its expectations."""

    name: str
    """``<lang>/<folder>``, unique in a suite."""
    path: Path
    """The scenario folder."""
    language: str
    """``zh-CN`` or ``en-US``."""
    turns: tuple[Turn, ...]
    """The caller's turns in order."""
    description: str = ""
    """What the scenario is about."""
    tags: tuple[str, ...] = ()
    """Free labels (``faq``, ``complaint``, ``shared-speech``...) for ``--tag`` selection."""
    at: datetime.datetime | None = None
    """When the call happens (decides whether agents are on duty); ``None``: a time when they are."""
    expect: CallExpect = field(default_factory=CallExpect)
    """Whole-call expectations checked in every run."""
    expect_if_understood: CallExpect = field(default_factory=CallExpect)
    """Whole-call expectations that need the caller's words understood."""
    calling_number: str = ""
    """The number the line says is calling (``""``: withheld, so no repeat-caller look-up)."""
    tickets: tuple[SeedTicket, ...] = ()
    """Tickets in the store before the call (``voicebot/qa/seeds.py``)."""

    def missing_audio(self) -> list[Path]:
        """Return the audio files this scenario needs that are not on disk."""
        return [t.audio for t in self.turns if t.audio is not None and not t.audio.is_file()]

    def reference_texts(self) -> list[str]:
        """Return the texts the reference recogniser gives, one per speech turn."""
        return [t.say for t in self.turns if t.speaks]


def _fail(path: Path, where: str, problem: str) -> ScenarioError:
    return ScenarioError("scenario-invalid", f"{path}: {where}: {problem}")


def _shared_transcripts(root: Path) -> dict[str, str]:
    texts: dict[str, str] = {}
    for tsv in sorted(root.glob("*/transcripts.tsv")):
        for line in tsv.read_text(encoding="utf-8").splitlines()[1:]:
            parts = line.split("\t")
            if len(parts) >= 2:
                texts[f"{tsv.parent.name}/{parts[0]}"] = parts[1]
    return texts


def _int(path: Path, where: str, key: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _fail(path, where, f"{key} must be a whole number of milliseconds >= 0, not {value!r}")
    return value


def _at(path: Path, value: Any) -> datetime.datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):  # YAML reads an unquoted timestamp itself
        return value.astimezone() if value.tzinfo is None else value
    try:
        when = datetime.datetime.fromisoformat(str(value))
    except ValueError as err:
        raise _fail(path, "at", f"must be a date and time like 2026-11-28T22:00, not {value!r}") from err
    return when.astimezone() if when.tzinfo is None else when  # no offset: the machine's local time


def _turn(path: Path, index: int, raw: Any, shared_root: Path, shared_texts: dict[str, str]) -> Turn:
    where = f"turn {index}"
    if not isinstance(raw, dict):
        raise _fail(path, where, f"a turn must be a mapping, not {type(raw).__name__}")
    unknown = set(raw) - _TURN_KEYS
    if unknown:
        raise _fail(path, where, f"unknown keys {sorted(unknown)} (allowed: {sorted(_TURN_KEYS)})")
    sources = [k for k in ("audio", "shared", "dtmf") if raw.get(k)]
    if len(sources) > 1:
        raise _fail(path, where, f"give only one of audio/shared/dtmf, not {sources}")
    if not sources and not raw.get("silence_ms"):
        raise _fail(path, where, "needs audio:, shared:, dtmf: or silence_ms:")
    say = str(raw.get("say") or "")
    audio: Path | None = None
    if raw.get("audio"):
        audio = path.parent / str(raw["audio"])
        if not say:
            raise _fail(path, where, "a turn with audio needs its reference text in say:")
    elif raw.get("shared"):
        rel = str(raw["shared"]).replace("\\", "/").removeprefix("../shared/speech/").removeprefix("shared/speech/")
        audio = shared_root / rel
        say = say or shared_texts.get(rel, "")
    dtmf = str(raw.get("dtmf") or "")
    if dtmf and not set(dtmf) <= set("0123456789*#"):
        raise _fail(path, where, f"dtmf may hold only 0-9 * #, not {dtmf!r}")
    barge = raw.get("barge_in_after_ms")
    return Turn(
        index=index,
        say=say,
        audio=audio,
        shared=bool(raw.get("shared")),
        dtmf=dtmf,
        silence_ms=_int(path, where, "silence_ms", raw.get("silence_ms", 0)),
        barge_in_after_ms=None if barge is None else _int(path, where, "barge_in_after_ms", barge),
        expect=parse_turn_expect(raw.get("expect"), lambda p: _fail(path, f"{where} expect", p)),
        expect_if_understood=parse_turn_expect(
            raw.get("expect_if_understood"), lambda p: _fail(path, f"{where} expect_if_understood", p)
        ),
    )


def load_scenario(path: str | Path, shared_root: Path | None = None) -> Scenario:
    """Load and validate one ``scenario.yaml`` (or its folder); raise ``ScenarioError`` naming the problem."""
    p = Path(path)
    p = p / "scenario.yaml" if p.is_dir() else p
    if not p.is_file():
        raise ScenarioError("scenario-missing", f"{p}: no such scenario file")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise ScenarioError("scenario-bad-yaml", f"{p}: not valid YAML: {err}") from err
    if not isinstance(data, dict):
        raise _fail(p, "top level", "must be a mapping with language: and turns:")
    unknown = set(data) - _SCENARIO_KEYS
    if unknown:
        raise _fail(p, "top level", f"unknown keys {sorted(unknown)} (allowed: {sorted(_SCENARIO_KEYS)})")
    language = data.get("language")
    if language not in LANGUAGES:
        raise _fail(p, "language", f"must be one of {', '.join(LANGUAGES)}, not {language!r}")
    raw_turns = data.get("turns")
    if not isinstance(raw_turns, list) or not raw_turns:
        raise _fail(p, "turns", "must be a non-empty list")
    root = shared_root or SHARED_SPEECH_DIR
    texts = _shared_transcripts(root) if any(isinstance(t, dict) and t.get("shared") for t in raw_turns) else {}
    turns = tuple(_turn(p, i, raw, root, texts) for i, raw in enumerate(raw_turns, start=1))
    tags = data.get("tags") or []
    if not isinstance(tags, list):
        raise _fail(p, "tags", "must be a list")
    all_tags = tuple(dict.fromkeys([*map(str, tags), *([SHARED_TAG] if any(t.shared for t in turns) else [])]))
    return Scenario(
        name=f"{p.parent.parent.name}/{p.parent.name}",
        path=p.parent,
        language=str(language),
        turns=turns,
        description=str(data.get("description") or ""),
        tags=all_tags,
        at=_at(p, data.get("at")),
        expect=parse_call_expect(data.get("expect"), lambda problem: _fail(p, "expect", problem)),
        expect_if_understood=parse_call_expect(
            data.get("expect_if_understood"), lambda problem: _fail(p, "expect_if_understood", problem)
        ),
        calling_number=str(data.get("calling_number") or ""),
        tickets=parse_seeds(data.get("tickets"), lambda problem: _fail(p, "tickets", problem)),
    )


def find_scenarios(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Yield every ``scenario.yaml`` under the given files or folders, sorted, without duplicates."""
    seen: set[Path] = set()
    for given in paths:
        p = Path(given)
        if p.is_file():
            found = [p]
        elif p.is_dir():
            found = sorted(p.rglob("scenario.yaml"))
        else:
            raise ScenarioError("scenario-missing", f"{p}: no such file or folder")
        for f in found:
            if f.resolve() not in seen:
                seen.add(f.resolve())
                yield f


def load_suite(paths: Iterable[str | Path], shared_root: Path | None = None) -> list[Scenario]:
    """Load every scenario under ``paths``; all problems are reported together."""
    scenarios: list[Scenario] = []
    problems: list[str] = []
    for f in find_scenarios(paths):
        try:
            scenarios.append(load_scenario(f, shared_root))
        except ScenarioError as err:
            problems.append(err.message)
    if problems:
        raise ScenarioError("scenario-invalid", "\n".join(problems))
    return scenarios


def in_ci() -> bool:
    """Return True in CI (``CI=true``), where a missing shared recording is a failure, not a skip."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")
