"""RasaSupervisor with fake server processes (tests/fake_rasa.py): start, readiness, restarts, stop.

Start-up (issue 12): on a 2-core machine two Rasa servers need minutes to load. The supervisor must start them
one after the other, never restart one that is still making progress, and restart only one that exited or
showed no progress for ``start_grace_s``. Timings are scaled down here through the same settings.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import signal
from pathlib import Path

import pytest

from tests.fake_rasa import free_port, make_project, starts
from voicebot.errors import DialogueError
from voicebot.rasa.api_token import RasaToken
from voicebot.rasa.supervisor import RasaSupervisor
from voicebot.settings import DialogueSettings, Settings

TOKEN = RasaToken("test-token-8c1f0d")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _supervisor(project: Path, tmp_path: Path, langs: tuple[str, ...] = ("zh-CN",), **timing: float) -> RasaSupervisor:
    ports = {lang: free_port() for lang in langs}
    return RasaSupervisor(ports, free_port(), token=TOKEN, project=project, log_dir=tmp_path / "logs",
                          check_interval_s=0.2, max_backoff_s=0.5, **timing)


async def test_start_restart_stop(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", {})
    supervisor = _supervisor(project, tmp_path)
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


async def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", {})
    (project / "models" / "zh-CN" / "zh-CN.tar.gz").unlink()
    supervisor = _supervisor(project, tmp_path)
    with pytest.raises(DialogueError) as err:
        await supervisor.start()
    assert err.value.code == "rasa-model-missing"
    await supervisor.stop()


async def test_a_slow_but_progressing_start_is_not_restarted(tmp_path: Path) -> None:
    # Loads for 3 s (logging all along), far longer than the grace for silence (1 s): it is left alone.
    project = make_project(tmp_path / "project", {"zh-CN": "slow:3"})
    async with _supervisor(project, tmp_path, start_grace_s=1.0, unhealthy_restart_s=0.5) as supervisor:
        await supervisor.wait_ready(timeout_s=30)
        assert supervisor.restarts == {"actions": 0, "rasa-zh-CN": 0}
    assert [s["name"] for s in starts(project)] == ["actions", "zh-CN"]


async def test_a_quiet_start_within_the_grace_is_not_restarted(tmp_path: Path) -> None:
    # Silent for 2 s, then listening: within a 10 s grace, even with a 0.5 s unhealthy limit for running servers.
    project = make_project(tmp_path / "project", {"zh-CN": "quiet:2"})
    async with _supervisor(project, tmp_path, start_grace_s=10.0, unhealthy_restart_s=0.5) as supervisor:
        await supervisor.wait_ready(timeout_s=30)
        assert supervisor.restarts["rasa-zh-CN"] == 0


async def test_a_silent_start_is_restarted_after_the_grace(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", {"zh-CN": "silent-once"})
    async with _supervisor(project, tmp_path, start_grace_s=1.0) as supervisor:
        await supervisor.wait_ready(timeout_s=30)
        assert supervisor.restarts == {"actions": 0, "rasa-zh-CN": 1}
    names = [s["name"] for s in starts(project)]
    assert names == ["actions", "zh-CN", "zh-CN"]


async def test_a_server_that_exits_at_start_is_restarted(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", {"zh-CN": "exit"})
    async with _supervisor(project, tmp_path, start_grace_s=60.0) as supervisor:
        with pytest.raises(DialogueError):
            await supervisor.wait_ready(timeout_s=3)
        assert supervisor.restarts["rasa-zh-CN"] >= 2  # not held back by the long start grace


async def test_languages_start_one_after_the_other(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", {"zh-CN": "slow:2", "en-US": "ok"}, ("zh-CN", "en-US"))
    async with _supervisor(project, tmp_path, ("zh-CN", "en-US"), start_grace_s=30.0) as supervisor:
        await supervisor.wait_ready(timeout_s=30)
        assert supervisor.restarts == {"actions": 0, "rasa-zh-CN": 0, "rasa-en-US": 0}
    at = {s["name"]: s["t"] for s in starts(project)}
    assert list(at) == ["actions", "zh-CN", "en-US"]
    assert at["en-US"] - at["zh-CN"] >= 2.0  # en-US waited until zh-CN was ready


async def test_the_next_language_starts_when_the_previous_grace_is_over(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", {"zh-CN": "silent-once", "en-US": "ok"}, ("zh-CN", "en-US"))
    async with _supervisor(project, tmp_path, ("zh-CN", "en-US"), start_grace_s=1.5) as supervisor:
        await supervisor.wait_ready(timeout_s=30)
    at = [(s["name"], s["t"]) for s in starts(project)]
    first_zh = next(t for name, t in at if name == "zh-CN")
    en = next(t for name, t in at if name == "en-US")
    assert 1.5 <= en - first_zh < 10


async def test_timings_come_from_the_settings(tmp_path: Path) -> None:
    dialogue = dataclasses.replace(DialogueSettings(), rasa_token="from-settings", start_grace_s=7.0,
                                   unhealthy_restart_s=3.0, ready_timeout_s=11.0)
    supervisor = RasaSupervisor.from_settings(Settings(dialogue=dialogue), log_dir=tmp_path)
    assert (supervisor._start_grace_s, supervisor._unhealthy_restart_s, supervisor._ready_timeout_s) == (7, 3, 11)
    assert [spec.name for spec in supervisor.specs] == ["actions", "rasa-zh-CN", "rasa-en-US"]
    await supervisor.stop()


async def test_the_token_reaches_rasa_in_the_environment_only(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    project = make_project(tmp_path / "project", {})
    async with _supervisor(project, tmp_path) as supervisor:
        await supervisor.wait_ready(timeout_s=20)
    by_name = {s["name"]: s for s in starts(project)}
    assert by_name["zh-CN"]["token"] == TOKEN.value
    assert by_name["actions"]["token"] is None  # the action server has no use for it
    assert all(TOKEN.value not in " ".join(s["argv"]) for s in by_name.values())  # not on any command line
    assert {s["host"] for s in by_name.values()} == {"127.0.0.1"}  # both listen on loopback only
    assert caplog.records and not any(TOKEN.value in r.getMessage() for r in caplog.records)
    assert TOKEN.value not in repr(supervisor.specs) and TOKEN.value not in repr(TOKEN)


async def test_a_running_server_that_hangs_is_restarted_although_its_port_is_open(tmp_path: Path) -> None:
    # Up for 1 s, then silent and unanswering; an open port counts as progress only while starting.
    project = make_project(tmp_path / "project", {"zh-CN": "hang-after:1"})
    async with _supervisor(project, tmp_path, start_grace_s=60.0, unhealthy_restart_s=1.0) as supervisor:
        await supervisor.wait_ready(timeout_s=20)
        for _ in range(100):
            if supervisor.restarts["rasa-zh-CN"]:
                break
            await asyncio.sleep(0.2)
        assert supervisor.restarts == {"actions": 0, "rasa-zh-CN": 1}
