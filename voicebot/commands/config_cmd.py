"""``voicebot config``: print the settings in force, or an example file with every default."""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

from voicebot.runtime.redact import mask
from voicebot.settings import Settings, load_settings

HEADER = (
    "# Example settings for hotline-voicebot: every field with its default. Copy, keep what you change.\n"
    "# Use with `voicebot --config voicebot.toml ...` or VOICEBOT_CONFIG=voicebot.toml.\n"
)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_value(str(k))} = {_toml_value(v)}" for k, v in value.items()) + " }"
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def to_toml(settings: Settings, hide_secrets: bool = False) -> str:
    """Return settings as a TOML document (one table per section); ``hide_secrets``: set ``*_token`` as ``***``."""
    lines: list[str] = []
    for section in dataclasses.fields(Settings):
        lines.append(f"\n[{section.name}]")
        values = getattr(settings, section.name)
        for f in dataclasses.fields(values):
            value = getattr(values, f.name)
            secret = hide_secrets and f.name.endswith("_token") and value
            lines.append(f"{f.name} = {_toml_value('***' if secret else value)}")
    return "\n".join(lines).lstrip("\n") + "\n"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``config`` subcommand."""
    parser = subparsers.add_parser("config", help="print settings", description="Print settings as TOML.")
    parser.add_argument("what", choices=["show", "example"],
                        help="show: the settings in force (file + environment); example: every default")  # fmt: skip
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the requested settings."""
    if args.what == "example":
        print(HEADER + "\n" + to_toml(Settings()), end="")
    else:
        print(mask(to_toml(load_settings(args.config), hide_secrets=True)), end="")
    return 0
