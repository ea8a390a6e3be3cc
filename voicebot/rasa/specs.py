"""What the supervisor runs: the command line, environment and health URL of each Rasa-side server.

Every server is started through ``rasa_project/scripts/serve.py`` with the venv's Python: it gives ``rasa run``
the API token from the environment (never the command line, which ``ps`` shows to every user) and makes the
action server listen on ``host`` (rasa_sdk 3.6 has no ``--interface``; it reads ``SANIC_HOST``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from voicebot.rasa.api_token import RasaToken
from voicebot.settings import PROJECT_ROOT

RASA_DIR = PROJECT_ROOT / "rasa_project"
"""The Rasa project (venv, models, actions)."""

LOOPBACK = "127.0.0.1"
"""Where the supervised servers listen: only processes on this machine reach them."""


@dataclass(frozen=True, slots=True)
class ServerSpec:
    """One supervised server (no secrets: the token is added to the environment at spawn)."""

    name: str
    """``rasa-zh-CN``, ``rasa-en-US`` or ``actions``."""
    argv: tuple[str, ...]
    """Command line."""
    host: str
    """Listen address."""
    port: int
    """Listen port."""
    health_url: str
    """URL answering 200 when the server is ready."""
    needs_token: bool
    """Whether the server gets the API token (the Rasa servers; the action server has no token auth)."""
    model: Path | None = None
    """The trained model it loads (Rasa servers)."""


def port_of(url: str, default: int) -> int:
    """Return the port of an ``http://host:port`` URL."""
    return urlsplit(url).port or default


def server_specs(
    rasa_ports: dict[str, int], actions_port: int, project: Path, endpoints: Path, host: str = LOOPBACK
) -> list[ServerSpec]:
    """Return the action server and one Rasa server per language, in start order."""
    python = str(project / ".venv" / "bin" / "python")
    serve = str(project / "scripts" / "serve.py")
    specs = [ServerSpec("actions", (python, serve, "run", "actions", "--port", str(actions_port), "--actions",
                                    "actions"), host, actions_port, f"http://{host}:{actions_port}/health", False)]
    for lang, port in rasa_ports.items():
        model = project / "models" / lang / f"{lang}.tar.gz"
        argv = (python, serve, "run", "--enable-api", "--model", str(model), "--port", str(port), "--interface",
                host, "--endpoints", str(endpoints), "--credentials", str(project / "credentials.yml"))
        specs.append(ServerSpec(f"rasa-{lang}", argv, host, port, f"http://{host}:{port}/", True, model))
    return specs


def server_env(spec: ServerSpec, token: RasaToken) -> dict[str, str]:
    """Return the environment of a server process: quiet Rasa, its listen address and (Rasa) the token."""
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
           "PYTHONUNBUFFERED": "1", "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "SANIC_HOST": spec.host}
    for inherited in ("VIRTUAL_ENV", "RASA_AUTH_TOKEN", "RASA_AUTH_TOKEN_FILE"):
        env.pop(inherited, None)
    if spec.needs_token:
        env["RASA_AUTH_TOKEN"] = token.value
    return env
