"""vosk-server, the unmodified peer, run in place and fed N real-time streams the way its users feed it.

``../shared/peers/vosk-server/asr_server.py`` runs in its own venv (``var/vosk-server-venv``: ``vosk==0.3.45``
and ``websockets<11``, made here when missing); every 20 ms frame is sent on a real-time grid over its WebSocket
and results are read as they come. A call is 5 s of line noise, an utterance, 5 s of noise, ... (the bot's
answers), 5 s of noise; calls start staggered over one pause. Result lag: each message is answered in order,
so lag = answer arrival - send time of that frame. Used by ``benchmarks.vs_vosk_server``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import aiohttp

from voicebot.audio import FRAME_MS, split_frames
from voicebot.loadtest.botproc import UsageMeter
from voicebot.loadtest.caller import LATE_MS, line_noise_frames
from voicebot.loadtest.run import caller_scripts
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
