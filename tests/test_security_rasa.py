"""Issue 12, the Rasa side: the HTTP API needs the token, the servers listen on loopback, the token stays secret.

The real-Rasa tests use the session's servers (tests/conftest.py, started by the project's supervisor with a
fresh token); the token-file tests need nothing.
"""

from __future__ import annotations

import dataclasses
import os
import stat
import subprocess
import uuid
from pathlib import Path

import aiohttp
import psutil
import pytest
import yaml

from dialogue.rasa_client import RasaClient
from tests.rasa_support import RasaServers
from voicebot.cli import main
from voicebot.errors import ConfigError
from voicebot.rasa.api_token import RasaToken, load_rasa_token
from voicebot.rasa.specs import RASA_DIR, port_of
from voicebot.settings import PROJECT_ROOT, DialogueSettings


def _dialogue(tmp_path: Path, token: str = "") -> DialogueSettings:
    return dataclasses.replace(DialogueSettings(), rasa_token=token, rasa_token_file=str(tmp_path / "d" / "tok"))


def test_a_token_is_generated_once_into_a_private_file(tmp_path: Path) -> None:
    first = load_rasa_token(_dialogue(tmp_path))
    path = tmp_path / "d" / "tok"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first.value) >= 32 and path.read_text().strip() == first.value
    assert load_rasa_token(_dialogue(tmp_path)) == first  # the next start uses the same one
    assert first.value not in repr(first) and first.value not in str(first)


def test_the_configured_token_wins_and_a_loose_file_is_tightened(tmp_path: Path) -> None:
    assert load_rasa_token(_dialogue(tmp_path, "from-env")).value == "from-env"
    assert not (tmp_path / "d" / "tok").exists()
    path = tmp_path / "d" / "tok"
    path.parent.mkdir()
    path.write_text("handmade\n")
    path.chmod(0o644)
    assert load_rasa_token(_dialogue(tmp_path)).value == "handmade"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_empty_token_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "tok").write_text("\n")
    with pytest.raises(ConfigError) as err:
        load_rasa_token(_dialogue(tmp_path))
    assert err.value.code == "rasa-token-empty"


@pytest.mark.real
def test_the_launcher_refuses_an_open_api() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RASA_AUTH_TOKEN")}
    python = str(RASA_DIR / ".venv" / "bin" / "python")
    done = subprocess.run([python, "scripts/serve.py", "run", "--enable-api", "--port", "1"], cwd=RASA_DIR, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0 and "--enable-api needs RASA_AUTH_TOKEN" in done.stderr
    with_arg = subprocess.run([python, "scripts/serve.py", "run", "--enable-api", "--auth-token", "x"], cwd=RASA_DIR,
                              env=env, capture_output=True, text=True, timeout=60, check=False)
    assert with_arg.returncode != 0 and "not on the command line" in with_arg.stderr


def _listening(pid: int, port: int) -> set[str]:
    return {c.laddr.ip for c in psutil.Process(pid).net_connections(kind="tcp")
            if c.status == psutil.CONN_LISTEN and c.laddr.port == port}


@pytest.mark.rasa
@pytest.mark.real
async def test_the_tracker_api_needs_the_token(rasa_servers: RasaServers) -> None:
    url, token = rasa_servers.urls["zh-CN"], rasa_servers.token.value
    caller = uuid.uuid4().hex
    client = RasaClient({"zh-CN": url}, timeout_s=30, token=rasa_servers.token)
    try:
        turn = await client.respond(caller, "嗯 那个 公积金 怎么 提取", "zh-CN", {})  # the bot's client works
        assert turn.intent == "faq/provident_fund"
        assert await client.health() == {"zh-CN": True}
    finally:
        await client.aclose()
    tracker = f"{url}/conversations/{caller}/tracker"
    event = {"event": "slot", "name": "location", "value": "attacker"}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        async with http.get(tracker) as anonymous:
            assert anonymous.status in (401, 403)
        async with http.get(tracker, params={"token": "guess"}) as wrong:
            assert wrong.status in (401, 403)
        async with http.post(f"{tracker}/events", json=event) as change:
            assert change.status in (401, 403)
        talk = {"sender": caller, "message": "我的电话是多少"}
        async with http.post(f"{url}/webhooks/rest/webhook", json=talk) as injected:  # the input channel too
            assert injected.status in (401, 403)
        async with http.get(f"{url}/") as root:  # the supervisor's health check needs no token
            assert root.status == 200
        async with http.get(tracker, params={"token": token}) as allowed:
            assert allowed.status == 200
            assert (await allowed.json())["sender_id"] == caller
            assert (await allowed.json())["slots"].get("location") != "attacker"


@pytest.mark.rasa
@pytest.mark.real
def test_the_servers_listen_on_loopback_only(rasa_servers: RasaServers) -> None:
    assert rasa_servers.supervisor is not None
    pids = rasa_servers.supervisor.pids()
    actions = port_of(rasa_servers.env["VOICEBOT_DIALOGUE__ACTION_SERVER_URL"], 5055)
    assert _listening(pids["actions"] or 0, actions) == {"127.0.0.1"}
    for lang, url in rasa_servers.urls.items():
        assert _listening(pids[f"rasa-{lang}"] or 0, port_of(url, 5005)) == {"127.0.0.1"}


@pytest.mark.rasa
@pytest.mark.real
async def test_the_token_is_in_no_log_and_no_command_line(rasa_servers: RasaServers) -> None:
    url, token = rasa_servers.urls["en-US"], rasa_servers.token
    client = RasaClient({"en-US": url}, timeout_s=30, token=token)
    try:
        await client.respond(uuid.uuid4().hex, "hello", "en-US", {})  # requests carrying the token
    finally:
        await client.aclose()
    assert rasa_servers.supervisor is not None
    for name, pid in rasa_servers.supervisor.pids().items():
        assert pid is not None, name
        assert token.value not in " ".join(psutil.Process(pid).cmdline()), name
    logs = sorted(rasa_servers.log_dir.glob("*.log"))
    assert {p.name for p in logs} >= {"actions.log", "rasa-zh-CN.log", "rasa-en-US.log"}
    for log in logs:
        assert token.value not in log.read_text(errors="replace"), log.name


def test_the_client_keeps_the_token_out_of_errors() -> None:
    token = RasaToken("s3cret-value")
    assert token.scrub("GET http://h/x?token=s3cret-value: boom") == "GET http://h/x?token=***: boom"
    assert RasaToken("").scrub("unchanged") == "unchanged"


def test_compose_publishes_only_the_bot_on_loopback_and_ships_no_password() -> None:
    compose = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text())
    services = compose["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"bot", "bot2"}
    for name in published:
        assert all(str(port).startswith("${VOICEBOT_BIND:-127.0.0.1}:") for port in services[name]["ports"]), name
    assert compose["networks"]["backend"]["internal"] is True
    for name in ("rasa-zh", "rasa-en", "actions", "db", "redis"):
        assert services[name]["networks"] == ["backend"], name
    assert services["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    for name in ("bot", "bot2"):
        env = services[name]["environment"]
        assert "${POSTGRES_PASSWORD:?" in env["VOICEBOT_HANDOFF__DATABASE_URL"], name
        assert env["VOICEBOT_DIALOGUE__RASA_TOKEN"].startswith("${RASA_AUTH_TOKEN:?"), name
        assert env["VOICEBOT_SERVER__MEDIA_TOKEN"].startswith("${VOICEBOT_MEDIA_TOKEN:?"), name  # serve needs one
    for name in ("rasa-zh", "rasa-en"):
        assert services[name]["environment"]["RASA_AUTH_TOKEN"].startswith("${RASA_AUTH_TOKEN:?"), name
        assert "--enable-api" in services[name]["command"]
    assert 'ENTRYPOINT ["python", "scripts/serve.py"]' in (RASA_DIR / "Dockerfile").read_text()


def test_config_show_hides_the_token(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("VOICEBOT_DIALOGUE__RASA_TOKEN", "do-not-print-me")
    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert "do-not-print-me" not in out and 'rasa_token = "***"' in out
