"""RasaSupervisor with a fake ``rasa`` executable: start, health, restart after a crash, stop."""

from __future__ import annotations

import os
import signal
import socket
import sys
from pathlib import Path

import pytest

from voicebot.errors import DialogueError
from voicebot.rasa_supervisor import RasaSupervisor

FAKE_RASA = """#!{python}
import http.server, sys
port = int(sys.argv[sys.argv.index("--port") + 1])

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass

http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    rasa = tmp_path / ".venv" / "bin" / "rasa"
    rasa.parent.mkdir(parents=True)
    rasa.write_text(FAKE_RASA.format(python=sys.executable))
    rasa.chmod(0o755)
    (tmp_path / "models" / "zh-CN").mkdir(parents=True)
    (tmp_path / "models" / "zh-CN" / "zh-CN.tar.gz").write_bytes(b"model")
    return tmp_path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_start_restart_stop(project: Path, tmp_path: Path) -> None:
    supervisor = RasaSupervisor({"zh-CN": _free_port()}, _free_port(), project=project, log_dir=tmp_path / "logs",
                                check_interval_s=0.2, max_backoff_s=0.5)
    async with supervisor:
        await supervisor.wait_ready(timeout_s=20)
        first = supervisor.pids()
        assert set(first) == {"actions", "rasa-zh-CN"} and all(first.values())
        os.kill(first["rasa-zh-CN"] or 0, signal.SIGKILL)  # the server dies
        await supervisor.wait_ready(timeout_s=20)
        assert supervisor.restarts == {"actions": 0, "rasa-zh-CN": 1}
        assert supervisor.pids()["rasa-zh-CN"] not in (None, first["rasa-zh-CN"])
        running = [pid for pid in supervisor.pids().values() if pid]
    assert not any(_alive(pid) for pid in running)
    assert (tmp_path / "logs" / "rasa-zh-CN.log").is_file()


async def test_missing_model_is_a_clear_error(project: Path, tmp_path: Path) -> None:
    (project / "models" / "zh-CN" / "zh-CN.tar.gz").unlink()
    supervisor = RasaSupervisor({"zh-CN": _free_port()}, _free_port(), project=project, log_dir=tmp_path / "logs")
    with pytest.raises(DialogueError) as err:
        await supervisor.start()
    assert err.value.code == "rasa-model-missing"
    await supervisor.stop()
