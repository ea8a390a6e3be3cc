"""The dialogue report's figures: per played dialogue a verdict, per language and split the totals.

Definitions (``docs/workorder.md`` "Measuring"):

* all fields right: complaint dialogues whose call stored a complaint ticket with every expected field right;
* field accuracy: per field, over the dialogues that expect it (whatever their outcome);
* completion: complaint dialogues that got a complaint ticket; turns: caller turns until it was filed;
* emergency precision/recall: a dialogue expecting advice counts as found when the bot gave advice covering
  that kind (``voicebot.qa.dialogue_signals``); advice in a dialogue expecting none is a false alarm;
* misunderstandings: fallback / please-rephrase replies; gibberish accepted: gibberish turns taken as "yes";
* outcome: the call's outcome (complaint > callback > emergency > handoff > status > faq > other) as expected.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from voicebot.events import BotReplied, CallRecord, HandoffRequested, TicketFiled, Transcribed
from voicebot.qa.dialogue_match import FieldCheck, check_ticket
from voicebot.qa.dialogue_runner import DialogueRun
from voicebot.qa.dialogue_signals import BotTexts, advice_kinds, advice_matches, gibberish_accepted, misunderstandings


@dataclass(frozen=True, slots=True)
class Verdict:
    """How one dialogue went."""

    id: str
    """Dialogue id."""
    lang: str
    """Language."""
    split: str
    """``dev`` or ``heldout``."""
    expected_outcome: str
    """The outcome the corpus expects."""
    outcome: str
    """The outcome the call had."""
    ticket_kind: str | None
    """Kind of the stored ticket."""
    checks: tuple[FieldCheck, ...]
    """Expected fields compared with the ticket."""
    turns: int
    """Caller turns played in all."""
    turns_to_ticket: int | None
    """Caller turns until the complaint ticket was filed (None: never filed)."""
    emergency_expected: str | None
    """Advice the corpus expects."""
    emergency_given: tuple[str, ...]
    """Advice kinds the bot gave."""
    misunderstandings: int
    """Fallback / please-rephrase replies."""
    gibberish_turns: int
    """Gibberish turns played."""
    gibberish_accepted: tuple[int, ...]
    """Indexes of gibberish turns taken as yes."""
    error: str | None = None
    """Why the call could not run."""
    transcript: tuple[str, ...] = ()
    """The call as lines ``caller: ...`` / ``bot [asked X]: ...`` (for tuning on the development part)."""

    @property
    def complaint_expected(self) -> bool:
        """True for a dialogue that must end in a complaint ticket."""
        return self.expected_outcome == "complaint"

    @property
    def completed(self) -> bool:
        """True when a complaint dialogue stored a complaint ticket."""
        return self.complaint_expected and self.ticket_kind == "complaint"

    @property
    def all_right(self) -> bool:
        """True when a complaint dialogue's ticket has every expected field right."""
        return self.completed and all(c.ok for c in self.checks)

    @property
    def outcome_ok(self) -> bool:
        """True when the call ended as expected."""
        return self.outcome == self.expected_outcome

    @property
    def emergency_found(self) -> bool:
        """True when expected advice was given."""
        return advice_matches(self.emergency_expected, set(self.emergency_given))

    def failures(self) -> list[tuple[str, Any, Any]]:
        """Return ``(what, expected, got)`` for everything that went wrong."""
        out: list[tuple[str, Any, Any]] = []
        if self.error:
            out.append(("error", None, self.error))
        if not self.outcome_ok:
            out.append(("outcome", self.expected_outcome, self.outcome))
        out += [(c.field, c.expected, c.got) for c in self.checks if not c.ok]
        if self.emergency_expected and not self.emergency_found:
            out.append(("emergency", self.emergency_expected, list(self.emergency_given) or None))
        if not self.emergency_expected and self.emergency_given:
            out.append(("emergency", None, list(self.emergency_given)))
        out += [("gibberish", f"turn {i + 1} not taken as yes", "taken as yes") for i in self.gibberish_accepted]
        return out


def call_outcome(record: CallRecord, ticket_kind: str | None, advice: set[str]) -> str:
    """Return the corpus outcome a call had."""
    filed = {e.ticket_kind for e in record.of(TicketFiled)}
    if ticket_kind == "complaint" or "complaint" in filed:
        return "complaint"
    if ticket_kind == "callback" or "callback" in filed or record.outcome == "callback":
        return "callback"
    if advice:
        return "emergency"
    if record.of(HandoffRequested) or record.outcome == "handoff":
        return "handoff"
    replies = record.of(BotReplied)
    if any("ticketstatus" in r.directives for r in replies):
        return "status"
    if any(r.faq_topic for r in replies):
        return "faq"
    return "other"


def transcript_lines(record: CallRecord) -> tuple[str, ...]:
    """Return the call as text lines: what the caller was heard saying, what the bot answered and asked."""
    lines: list[str] = []
    for event in record.events:
        if isinstance(event, Transcribed):
            lines.append(f"caller: {event.text}")
        elif isinstance(event, BotReplied):
            asked = f" [asked {event.asked}]" if event.asked else ""
            lines.append(f"bot{asked} ({event.intent or '-'}): {' '.join(event.utterances)}")
        elif isinstance(event, TicketFiled):
            lines.append(f"ticket filed: {event.ticket_kind}")
        elif isinstance(event, HandoffRequested):
            lines.append(f"handoff: {event.reason}")
    return tuple(lines)


def _turns_to_ticket(run: DialogueRun) -> int | None:
    filed = [e.at_ms for e in run.record.of(TicketFiled) if e.ticket_kind == "complaint"]
    if not filed:
        return None
    return sum(1 for t in run.turns if t.at_ms < filed[0])


def judge(run: DialogueRun, texts: BotTexts) -> Verdict:
    """Return the verdict of one played dialogue."""
    d = run.dialogue
    kind = run.ticket.get("kind") if run.ticket else None
    advice = advice_kinds(run.record.events, d.lang, texts)
    return Verdict(
        id=d.id,
        lang=d.lang,
        split=d.split,
        expected_outcome=d.expect.outcome,
        outcome=call_outcome(run.record, kind, advice),
        ticket_kind=kind,
        checks=tuple(check_ticket(d.expect.ticket, run.ticket, d.lang)),
        turns=len(run.turns),
        turns_to_ticket=_turns_to_ticket(run),
        emergency_expected=d.expect.emergency,
        emergency_given=tuple(sorted(advice)),
        misunderstandings=misunderstandings(run.record, d.lang, texts),
        gibberish_turns=sum(1 for t in run.turns if t.line.gibberish),
        gibberish_accepted=tuple(gibberish_accepted(run.record, run.turns, d.lang, texts)),
        error=run.error,
        transcript=transcript_lines(run.record),
    )


@dataclass(frozen=True, slots=True)
class Ratio:
    """A count out of a total."""

    hits: int
    """Counted."""
    total: int
    """Out of."""

    @property
    def value(self) -> float | None:
        """Return hits/total, None when there is nothing to count."""
        return self.hits / self.total if self.total else None

    def __str__(self) -> str:
        return "-" if self.value is None else f"{100 * self.value:.1f}% ({self.hits}/{self.total})"


@dataclass(frozen=True, slots=True)
class Figures:
    """Totals for one language and split."""

    lang: str
    """Language."""
    split: str
    """``dev`` or ``heldout``."""
    dialogues: int
    """Dialogues played."""
    all_fields_right: Ratio
    """Complaint dialogues with every field right."""
    fields: dict[str, Ratio]
    """Accuracy per field."""
    completion: Ratio
    """Complaint dialogues that got a complaint ticket."""
    turns_per_complaint: float | None
    """Mean caller turns until a completed complaint was filed."""
    emergency_precision: Ratio
    """Advice given that was expected."""
    emergency_recall: Ratio
    """Expected advice that was given."""
    misunderstandings: int
    """Fallback / please-rephrase replies in all."""
    gibberish_accepted: Ratio
    """Gibberish turns taken as yes, out of gibberish turns."""
    outcome: Ratio
    """Calls that ended as expected."""
    errors: int
    """Calls that could not run."""
    failing: tuple[str, ...] = field(default=())
    """Ids of dialogues with any failure, worst first."""


def figures(verdicts: Sequence[Verdict], lang: str, split: str) -> Figures:
    """Return the totals of these verdicts."""
    complaints = [v for v in verdicts if v.complaint_expected]
    names = list(dict.fromkeys(c.field for v in verdicts for c in v.checks))
    per_field = {
        name: Ratio(sum(c.ok for v in verdicts for c in v.checks if c.field == name),
                    sum(1 for v in verdicts for c in v.checks if c.field == name))
        for name in names
    }  # fmt: skip
    done = [v.turns_to_ticket for v in complaints if v.completed and v.turns_to_ticket is not None]
    given = [v for v in verdicts if v.emergency_given]
    expected = [v for v in verdicts if v.emergency_expected]
    worst = sorted((v for v in verdicts if v.failures()), key=lambda v: (-len(v.failures()), v.id))
    return Figures(
        lang=lang,
        split=split,
        dialogues=len(verdicts),
        all_fields_right=Ratio(sum(v.all_right for v in complaints), len(complaints)),
        fields=per_field,
        completion=Ratio(sum(v.completed for v in complaints), len(complaints)),
        turns_per_complaint=statistics.fmean(done) if done else None,
        emergency_precision=Ratio(sum(1 for v in given if v.emergency_expected), len(given)),
        emergency_recall=Ratio(sum(v.emergency_found for v in expected), len(expected)),
        misunderstandings=sum(v.misunderstandings for v in verdicts),
        gibberish_accepted=Ratio(
            sum(len(v.gibberish_accepted) for v in verdicts), sum(v.gibberish_turns for v in verdicts)
        ),
        outcome=Ratio(sum(v.outcome_ok for v in verdicts), len(verdicts)),
        errors=sum(1 for v in verdicts if v.error),
        failing=tuple(v.id for v in worst),
    )


def all_figures(verdicts: Iterable[Verdict]) -> list[Figures]:
    """Return the figures per language and split (dev before heldout), in a stable order."""
    groups: dict[tuple[str, str], list[Verdict]] = {}
    for v in verdicts:
        groups.setdefault((v.lang, v.split), []).append(v)
    order = {"zh-CN": 0, "en-US": 1}
    keys = sorted(groups, key=lambda k: (order.get(k[0], 9), k[0], k[1] != "dev"))
    return [figures(groups[k], *k) for k in keys]
