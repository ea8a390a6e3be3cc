"""Run load stages of N concurrent calls against the bot and summarise each; find the largest N that holds."""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from voicebot.audio import read_wav
from voicebot.loadtest.botproc import Bot, LoadTestError, UsageMeter
from voicebot.loadtest.caller import LATE_MS, CallResult, CallScript, place_call, trim_speech
from voicebot.runtime.stats import percentile

SPEECH = Path(__file__).resolve().parents[3] / "shared" / "speech"
"""Real recordings beside the checkout (never copied into the repo)."""
TARGET_P95_MS = 800.0
"""The reply latency p95 a stage must stay under."""


@dataclass(slots=True)
class StageReport:
    """What one stage of N concurrent calls measured."""

    protocol: str
    """``websocket`` or ``sip``."""
    calls: int
    """N: concurrent calls."""
    dialogue: str
    """The dialogue engine the bot used."""
    placed: int = 0
    """Calls placed in the stage."""
    failed: int = 0
    """Calls that failed (connection errors, SIPp errors)."""
    turns: int = 0
    """Replies timed."""
    reply_p50_ms: float | None = None
    """Reply latency p50 (end of caller speech to first bot audio)."""
    reply_p95_ms: float | None = None
    """Reply latency p95."""
    reply_p99_ms: float | None = None
    """Reply latency p99."""
    bot_reply_p95_ms: float | None = None
    """Reply latency p95 as the bot's call records have it (at the line edge inside the bot)."""
    barge_in_p50_ms: float | None = None
    """Barge-in stop time p50 (caller starts over the bot to the bot's last audio)."""
    barge_in_p95_ms: float | None = None
    """Barge-in stop time p95."""
    bot_frames: int = 0
    """Bot frames received."""
    late_frames: int = 0
    """Bot frames later than 60 ms behind their slot."""
    max_late_ms: float = 0.0
    """Worst bot frame lateness."""
    dropped_frames: int = 0
    """Caller frames the bot dropped because a session fell behind."""
    caller_lag_ms: float = 0.0
    """Worst lag of the load generator's own frames (a busy generator shows here)."""
    cpu_pct: float | None = None
    """Bot process CPU, % of one core (averaged over the stage)."""
    rss_idle_mb: float | None = None
    """Bot resident memory before the stage."""
    mem_per_call_mb: float | None = None
    """(Peak RSS - idle RSS) / N."""
    threads: int | None = None
    """Bot threads at the end of the stage."""
    tickets: int = 0
    """Tickets written to the database during the stage."""
    errors: dict[str, int] = field(default_factory=dict)
    """Error codes in the bot's call records."""

    @property
    def holds(self) -> bool:
        """Return whether the stage meets the target: p95 < 800 ms, no late frame, no failed call."""
        return (self.reply_p95_ms is not None and self.reply_p95_ms < TARGET_P95_MS and self.late_frames == 0
                and self.failed == 0)  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {**asdict(self), "holds": self.holds}


def caller_scripts(
    lang: str, count: int, turns: int = 3, line_noise: float = 0.0, barge_in: bool = True
) -> list[CallScript]:
    """Return ``count`` scripts of ``turns`` real recordings each (rotating through the fixtures).

    ``barge_in``: the last utterance is said over the bot's answer; False: callers are silent while the bot talks.
    """
    folder = SPEECH / ("zh" if lang.startswith("zh") else "en")
    files = sorted(folder.glob("*.wav"))
    if not files:
        raise LoadTestError("loadtest-no-speech", f"no recordings in {folder} (../shared/speech beside the checkout)")
    utterances = [trim_speech(read_wav(f, 8000)) for f in files]
    utterances = [u for u in utterances if 16000 <= len(u) <= 16000 * 6] or utterances  # 1-6 s of speech
    pick = [tuple(utterances[(i * turns + k) % len(utterances)] for k in range(turns)) for i in range(count)]
    return [CallScript(chosen, barge_in_last=barge_in, line_noise=line_noise) for chosen in pick]


def ring_delay(index: int, calls: int, stagger_s: float | None, rng: random.Random) -> float:
    """Return when caller ``index`` of ``calls`` rings, in seconds after the stage starts."""
    if stagger_s is None:
        return rng.uniform(0, 1.5)  # callers do not all ring in the same millisecond
    return index * stagger_s / calls


def fill_bot_side(report: StageReport, calls: list[dict[str, Any]]) -> None:
    """Add what the bot's call records say: its own latencies, dropped frames, errors."""
    bot_replies = [float(ms) for call in calls for ms in call["reply_ms"]]
    report.bot_reply_p95_ms = percentile(bot_replies, 95)
    report.dropped_frames = sum(int(call["dropped_frames"]) for call in calls)
    for call in calls:
        for code in call["errors"]:
            report.errors[code] = report.errors.get(code, 0) + 1


def fill_usage(report: StageReport, meter: UsageMeter, calls: int) -> None:
    """Add the bot process's CPU and memory."""
    usage = meter.usage()
    if usage is not None:
        report.cpu_pct = round(usage.cpu_pct, 1)
        report.rss_idle_mb = round(usage.rss_idle_mb, 1)
        report.mem_per_call_mb = round((usage.rss_peak_mb - usage.rss_idle_mb) / calls, 2)
        report.threads = usage.threads


async def websocket_stage(
    bot: Bot, calls: int, duration_s: float, lang: str, seed: int = 1, line_noise: float = 0.0,
    stagger_s: float | None = None,
    barge_in: bool = True,
) -> StageReport:
    """Run N callers in parallel, each placing calls back to back for ``duration_s`` (at least one each).

    ``line_noise``: white noise of that standard deviation while callers are silent (0: digital silence).
    ``barge_in``: each call's last utterance talks over the bot (False: callers silent while the bot talks).
    ``stagger_s``: caller i rings ``i * stagger_s / N`` after the first (calls spread like vosk-server's in
    ``benchmarks.vs_vosk_server``); None: each at a random moment of the first 1.5 s (near-simultaneous speech).
    """
    report = StageReport("websocket", calls, bot.dialogue)
    scripts = caller_scripts(lang, calls, line_noise=line_noise, barge_in=barge_in)
    results: list[CallResult] = []
    before = await bot.stats()
    tickets_before = await bot.ticket_count()
    deadline = time.monotonic() + duration_s

    async def worker(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        await asyncio.sleep(ring_delay(index, calls, stagger_s, rng))
        while True:
            results.append(await place_call(bot.media_url, bot.token, scripts[index], rng, lang))
            if time.monotonic() >= deadline:
                return

    async with UsageMeter(bot.pid) as meter:
        await asyncio.gather(*(worker(i) for i in range(calls)))
        await wait_idle(bot)
    fill_usage(report, meter, calls)
    report.placed = len(results)
    report.failed = sum(1 for r in results if r.error)
    replies = [ms for r in results for ms in r.reply_ms]
    stops = [ms for r in results for ms in r.barge_in_ms]
    report.turns = len(replies)
    report.reply_p50_ms, report.reply_p95_ms, report.reply_p99_ms = (percentile(replies, q) for q in (50, 95, 99))
    report.barge_in_p50_ms, report.barge_in_p95_ms = percentile(stops, 50), percentile(stops, 95)
    report.bot_frames = sum(r.bot_frames for r in results)
    report.late_frames = sum(r.late_frames for r in results)
    report.max_late_ms = round(max((r.max_late_ms for r in results), default=0.0), 1)
    report.caller_lag_ms = round(max((r.send_lag_ms for r in results), default=0.0), 1)
    fill_bot_side(report, (await bot.stats())["calls"][len(before["calls"]):])
    report.tickets = await bot.ticket_count() - tickets_before
    return report


async def warm_up(bot: Bot, lang: str) -> None:
    """Place one unmeasured call first: the first call allocates what later calls reuse (decoder, caches)."""
    script = caller_scripts(lang, 1, turns=1)[0]
    await place_call(bot.media_url, bot.token, CallScript(script.utterances, barge_in_last=False), random.Random(0),
                     lang)  # fmt: skip
    await wait_idle(bot)


async def wait_idle(bot: Bot, timeout_s: float = 30.0) -> None:
    """Wait until the bot has no call in progress (final tickets saved)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if (await bot.stats())["active"] == 0:
            return
        await asyncio.sleep(0.2)


async def sip_stage(bot: Bot, calls: int, lang: str) -> StageReport:
    """Place N simultaneous SIPp calls (tests/sipp harness): two utterances, the second over the bot's answer."""
    from tests.sipp_harness import bursts, open_capture, render_scenario, run_sipp  # the SIPp harness lives in tests
    from tests.telephony_helpers import ulaw_wav

    if bot.sip_port is None:
        raise LoadTestError("loadtest-no-sip", "the bot has no SIP port")
    report = StageReport("sip", calls, bot.dialogue)
    first, second, *_ = caller_scripts(lang, 1, turns=2)[0].utterances
    before = await bot.stats()
    tickets_before = await bot.ticket_count()
    capture = await open_capture()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        (directory / "one.wav").write_bytes(ulaw_wav(first + b"\x00" * 16000))
        (directory / "two.wav").write_bytes(ulaw_wav(second + b"\x00" * 16000 * 4))
        scenario = render_scenario("conversation", directory, lead_ms="4000", speech1=str(directory / "one.wav"),
                                   speech2=str(directory / "two.wav"), pause1_ms=str(len(first) // 16 + 2500),
                                   pause2_ms=str(len(second) // 16 + 6000))  # fmt: skip
        async with UsageMeter(bot.pid) as meter:
            code, output = await run_sipp(bot.sip_port, scenario, calls, capture.port, rate=5.0, timeout_s=120)
            await wait_idle(bot)
    if capture.transport is not None:
        capture.transport.close()
    fill_usage(report, meter, calls)
    report.placed = calls
    report.failed = 0 if code == 0 else calls
    for stream in capture.streams.values():
        for spurt in bursts(stream):
            report.bot_frames += len(spurt)
            for k, item in enumerate(spurt):
                late = (item.at - (spurt[0].at + k * 0.02)) * 1000
                report.max_late_ms = round(max(report.max_late_ms, late), 1)
                report.late_frames += late > LATE_MS
    new_calls = (await bot.stats())["calls"][len(before["calls"]):]
    replies = [float(ms) for call in new_calls for ms in call["reply_ms"]]
    stops = [float(ms) for call in new_calls for ms in call["barge_in_ms"]]
    report.turns = len(replies)
    report.reply_p50_ms, report.reply_p95_ms, report.reply_p99_ms = (percentile(replies, q) for q in (50, 95, 99))
    report.barge_in_p50_ms, report.barge_in_p95_ms = percentile(stops, 50), percentile(stops, 95)
    fill_bot_side(report, new_calls)
    report.tickets = await bot.ticket_count() - tickets_before
    if code != 0:
        report.errors["sipp-failed"] = 1
    return report


class Stage(Protocol):
    """One load stage as ``largest_holding`` reads it (the bot's ``StageReport``, the peer's ``PeerStage``)."""

    @property
    def calls(self) -> int:
        """N: concurrent calls."""

    @property
    def holds(self) -> bool:
        """Whether the stage kept real time."""


def largest_holding(reports: Sequence[Stage]) -> int | None:
    """Return the largest N whose stage holds, counting only up to the first stage that does not."""
    best = None
    for report in sorted(reports, key=lambda r: r.calls):
        if not report.holds:
            break
        best = report.calls
    return best


def table(reports: Sequence[StageReport]) -> str:
    """Return the stages as a text table."""

    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.0f}"

    head = (f"{'proto':>9} {'N':>3} {'calls':>5} {'fail':>4} {'turns':>5} {'p50':>6} {'p95':>6} {'p99':>6} "
            f"{'bot95':>6} {'barge50':>7} {'barge95':>7} {'late':>5} {'maxlate':>7} {'drop':>5} {'cpu%':>6} "
            f"{'MB/call':>7} {'tickets':>7} holds")  # fmt: skip
    rows = [head]
    for r in reports:
        rows.append(f"{r.protocol:>9} {r.calls:>3} {r.placed:>5} {r.failed:>4} {r.turns:>5} {ms(r.reply_p50_ms):>6} "
                    f"{ms(r.reply_p95_ms):>6} {ms(r.reply_p99_ms):>6} {ms(r.bot_reply_p95_ms):>6} "
                    f"{ms(r.barge_in_p50_ms):>7} {ms(r.barge_in_p95_ms):>7} {r.late_frames:>5} {r.max_late_ms:>7.1f} "
                    f"{r.dropped_frames:>5} {ms(r.cpu_pct):>6} {r.mem_per_call_mb or 0:>7.1f} {r.tickets:>7} "
                    f"{'yes' if r.holds else 'no'}")  # fmt: skip
    return "\n".join(rows)

