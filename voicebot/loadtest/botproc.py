"""Start (or target) the bot under test and watch its process: CPU, memory, per-call stats, tickets."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psutil

from voicebot.errors import VoicebotError
from voicebot.handoff.store import SqlTicketStore
from voicebot.runtime.aio import cancel_and_wait

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_S = 240.0
"""Model loading and first-time prompt rendering take a while."""


class LoadTestError(VoicebotError):
    """The load test could not run."""


@dataclass(slots=True)
class Bot:
    """A running bot: where to call it and how to watch it."""

    http_port: int
    """aiohttp port (WebSocket ``/media``, ``/metrics``, ``/loadtest/stats``)."""
    sip_port: int | None
    """SIP UDP port."""
    token: str
    """Media token."""
    dialogue: str
    """Which dialogue engine the bot uses (reports must say)."""
    pid: int | None
    """Its process, when known (CPU and memory are measured only then)."""
    database_url: str
    """Its ticket database."""
    process: asyncio.subprocess.Process | None = None
    """The subprocess when this run started it."""
    stderr_tail: list[str] = field(default_factory=list)
    """Its last log lines."""

    @property
    def media_url(self) -> str:
        """Return the WebSocket media URL."""
        return f"ws://127.0.0.1:{self.http_port}/media"

    async def stats(self) -> dict[str, Any]:
        """Return the bot's per-call stats."""
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{self.http_port}/loadtest/stats") as r:
            return dict(await r.json())

    async def ticket_count(self) -> int:
        """Return how many tickets the bot's database holds."""
        store = SqlTicketStore.from_url(self.database_url)
        try:
            return (await store.change_marker())[0]
        finally:
            await store.close()


@dataclass(slots=True)
class Usage:
    """The bot process's CPU and memory over one stage."""

    cpu_pct: float
    """Average CPU, % of one core."""
    rss_idle_mb: float
    """Resident memory before the stage."""
    rss_peak_mb: float
    """Peak resident memory during the stage."""
    threads: int
    """Threads at the end of the stage."""


class UsageMeter:
    """Samples a process's RSS while a stage runs, and its CPU time across it."""

    def __init__(self, pid: int | None) -> None:
        self.proc = psutil.Process(pid) if pid else None
        self._task: asyncio.Task[None] | None = None
        self._peak = 0.0
        self._idle = 0.0
        self._cpu0 = 0.0
        self._t0 = 0.0

    def _rss_mb(self) -> float:
        assert self.proc is not None
        return float(self.proc.memory_info().rss) / 2**20

    def _cpu(self) -> float:
        assert self.proc is not None
        times = self.proc.cpu_times()
        return float(times.user + times.system + times.children_user + times.children_system)

    async def __aenter__(self) -> UsageMeter:
        if self.proc is not None:
            self._idle = self._peak = self._rss_mb()
            self._cpu0, self._t0 = self._cpu(), time.monotonic()
            self._task = asyncio.create_task(self._sample())
        return self

    async def _sample(self) -> None:
        while True:
            self._peak = max(self._peak, self._rss_mb())
            await asyncio.sleep(0.25)

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            await cancel_and_wait(self._task)

    def usage(self) -> Usage | None:
        """Return the stage's usage (None without a process to watch)."""
        if self.proc is None:
            return None
        wall = max(1e-6, time.monotonic() - self._t0)
        return Usage(100 * (self._cpu() - self._cpu0) / wall, self._idle, max(self._peak, self._rss_mb()),
                     self.proc.num_threads())  # fmt: skip


@contextlib.asynccontextmanager
async def start_bot(
    database_url: str, dialogue: str, model: str, lang: str, config: str | None, profile: Path | None = None
) -> AsyncIterator[Bot]:
    """Start ``voicebot.loadtest.bot`` in a subprocess, wait for its ready line, and stop it after.

    With ``profile``, the bot runs under pyinstrument (its event-loop thread) and writes a text report there.
    """
    under = [sys.executable, "-m", "pyinstrument", "-r", "text", "--show-all", "-o", str(profile)] if profile else [
        sys.executable]
    command = [*under, "-m", "voicebot.loadtest.bot", "--db", database_url, "--dialogue", dialogue,
               "--model", model, "--lang", lang, *(["--config", config] if config else [])]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false"}
    process = await asyncio.create_subprocess_exec(*command, cwd=str(ROOT), env=env, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.PIPE)  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    tail: list[str] = []

    async def drain_stderr() -> None:
        assert process.stderr is not None
        async for raw in process.stderr:
            tail.append(raw.decode(errors="replace").rstrip())
            del tail[:-40]

    drainer = asyncio.create_task(drain_stderr())
    try:
        try:
            line = await asyncio.wait_for(process.stdout.readline(), READY_TIMEOUT_S)
            ready = json.loads(line)
        except (TimeoutError, ValueError) as err:
            raise LoadTestError("loadtest-bot-failed", "the bot did not start:\n" + "\n".join(tail[-20:])) from err
        yield Bot(int(ready["http_port"]), ready.get("sip_port"), str(ready["token"]), str(ready["dialogue"]),
                  int(ready["pid"]), database_url, process, tail)  # fmt: skip
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 60)  # a profiler writes its report on the way out
            except TimeoutError:
                process.kill()
                await process.wait()
        await cancel_and_wait(drainer)
