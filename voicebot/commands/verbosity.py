"""The ``-v/--verbose`` option, accepted before the subcommand (``voicebot -v serve``) and after it
(``voicebot serve -v``, which is what ``./dev up -v`` runs)."""

from __future__ import annotations

import argparse

VERBOSE_HELP = "more logging: -v shows INFO (server starts, readiness), -vv DEBUG"


def add_verbose(parser: argparse.ArgumentParser) -> None:
    """Add ``-v/--verbose`` to a subcommand; it leaves the top-level count alone when not given."""
    parser.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS, help=VERBOSE_HELP)
