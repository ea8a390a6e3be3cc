"""Load benchmark: N simultaneous SIPp calls replaying real speech against ``voicebot serve``'s app.

For each N it prints: bot reply latency (end of caller speech -> first bot RTP packet carrying sound, p50/p95),
barge-in stop time (caller starts talking over the bot -> the bot's last packet of sound), RTP pacing jitter
(|inter-arrival - 20 ms| at the capture socket, p95/max), CPU (% of one core) and memory per call, and
caller frames dropped because a session fell more than 5 s behind ("lagged").

    .venv/bin/python -m benchmarks.sipp_load --calls 1,2,4,8 [--engine auto|real|fake] [--lang zh-CN]

Each caller says one thing, the bot answers, and the caller starts its second utterance while the answer is
still playing (a barge-in), then waits for the bot and hangs up. ``--engine real`` uses
``voicebot.engines.open_engines`` (vosk, Rasa, TTS: Rasa is started when not reachable); ``fake`` uses a
scripted bot that answers each utterance with a 2 s tone; ``auto`` tries real and falls back to fake.
Latency and barge-in are timed at the line edge inside the server (what the switch sees, minus the network).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import resource
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.sipp_harness import RtpCapture, bursts, open_capture, render_scenario, run_sipp
from tests.telephony_helpers import SPEECH, ScriptedBot, running, test_settings, ulaw_wav
from voicebot.audio import AudioFrame, read_wav, rms_dbfs
from voicebot.events import CallRecord
from voicebot.lines.line import Dtmf, Line
from voicebot.rasa.supervisor import RasaSupervisor
from voicebot.server import SIP
from voicebot.settings import Settings, load_settings

SessionFactory = Callable[[Line], Awaitable[CallRecord]]
SOUND_DBFS = -45.0
"""A frame louder than this carries sound (speech or the bot's audio), not silence or G.711 idle noise."""
RECORDINGS = {"zh-CN": ("zh/aishell1_BAC009S0724W0121.wav", "zh/aishell1_BAC009S0724W0122.wav"),
              "en-US": ("en/rhasspy3_turn_on_the_lamp.wav", "en/rhasspy3_what_time_is_it.wav")}


class MeasuringLine:
    """Wrap a line and timestamp caller sound arriving and bot sound leaving."""

    def __init__(self, line: Line) -> None:
        self.line = line
        self.info = line.info
        self.caller_sound: list[float] = []
        self.bot_sound: list[float] = []
        self._loop = asyncio.get_running_loop()

    async def recv(self) -> AudioFrame | Dtmf | None:
        """Pass a caller frame through, noting when sound arrived."""
        item = await self.line.recv()
        if isinstance(item, AudioFrame) and rms_dbfs(item.pcm) > SOUND_DBFS:
            self.caller_sound.append(self._loop.time())
        return item

    async def send(self, frame: AudioFrame) -> None:
        """Pass a bot frame through, noting when sound left."""
        if rms_dbfs(frame.pcm) > SOUND_DBFS:
            self.bot_sound.append(self._loop.time())
        await self.line.send(frame)

    async def clear(self) -> None:
        """Delegate."""
        await self.line.clear()

    async def transfer(self, target: str) -> bool:
        """Delegate."""
        return await self.line.transfer(target)

    async def hangup(self) -> None:
        """Delegate."""
        await self.line.hangup()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.line, name)


def groups(times: list[float], gap_s: float, min_count: int = 1) -> list[tuple[float, float]]:
    """Return (start, end) of runs of timestamps separated by less than ``gap_s``."""
    runs: list[list[float]] = []
    for t in times:
        if not runs or t - runs[-1][-1] > gap_s:
            runs.append([])
        runs[-1].append(t)
    return [(run[0], run[-1]) for run in runs if len(run) >= min_count]


def analyse(line: MeasuringLine) -> tuple[list[float], list[float]]:
    """Return reply latencies and barge-in stop times (ms) of one call."""
    utterances = groups(line.caller_sound, 0.5, min_count=10)
    spurts = groups(line.bot_sound, 0.2)
    latencies, stops = [], []
    for start, end in spurts:
        before = [u for u in utterances if u[1] < start]
        if before and not any(before[-1][1] < s < start for s, _ in spurts):  # first reply after that speech
            latencies.append((start - before[-1][1]) * 1000)
        for u_start, _ in utterances:
            if start < u_start < end:
                stops.append((end - u_start) * 1000)
    return latencies, stops


def jitter_ms(capture: RtpCapture) -> list[float]:
    """Return |inter-arrival - 20 ms| for every packet pair inside a talk spurt."""
    deviations: list[float] = []
    for stream in capture.streams.values():
        for spurt in bursts(stream):
            gaps = np.diff([item.at for item in spurt]) * 1000
            deviations.extend(float(abs(g - 20)) for g in gaps)
    return deviations


def pct(values: list[float], q: float) -> float:
    """Return a percentile, NaN when empty."""
    return float(np.percentile(values, q)) if values else float("nan")


def rss_mb() -> float:
    """Return this process's resident memory in MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


async def run_load(settings: Settings, factory: SessionFactory, calls: int, directory: Path, lang: str,
                   lead_ms: int, cps: float) -> dict[str, Any]:
    """Place ``calls`` simultaneous calls and return the measurements."""
    lines: list[MeasuringLine] = []

    async def measured(line: Line) -> CallRecord:
        wrapped = MeasuringLine(line)
        lines.append(wrapped)
        return await factory(wrapped)

    first, second = (read_wav(SPEECH / name, 8000).pcm for name in RECORDINGS[lang])
    (directory / "one.wav").write_bytes(ulaw_wav(first + b"\x00" * 16000))  # 1 s pause: the bot answers...
    (directory / "two.wav").write_bytes(ulaw_wav(second + b"\x00" * 16000 * 4))  # ...and is interrupted
    scenario = render_scenario("conversation", directory, lead_ms=str(lead_ms), speech1=str(directory / "one.wav"),
                               speech2=str(directory / "two.wav"), pause1_ms=str(len(first) // 16 + 1000),
                               pause2_ms=str(len(second) // 16 + 6000))
    capture = await open_capture()
    peak = baseline = rss_mb()
    async with running(settings, measured) as (app, _):  # type: ignore[arg-type]
        usage = resource.getrusage(resource.RUSAGE_SELF)
        began = time.monotonic()
        sipp = asyncio.create_task(run_sipp(app[SIP].port, scenario, calls, capture.port, rate=cps,
                                            timeout_s=120 + lead_ms / 1000))
        while not sipp.done():
            peak = max(peak, rss_mb())
            await asyncio.sleep(0.2)
        code, output = await sipp
        wall = time.monotonic() - began
        after = resource.getrusage(resource.RUSAGE_SELF)
    if capture.transport is not None:
        capture.transport.close()
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    latencies, stops = [], []
    for line in lines:
        got = analyse(line)
        latencies += got[0]
        stops += got[1]
    deviations = jitter_ms(capture)
    dropped = sum(getattr(getattr(line.line, "inbound", None), "dropped", 0) for line in lines)
    if code != 0:
        print(f"  SIPp exit code {code}; last output:\n{output[-800:]}")
    return {"ok": code == 0, "latencies": latencies, "stops": stops, "deviations": deviations,
            "cpu_pct": 100 * cpu / wall / calls, "mem_mb": (peak - baseline) / calls, "dropped": dropped}


def summary(calls: int, rounds: list[dict[str, Any]]) -> str:
    """Return one table row pooling every round of N calls."""
    latencies = [v for r in rounds for v in r["latencies"]]
    stops = [v for r in rounds for v in r["stops"]]
    deviations = [v for r in rounds for v in r["deviations"]]
    ok = all(r["ok"] for r in rounds)
    cpu = float(np.mean([r["cpu_pct"] for r in rounds]))
    mem = float(np.mean([r["mem_mb"] for r in rounds]))
    dropped = sum(r["dropped"] for r in rounds)
    return (f"{calls:>4} {'yes' if ok else 'NO':>3} {len(latencies):>5} {pct(latencies, 50):>8.0f}ms "
            f"{pct(latencies, 95):>8.0f}ms {pct(stops, 50):>8.0f}ms {pct(stops, 95):>8.0f}ms "
            f"{pct(deviations, 95):>6.1f}ms {max(deviations, default=float('nan')):>6.1f}ms {cpu:>9.1f} "
            f"{mem:>8.2f} {dropped:>6}")


async def rasa_answers(url: str, wait_s: float) -> bool:
    """Return whether the Rasa server at ``url`` answers ``GET /`` within ``wait_s``."""
    deadline = time.monotonic() + wait_s
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:
        while True:
            try:
                async with http.get(url) as response:
                    if response.status == 200:
                        return True
            except (aiohttp.ClientError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(2)


@contextlib.asynccontextmanager
async def dialogue_servers(settings: Settings, lang: str) -> AsyncIterator[None]:
    """Use the running Rasa server for ``lang``, or start the supervised ones and wait until they answer."""
    if await rasa_answers(settings.dialogue.rasa_urls[lang], 2):
        yield
        return
    print("starting Rasa for the benchmark (about a minute)...", flush=True)
    # only the language under test; the supervisor waits for slow loading under load (start_grace_s)
    async with RasaSupervisor.from_settings(settings, langs=[lang]) as supervisor:
        await supervisor.wait_ready()
        yield


@contextlib.asynccontextmanager
async def session_factory(engine: str, settings: Settings, lang: str) -> AsyncIterator[tuple[str, SessionFactory]]:
    """Yield the real session factory (``voicebot.engines``) or the scripted fake."""
    if engine in ("real", "auto"):
        try:
            from voicebot.engines import open_engines

            async with dialogue_servers(settings, lang), open_engines(settings) as runtime:
                yield "real", runtime.session_factory
                return
        except Exception as err:  # auto: any missing piece (model, Rasa, import) means the fake
            if engine == "real":
                raise
            print(f"real engines unavailable ({type(err).__name__}: {err}); using the scripted fake bot")
    yield "fake", ScriptedBot(reply_ms=2000, barge_in=True)


async def main_async(args: argparse.Namespace) -> None:
    """Run every N and print a table."""
    base = load_settings(args.config)
    settings = test_settings(sip_peers="127.0.0.1", max_calls=1000)
    settings = Settings(base.asr, base.tts, base.dialogue, base.session, base.handoff, settings.server)
    async with session_factory(args.engine, settings, args.lang) as (kind, factory):
        print(f"session: {kind}; lang {args.lang}; {args.cps:g} calls/s; {os.cpu_count()} CPUs")
        print(f"{'N':>4} {'ok':>3} {'turns':>5} {'reply p50':>10} {'reply p95':>10} {'barge p50':>10} "
              f"{'barge p95':>10} {'jit p95':>8} {'jit max':>8} {'cpu%/call':>9} {'MB/call':>8} {'lagged':>6}")
        for calls in args.calls:
            rounds = []
            for _ in range(args.rounds):
                with tempfile.TemporaryDirectory() as tmp:
                    rounds.append(await run_load(settings, factory, calls, Path(tmp), args.lang, args.lead_ms,
                                                 args.cps))
            print(summary(calls, rounds), flush=True)


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", help="settings file")
    parser.add_argument("--calls", default="1,2,4,8", type=lambda s: [int(n) for n in s.split(",")],
                        help="comma-separated numbers of simultaneous calls (1,2,4,8)")
    parser.add_argument("--engine", choices=["auto", "real", "fake"], default="auto")
    parser.add_argument("--lang", choices=sorted(RECORDINGS), default="zh-CN")
    parser.add_argument("--rounds", type=int, default=1, help="repeat each N this often and pool the turns")
    parser.add_argument("--cps", type=float, default=50.0,
                        help="calls started per second (50: all at once, callers talk in lockstep; 1: staggered)")
    parser.add_argument("--lead-ms", type=int, default=None,
                        help="silence before the caller speaks (default: 500 fake, 8000 real: the greeting)")
    args = parser.parse_args()
    if args.lead_ms is None:
        args.lead_ms = 500 if args.engine == "fake" else 8000
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
