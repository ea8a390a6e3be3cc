"""Fake vosk model trees and archives for the model tests."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

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
