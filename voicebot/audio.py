"""The one internal audio format and every conversion to and from it.

Inside the bot, audio is 16-bit signed little-endian mono PCM cut into 20 ms
``AudioFrame``s. Lines convert at their edge with the functions here: G.711
mu-law/A-law (pure numpy, ``audioop`` is gone in Python 3.13) and resampling
(soxr). Nothing else in the project touches raw codecs.
"""

from __future__ import annotations

import io
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soxr

from voicebot.errors import AudioError

FRAME_MS = 20
"""Duration of one frame: 20 ms is what RTP packs and what webrtcvad accepts."""

SUPPORTED_RATES = (8000, 16000, 32000, 48000)
"""Rates a call may run at internally (the ones webrtcvad supports)."""


@dataclass(frozen=True, slots=True)
class AudioFrame:
    """20 ms (or, for the last frame of a clip, shorter) of mono 16-bit PCM."""

    pcm: bytes
    """Little-endian signed 16-bit samples."""
    rate: int
    """Sample rate in Hz."""
    timestamp_ms: int = 0
    """Start of this frame on the call's timeline (ms since the call started)."""

    @property
    def samples(self) -> int:
        """Return the number of samples in the frame."""
        return len(self.pcm) // 2

    @property
    def duration_ms(self) -> float:
        """Return the frame's duration in milliseconds."""
        return 1000.0 * self.samples / self.rate


def frame_bytes(rate: int, ms: int = FRAME_MS) -> int:
    """Return the byte size of ``ms`` milliseconds of 16-bit mono PCM at ``rate``."""
    return rate * ms // 1000 * 2


def silence(rate: int, ms: int = FRAME_MS, timestamp_ms: int = 0) -> AudioFrame:
    """Return a frame of digital silence."""
    return AudioFrame(b"\x00" * frame_bytes(rate, ms), rate, timestamp_ms)


def split_frames(pcm: bytes, rate: int, start_ms: int = 0, pad: bool = True) -> Iterator[AudioFrame]:
    """Cut PCM into 20 ms frames; the last partial frame is zero-padded when ``pad``."""
    size = frame_bytes(rate)
    for index, offset in enumerate(range(0, len(pcm), size)):
        chunk = pcm[offset : offset + size]
        if len(chunk) < size:
            if not pad:
                return
            chunk = chunk + b"\x00" * (size - len(chunk))
        yield AudioFrame(chunk, rate, start_ms + index * FRAME_MS)


# --- G.711 -------------------------------------------------------------------

_MULAW_BIAS = 0x84
_MULAW_CLIP = 32635


def _mulaw_decode_table() -> np.ndarray:
    codes = ~np.arange(256, dtype=np.int32) & 0xFF
    sign = codes & 0x80
    exponent = (codes >> 4) & 0x07
    mantissa = codes & 0x0F
    magnitude = (((mantissa << 3) + _MULAW_BIAS) << exponent) - _MULAW_BIAS
    table = np.where(sign != 0, -magnitude, magnitude).astype(np.int16)
    table.flags.writeable = False
    return table


def _alaw_decode_table() -> np.ndarray:
    codes = np.arange(256, dtype=np.int32) ^ 0x55
    sign = codes & 0x80
    exponent = (codes >> 4) & 0x07
    mantissa = codes & 0x0F
    magnitude = np.where(
        exponent == 0,
        (mantissa << 4) + 8,
        ((mantissa << 4) + 0x108) << np.maximum(exponent - 1, 0),
    )
    table = np.where(sign != 0, magnitude, -magnitude).astype(np.int16)
    table.flags.writeable = False
    return table


_MULAW_TO_LINEAR = _mulaw_decode_table()
_ALAW_TO_LINEAR = _alaw_decode_table()


def _mulaw_encode_array(samples: np.ndarray) -> np.ndarray:
    pcm = samples.astype(np.int32)
    sign = np.where(pcm < 0, 0x80, 0)
    magnitude = np.minimum(np.abs(pcm), _MULAW_CLIP) + _MULAW_BIAS
    exponent = np.floor(np.log2(magnitude >> 7 | 1)).astype(np.int32)
    exponent = np.clip(exponent, 0, 7)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return (~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8)


def _alaw_encode_array(samples: np.ndarray) -> np.ndarray:
    pcm = samples.astype(np.int32)
    sign = np.where(pcm >= 0, 0x80, 0)
    magnitude = np.minimum(np.where(pcm >= 0, pcm, -pcm - 1), 32767) >> 3
    exponent = np.where(magnitude >= 32, np.floor(np.log2(np.maximum(magnitude, 1))).astype(np.int32) - 4, 0)
    exponent = np.clip(exponent, 0, 7)
    mantissa = np.where(exponent == 0, magnitude >> 1, magnitude >> exponent) & 0x0F
    return ((sign | (exponent << 4) | mantissa) ^ 0x55).astype(np.uint8)


def _as_int16(pcm: bytes) -> np.ndarray:
    if len(pcm) % 2:
        raise AudioError("audio-odd-length", f"16-bit PCM must have an even byte count, got {len(pcm)}")
    return np.frombuffer(pcm, dtype="<i2")


def ulaw_encode(pcm: bytes) -> bytes:
    """Encode 16-bit PCM as G.711 mu-law (PCMU), one byte per sample."""
    return _mulaw_encode_array(_as_int16(pcm)).tobytes()


def ulaw_decode(data: bytes) -> bytes:
    """Decode G.711 mu-law (PCMU) bytes to 16-bit PCM."""
    return _MULAW_TO_LINEAR[np.frombuffer(data, dtype=np.uint8)].astype("<i2").tobytes()


def alaw_encode(pcm: bytes) -> bytes:
    """Encode 16-bit PCM as G.711 A-law (PCMA), one byte per sample."""
    return _alaw_encode_array(_as_int16(pcm)).tobytes()


def alaw_decode(data: bytes) -> bytes:
    """Decode G.711 A-law (PCMA) bytes to 16-bit PCM."""
    return _ALAW_TO_LINEAR[np.frombuffer(data, dtype=np.uint8)].astype("<i2").tobytes()


# --- resampling --------------------------------------------------------------


def resample(pcm: bytes, rate_in: int, rate_out: int) -> bytes:
    """Resample a whole clip of 16-bit mono PCM (high quality, anti-aliased)."""
    if rate_in == rate_out or not pcm:
        return pcm
    if rate_in <= 0 or rate_out <= 0:
        raise AudioError("audio-bad-rate", f"cannot resample {rate_in} Hz -> {rate_out} Hz")
    out = soxr.resample(_as_int16(pcm), rate_in, rate_out, quality="HQ")
    return np.asarray(out, dtype="<i2").tobytes()


class StreamResampler:
    """Resample a live stream chunk by chunk without clicks at chunk edges."""

    def __init__(self, rate_in: int, rate_out: int) -> None:
        self.rate_in = rate_in
        self.rate_out = rate_out
        self._stream = None if rate_in == rate_out else soxr.ResampleStream(rate_in, rate_out, 1, dtype="int16")

    def process(self, pcm: bytes, last: bool = False) -> bytes:
        """Return the resampled samples available so far (``last`` flushes the tail)."""
        if self._stream is None:
            return pcm
        out = self._stream.resample_chunk(_as_int16(pcm), last=last)
        return np.asarray(out, dtype="<i2").tobytes()


# --- WAV files ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Clip:
    """A whole mono 16-bit clip in memory."""

    pcm: bytes
    """Little-endian signed 16-bit samples."""
    rate: int
    """Sample rate in Hz."""

    @property
    def duration_ms(self) -> float:
        """Return the clip's duration in milliseconds."""
        return 1000.0 * len(self.pcm) / 2 / self.rate


def _to_mono16(raw: bytes, width: int, channels: int, comptype: str) -> bytes:
    if comptype == "ULAW":
        raw = ulaw_decode(raw)
        width = 2
    if width == 1:
        data = (np.frombuffer(raw, dtype=np.uint8).astype(np.int16) - 128) << 8
    elif width == 2:
        data = np.frombuffer(raw, dtype="<i2")
    elif width == 4:
        data = (np.frombuffer(raw, dtype="<i4") >> 16).astype(np.int16)
    else:
        raise AudioError("audio-bad-format", f"unsupported WAV sample width {width * 8} bits")
    if channels > 1:
        usable = len(data) - len(data) % channels
        data = data[:usable].reshape(-1, channels).mean(axis=1).astype(np.int16)
    return np.asarray(data, dtype="<i2").tobytes()


def _read_wav_header_format(path: Path) -> tuple[int, int]:
    """Return (format tag, bits per sample) from a RIFF WAV ``fmt `` chunk."""
    data = path.read_bytes()[:4096]
    pos = data.find(b"fmt ")
    if pos < 0 or len(data) < pos + 24:
        raise AudioError("audio-bad-format", f"{path}: not a WAV file (no fmt chunk)")
    tag = int.from_bytes(data[pos + 8 : pos + 10], "little")
    bits = int.from_bytes(data[pos + 22 : pos + 24], "little")
    return tag, bits


def read_wav(path: str | Path, rate: int | None = None) -> Clip:
    """Read a WAV file (PCM 8/16/32-bit or G.711 mu-law, any rate, any channels) as mono 16-bit.

    With ``rate`` the clip is resampled to it. Raises ``AudioError`` with a clear
    message for missing, non-WAV or unsupported files.
    """
    path = Path(path)
    if not path.is_file():
        raise AudioError("audio-missing", f"{path}: no such file")
    try:
        tag, _bits = _read_wav_header_format(path)
        if tag in (6, 7):  # A-law / mu-law: the wave module refuses them, parse the data chunk ourselves
            clip = _read_g711_wav(path, tag)
        else:
            with wave.open(str(path), "rb") as wav:
                raw = wav.readframes(wav.getnframes())
                pcm = _to_mono16(raw, wav.getsampwidth(), wav.getnchannels(), wav.getcomptype())
                clip = Clip(pcm, wav.getframerate())
    except (wave.Error, EOFError) as err:
        raise AudioError("audio-bad-format", f"{path}: unreadable WAV ({err})") from err
    if rate is not None and rate != clip.rate:
        clip = Clip(resample(clip.pcm, clip.rate, rate), rate)
    return clip


def _read_g711_wav(path: Path, tag: int) -> Clip:
    data = path.read_bytes()
    fmt = data.find(b"fmt ")
    channels = int.from_bytes(data[fmt + 10 : fmt + 12], "little")
    rate = int.from_bytes(data[fmt + 12 : fmt + 16], "little")
    pos = data.find(b"data", fmt)
    if pos < 0:
        raise AudioError("audio-bad-format", f"{path}: WAV has no data chunk")
    size = int.from_bytes(data[pos + 4 : pos + 8], "little")
    payload = data[pos + 8 : pos + 8 + size]
    pcm = alaw_decode(payload) if tag == 6 else ulaw_decode(payload)
    return Clip(_to_mono16(pcm, 2, channels, "NONE"), rate)


def wav_bytes(pcm: bytes, rate: int) -> bytes:
    """Return a mono 16-bit PCM WAV file as bytes."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm)
    return buffer.getvalue()


def write_wav(path: str | Path, pcm: bytes, rate: int) -> None:
    """Write mono 16-bit PCM to a WAV file."""
    Path(path).write_bytes(wav_bytes(pcm, rate))


def rms_dbfs(pcm: bytes) -> float:
    """Return the RMS level of 16-bit PCM in dBFS (-inf for digital silence)."""
    samples = _as_int16(pcm).astype(np.float64)
    if samples.size == 0:
        return float("-inf")
    rms = float(np.sqrt(np.mean(samples * samples)))
    return float("-inf") if rms == 0 else 20 * float(np.log10(rms / 32768.0))
