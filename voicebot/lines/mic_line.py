"""A line on the local microphone and speaker (sounddevice), for trying the bot at a desk."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import uuid
from typing import Any

from voicebot.audio import FRAME_MS, AudioFrame, frame_bytes
from voicebot.errors import LineError
from voicebot.lines.line import Dtmf, LineInfo

log = logging.getLogger(__name__)

OUT_QUEUE_FRAMES = 50
"""Bot audio buffered for the sound card (1 s); the session paces it, so this stays short."""


def _sounddevice() -> Any:
    try:
        import sounddevice
    except OSError as err:  # PortAudio missing: sounddevice raises OSError at import
        raise LineError("audio-device-missing", f"PortAudio is not available ({err}); install libportaudio2") from err
    return sounddevice


def check_devices(sd: Any) -> None:
    """Raise a clear ``LineError`` unless there is a default input and output device."""
    try:
        devices = sd.query_devices()
        sd.check_input_settings(samplerate=16000, channels=1, dtype="int16")
        sd.check_output_settings(samplerate=16000, channels=1, dtype="int16")
    except Exception as err:  # PortAudioError or ValueError: no usable device
        count = len(devices) if "devices" in locals() else 0
        raise LineError(
            "audio-device-missing",
            f"no usable microphone/speaker ({count} sound devices found: {err}). "
            "`voicebot talk` needs a sound card; use `voicebot call FILE.wav` or the browser softphone instead.",
        ) from err


class MicrophoneLine:
    """A ``Line`` on the default sound devices at 16 kHz."""

    def __init__(self, rate: int = 16000, sd: Any | None = None) -> None:
        self.info = LineInfo(call_id=f"mic-{uuid.uuid4().hex[:12]}", protocol="microphone", rate=rate)
        self._sd = sd or _sounddevice()
        self._rate = rate
        self._in: asyncio.Queue[AudioFrame | Dtmf | None] = asyncio.Queue(200)
        self._out: queue.Queue[bytes] = queue.Queue(OUT_QUEUE_FRAMES)
        self._stream: Any = None
        self._frames_in = 0
        self._overruns = 0

    async def __aenter__(self) -> MicrophoneLine:
        check_devices(self._sd)
        loop = asyncio.get_running_loop()
        size = frame_bytes(self._rate)

        def callback(indata: Any, outdata: Any, frames: int, time: Any, status: Any) -> None:
            pcm = bytes(indata)
            frame = AudioFrame(pcm, self._rate, self._frames_in * FRAME_MS)
            self._frames_in += 1
            loop.call_soon_threadsafe(self._put, frame)
            try:
                chunk = self._out.get_nowait()
            except queue.Empty:
                chunk = b""
            outdata[:] = chunk.ljust(size, b"\x00")[:size]

        self._stream = self._sd.RawStream(
            samplerate=self._rate, blocksize=size // 2, channels=1, dtype="int16", callback=callback
        )
        self._stream.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._stream is not None:
            self._stream.stop()
            self._stream.close()

    def _put(self, frame: AudioFrame) -> None:
        try:
            self._in.put_nowait(frame)
        except asyncio.QueueFull:
            self._overruns += 1
            log.warning("microphone: dropped a frame, the bot is behind (%d so far)", self._overruns)

    async def recv(self) -> AudioFrame | Dtmf | None:
        """Return the next microphone frame (None after Ctrl-C)."""
        return await self._in.get()

    async def send(self, frame: AudioFrame) -> None:
        """Queue a frame for the speaker."""
        with contextlib.suppress(queue.Full):
            self._out.put_nowait(frame.pcm)

    async def clear(self) -> None:
        """Drop queued speaker audio."""
        with contextlib.suppress(queue.Empty):
            while True:
                self._out.get_nowait()

    def can_transfer(self, target: str) -> bool:
        """Return False: a desk microphone cannot be transferred."""
        return False

    async def transfer(self, target: str) -> bool:
        """A desk microphone cannot be transferred."""
        return False

    async def hangup(self) -> None:
        """End the call: the next ``recv`` returns None."""
        self._put_end()

    def _put_end(self) -> None:
        with contextlib.suppress(asyncio.QueueFull):
            self._in.put_nowait(None)
