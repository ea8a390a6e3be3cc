"""The cases of the endpointing benchmark (``benchmarks/endpointing.py``): the real recordings in
``../shared/speech`` as caller turns, each trimmed to its speech, under faint line noise, with its reference words
timed over its voiced frames; the digit recording also after a phone-number and an ID-number prompt.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from asr.turn_words import turn_words
from asr.vad import WebRtcVad
from voicebot.audio import FRAME_MS, read_wav, split_frames
from voicebot.loadtest.caller import trim_speech
from voicebot.settings import PROJECT_ROOT

SPEECH = PROJECT_ROOT.parent / "shared" / "speech"
RATE = 8000
LEAD_MS, TAIL_MS = 500, 2500
DIGITS = "vosk_test_8k.wav"


@dataclass(frozen=True, slots=True)
class Case:
    """One caller turn: audio, what was said, what the bot had asked."""

    name: str
    """Recording (and variant)."""
    lang: str
    """Call language."""
    pcm: bytes
    """The caller's side: line noise, the speech, line noise."""
    units: tuple[tuple[int, str], ...]
    """The reference words (Mandarin: characters) with the audio time (ms) each is complete at."""
    expect: str | None = None
    """What the bot asked for."""
    asked: str | None = None
    """Which field."""


def on_line(*parts: bytes, seed: int) -> bytes:
    """Return the parts one after another under faint line noise (about -60 dBFS, as ``benchmarks.naive_pipeline``
    puts between utterances; over the speech too, so the noise floor is the line's, not the recording's)."""
    samples = np.frombuffer(b"".join(parts), "<i2").astype(np.int32)
    samples += np.random.default_rng(seed).normal(0, 30, len(samples)).astype(np.int32)
    return np.clip(samples, -32768, 32767).astype("<i2").tobytes()


def silence(ms: int) -> bytes:
    """Return ``ms`` of digital silence at ``RATE``."""
    return bytes(2 * RATE * ms // 1000)


def timed_units(lang: str, text: str, speech: bytes) -> tuple[tuple[int, str], ...]:
    """Place the reference words over the voiced frames of ``speech`` (webrtcvad), each complete at its share's end.

    Words are said while the voice sounds, not in the pauses between digit groups: a digit string paused after
    six digits shows six digits during the pause.
    """
    words = turn_words(lang)
    units = [c for c in text if not c.isspace()] if words.joined else text.split()
    vad = WebRtcVad(2)
    voiced = [i for i, frame in enumerate(split_frames(speech, RATE)) if vad.is_speech(frame)]
    if not voiced or not units:
        return ()
    ends = [voiced[min(len(voiced) - 1, round(len(voiced) * (k + 1) / len(units)) - 1)] for k in range(len(units))]
    return tuple((LEAD_MS + (end + 1) * FRAME_MS, unit) for end, unit in zip(ends, units, strict=True))


LANGS = {"zh": "zh-CN", "en": "en-US"}
"""Recording folders and their call languages."""


def references(folder: str, root: Path = SPEECH) -> dict[str, str]:
    """Return file -> reference transcript for one folder of recordings."""
    with (root / folder / "transcripts.tsv").open(encoding="utf-8") as table:
        return {row["file"]: row["reference"] for row in csv.DictReader(table, delimiter="\t")}


def recording_case(folder: str, file: str, expect: str | None = None, asked: str | None = None,
                   root: Path = SPEECH) -> Case:
    """Return the case of one recording (read in place), as a free answer or after the bot's question."""
    speech = trim_speech(read_wav(root / folder / file, RATE))
    name = file if expect is None else f"{file} ({expect} prompt, {asked})"
    seed = sum(file.encode())  # the same line noise for the same recording, whatever the mode
    return Case(name, LANGS[folder], on_line(silence(LEAD_MS), speech, silence(TAIL_MS), seed=seed),
                timed_units(LANGS[folder], references(folder, root)[file], speech), expect, asked)


def cases(root: Path = SPEECH) -> list[Case]:
    """Return the free-answer cases of every recording and the digit cases."""
    out: list[Case] = []
    for folder in LANGS:
        for file in references(folder, root):
            out.append(recording_case(folder, file, root=root))
            if file == DIGITS:  # digits in groups with 1.4-1.5 s pauses between them, as said
                out += [recording_case(folder, file, "number", asked, root) for asked in ("callback_phone",
                                                                                         "id_number")]
    return out
