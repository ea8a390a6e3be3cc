"""``voicebot talk``: a live call from the local microphone and speaker."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses

from voicebot.call.session import CallSession
from voicebot.commands.call_cmd import format_record
from voicebot.engines import open_engines
from voicebot.lines.mic_line import MicrophoneLine
from voicebot.settings import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``talk`` subcommand."""
    parser = subparsers.add_parser(
        "talk",
        help="talk to the bot with the local microphone and speaker",
        description="Talk to the bot with the local microphone and speaker (needs a sound card and libportaudio2).",
    )
    parser.add_argument("--lang", choices=["zh-CN", "en-US"], help="call language (default: settings)")
    parser.set_defaults(func=run)


async def _talk(args: argparse.Namespace) -> str:
    settings = load_settings(args.config)
    line = MicrophoneLine()  # fails fast, with a clear message, when there is no sound device
    async with line, open_engines(settings, rate=line.info.rate) as runtime:
        if args.lang:
            line.info = dataclasses.replace(line.info, lang=args.lang)
        record = await CallSession(line, runtime.engines, settings.session).run()
        return format_record(record)


def run(args: argparse.Namespace) -> int:
    """Run a live call until the bot or Ctrl-C ends it."""
    print(asyncio.run(_talk(args)))
    return 0
