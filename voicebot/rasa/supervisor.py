"""Start, health-check, restart and stop the Rasa servers (one per language) and the action server.

They run from ``rasa_project/.venv`` (Python 3.10) as subprocesses in their own process groups, listening on
127.0.0.1 only; their output goes to log files. Start-up is sequential (the action server, then one language
after the other: the next starts when the previous is ready or ``start_grace_s`` has passed), because loading
two models at once on a small machine takes minutes. A server is restarted, with exponential backoff, only when

* it exited, or
* it is still starting and has shown no progress (log output, its port open) for ``start_grace_s``, or
* it was up, fails its health checks and has logged nothing for ``unhealthy_restart_s``.

Use as an async context manager (also from an aiohttp ``cleanup_ctx``)::

    async with RasaSupervisor.from_settings(settings) as supervisor:
        await supervisor.wait_ready()
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import tempfile
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import aiohttp

from voicebot.errors import DialogueError
from voicebot.rasa.api_token import RasaToken, load_rasa_token
from voicebot.rasa.specs import RASA_DIR, ServerSpec, port_of, server_env, server_specs
from voicebot.runtime.aio import cancel_and_wait
from voicebot.settings import PROJECT_ROOT, Settings

__all__ = ["RASA_DIR", "RasaSupervisor", "port_of"]

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Child:
    spec: ServerSpec
    process: asyncio.subprocess.Process | None = None
    restarts: int = 0
    healthy: bool = False
    was_healthy: bool = False
    first_started: float | None = None
    spawned: float = 0.0
    last_progress: float = 0.0
    log_size: int = -1
    next_start: float = 0.0
    log_file: Path | None = None


class RasaSupervisor:
    """Run and watch the Rasa and action servers for the bot's lifetime."""

    def __init__(
        self,
        rasa_ports: dict[str, int],
        actions_port: int = 5055,
        *,
        token: RasaToken,
        project: Path = RASA_DIR,
        log_dir: Path | None = None,
        check_interval_s: float = 5.0,
        start_grace_s: float = 600.0,
        unhealthy_restart_s: float = 60.0,
        ready_timeout_s: float = 1200.0,
        max_backoff_s: float = 60.0,
    ) -> None:
        self._project = project
        self._token = token
        self._tmp = tempfile.TemporaryDirectory(prefix="voicebot-rasa-")
        endpoints = Path(self._tmp.name) / "endpoints.yml"
        endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n')
        self._log_dir = log_dir or PROJECT_ROOT / "var" / "log"
        self._children = [_Child(spec) for spec in server_specs(rasa_ports, actions_port, project, endpoints)]
        self._check_interval_s = check_interval_s
        self._start_grace_s = start_grace_s
        self._unhealthy_restart_s = unhealthy_restart_s
        self._ready_timeout_s = ready_timeout_s
        self._max_backoff_s = max_backoff_s
        self._monitor: asyncio.Task[None] | None = None
        self._http: aiohttp.ClientSession | None = None

    @classmethod
    def from_settings(
        cls, settings: Settings, log_dir: Path | None = None, langs: Collection[str] | None = None
    ) -> RasaSupervisor:
        """Build a supervisor for the servers the dialogue settings point at (all or ``langs``), with their
        token and timings."""
        dialogue = settings.dialogue
        ports = {lang: port_of(url, 5005) for lang, url in dialogue.rasa_urls.items() if not langs or lang in langs}
        return cls(ports, port_of(dialogue.action_server_url, 5055), token=load_rasa_token(dialogue),
                   log_dir=log_dir, start_grace_s=dialogue.start_grace_s,
                   unhealthy_restart_s=dialogue.unhealthy_restart_s, ready_timeout_s=dialogue.ready_timeout_s)

    @property
    def specs(self) -> tuple[ServerSpec, ...]:
        """Return what is run, in start order."""
        return tuple(child.spec for child in self._children)

    @property
    def restarts(self) -> dict[str, int]:
        """Return how often each server was restarted."""
        return {child.spec.name: child.restarts for child in self._children}

    def pids(self) -> dict[str, int | None]:
        """Return each server's process id (None when not running)."""
        return {c.spec.name: c.process.pid if c.process and c.process.returncode is None else None
                for c in self._children}

    async def __aenter__(self) -> RasaSupervisor:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    def check_installed(self) -> None:
        """Raise DialogueError unless the Rasa venv and every model exist."""
        missing = [c.spec.argv[0] for c in self._children if not Path(c.spec.argv[0]).exists()]
        if missing:
            raise DialogueError("rasa-not-installed", f"{missing[0]} missing: run rasa_project/setup.sh")
        for child in self._children:
            model = child.spec.model
            if model is not None and not model.is_file():
                raise DialogueError("rasa-model-missing", f"{model} missing: run rasa_project/train.sh")
        self._log_dir.mkdir(parents=True, exist_ok=True)

    async def start(self) -> None:
        """Start the first server and the monitor, which starts the others in turn (see ``wait_ready``)."""
        await asyncio.to_thread(self.check_installed)
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3))
        await self._spawn(self._children[0])
        self._monitor = asyncio.create_task(self._watch(), name="rasa-supervisor")

    async def wait_ready(self, timeout_s: float | None = None) -> None:
        """Wait until every server answers its health check; raise DialogueError on timeout."""
        limit = self._ready_timeout_s if timeout_s is None else timeout_s
        deadline = time.monotonic() + limit
        while True:
            states = await asyncio.gather(*(self._check(c) for c in self._children))
            if all(states):
                return
            if time.monotonic() > deadline:
                down = [c.spec.name for c, ok in zip(self._children, states, strict=True) if not ok]
                raise DialogueError("rasa-unreachable", f"not ready after {limit:.0f} s: {', '.join(down)}")
            await asyncio.sleep(1.0)

    async def stop(self, grace_s: float = 10.0) -> None:
        """Stop the monitor and every server (SIGTERM, then SIGKILL after ``grace_s``)."""
        if self._monitor is not None:
            await cancel_and_wait(self._monitor)
            self._monitor = None
        await asyncio.gather(*(self._terminate(c, grace_s) for c in self._children))
        if self._http is not None:
            await self._http.close()
            self._http = None
        self._tmp.cleanup()

    async def _spawn(self, child: _Child) -> None:
        child.log_file = self._log_dir / f"{child.spec.name}.log"
        with child.log_file.open("ab") as out:
            child.process = await asyncio.create_subprocess_exec(
                *child.spec.argv, cwd=self._project, env=server_env(child.spec, self._token), stdout=out,
                stderr=asyncio.subprocess.STDOUT, stdin=asyncio.subprocess.DEVNULL, start_new_session=True,
            )
        now = time.monotonic()
        child.first_started = child.first_started or now
        child.spawned = child.last_progress = now
        child.healthy = child.was_healthy = False
        log.info("started %s (pid %d) on %s:%d, log %s", child.spec.name, child.process.pid, child.spec.host,
                 child.spec.port, child.log_file)

    async def _check(self, child: _Child) -> bool:
        if child.process is None or child.process.returncode is not None or self._http is None:
            return False
        try:
            async with self._http.get(child.spec.health_url) as response:
                ok = response.status == 200
        except (aiohttp.ClientError, TimeoutError):
            ok = False
        if ok and not child.was_healthy:
            log.info("%s is ready after %.0f s", child.spec.name, time.monotonic() - child.spawned)
        elif ok != child.healthy:
            log.info("%s is %s", child.spec.name, "healthy" if ok else "not healthy")
        child.healthy = ok
        if ok:
            child.was_healthy = True
            child.last_progress = time.monotonic()
        return ok

    async def _progressed(self, child: _Child) -> bool:
        """Return whether the server did something since the last look: wrote to its log, or (starting) listens."""
        try:
            size = child.log_file.stat().st_size if child.log_file else -1
        except OSError:
            size = -1
        grew, child.log_size = size != child.log_size, size
        if grew or child.was_healthy:  # a hung server may still accept connections: only its log counts
            return grew
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(child.spec.host, child.spec.port), 1.0)
        except (OSError, TimeoutError):
            return False
        writer.close()
        return True

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self._check_interval_s)
            for child in self._children:
                if child.process is not None:
                    await self._tend(child)
            await self._start_next()

    async def _start_next(self) -> None:
        """Start the first server not started yet once the one before it is ready or had its grace."""
        for previous, child in zip(self._children, self._children[1:], strict=False):
            if child.process is not None:
                continue
            waited = time.monotonic() - (previous.first_started or time.monotonic())
            if previous.healthy or waited > self._start_grace_s:
                await self._spawn(child)
            return

    async def _tend(self, child: _Child) -> None:
        now = time.monotonic()
        dead = child.process is None or child.process.returncode is not None
        if not dead and not await self._check(child):
            if await self._progressed(child):
                child.last_progress = now
            limit = self._unhealthy_restart_s if child.was_healthy else self._start_grace_s
            silent = now - child.last_progress
            if silent <= limit:
                return
            state = "unhealthy" if child.was_healthy else "still not ready"
            log.warning("%s %s and without progress for %.0f s: restarting", child.spec.name, state, silent)
            await self._terminate(child, 5.0)
            dead = True
        if not dead or now < child.next_start:
            return
        code = child.process.returncode if child.process else None
        backoff = min(self._max_backoff_s, 2.0 ** min(child.restarts, 6))
        child.restarts += 1
        child.next_start = now + backoff
        log.warning("%s exited (code %s): restart %d, next no sooner than %.0f s", child.spec.name, code,
                    child.restarts, backoff)
        await self._spawn(child)

    async def _terminate(self, child: _Child, grace_s: float) -> None:
        process = child.process
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), grace_s)
        except TimeoutError:
            log.warning("%s ignored SIGTERM for %.0f s: killing", child.spec.name, grace_s)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            await process.wait()
        child.healthy = False
