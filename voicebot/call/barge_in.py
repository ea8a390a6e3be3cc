"""The barge-in decision: does the caller's sound over the bot stop it, turn it down, or leave it alone?

Pure: no clock, no audio. The listener asks on every frame of a caller utterance that overlaps the bot's speech,
with how much of it was voiced so far and the recogniser's current partial, and acts on the answer:

* ``KEEP``: keep talking at full volume (nothing heard yet, or the prompt may not be interrupted);
* ``DUCK``: keep talking, quieter, until the caller's sound turns out to be speech or goes away
  (a cough, a backchannel, a burst too short to be a turn);
* ``STOP``: real speech: stop the bot and listen.

Real speech is more than ``max_burst_ms`` of voiced frames **and** a non-empty partial that is not a backchannel
(嗯, 对, 好, uh-huh, okay...: ``backchannels.py``). DTMF is no part of this: a key always stops the bot at once.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from voicebot.call.backchannels import is_backchannel
from voicebot.errors import ConfigError


class BargeAction(enum.Enum):
    """What to do with the bot's current prompt."""

    KEEP = "keep"
    """Play on at full volume."""
    DUCK = "duck"
    """Play on, turned down (the caller may be starting to talk)."""
    STOP = "stop"
    """Stop the prompt: the caller is taking the turn."""


@dataclass(frozen=True, slots=True)
class BargeInRule:
    """The thresholds of the decision."""

    max_burst_ms: int = 300
    """Voiced sound up to this long never stops the bot (coughs, clicks, "嗯"); it must be strictly longer."""
    duck: bool = True
    """Turn the bot down while undecided caller sound goes on (False: play on at full volume)."""
    margin_db: float = 14.0
    """A frame counts as voiced only if the VAD calls it speech and it is this much above the line's noise floor
    (so babble, a TV or the VAD's own hang-over after a cough add nothing)."""
    gap_ms: int = 120
    """An unvoiced gap this long ends a stretch of voiced sound (see ``VoicedMeter``)."""

    def __post_init__(self) -> None:
        if self.max_burst_ms < 0:
            raise ConfigError("barge-in-bad-config", f"max_burst_ms must be >= 0, got {self.max_burst_ms}")


@dataclass(frozen=True, slots=True)
class Overlap:
    """What is known, at one frame, about the caller's sound over the bot."""

    voiced_ms: int
    """Voiced (VAD speech) time of the caller's current utterance so far."""
    partial: str
    """The recogniser's partial transcript of it so far ("" when it has no words yet)."""
    interruptible: bool
    """Whether the prompt playing may be cut (False for ticket-number read-backs, legal notices)."""
    lang: str
    """The call's language (which backchannel list applies)."""


def decide(overlap: Overlap, rule: BargeInRule = BargeInRule()) -> BargeAction:
    """Return what the bot should do with its prompt, given the caller's sound so far."""
    if overlap.voiced_ms <= 0:
        return BargeAction.KEEP
    undecided = BargeAction.DUCK if rule.duck else BargeAction.KEEP
    if not overlap.interruptible:
        return BargeAction.KEEP
    if overlap.voiced_ms <= rule.max_burst_ms:
        return undecided
    words = overlap.partial.strip()
    if not words or is_backchannel(words, overlap.lang):
        return undecided
    return BargeAction.STOP


def is_nothing(text: str, lang: str) -> bool:
    """Return True when a finished utterance heard over the bot carries no turn: no words, or backchannels only."""
    words = text.strip()
    return not words or is_backchannel(words, lang)


class VoicedMeter:
    """Counts the caller's voiced time (see ``BargeInRule.margin_db``) over one stretch of sound: unvoiced gaps
    shorter than ``gap_ms`` (between syllables) are bridged, a longer one starts a new stretch, so scattered
    voiced frames of a TV or babble do not add up with a cough into "speech"."""

    def __init__(self, margin_db: float, frame_ms: int, gap_ms: int) -> None:
        self._margin_db = margin_db
        self._frame_ms = frame_ms
        self._gap_ms = gap_ms
        self._unvoiced_ms = 0
        self.voiced_ms = 0
        """Voiced time of the current stretch."""
        self.peak_ms = 0
        """The longest stretch since ``start()`` (the caller's utterance began)."""

    def frame(self, speech: bool, above_floor_db: float | None) -> None:
        """Take one frame: the VAD's decision and the frame's level over the noise floor (None: no gate)."""
        if speech and (above_floor_db is None or above_floor_db >= self._margin_db):
            self.voiced_ms += self._frame_ms
            self._unvoiced_ms = 0
            self.peak_ms = max(self.peak_ms, self.voiced_ms)
            return
        self._unvoiced_ms += self._frame_ms
        if self._unvoiced_ms >= self._gap_ms:
            self.voiced_ms = 0

    def start(self) -> None:
        """An utterance started: its peak counts from the current stretch."""
        self.peak_ms = self.voiced_ms
