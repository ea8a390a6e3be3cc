"""Train one Rasa model per language, cached by a fingerprint of every input.

A model is retrained only when the sha256 over its config, the shared and per-language domain, data,
knowledge base, this script, build.py and requirements.lock changes. Output: models/<lang>/<lang>.tar.gz
plus models/<lang>/fingerprint.txt. Run with the Rasa venv: .venv/bin/python scripts/train.py [LANG...] [--force]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import build

HERE = build.HERE


def inputs(lang: str) -> list[Path]:
    """Return every file the model for ``lang`` depends on."""
    files = [HERE / "config" / f"{lang}.yml", HERE / "domain" / "shared.yml", HERE / "domain" / f"{lang}.yml",
             HERE / "requirements.lock", HERE / "scripts" / "build.py", Path(__file__).resolve()]
    files += sorted((HERE / "data" / lang).rglob("*.yml"))
    files += sorted(p for p in (HERE / "knowledge").rglob("*") if p.is_file())
    return files


def fingerprint(lang: str) -> str:
    """Return the sha256 over the inputs' paths and contents."""
    digest = hashlib.sha256()
    for path in inputs(lang):
        digest.update(str(path.relative_to(HERE)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def model_path(lang: str) -> Path:
    """Return where the trained model for ``lang`` lives."""
    return HERE / "models" / lang / f"{lang}.tar.gz"


def up_to_date(lang: str) -> bool:
    """Return whether the cached model matches the current inputs."""
    stamp = HERE / "models" / lang / "fingerprint.txt"
    return model_path(lang).is_file() and stamp.is_file() and stamp.read_text().strip() == fingerprint(lang)


def train(lang: str, force: bool = False) -> float:
    """Train the model for ``lang`` unless cached; return the seconds spent."""
    if not force and up_to_date(lang):
        print(f"rasa train: {lang} model is up to date ({model_path(lang)})")
        return 0.0
    began = time.monotonic()
    built = build.build(lang)
    out = HERE / "models" / lang
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.tar.gz"):
        old.unlink()
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    cmd = [str(HERE / ".venv" / "bin" / "rasa"), "train", "--config", str(HERE / "config" / f"{lang}.yml"),
           "--domain", str(built / "domain"), "--data", str(built / "data"), "--out", str(out),
           "--fixed-model-name", lang]
    subprocess.run(cmd, cwd=HERE, env=env, check=True)
    (out / "fingerprint.txt").write_text(fingerprint(lang) + "\n")
    spent = time.monotonic() - began
    print(f"rasa train: {lang} trained in {spent:.0f} s -> {model_path(lang)}")
    return spent


def main() -> None:
    """Train the requested languages (default: all)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("langs", nargs="*", default=list(build.LANGS))
    parser.add_argument("--force", action="store_true", help="retrain even when the fingerprint matches")
    args = parser.parse_args()
    for lang in args.langs:
        train(lang, force=args.force)


if __name__ == "__main__":
    main()
