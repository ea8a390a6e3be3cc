"""A simulated telephone line whose caller plays recorded (or synthesised) turns and listens like a person.

The caller waits for the bot to finish speaking before each turn, or cuts in
(``barge_in_after_ms``) to test barge-in, presses keys, or stays silent. Both
sides are recorded on one timeline, so the bot's audio can be written to a WAV.
Used by ``voicebot call``, QA replay and the session tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from voicebot.audio import FRAME_MS, AudioFrame, Clip, silence, split_frames
from voicebot.lines.line import Dtmf, LineInfo
from voicebot.runtime.clock import Clock

BOT_SILENT_AFTER_MS = 60
"""No bot frame for this long means the bot stopped talking."""


@dataclass(frozen=True, slots=True)
class CallerTurn:
    """One thing the caller does."""

    audio: Clip | None = None
    """Speech to play (any rate; resampled by the caller of ``FileLine``)."""
    dtmf: str = ""
    """Keys to press instead of speaking (100 ms apart)."""
    silence_ms: int = 0
    """Stay silent this long (no-input tests) before the next turn."""
    barge_in_after_ms: int | None = None
    """Start this long after the bot starts its next utterance, instead of waiting for it to finish."""
    label: str = ""
    """A name for reports (file name, reference text)."""
    hangup: bool = False
    """Hang up instead (at the moment the turn would start: with ``barge_in_after_ms``, in the bot's speech)."""


@dataclass(slots=True)
class _Timeline:
    caller: bytearray = field(default_factory=bytearray)
    bot: bytearray = field(default_factory=bytearray)


class FileLine:
    """A ``Line`` driven by scripted caller turns on a (real or virtual) clock."""

    def __init__(
        self,
        turns: Sequence[CallerTurn],
        clock: Clock,
        info: LineInfo,
        gap_ms: int = 800,
        max_wait_ms: int = 15000,
    ) -> None:
        self.info = info
        self._turns = list(turns)
        self._clock = clock
        self._gap_ms = gap_ms
        self._max_wait_ms = max_wait_ms
        self._rate = info.rate
        self._next_ms = 0.0
        self._pending: list[AudioFrame | Dtmf] = []
        self._waiting_since = 0.0
        self._bot_spoke_since_wait = False
        self._last_bot_ms = -1e9
        self._bot_utterance_start = -1e9
        self._timeline = _Timeline()
        self.hung_up_by_bot = False
        self.hung_up_by_caller_at: float | None = None
        self.transfers: list[str] = []
        self.turns_played = 0

    # --- the Line protocol -----------------------------------------------------

    async def recv(self) -> AudioFrame | Dtmf | None:
        """Return the caller's next 20 ms frame (or key), paced by the clock; None when the caller hangs up."""
        if self.hung_up_by_bot or self.hung_up_by_caller_at is not None:
            return None
        await self._clock.sleep_until(self._next_ms)
        now = self._next_ms
        if not self._pending and not self._start_next_turn(now):
            if self.hung_up_by_caller_at is not None or (not self._turns and self._done_listening(now)):
                return None
            self._pending.append(silence(self._rate))
        item = self._pending.pop(0)
        if isinstance(item, Dtmf):
            return Dtmf(item.digit, int(now))
        self._next_ms += FRAME_MS
        self._record(self._timeline.caller, now, item.pcm)
        return AudioFrame(item.pcm, self._rate, int(now))

    async def send(self, frame: AudioFrame) -> None:
        """Record a bot frame at the current time."""
        now = self._clock.now_ms()
        if now - self._last_bot_ms > BOT_SILENT_AFTER_MS:
            self._bot_utterance_start = now
        self._last_bot_ms = now
        if now >= self._waiting_since:  # the tail of an utterance we talked over is not an answer
            self._bot_spoke_since_wait = True
        self._record(self._timeline.bot, now, frame.pcm)

    async def clear(self) -> None:
        """Nothing to flush: a simulated line queues nothing."""

    def can_transfer(self, target: str) -> bool:
        """Return False: a simulated call goes nowhere."""
        return False

    async def transfer(self, target: str) -> bool:
        """Record the request; a file line cannot transfer."""
        self.transfers.append(target)
        return False

    async def hangup(self) -> None:
        """The bot hung up."""
        self.hung_up_by_bot = True

    # --- what happened ---------------------------------------------------------

    def bot_audio(self) -> Clip:
        """Return the bot's side of the call on the call timeline."""
        return Clip(bytes(self._timeline.bot), self._rate)

    def caller_audio(self) -> Clip:
        """Return the caller's side of the call on the call timeline."""
        return Clip(bytes(self._timeline.caller), self._rate)

    # --- the caller's behaviour ------------------------------------------------

    def _bot_talking(self, now: float) -> bool:
        return now - self._last_bot_ms <= BOT_SILENT_AFTER_MS

    def _ready_for_turn(self, now: float, turn: CallerTurn) -> bool:
        if turn.barge_in_after_ms is not None:
            talking = self._bot_talking(now) and self._bot_spoke_since_wait
            return talking and now - self._bot_utterance_start >= turn.barge_in_after_ms
        return self._done_listening(now)

    def _done_listening(self, now: float) -> bool:
        """Return True when the bot answered and then stayed silent for the gap (or never answered)."""
        if self._bot_spoke_since_wait:
            return not self._bot_talking(now) and now - self._last_bot_ms >= self._gap_ms
        return now - self._waiting_since >= self._max_wait_ms

    def _start_next_turn(self, now: float) -> bool:
        if not self._turns or not self._ready_for_turn(now, self._turns[0]):
            return False
        turn = self._turns.pop(0)
        self.turns_played += 1
        if turn.hangup:
            self._turns.clear()
            self.hung_up_by_caller_at = now
            return False
        if turn.audio is not None:
            self._pending.extend(split_frames(turn.audio.pcm, self._rate))
        for digit in turn.dtmf:
            self._pending.append(Dtmf(digit))
            self._pending.extend(silence(self._rate) for _ in range(100 // FRAME_MS))
        self._pending.extend(silence(self._rate) for _ in range(turn.silence_ms // FRAME_MS))
        self._waiting_since = now + sum(f.duration_ms for f in self._pending if isinstance(f, AudioFrame))
        self._bot_spoke_since_wait = False
        return True

    def _record(self, track: bytearray, at_ms: float, pcm: bytes) -> None:
        offset = int(at_ms) * self._rate // 1000 * 2
        if len(track) < offset:
            track.extend(b"\x00" * (offset - len(track)))
        track[offset : offset + len(pcm)] = pcm
