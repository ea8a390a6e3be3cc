"""Shared by the recording tests: a steppable clock, reading a recording back, a tiny real filesystem."""

from __future__ import annotations

import contextlib
import stat
import subprocess
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from voicebot.recording.plan import RecordingPlan
from voicebot.recording.store import DirectoryStore


def channels(path: Path) -> tuple[int, list[np.ndarray]]:
    """Return a recording's rate and its channels as int16 arrays."""
    with wave.open(str(path), "rb") as wav:
        data = np.frombuffer(wav.readframes(wav.getnframes()), "<i2")
        count, rate = wav.getnchannels(), wav.getframerate()
    return rate, [data[i::count] for i in range(count)]


def dominant_hz(samples: np.ndarray, rate: int) -> float:
    """Return the strongest frequency in ``samples``."""
    spectrum = np.abs(np.fft.rfft(samples.astype(float)))
    return float(np.argmax(spectrum)) * rate / len(samples)


def file_mode(path: str | Path) -> int | None:
    """Return the permission bits of the file at ``path``, or ``None`` when there is no such file."""
    p = Path(path)
    return stat.S_IMODE(p.stat().st_mode) if p.is_file() else None


def sounds(samples: np.ndarray, rate: int, hz: float) -> bool:
    """Return True when ``samples`` are a clear tone of about ``hz`` (within the spectrum's resolution)."""
    return len(samples) > 0 and np.abs(samples).mean() > 1000 and abs(dominant_hz(samples, rate) - hz) < 15


def plan_in(directory: Path, mode: str = "both") -> RecordingPlan:
    """Return a recording plan writing under ``directory``."""
    return RecordingPlan(DirectoryStore(directory), mode)


@contextlib.contextmanager
def tiny_disk(path: Path, size: str = "64k") -> Iterator[Path]:
    """Mount a real tmpfs of ``size`` at ``path`` (the tests run as root, as CI's container does)."""
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)
