"""Recording one served call: caller audio in, bot audio out, time-aligned on the call's 20 ms frame clock.

The listener hands every caller frame to the recorder and the speaker every bot frame; each lands in the slot
of the call clock it arrived in (caller frames keep their order, a gap longer than ``JUMP_FRAMES`` is silence),
and slots older than ``LAG_FRAMES`` are written out, so the file grows as the call goes. ``both`` writes a
stereo WAV (caller left, bot right), ``caller`` a mono one, at the line rate. While the caller gives a phone or
ID number (``TurnState.number_capture``) or keys digits, both channels get silence, never the audio.

A write that fails (``ENOSPC``: the disk is full) stops the recording only: the partial file is deleted, the
call goes on, and the ticket says the recording is missing. Nothing about the audio is ever logged.
"""

from __future__ import annotations

import logging
import struct
from dataclasses import dataclass, field

import numpy as np

from voicebot.audio import FRAME_MS, AudioFrame, frame_bytes
from voicebot.recording.plan import RecordingPlan
from voicebot.recording.store import RecordingSink
from voicebot.runtime.clock import Clock

log = logging.getLogger(__name__)

MODES = ("off", "caller", "both")
"""What a call recording holds: nothing, the caller only, or caller and bot."""
LAG_FRAMES = 10
"""Slots this far behind the clock are final (late caller frames within 200 ms still find their place)."""
JUMP_FRAMES = 5
"""A caller channel this far behind the clock had a gap (no frames): it resumes at the clock, silence between."""
WRITE_EVERY_FRAMES = 50
"""Final slots are written out about once a second."""


@dataclass(slots=True)
class _Channel:
    """One side's samples from the first slot not yet written on."""

    size: int
    """Bytes per frame."""
    pending: bytearray = field(default_factory=bytearray)
    """Samples of the slots from the written mark on."""

    def cursor(self, base: int) -> int:
        """Return the slot after the last one filled."""
        return base + len(self.pending) // self.size

    def put(self, base: int, slot: int, pcm: bytes) -> int:
        """Fill ``slot`` (not before the cursor) with ``pcm``, silence before it; return the slot filled."""
        slot = max(slot, self.cursor(base))
        self.pending += bytes((slot - self.cursor(base)) * self.size)
        self.pending += pcm[: self.size].ljust(self.size, b"\x00")
        return slot

    def take(self, count: int) -> np.ndarray:
        """Return the next ``count`` slots' samples (silence where unfilled) and drop them."""
        want = count * self.size
        chunk = bytes(self.pending[:want]).ljust(want, b"\x00")
        del self.pending[:want]
        return np.frombuffer(chunk, dtype="<i2")


class CallRecorder:
    """Writes one call's recording (or nothing, when off or failed)."""

    def __init__(
        self, sink: RecordingSink | None, mode: str, rate: int, clock: Clock, pause_numbers: bool = True
    ) -> None:
        self._sink = sink
        self._mode = mode if sink is not None else "off"
        self._clock = clock
        self._pause = pause_numbers
        self._start_ms = clock.now_ms()
        size = frame_bytes(rate)
        self._caller = _Channel(size)
        self._bot = _Channel(size)
        self._written = 0
        self._caller_slot = -1
        self._channels = 2 if mode == "both" else 1
        self._rate = rate
        self._data_bytes = 0
        self.missing = False
        """True once recording was meant to happen but failed (disk full, no directory)."""
        self._open = sink is not None
        if sink is not None:
            self._out(wav_header(rate, self._channels, 0))

    @classmethod
    def start(cls, plan: RecordingPlan | None, call_id: str, rate: int, clock: Clock) -> CallRecorder:
        """Open the call's recording as ``plan`` says (off without a plan); never raises."""
        if plan is None:
            return cls(None, "off", rate, clock)
        try:
            sink = plan.store.open(call_id)
        except OSError as err:
            log.error("call %s: cannot start the recording (%s)", call_id, err.strerror or type(err).__name__)
            recorder = cls(None, "off", rate, clock)
            recorder.missing = True
            return recorder
        return cls(sink, plan.mode, rate, clock, plan.pause_numbers)

    @property
    def active(self) -> bool:
        """Return True while the call is being recorded."""
        return self._open

    @property
    def ref(self) -> str | None:
        """Return the recording's reference for the ticket (``None``: no recording)."""
        return self._sink.ref if self._sink is not None and not self.missing else None

    def _slot(self) -> int:
        return int((self._clock.now_ms() - self._start_ms) // FRAME_MS)

    def caller(self, frame: AudioFrame, number: bool = False) -> None:
        """Record a caller frame; ``number``: a phone or ID number is being given or keyed (silence if paused)."""
        if not self._open:
            return
        now = self._slot()
        slot = self._caller_slot + 1 if now - self._caller_slot <= JUMP_FRAMES else now
        pcm = bytes(len(frame.pcm)) if self._pause and number else frame.pcm
        self._caller_slot = self._caller.put(self._written, max(slot, self._written), pcm)
        if now - LAG_FRAMES - self._written >= WRITE_EVERY_FRAMES:
            self._write(now - LAG_FRAMES)

    def bot(self, frame: AudioFrame, number: bool = False) -> None:
        """Record a bot frame; ``number``: a number is being captured (the bot may read it back)."""
        if not self._open or self._mode != "both":
            return
        pcm = bytes(len(frame.pcm)) if self._pause and number else frame.pcm
        self._bot.put(self._written, max(self._slot(), self._written), pcm)

    def _write(self, upto: int) -> None:
        count = upto - self._written
        if count <= 0 or not self._open:
            return
        caller = self._caller.take(count)
        if self._mode == "both":
            both = np.empty(caller.size * 2, dtype="<i2")
            both[0::2], both[1::2] = caller, self._bot.take(count)
            data = both.tobytes()
        else:
            data = caller.tobytes()
        self._written = upto
        self._out(data)
        self._data_bytes += len(data)

    def _out(self, data: bytes) -> None:
        if self._sink is None or not self._open:
            return
        try:
            self._sink.file.write(data)
        except OSError as err:
            self._fail(err)

    def _fail(self, err: OSError) -> None:
        """Stop recording for good (the call goes on) and delete the partial file."""
        log.error("recording stopped, the ticket says it is missing (%s)", err.strerror or type(err).__name__)
        self.missing = True
        self._open = False
        if self._sink is not None:
            self._sink.discard()

    def close(self) -> None:
        """Write what is left and make the file final (or note it missing when that fails)."""
        if not self._open or self._sink is None:
            return
        end = max(self._caller.cursor(self._written), self._bot.cursor(self._written), self._slot())
        self._write(end)
        if not self._open:
            return
        try:
            self._sink.file.seek(0)
            self._sink.file.write(wav_header(self._rate, self._channels, self._data_bytes))
            self._sink.file.flush()
            self._sink.finish()
        except OSError as err:
            self._fail(err)
            return
        self._open = False


def wav_header(rate: int, channels: int, data_bytes: int) -> bytes:
    """Return the 44-byte header of a 16-bit PCM WAV holding ``data_bytes`` of samples."""
    block = channels * 2
    fmt = struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * block, block, 16)
    return b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVEfmt " + fmt + b"data" + struct.pack("<I", data_bytes)
