"""The adaptive simulated caller of the dialogue report: it answers what the bot just asked.

``DialogueCaller`` is a ``FileLine`` whose next turn is chosen only when the caller is about to speak:
from the last ``BotReplied.asked`` in the call's record (``corpus/README.md`` "How the simulated caller
plays a dialogue"). Speech turns play a real speech clip (so VAD and endpointing run as in a real
call) and ``SpokenWordsRecognizer`` hears, for each turn, the words the caller chose, the way
``voicebot call --transcripts`` bypasses speech recognition. Key presses are real DTMF.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from voicebot.audio import Clip
from voicebot.events import BotReplied, CallRecord
from voicebot.lines.file_line import CallerTurn, FileLine
from voicebot.lines.line import LineInfo
from voicebot.qa.dialogue_corpus import CallerLine, Dialogue
from voicebot.qa.turn_reference import TurnReferenceStream
from voicebot.runtime.clock import Clock

MAX_CALLER_TURNS = 24
"""A call lasts at most this many caller turns; then the caller hangs up."""


@dataclass(frozen=True, slots=True)
class PlayedTurn:
    """One caller turn as played."""

    index: int
    """0-based turn number."""
    at_ms: int
    """When it started on the call clock."""
    line: CallerLine
    """What the caller said or pressed."""
    asked: str | None
    """The field the bot had asked for (None: it asked for nothing in particular)."""
    source: str
    """Where the line came from: ``say`` or ``answers.<field>``."""


class CallerScript:
    """One dialogue's cursor: picks each next caller line from what the bot asked."""

    def __init__(self, dialogue: Dialogue, max_turns: int = MAX_CALLER_TURNS) -> None:
        self.dialogue = dialogue
        self._max_turns = max_turns
        self._said = 0
        self._answered: dict[str, int] = {}
        self.played: list[PlayedTurn] = []

    def next_line(self, asked: str | None) -> tuple[CallerLine, str] | None:
        """Return the next line and its source, or None when the caller hangs up.

        An asked field with answers gets its next unused answer (the last again once used up); otherwise,
        and for a field the dialogue has no answer for, the next unused ``say`` item is said.
        """
        if len(self.played) >= self._max_turns:
            return None
        answers = self.dialogue.answers.get(asked) if asked else None
        if answers and asked:
            used = self._answered.get(asked, 0)
            self._answered[asked] = used + 1
            return answers[min(used, len(answers) - 1)], f"answers.{asked}"
        if self._said < len(self.dialogue.say):
            self._said += 1
            return self.dialogue.say[self._said - 1], "say"
        return None

    def play(self, asked: str | None, at_ms: int) -> PlayedTurn | None:
        """Choose and note the next turn (None: hang up)."""
        chosen = self.next_line(asked)
        if chosen is None:
            return None
        turn = PlayedTurn(len(self.played), at_ms, chosen[0], asked, chosen[1])
        self.played.append(turn)
        return turn


def last_asked(record: CallRecord | None) -> str | None:
    """Return the field the bot asked for in its last reply (None when it asked for nothing)."""
    replies = record.of(BotReplied) if record is not None else []
    return replies[-1].asked if replies else None


class DialogueCaller(FileLine):
    """A simulated line whose caller plays a dialogue adaptively; ``watch()`` the call's record before running."""

    def __init__(self, script: CallerScript, speech: Clip, clock: Clock, info: LineInfo, gap_ms: int = 800) -> None:
        super().__init__([], clock, info, gap_ms=gap_ms)
        self.script = script
        self._speech = speech
        self._watched: CallRecord | None = None
        self._heard: set[int] = set()

    def watch(self, record: CallRecord) -> None:
        """Read what the bot asked from this record (the session's own, filled as the call goes)."""
        self._watched = record

    def _start_next_turn(self, now: float) -> bool:
        """Choose the caller's next turn at the moment the caller would speak, then play it."""
        if not self._turns and self.hung_up_by_caller_at is None and self._done_listening(now):
            turn = self.script.play(last_asked(self._watched), int(now))
            if turn is not None:
                line = turn.line
                audio = self._speech if line.text else None
                self._turns.append(CallerTurn(audio=audio, dtmf=line.dtmf, label=line.describe()))
        return super()._start_next_turn(now)

    def text_for(self, end_ms: int, peek: bool = False) -> str:
        """Return the words of the speech turn playing at ``end_ms`` the first time it is asked, then ``""``
        (``peek``: without counting it as asked, for partials)."""
        starts = [t.at_ms for t in self.script.played]
        index = bisect.bisect_right(starts, end_ms) - 1
        if index < 0 or index in self._heard:
            return ""
        if not peek:
            self._heard.add(index)
        return self.script.played[index].line.text


class SpokenWordsRecognizer:
    """A ``Recognizer`` for one dialogue call: each utterance is heard as the words its caller turn chose."""

    def __init__(self, caller: DialogueCaller) -> None:
        self._caller = caller

    def start_stream(self, call_id: str, rate: int) -> TurnReferenceStream:
        """Open the call's stream (it notes where each utterance ends and hears the turn's words)."""
        return TurnReferenceStream(self._caller)
