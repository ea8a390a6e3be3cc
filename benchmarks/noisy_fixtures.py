"""Noisy-line fixtures for barge-in: real speech, coughs and backchannels over the bot, in real-sounding noise.

Run ``python -m benchmarks.noisy_fixtures [--out DIR]`` to write them as WAVs (default ``var/cache/noisy``); the
barge-in benchmark and test build the same fixtures in memory. Nothing here is downloaded or copied into the
repository: the recordings are read in place from ``../shared/speech`` (beside the checkout), the noises are
made from them and from numpy, and the backchannels are spoken by espeak-ng (the bot's own TTS engine).

Every fixture is the caller's side of a line while the bot talks: ``LEAD_MS`` of noise, then an event, then
noise until ``TAIL_MS`` after it. Events:

* ``speech``: a real recording (trimmed to its speech), a real interruption that must stop the bot;
* ``cough``: a synthetic cough (a 120-280 ms burst of shaped, band-passed noise with a voiced onset);
* ``burst``: 160-300 ms of a real recording (one or two syllables): any short voiced burst;
* ``backchannel``: 嗯, 对, 好, 是 / uh-huh, okay, yeah, spoken by espeak-ng at a brisk rate.

Noises, mixed at 5-20 dB SNR (speech level measured over its voiced frames): ``street`` (brown noise with slow
traffic swells and a low rumble), ``babble`` (six other real recordings summed), ``tv`` (one other recording,
band-limited like a small loudspeaker, over a soft chord).
"""

from __future__ import annotations

import argparse
import math
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voicebot.audio import read_wav, write_wav
from voicebot.loadtest.caller import trim_speech

SPEECH = Path(__file__).resolve().parents[2] / "shared" / "speech"
"""The real recordings, read in place (never copied into the repository)."""
LEAD_MS = 1200
"""Noise before the event (the bot is talking all along)."""
TAIL_MS = 1500
"""Noise after the event ends."""
SNRS_DB = (5, 10, 15, 20)
NOISES = ("street", "babble", "tv")
BACKCHANNELS = {"zh": ("嗯", "对", "好", "是"), "en": ("uh-huh", "okay", "yeah")}
ESPEAK_VOICE = {"zh": "cmn", "en": "en-us"}


@dataclass(frozen=True, slots=True)
class Fixture:
    """One caller-side recording over the bot's speech."""

    name: str
    """``lang/kind/noise/snr/source``."""
    kind: str
    """``speech`` (must stop the bot), ``cough``, ``burst`` or ``backchannel`` (must not)."""
    pcm: bytes
    """16-bit mono PCM at ``rate``."""
    rate: int
    """Sample rate."""
    onset_ms: int
    """Where the event begins."""
    end_ms: int
    """Where the event's sound ends (the true endpoint)."""
    snr_db: int
    """Event-to-noise ratio."""

    @property
    def interrupts(self) -> bool:
        """Return True for a real interruption."""
        return self.kind == "speech"


def _floats(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64)


def _pcm(samples: np.ndarray) -> bytes:
    return np.clip(np.round(samples), -32768, 32767).astype("<i2").tobytes()


def recordings(lang: str, rate: int) -> list[np.ndarray]:
    """Return the language's real recordings at ``rate``, trimmed to their speech (sorted by file name)."""
    files = sorted((SPEECH / lang).glob("*.wav"))
    if not files:
        raise SystemExit(f"no recordings in {SPEECH / lang}: the fixtures need ../shared/speech beside the checkout")
    return [_floats(trim_speech(read_wav(f, rate))) for f in files]


def active_rms(x: np.ndarray, rate: int) -> float:
    """Return the RMS over the 20 ms frames within 30 dB of the loudest (the voiced part)."""
    n = rate // 50
    frames = x[: len(x) // n * n].reshape(-1, n) if len(x) >= n else x.reshape(1, -1)
    power = (frames**2).mean(axis=1)
    keep = power >= power.max() / 1000
    return float(math.sqrt(power[keep].mean())) if keep.any() else 0.0


def _lowpass(x: np.ndarray, rate: int, hz: float) -> np.ndarray:
    spectrum = np.fft.rfft(x)
    freqs = np.fft.rfftfreq(len(x), 1 / rate)
    return np.fft.irfft(spectrum * (freqs <= hz), len(x))


def _bandpass(x: np.ndarray, rate: int, lo: float, hi: float) -> np.ndarray:
    spectrum = np.fft.rfft(x)
    freqs = np.fft.rfftfreq(len(x), 1 / rate)
    return np.fft.irfft(spectrum * ((freqs >= lo) & (freqs <= hi)), len(x))


def _loop(x: np.ndarray, n: int, start: int = 0) -> np.ndarray:
    reps = math.ceil((n + start) / max(1, len(x))) + 1
    return np.tile(x, reps)[start : start + n]


def noise(kind: str, n: int, rate: int, others: list[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """Return ``n`` samples of ``street``, ``babble`` or ``tv`` noise (unit RMS)."""
    t = np.arange(n) / rate
    if kind == "street":
        brown = np.cumsum(rng.standard_normal(n))
        brown -= _lowpass(brown, rate, 0.5)  # no DC drift
        swell = 1 + 0.6 * np.sin(2 * math.pi * 0.15 * t + rng.uniform(0, 6)) ** 2
        rumble = np.sin(2 * math.pi * 55 * t) * 0.3 * brown.std()
        out = brown * swell + rumble
    elif kind == "babble":
        picks = rng.choice(len(others), size=min(6, len(others)), replace=False)
        out = sum(_loop(others[i] / (active_rms(others[i], rate) or 1), n, int(rng.integers(0, rate))) for i in picks)
    elif kind == "tv":
        voice = others[int(rng.integers(0, len(others)))]
        speech = _bandpass(_loop(voice / (active_rms(voice, rate) or 1), n), rate, 400, min(3000, rate / 2 - 1))
        chord = sum(np.sin(2 * math.pi * f * t) for f in (220.0, 277.2, 329.6)) * 0.25
        out = speech + chord * (1 + 0.5 * np.sin(2 * math.pi * 0.5 * t))
    else:
        raise ValueError(f"unknown noise {kind!r}")
    out = np.asarray(out, dtype=np.float64)
    return out / (float(np.sqrt((out**2).mean())) or 1)


def cough(rate: int, rng: np.random.Generator) -> np.ndarray:
    """Return a synthetic cough: a 120-280 ms burst, sharp attack, voiced (~150 Hz buzz) then breathy decay."""
    ms = int(rng.integers(120, 281))
    n = rate * ms // 1000
    t = np.arange(n) / rate
    envelope = (1 - np.exp(-t / 0.006)) * np.exp(-t / (ms / 1000 / 3))
    hiss = _bandpass(rng.standard_normal(n), rate, 300, min(3500, rate / 2 - 1))
    buzz = np.sign(np.sin(2 * math.pi * rng.uniform(110, 190) * t)) * np.exp(-t / 0.05)
    return (hiss + 0.5 * buzz) * envelope


def espeak(text: str, lang: str, rate: int) -> np.ndarray:
    """Return ``text`` spoken by espeak-ng (brisk, like a caller's quick "嗯"), trimmed to its sound, at ``rate``."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bc.wav"
        subprocess.run(["espeak-ng", "-v", ESPEAK_VOICE[lang], "-s", "200", "-w", str(path), text], check=True,
                       capture_output=True)  # fmt: skip
        return _floats(trim_speech(read_wav(path, rate), margin_ms=0))


Event = tuple[str, str, np.ndarray]
"""``(kind, source, samples)``."""


def _events(lang: str, rate: int, speech: list[np.ndarray], rng: np.random.Generator) -> list[Event]:
    """Return ``(kind, source, samples)`` for every event of a language."""
    events: list[Event] = []
    for index, clip in enumerate(speech):
        if rate <= len(clip) <= rate * 6:  # 1-6 s utterances: the interruptions
            events.append(("speech", f"rec{index:02d}", clip))
    for index in range(4):
        events.append(("cough", f"cough{index}", cough(rate, rng)))
    for index, clip in enumerate(speech[:4]):
        ms = int(rng.integers(160, 301))
        start = int(rng.integers(0, max(1, len(clip) - rate * ms // 1000)))
        part = clip[start : start + rate * ms // 1000] * np.hanning(rate * ms // 1000)
        events.append(("burst", f"burst{index}", part))
    if shutil.which("espeak-ng"):
        for word in BACKCHANNELS[lang]:
            events.append(("backchannel", word, espeak(word, lang, rate)))
    return events


def build(lang: str = "zh", rate: int = 8000, seed: int = 12345, snrs: tuple[int, ...] = SNRS_DB,
          noises: tuple[str, ...] = NOISES, kinds: tuple[str, ...] | None = None) -> list[Fixture]:  # fmt: skip
    """Return every fixture of a language: each event in each noise at each SNR (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    speech = recordings(lang, rate)
    fixtures: list[Fixture] = []
    for index, (kind, source, event) in enumerate(_events(lang, rate, speech, rng)):
        if kinds is not None and kind not in kinds:
            continue
        noise_rng = np.random.default_rng([seed, index])  # the same noise whichever kinds are built
        level = active_rms(event, rate) or 1.0
        lead, tail = rate * LEAD_MS // 1000, rate * TAIL_MS // 1000
        n = lead + len(event) + tail
        others = [s for s in speech if s is not event]
        for noise_kind in noises:
            bed = noise(noise_kind, n, rate, others, noise_rng)
            for snr in snrs:
                gain = 3000.0 / level  # events at a phone line's speech level (~-20 dBFS active)
                mixed = bed * (3000.0 / 10 ** (snr / 20))
                mixed[lead : lead + len(event)] += event * gain
                name = f"{lang}/{kind}/{noise_kind}/{snr}dB/{source}"
                onset = LEAD_MS
                fixtures.append(Fixture(name, kind, _pcm(mixed), rate, onset, onset + len(event) * 1000 // rate, snr))
    return fixtures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="var/cache/noisy", help="where the WAVs go (not committed)")
    parser.add_argument("--rate", type=int, default=8000)
    args = parser.parse_args()
    for lang in ("zh", "en"):
        for fixture in build(lang, args.rate):
            path = Path(args.out) / f"{fixture.name.replace('/', '_')}.wav"
            path.parent.mkdir(parents=True, exist_ok=True)
            write_wav(path, fixture.pcm, fixture.rate)
    print(f"fixtures written to {args.out}")


if __name__ == "__main__":
    main()
