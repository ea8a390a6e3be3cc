"""Adaptive end of turn: how much silence ends the caller's turn, from what was said so far and what was asked.

A pure rule (no clock, no I/O, a few string operations per decision: microseconds), evaluated by the listener on
every silent frame inside an utterance, so a partial transcript that grows while the silence runs is taken into
account. Inputs and what they do:

* the partial transcript, matched against the language's table (``asr/turn_words.py``): a trailing filler,
  conjunction or opened phrase (我想问一下那个, and um) means more is coming: wait ``hesitant_ms``; a closing
  particle or phrase (吗, 谢谢, that's all) or a whole yes/no answer (是的, 不对, yes) means done: ``min_ms``;
* what the bot asked (``expect``/``asked`` from its last turn): after a number prompt the digits heard so far are
  counted (11 for a mobile starting with 1, 18 for an ID card, 8 for a ticket number): short once complete,
  ``max_ms`` while digits are still missing; after a yes/no question a bare 嗯 is an answer, not a hesitation.

Anything else (words the tables do not know, a recogniser in another language) gets ``neutral_ms``. No prosody:
the energy fall of the last voiced 100 ms (against the utterance's median) was measured on the real recordings and
told nothing: it fell by 6 dB or more before 69% of the pauses inside sentences and before 69% of the real ends
(``python -m benchmarks.endpointing --prosody``; docs/turn_taking.md, "Adaptive end of turn").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from asr.turn_words import TurnWords, turn_words
from voicebot.errors import ConfigError

FREE_DIGIT_RUN = 3
"""In free speech, a trailing run of this many digits or more is a number being dictated ..."""
FREE_DIGIT_DONE = 11
"""... until it has this many (a mobile number's length): then it is not taken for unfinished."""
MAX_SUFFIX = 6
"""Longest ending looked up in the tables (characters for Mandarin, words for English)."""


@dataclass(frozen=True, slots=True)
class EndOfTurnConfig:
    """The holds the rule chooses between (ms of silence after the last speech)."""

    min_ms: int = 300
    """A turn that is clearly complete (a yes/no answer, a full phone number, a closing word)."""
    neutral_ms: int = 550
    """Nothing tells either way."""
    hesitant_ms: int = 1200
    """A trailing filler or conjunction: the caller is looking for words."""
    max_ms: int = 2000
    """The cap: a number still missing digits, and the most any turn waits."""

    def __post_init__(self) -> None:
        if not 0 < self.min_ms <= self.neutral_ms <= self.hesitant_ms <= self.max_ms:
            raise ConfigError(
                "end-of-turn-bad-config",
                "end of turn needs 0 < min <= neutral <= hesitant <= max ms, got "
                f"{self.min_ms}/{self.neutral_ms}/{self.hesitant_ms}/{self.max_ms}",
            )


@dataclass(frozen=True, slots=True)
class Decision:
    """How long to wait, and why."""

    hold_ms: int
    """Silence after the last speech that ends the turn."""
    reason: str
    """``yes-no-answer``, ``number-complete``, ``digits-coming``, ``trailing-hesitation``, ``closing-word``,
    ``neutral``, ``number-expected``, ``number-maybe``, ``not-a-number``,
    ``no-words``."""


def _normalise(text: str, words: TurnWords) -> list[str]:
    """Return the transcript as units: characters (Mandarin) or lower-case words (English)."""
    if words.joined:
        return [c for c in text.lower() if not c.isspace()]
    return re.findall(r"[a-z0-9']+", text.lower())


def _join(units: list[str], words: TurnWords) -> str:
    return "".join(units) if words.joined else " ".join(units)


def _ending(units: list[str], table: frozenset[str], words: TurnWords) -> int:
    """Return the length of the longest ending of ``units`` found in ``table`` (0: none)."""
    return max((n for n in range(1, min(MAX_SUFFIX, len(units)) + 1) if _join(units[-n:], words) in table),
               default=0)


def _strip_particles(units: list[str], words: TurnWords) -> list[str]:
    end = len(units)
    while end > 0 and units[end - 1] in words.particles:
        end -= 1
    return units[:end] if end else units


def digit_runs(units: list[str], words: TurnWords) -> list[str]:
    """Return the digit strings in the transcript, in order (幺三八 幺二三四 -> ["1381234"] once joined).

    Mandarin digits run together across the spaces vosk puts between groups; a lone 一/两 before a counter
    (一下, 两个) is a word, not a digit; ``double five`` is 55.
    """
    runs: list[str] = []
    current = ""
    repeat = 1
    for index, unit in enumerate(units):
        digit = words.digits.get(unit)
        following = units[index + 1] if index + 1 < len(units) else ""
        if digit is not None and not (not current and following in words.counters):
            current += digit * repeat
            repeat = 1
        elif unit in words.repeats:
            repeat = words.repeats[unit]
        else:
            if current:
                runs.append(current)
            current, repeat = "", 1
    if current:
        runs.append(current)
    return runs


def number_state(digits: str, asked: str | None) -> str:
    """Return ``complete``, ``maybe`` or ``incomplete`` for the digits heard after a number prompt."""
    count = len(digits)
    if asked == "id_number":
        return "complete" if count >= 18 else "maybe" if count == 15 else "incomplete"
    if asked == "ticket_number":
        return "complete" if count >= 8 else "incomplete"
    if digits.startswith("1"):  # a mobile (1xx xxxx xxxx), also what an ID or ticket number may start with
        if asked in ("callback_phone", "phone"):
            return "complete" if count >= 11 else "incomplete"
        return "complete" if count in (11, 18) or count > 18 else "maybe" if count == 8 else "incomplete"
    if digits.startswith("0"):  # a landline with its area code: 010 1234 5678, 0311 123 4567
        return "complete" if count >= 11 else "maybe" if count == 10 else "incomplete"
    return "maybe" if count >= 7 else "incomplete"  # a local landline, 7 or 8 digits


def _number_decision(units: list[str], stripped: list[str], asked: str | None, words: TurnWords,
                     config: EndOfTurnConfig) -> Decision:
    runs = digit_runs(units, words)
    if runs:
        state = number_state("".join(runs), asked)
        if state == "complete":
            return Decision(config.min_ms, "number-complete")
        if state == "maybe":
            return Decision(config.neutral_ms, "number-maybe")
        return Decision(config.max_ms, "digits-coming")
    whole = _join(stripped, words)
    if whole in words.yes_no or _ending(units, words.closers, words):
        return Decision(config.neutral_ms, "not-a-number")  # 没有 / 不知道了 / no: an answer, not digits
    return Decision(config.max_ms, "number-expected")


def decide(
    text: str,
    lang: str,
    expect: str | None = None,
    asked: str | None = None,
    config: EndOfTurnConfig | None = None,
) -> Decision:
    """Return the silence that ends the turn, for the partial ``text`` heard so far in a call in ``lang``.

    ``expect``/``asked`` are the bot's last question (``number``/``yes_no``, ``callback_phone``...).
    """
    config = config or EndOfTurnConfig()
    words = turn_words(lang)
    units = _normalise(text, words)
    if not units:
        return Decision(config.max_ms if expect == "number" else config.neutral_ms, "no-words")
    stripped = _strip_particles(units, words)
    whole = _join(stripped, words)
    if expect == "yes_no" and whole in words.yes_no:
        return Decision(config.min_ms, "yes-no-answer")  # 嗯 / 是 after a yes/no question: an answer
    if expect == "number":
        return _number_decision(units, stripped, asked, words, config)
    closing = _ending(units, words.closers, words)
    if _ending(stripped, words.hesitations, words) > closing:  # 那个啊 hesitates; thank you closes
        return Decision(config.hesitant_ms, "trailing-hesitation")
    if whole in words.yes_no:
        return Decision(config.min_ms, "yes-no-answer")
    runs = digit_runs(units, words)
    if runs and len(runs[-1]) >= FREE_DIGIT_RUN and units[-1] in words.digits:
        if number_state(runs[-1], None) == "complete":
            return Decision(config.min_ms, "number-complete")
        if len(runs[-1]) < FREE_DIGIT_DONE:
            return Decision(config.hesitant_ms, "digits-coming")
    if closing:
        return Decision(config.min_ms, "closing-word")
    return Decision(config.neutral_ms, "neutral")
