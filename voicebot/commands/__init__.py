"""CLI subcommands: one module each, each with ``register(subparsers)`` setting ``func``."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from voicebot.commands import (
    agents_cmd,
    call_cmd,
    config_cmd,
    faq_cmd,
    loadtest_cmd,
    models_cmd,
    rasa_cmd,
    replay_cmd,
    serve_cmd,
    talk_cmd,
)

# A literal registry (no import-by-string): add a module here to add a subcommand.
COMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    call_cmd.register,
    talk_cmd.register,
    models_cmd.register,
    agents_cmd.register,
    faq_cmd.register,
    serve_cmd.register,
    replay_cmd.register,
    config_cmd.register,
    rasa_cmd.register,
    loadtest_cmd.register,
)
