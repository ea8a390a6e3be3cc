"""Start, health-check, restart and stop the Rasa servers (one per language) and the action server.

They run from ``rasa_project/.venv`` (Python 3.10) as subprocesses in their own process groups; their output
goes to log files. A dead or long-unhealthy server is restarted with exponential backoff. Use as an async
context manager (also from an aiohttp ``cleanup_ctx``)::

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
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

import aiohttp

from voicebot.errors import DialogueError
from voicebot.settings import PROJECT_ROOT, Settings

log = logging.getLogger(__name__)

RASA_DIR = PROJECT_ROOT / "rasa_project"
"""The Rasa project (venv, models, actions)."""


@dataclass(frozen=True, slots=True)
class ServerSpec:
    """One supervised server."""

    name: str
    """``rasa-zh-CN``, ``rasa-en-US`` or ``actions``."""
    argv: tuple[str, ...]
    """Command line."""
    health_url: str
    """URL answering 200 when the server is ready."""


@dataclass(slots=True)
class _Child:
    spec: ServerSpec
    process: asyncio.subprocess.Process | None = None
    restarts: int = 0
    healthy: bool = False
    unhealthy_since: float | None = None
    next_start: float = 0.0
    log_file: Path | None = None
    extra: dict[str, str] = field(default_factory=dict)


def port_of(url: str, default: int) -> int:
    """Return the port of an ``http://host:port`` URL."""
    return urlsplit(url).port or default


def server_specs(
    rasa_ports: dict[str, int], actions_port: int, project: Path, endpoints: Path, host: str = "127.0.0.1"
) -> list[ServerSpec]:
    """Return the commands for the action server and one Rasa server per language."""
    rasa = str(project / ".venv" / "bin" / "rasa")
    specs = [ServerSpec("actions", (rasa, "run", "actions", "--port", str(actions_port), "--actions", "actions"),
                        f"http://{host}:{actions_port}/health")]
    for lang, port in rasa_ports.items():
        model = project / "models" / lang / f"{lang}.tar.gz"
        argv = (rasa, "run", "--enable-api", "--model", str(model), "--port", str(port), "--interface", host,
                "--endpoints", str(endpoints), "--credentials", str(project / "credentials.yml"))
        specs.append(ServerSpec(f"rasa-{lang}", argv, f"http://{host}:{port}/"))
    return specs


class RasaSupervisor:
    """Run and watch the Rasa and action servers for the bot's lifetime."""

    def __init__(
        self,
        rasa_ports: dict[str, int],
        actions_port: int = 5055,
        project: Path = RASA_DIR,
        log_dir: Path | None = None,
        check_interval_s: float = 5.0,
        unhealthy_restart_s: float = 60.0,
        max_backoff_s: float = 60.0,
    ) -> None:
        self._project = project
        self._tmp = tempfile.TemporaryDirectory(prefix="voicebot-rasa-")
        endpoints = Path(self._tmp.name) / "endpoints.yml"
        endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n')
        self._log_dir = log_dir or PROJECT_ROOT / "var" / "log"
        self._children = [_Child(spec) for spec in server_specs(rasa_ports, actions_port, project, endpoints)]
        self._check_interval_s = check_interval_s
        self._unhealthy_restart_s = unhealthy_restart_s
        self._max_backoff_s = max_backoff_s
        self._monitor: asyncio.Task[None] | None = None
        self._http: aiohttp.ClientSession | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> RasaSupervisor:
        """Build a supervisor for the servers the dialogue settings point at."""
        ports = {lang: port_of(url, 5005) for lang, url in settings.dialogue.rasa_urls.items()}
        return cls(ports, port_of(settings.dialogue.action_server_url, 5055))

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
            model = next((a for a in child.spec.argv if a.endswith(".tar.gz")), None)
            if model and not Path(model).is_file():
                raise DialogueError("rasa-model-missing", f"{model} missing: run rasa_project/train.sh")
        self._log_dir.mkdir(parents=True, exist_ok=True)

    async def start(self) -> None:
        """Start every server and the monitor task (returns at once; see ``wait_ready``)."""
        await asyncio.to_thread(self.check_installed)
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3))
        for child in self._children:
            await self._spawn(child)
        self._monitor = asyncio.create_task(self._watch(), name="rasa-supervisor")

    async def wait_ready(self, timeout_s: float = 240.0) -> None:
        """Wait until every server answers its health check; raise DialogueError on timeout."""
        deadline = time.monotonic() + timeout_s
        while True:
            states = await asyncio.gather(*(self._check(c) for c in self._children))
            if all(states):
                return
            if time.monotonic() > deadline:
                down = [c.spec.name for c, ok in zip(self._children, states, strict=True) if not ok]
                raise DialogueError("rasa-unreachable", f"not ready after {timeout_s:.0f} s: {', '.join(down)}")
            await asyncio.sleep(1.0)

    async def stop(self, grace_s: float = 10.0) -> None:
        """Stop the monitor and every server (SIGTERM, then SIGKILL after ``grace_s``)."""
        if self._monitor is not None:
            self._monitor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._monitor
            self._monitor = None
        await asyncio.gather(*(self._terminate(c, grace_s) for c in self._children))
        if self._http is not None:
            await self._http.close()
            self._http = None
        self._tmp.cleanup()

    async def _spawn(self, child: _Child) -> None:
        env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
               "PYTHONUNBUFFERED": "1", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
        env.pop("VIRTUAL_ENV", None)
        child.log_file = self._log_dir / f"{child.spec.name}.log"
        with child.log_file.open("ab") as out:
            child.process = await asyncio.create_subprocess_exec(
                *child.spec.argv, cwd=self._project, env=env, stdout=out, stderr=asyncio.subprocess.STDOUT,
                stdin=asyncio.subprocess.DEVNULL, start_new_session=True,
            )
        child.healthy = False
        child.unhealthy_since = time.monotonic()
        log.info("started %s (pid %d), log %s", child.spec.name, child.process.pid, child.log_file)

    async def _check(self, child: _Child) -> bool:
        if child.process is None or child.process.returncode is not None or self._http is None:
            return False
        try:
            async with self._http.get(child.spec.health_url) as response:
                ok = response.status == 200
        except (aiohttp.ClientError, TimeoutError):
            ok = False
        if ok != child.healthy:
            log.info("%s is %s", child.spec.name, "healthy" if ok else "not healthy")
        child.healthy = ok
        child.unhealthy_since = None if ok else (child.unhealthy_since or time.monotonic())
        return ok

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self._check_interval_s)
            for child in self._children:
                await self._tend(child)

    async def _tend(self, child: _Child) -> None:
        now = time.monotonic()
        dead = child.process is None or child.process.returncode is not None
        if not dead and not await self._check(child):
            stuck = child.unhealthy_since is not None and now - child.unhealthy_since > self._unhealthy_restart_s
            if not stuck:
                return
            log.warning("%s unhealthy for %.0f s: restarting", child.spec.name, now - (child.unhealthy_since or now))
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
