"""One set of real Rasa servers (zh-CN, en-US, actions) for the whole test session, on free ports."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import threading
from pathlib import Path

from voicebot.rasa.api_token import RasaToken
from voicebot.rasa.supervisor import RasaSupervisor

READY_TIMEOUT_S = 900.0
"""Loading two models on a busy 2-core CI machine can take minutes."""


def free_ports(count: int) -> list[int]:
    """Return ``count`` distinct free TCP ports on localhost."""
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [int(s.getsockname()[1]) for s in sockets]
    for s in sockets:
        s.close()
    return ports


class RasaServers:
    """Runs a RasaSupervisor on its own event loop in a thread until ``stop()``."""

    def __init__(self, log_dir: Path) -> None:
        zh, en, actions = free_ports(3)
        self.token = RasaToken(secrets.token_urlsafe(24))
        """The API token of these servers (also in the environment, for load_settings() in tests)."""
        self.env = {
            "VOICEBOT_DIALOGUE__RASA_TOKEN": self.token.value,
            "VOICEBOT_DIALOGUE__RASA_URLS": f"zh-CN=http://127.0.0.1:{zh},en-US=http://127.0.0.1:{en}",
            "VOICEBOT_DIALOGUE__ACTION_SERVER_URL": f"http://127.0.0.1:{actions}",
            "VOICEBOT_DIALOGUE__MANAGE_SERVERS": "false",
        }
        self.urls = {"zh-CN": f"http://127.0.0.1:{zh}", "en-US": f"http://127.0.0.1:{en}"}
        # No restarts while a slow machine is still loading the models.
        self._supervisor_args = ({"zh-CN": zh, "en-US": en}, actions)
        self._log_dir = log_dir
        self.log_dir = log_dir
        """Where the servers' logs are (``<server>.log``)."""
        self.supervisor: RasaSupervisor | None = None
        """The supervisor running them (set once started)."""
        self._ready = threading.Event()
        self._done = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), name="rasa-servers", daemon=True)

    async def _main(self) -> None:
        try:
            ports, actions = self._supervisor_args
            supervisor = RasaSupervisor(ports, actions, token=self.token, log_dir=self._log_dir,
                                        start_grace_s=READY_TIMEOUT_S, ready_timeout_s=READY_TIMEOUT_S)
            self.supervisor = supervisor
            async with supervisor:
                await supervisor.wait_ready(timeout_s=READY_TIMEOUT_S)
                self._ready.set()
                await asyncio.to_thread(self._done.wait)
        except BaseException as err:  # handed to the test thread, which fails with it
            self._error = err
            self._ready.set()
            if isinstance(err, asyncio.CancelledError):
                raise

    def start(self) -> None:
        """Start the servers and wait until all answer; raise what went wrong otherwise."""
        self._thread.start()
        self._ready.wait(timeout=READY_TIMEOUT_S + 60)
        if self._error is not None:
            raise self._error
        assert self._ready.is_set(), "the Rasa servers did not become ready"
        os.environ.update(self.env)  # subprocesses and load_settings() in tests reach these servers

    def stop(self) -> None:
        """Stop the servers and forget their environment."""
        for key in self.env:
            os.environ.pop(key, None)
        self._done.set()
        self._thread.join(timeout=60)
