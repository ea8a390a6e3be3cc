"""Make the callers' audio for every scenario: espeak-ng speaking each turn's ``say:`` text, as 8 kHz 16-bit mono WAV.

Deterministic and rerunnable: the same text, voice and espeak-ng version give the same
bytes. The caller's voices differ from the bot's (a female variant and another accent),
so a listener can tell both sides apart. Mandarin goes through the project's own
normaliser and pinyin conversion, as the bot's TTS does (espeak-ng's ``cmn`` voice
mispronounces Hanzi). Turns pointing at ``../shared/speech`` are not touched.

    .venv/bin/python audio_fixtures/make_audio.py            # write missing or outdated files
    .venv/bin/python audio_fixtures/make_audio.py --force    # rewrite everything
    .venv/bin/python audio_fixtures/make_audio.py --check    # exit 1 if any file is missing or outdated
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import yaml  # noqa: E402

from tts.normalize import is_chinese, normalize  # noqa: E402
from tts.pinyin import to_pinyin  # noqa: E402
from voicebot.audio import resample, write_wav  # noqa: E402

RATE = 8000
"""Telephone rate: what the bot hears on a real line."""
VOICES = {"zh-CN": "cmn-latn-pinyin+f2", "en-US": "en-gb+f3"}
"""Caller voices (the bot speaks cmn-latn-pinyin and en-us with the default male variant)."""
SPEED_WPM = 150
"""A little slower than the bot: callers on a phone speak deliberately."""
LEAD_MS = 200
"""Silence before the words (as on a real line, and so VAD pre-roll has something to keep)."""
MANIFEST = HERE / "audio_manifest.json"
"""Per WAV file: hash of (text, voice, speed) it was made from; tells which files are outdated."""


def espeak_text(text: str, lang: str) -> str:
    """Return what espeak-ng is given for ``text`` (normalised; pinyin for Mandarin)."""
    spoken = normalize(text, lang)
    return to_pinyin(spoken) if is_chinese(lang) else spoken


def render(text: str, lang: str) -> bytes:
    """Return ``text`` spoken by the caller voice as 16-bit PCM at 8 kHz."""
    import wave

    argv = ["espeak-ng", "-v", VOICES[lang], "-s", str(SPEED_WPM), "--stdout", espeak_text(text, lang)]
    raw = subprocess.run(argv, check=True, capture_output=True, timeout=60).stdout
    with wave.open(io.BytesIO(raw)) as wav:
        rate, pcm = wav.getframerate(), wav.readframes(wav.getnframes())
    lead = b"\x00\x00" * (RATE * LEAD_MS // 1000)
    return lead + resample(pcm, rate, RATE)


def recipe(text: str, lang: str) -> str:
    """Return the fingerprint of what a scenario asks for (text, voice, format).

    Deliberately not the espeak-ng version or the normaliser's output: a change there does not make
    the committed audio wrong (it still says the text), so ``--check`` stays quiet; ``--force``
    rebuilds everything with the tools at hand, byte for byte the same on the same tools.
    """
    key = json.dumps([text, lang, VOICES[lang], SPEED_WPM, LEAD_MS, RATE], ensure_ascii=False)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def wanted() -> dict[Path, tuple[str, str]]:
    """Return every project-made WAV the scenarios use, with its text and language."""
    files: dict[Path, tuple[str, str]] = {}
    for scenario in sorted(HERE.rglob("scenario.yaml")):
        data = yaml.safe_load(scenario.read_text(encoding="utf-8")) or {}
        lang = data.get("language", "")
        for turn in data.get("turns") or []:
            if isinstance(turn, dict) and turn.get("audio") and turn.get("say") and lang in VOICES:
                files[(scenario.parent / turn["audio"]).resolve()] = (str(turn["say"]), lang)
    return files


def main(argv: list[str] | None = None) -> int:
    """Write (or check) the scenario audio; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--force", action="store_true", help="rewrite every file")
    parser.add_argument("--check", action="store_true", help="only report missing or outdated files")
    args = parser.parse_args(argv)
    manifest: dict[str, str] = json.loads(MANIFEST.read_text()) if MANIFEST.is_file() else {}
    files = wanted()
    outdated = [
        p for p, (text, lang) in files.items()
        if args.force or not p.is_file() or manifest.get(str(p.relative_to(HERE))) != recipe(text, lang)
    ]  # fmt: skip
    if args.check:
        for path in outdated:
            print(f"outdated or missing: {path.relative_to(HERE)}")
        return 1 if outdated else 0
    for path in outdated:
        text, lang = files[path]
        write_wav(path, render(text, lang), RATE)
        manifest[str(path.relative_to(HERE))] = recipe(text, lang)
        print(f"wrote {path.relative_to(HERE)}: {text}")
    known = {str(p.relative_to(HERE)) for p in files}
    manifest = {k: v for k, v in sorted(manifest.items()) if k in known}
    MANIFEST.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(outdated)} written, {len(files) - len(outdated)} up to date", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
