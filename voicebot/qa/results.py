"""What a replay found, per turn and per scenario, and its JSON form (the baseline for the next run)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"


@dataclass(frozen=True, slots=True)
class Failure:
    """One unmet expectation."""

    turn: int | None
    """1-based turn number, or None for a whole-call expectation."""
    check: str
    """Which expectation (``intent``, ``says``, ``ticket.kind``...)."""
    message: str
    """Expected vs actual, in words."""

    def where(self, scenario: str) -> str:
        """Return ``scenario turn N`` (or ``scenario (call)``) for messages."""
        return f"{scenario} turn {self.turn}" if self.turn is not None else f"{scenario} (call)"


@dataclass(frozen=True, slots=True)
class TurnResult:
    """What happened after one caller turn."""

    index: int
    """1-based turn number (0: before the first turn, the greeting)."""
    label: str
    """What the caller did (reference text, ``[dtmf 0]``...)."""
    reference: str = ""
    """Reference text of the caller's speech."""
    heard: str = ""
    """What the recogniser (or reference) made of it."""
    bot_said: tuple[str, ...] = ()
    """Bot utterances started in this turn."""
    intents: tuple[str, ...] = ()
    """Intents the dialogue reported."""
    faq_topics: tuple[str, ...] = ()
    """FAQ topics answered."""
    handoff: str | None = None
    """Handoff reason, when the call went to a human here."""
    latency_ms: int | None = None
    """End of caller speech to first bot audio on the call clock: the timing logic (endpointing pauses)."""
    dialogue_ms: int | None = None
    """Real time the dialogue engine took to answer (virtual time stands still meanwhile)."""
    start_ms: int = 0
    """When the turn began on the call timeline."""
    events: tuple[str, ...] = ()
    """Other notable events (``BargeIn``, ``NoInput``, ``TicketFiled``...)."""
    error_rate: float | None = None
    """WER/CER of this turn, when measured."""


@dataclass(slots=True)
class ScenarioResult:
    """The outcome of one scenario."""

    name: str
    """``<lang>/<folder>``."""
    language: str
    """Call language."""
    status: str
    """``passed``, ``failed`` or ``skipped``."""
    description: str = ""
    """What the scenario is about."""
    tags: tuple[str, ...] = ()
    """Scenario tags."""
    failures: list[Failure] = field(default_factory=list)
    """Unmet expectations, in order."""
    skip_reason: str = ""
    """Why it did not run."""
    turns: list[TurnResult] = field(default_factory=list)
    """Per-turn details (index 0 is the greeting)."""
    outcome: str = ""
    """How the call ended."""
    ticket: dict[str, Any] | None = None
    """The stored ticket (kind, fields, handoff reason, FAQ topics...)."""
    latencies_ms: list[int] = field(default_factory=list)
    """Reply latencies over the call."""
    call_ms: int = 0
    """Call length on the (virtual) call timeline."""
    wall_s: float = 0.0
    """Real time the replay of this scenario took."""
    error_metric: str = ""
    """``wer`` or ``cer`` when recognition was measured."""
    errors: int = 0
    """Recognition edits over the scenario."""
    ref_length: int = 0
    """Reference words/characters over the scenario."""
    unchecked: int = 0
    """Expectation blocks skipped because the recogniser's language does not match the call."""
    caller_audio: bytes = b""
    """Caller side, 16-bit PCM at ``rate`` (not in JSON)."""
    bot_audio: bytes = b""
    """Bot side, 16-bit PCM at ``rate`` (not in JSON)."""
    rate: int = 8000
    """Audio sample rate."""

    def reply_ms(self) -> list[int]:
        """Return per answered turn the reply latency a real call would see: timing logic plus dialogue time."""
        return [t.latency_ms + (t.dialogue_ms or 0) for t in self.turns if t.index > 0 and t.latency_ms is not None]

    @property
    def error_rate(self) -> float | None:
        """Return the scenario's WER/CER, or None when not measured."""
        if not self.error_metric or self.ref_length == 0:
            return None
        return self.errors / self.ref_length

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (no audio)."""
        return {
            "name": self.name,
            "language": self.language,
            "status": self.status,
            "description": self.description,
            "tags": list(self.tags),
            "failures": [{"turn": f.turn, "check": f.check, "message": f.message} for f in self.failures],
            "skip_reason": self.skip_reason,
            "turns": [_turn_dict(t) for t in self.turns],
            "outcome": self.outcome,
            "ticket": self.ticket,
            "latencies_ms": self.latencies_ms,
            "call_ms": self.call_ms,
            "wall_s": round(self.wall_s, 3),
            "error_metric": self.error_metric,
            "errors": self.errors,
            "ref_length": self.ref_length,
            "error_rate": self.error_rate,
            "unchecked": self.unchecked,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScenarioResult:
        """Rebuild a result from its JSON form (for baselines)."""
        return cls(
            name=str(data["name"]),
            language=str(data.get("language", "")),
            status=str(data.get("status", "")),
            description=str(data.get("description", "")),
            tags=tuple(data.get("tags", ())),
            failures=[Failure(f.get("turn"), str(f.get("check", "")), str(f.get("message", ""))) for f in
                      data.get("failures", [])],  # fmt: skip
            skip_reason=str(data.get("skip_reason", "")),
            turns=[TurnResult(**{**t, "bot_said": tuple(t.get("bot_said", ())), "intents": tuple(t.get("intents", ())),
                                 "faq_topics": tuple(t.get("faq_topics", ())), "events": tuple(t.get("events", ()))})
                   for t in data.get("turns", [])],  # fmt: skip
            outcome=str(data.get("outcome", "")),
            ticket=data.get("ticket"),
            latencies_ms=[int(x) for x in data.get("latencies_ms", [])],
            call_ms=int(data.get("call_ms", 0)),
            wall_s=float(data.get("wall_s", 0.0)),
            error_metric=str(data.get("error_metric", "")),
            errors=int(data.get("errors", 0)),
            ref_length=int(data.get("ref_length", 0)),
            unchecked=int(data.get("unchecked", 0)),
        )


def _turn_dict(turn: TurnResult) -> dict[str, Any]:
    return {
        "index": turn.index,
        "label": turn.label,
        "reference": turn.reference,
        "heard": turn.heard,
        "bot_said": list(turn.bot_said),
        "intents": list(turn.intents),
        "faq_topics": list(turn.faq_topics),
        "handoff": turn.handoff,
        "latency_ms": turn.latency_ms,
        "dialogue_ms": turn.dialogue_ms,
        "start_ms": turn.start_ms,
        "events": list(turn.events),
        "error_rate": turn.error_rate,
    }


@dataclass(slots=True)
class RunResult:
    """A whole replay run."""

    results: list[ScenarioResult]
    """Per scenario, in suite order."""
    asr: str = "reference"
    """``reference`` or ``vosk``."""
    wall_s: float = 0.0
    """Real time the run took."""
    started_at: str = ""
    """ISO time the run started."""

    def count(self, status: str) -> int:
        """Return how many scenarios have ``status``."""
        return sum(1 for r in self.results if r.status == status)

    @property
    def ok(self) -> bool:
        """Return True when no scenario failed."""
        return self.count(FAILED) == 0

    def to_dict(self) -> dict[str, Any]:
        """Return the run as JSON-ready data."""
        return {
            "asr": self.asr,
            "started_at": self.started_at,
            "wall_s": round(self.wall_s, 3),
            "summary": {s: self.count(s) for s in (PASSED, FAILED, SKIPPED)},
            "scenarios": [r.to_dict() for r in self.results],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunResult:
        """Rebuild a run from its JSON form."""
        return cls(
            results=[ScenarioResult.from_dict(s) for s in data.get("scenarios", [])],
            asr=str(data.get("asr", "")),
            wall_s=float(data.get("wall_s", 0.0)),
            started_at=str(data.get("started_at", "")),
        )
