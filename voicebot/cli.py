"""The ``voicebot`` command."""

from __future__ import annotations

import argparse
import logging
import sys

from voicebot import __version__
from voicebot.commands import COMMANDS
from voicebot.commands.verbosity import VERBOSE_HELP
from voicebot.errors import VoicebotError
from voicebot.runtime.logs import setup_logging


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="voicebot",
        description="Self-hosted voice bot for citizen hotlines: answers calls, files tickets, hands off to agents.",
    )
    parser.add_argument("--version", action="version", version=f"voicebot {__version__}")
    parser.add_argument("--config", help="settings file (TOML); default: $VOICEBOT_CONFIG or built-in defaults")
    parser.add_argument("-v", "--verbose", action="count", default=0, help=VERBOSE_HELP)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for register in COMMANDS:
        register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(logging.WARNING - 10 * args.verbose)
    try:
        code: int = args.func(args)
    except VoicebotError as err:
        print(f"voicebot: error: {err.message} ({err.code})", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
