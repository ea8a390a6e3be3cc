"""Benchmark the call recorder: CPU per 20 ms frame pair (caller in, bot out) and bytes per call minute.

Prints the cost of recording one call in stereo at 8 kHz (``[recording] mode = "both"``), so the share of a core
that ``max_calls`` recorded calls take can be read off:

    PYTHONPATH=. .venv/bin/python -m benchmarks.recorder_cost [--minutes 10]
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path

import numpy as np

from voicebot.audio import AudioFrame, split_frames
from voicebot.recording.plan import RecordingPlan
from voicebot.recording.recorder import CallRecorder
from voicebot.recording.store import DirectoryStore
from voicebot.runtime.clock import SteppedClock


def main() -> None:
    """Record ``--minutes`` of a call with a tone on both sides and print the cost."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    args = parser.parse_args()
    samples = (np.sin(2 * math.pi * 1000 * np.arange(8000) / 8000) * 9000).astype("<i2").tobytes()
    frames: list[AudioFrame] = list(split_frames(samples, 8000))
    count = int(args.minutes * 60 * 50)
    with tempfile.TemporaryDirectory() as directory:
        clock = SteppedClock()
        recorder = CallRecorder.start(RecordingPlan(DirectoryStore(Path(directory))), "bench", 8000, clock)
        began, wall = time.process_time(), time.perf_counter()
        for index in range(count):
            clock.now = index * 20.0
            recorder.caller(frames[index % 50])
            recorder.bot(frames[index % 50])
        recorder.close()
        cpu, wall = time.process_time() - began, time.perf_counter() - wall
        assert recorder.ref is not None
        size = Path(recorder.ref).stat().st_size
    per_frame_us = cpu / count * 1e6
    print(f"recorded {args.minutes:g} min stereo 8 kHz: {cpu * 1000:.0f} ms CPU ({wall * 1000:.0f} ms wall, with the "
          f"disk), {per_frame_us:.1f} us per 20 ms "
          f"frame pair = {per_frame_us / 20000 * 100:.2f} % of a core per call; {size / args.minutes / 1e6:.2f} MB "
          "per call minute")


if __name__ == "__main__":
    main()
