"""The bot's own safety step before the dialogue engine: advise at once, ask once, or pass the words on.

One per call. It decides; the conversation speaks and sends (no callbacks): ``step(text)`` returns what to do
with a caller utterance.

- ``emergency``: advise (the kind's 119/120/110 prompt); nothing else is dropped, the next utterance goes to the
  dialogue engine as usual, so an open complaint form resumes.
- ``unsure``: ask "is anyone in danger right now?" and keep the utterance; the answer decides: danger -> advise;
  anything else -> the kept utterance goes to the dialogue engine (``safety`` none), followed in the same
  message by whatever more the answer says. Never asked twice in a row; once the caller said no, later
  ``unsure`` utterances are not asked about again in this call: they go on with ``safety`` none (the caller
  said so; an ``emergency`` is still advised at once).

So the dialogue engine only ever sees ``safety`` none: whatever its own NLU makes of the words, the bot has
already dealt with any danger in them (Rasa's ``action_emergency`` follows the verdict).
- ``none``: the utterance goes on unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from voicebot.call.safety import Kind, Level, SafetyVerdict, classify, read_answer


@dataclass(frozen=True, slots=True)
class Outgoing:
    """An utterance for the dialogue engine, with the verdict it travels with (message metadata ``safety``)."""

    text: str
    """The caller's words."""
    safety: Level
    """The verdict level for these words."""


@dataclass(frozen=True, slots=True)
class SafetyStep:
    """What to do with one caller utterance."""

    verdict: SafetyVerdict
    """The classifier's verdict on the utterance."""
    advise: bool = False
    """Speak the emergency advice of ``kind`` (then the follow-up), send nothing."""
    kind: Kind | None = None
    """The emergency's kind (None: the general 119/110/120 advice)."""
    ask: bool = False
    """Ask "is anyone in danger right now?" (the utterance is kept until the answer)."""
    send: tuple[Outgoing, ...] = ()
    """Utterances for the dialogue engine, in order."""


@dataclass(slots=True)
class _Kept:
    text: str
    verdict: SafetyVerdict


class SafetyCheck:
    """The safety step of one call (holds the utterance kept while the bot asks about danger)."""

    def __init__(self) -> None:
        self._kept: _Kept | None = None
        self._told_safe = False

    @property
    def asking(self) -> bool:
        """True while the bot waits for the answer to its danger question."""
        return self._kept is not None

    def step(self, text: str) -> SafetyStep:
        """Decide what to do with a caller utterance (a request for a person is handled before this)."""
        if self._kept is not None:
            return self._answered(text, self._kept)
        verdict = classify(text)
        if verdict.level == "emergency":
            return SafetyStep(verdict, advise=True, kind=verdict.kind)
        if verdict.level == "unsure" and not self._told_safe:
            self._kept = _Kept(text, verdict)
            return SafetyStep(verdict, ask=True)
        return SafetyStep(verdict, send=(Outgoing(text, "none"),))

    def flush(self) -> tuple[Outgoing, ...]:
        """Give up waiting for the answer (a key press instead): the kept utterance goes on, safety none."""
        kept, self._kept = self._kept, None
        if kept is None:
            return ()
        self._told_safe = True
        return (Outgoing(kept.text, "none"),)

    def _answered(self, text: str, kept: _Kept) -> SafetyStep:
        self._kept = None
        answer = read_answer(text)
        if answer.danger:
            return SafetyStep(answer.verdict, advise=True, kind=answer.verdict.kind or kept.verdict.kind)
        self._told_safe = True
        # One account: what the caller said first and what the answer adds ("没有 就是物业一直不管") go on together,
        # so the dialogue engine reads them as one request, not a greeting and then a stray remark.
        words = f"{kept.text} {answer.rest}" if answer.rest else kept.text
        return SafetyStep(answer.verdict, send=(Outgoing(words, "none"),))
