"""Settings: the TOML file, environment overrides, clear errors, and the documented example staying true."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from voicebot.errors import ConfigError
from voicebot.settings import Settings, load_settings

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "voicebot.example.toml"


def test_example_file_documents_every_setting_with_its_default() -> None:
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    defaults = Settings()
    for section in dataclasses.fields(Settings):
        values = dataclasses.asdict(getattr(defaults, section.name))
        assert data[section.name] == values, f"docs/voicebot.example.toml [{section.name}] is out of date"


def test_environment_overrides_win(tmp_path: Path) -> None:
    path = tmp_path / "v.toml"
    path.write_text('[session]\nend_silence_ms = 900\n[server]\nport = 9000\n', encoding="utf-8")
    env = {"VOICEBOT_SERVER__PORT": "9100", "VOICEBOT_ASR__MODELS": "zh-CN=/m/zh,en-US=/m/en"}
    settings = load_settings(path, env=env)
    assert settings.session.end_silence_ms == 900
    assert settings.server.port == 9100
    assert settings.asr.models == {"zh-CN": "/m/zh", "en-US": "/m/en"}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("[sesion]\nx = 1\n", "config-unknown-section"),
        ("[session]\nend_silence = 1\n", "config-unknown-key"),
        ("[session\n", "config-bad-toml"),
    ],
)
def test_bad_files_give_clear_errors(tmp_path: Path, text: str, code: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(path, env={})
    assert err.value.code == code


def test_missing_file_and_bad_env_value(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", env={})
    with pytest.raises(ConfigError) as err:
        load_settings(None, env={"VOICEBOT_SERVER__PORT": "eighty"})
    assert err.value.code == "config-bad-value"
