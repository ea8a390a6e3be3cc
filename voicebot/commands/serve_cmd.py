"""``voicebot serve``: answer calls from switches and browsers until told to stop."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import logging
import os
import signal
from typing import Any

from aiohttp import web

from voicebot.commands.verbosity import add_verbose
from voicebot.engines import open_engines
from voicebot.errors import VoicebotError
from voicebot.followup.service import followup_ctx
from voicebot.handoff.console import setup_console
from voicebot.handoff.retention_extra import extra_retention_ctx
from voicebot.handoff.spool import SpooledTicketStore
from voicebot.handoff.store import SqlTicketStore
from voicebot.media_auth import media_token
from voicebot.rasa.supervisor import RasaSupervisor
from voicebot.runtime.metrics import setup_metrics
from voicebot.server import AUDIOSOCKET, SIP, create_app
from voicebot.settings import Settings, load_settings, project_path
from voicebot.webguard.app import runner_options

logger = logging.getLogger(__name__)

HELP = """Answer calls over every configured protocol, one call session per call:

  SIP/RTP (UDP, [server] sip_port, peers in sip_peers), Asterisk AudioSocket (TCP, audiosocket_port),
  Twilio Media Streams (ws://HOST:PORT/twilio), plain WebSocket media (ws://HOST:PORT/media) and the
  browser softphone (http://HOST:PORT/softphone: log in to the agent console first, or use --dev).

Switches present [server] media_token (required: set it, or VOICEBOT_SERVER__MEDIA_TOKEN). --dev (what
./dev up runs) makes a random one for the run instead and lets the softphone call without a console login.

With [dialogue] manage_servers (the default) the Rasa and action servers are started and watched too.
SIGTERM/SIGINT stop taking calls (SIP 503), let current calls finish for shutdown_grace_s, then hang up."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``serve`` subcommand."""
    parser = subparsers.add_parser("serve", help="answer calls (SIP, AudioSocket, Twilio, WebSocket, softphone)",
                                   description=HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", help="listen address (default: [server] host)")
    parser.add_argument("--port", type=int, help="HTTP/WebSocket port (default: [server] port)")
    parser.add_argument("--sip-port", type=int, help="SIP UDP port, -1 for off (default: [server] sip_port)")
    parser.add_argument("--audiosocket-port", type=int, help="AudioSocket TCP port, -1 for off")
    parser.add_argument("--dev", action="store_true",
                        help="development mode ([server] development): no media_token needed, softphone without login")
    parser.add_argument("--no-rasa", action="store_true",
                        help="do not start the Rasa servers (use the running ones at [dialogue] rasa_urls)")
    add_verbose(parser)
    parser.set_defaults(func=run)


def apply_overrides(settings: Settings, args: argparse.Namespace) -> Settings:
    """Return settings with the command-line listen options applied."""
    overrides: dict[str, Any] = {name: getattr(args, name) for name in ("host", "port", "sip_port", "audiosocket_port")
                                 if getattr(args, name, None) is not None}
    if getattr(args, "dev", False):
        overrides["development"] = True
    return dataclasses.replace(settings, server=dataclasses.replace(settings.server, **overrides))


async def _announce_ready(supervisor: RasaSupervisor) -> None:
    try:
        await supervisor.wait_ready()
    except VoicebotError as err:
        logger.error("Rasa did not come up: %s (calls are handed to agents meanwhile)", err)
        return
    print("Rasa servers ready", flush=True)


PRIVATE_UMASK = 0o077
"""The service's umask: what it creates (database, spool, recordings, caches, Rasa logs) is its user's alone."""


def transfer_warning(settings: Settings) -> str | None:
    """Return what to warn about at start when SIP callers cannot be put through to a person, else None."""
    if settings.server.sip_port < 0 or settings.server.agent_uri:
        return None
    return ("[server] agent_uri is empty: SIP calls cannot be transferred to a person. A caller who presses 0 or "
            "asks for an agent waits in the queue; when an agent claims the ticket the caller is told an agent will "
            "call back (callback_due) and the call ends. Set agent_uri (e.g. sip:agents@pbx.example) to REFER "
            "callers to the agents.")


def run(args: argparse.Namespace) -> int:
    """Serve until SIGTERM or SIGINT."""
    os.umask(PRIVATE_UMASK)  # before anything is created: callers' numbers and words end up in these files
    settings = apply_overrides(load_settings(args.config), args)
    if args.no_rasa:
        settings = dataclasses.replace(settings, dialogue=dataclasses.replace(settings.dialogue, manage_servers=False))
    media_token(settings.server)  # a missing media token stops here, before minutes of model loading
    asyncio.run(serve(settings))
    return 0


async def serve(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Load the engines, run the app until ``stop`` is set (or a signal arrives), then shut down gracefully."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with contextlib.AsyncExitStack() as stack:
        supervisor: RasaSupervisor | None = None
        if settings.dialogue.manage_servers:  # start Rasa while the models and prompts load
            supervisor = await stack.enter_async_context(RasaSupervisor.from_settings(settings))
        runtime = await stack.enter_async_context(open_engines(settings))
        app = create_app(settings, runtime.session_factory)
        tickets = runtime.engines.tickets
        store = tickets.store if isinstance(tickets, SpooledTicketStore) else tickets
        assert isinstance(store, SqlTicketStore), "open_engines builds the SQL ticket store"
        # the same store the calls write (tickets show up at once) and the operator files the engines loaded
        setup_console(app, store, settings, book=runtime.engines.workorder, synthesizer=runtime.engines.synthesizer)
        spool = tickets if isinstance(tickets, SpooledTicketStore) else None
        app.cleanup_ctx.append(extra_retention_ctx(spool, settings.handoff.rasa_tracker_urls,
                                                   settings.handoff.retention_days,
                                                   recordings=project_path(settings.recording.directory)))
        app.cleanup_ctx.append(followup_ctx(settings, store, runtime.engines.synthesizer, runtime.engines.workorder))
        setup_metrics(app, runtime.metrics)
        runner = web.AppRunner(app, shutdown_timeout=settings.server.shutdown_grace_s + 10,
                               **runner_options(settings.server))
        await runner.setup()
        site = web.TCPSite(runner, settings.server.host, settings.server.port)
        await site.start()
        sip = f", SIP udp/{app[SIP].port}" if SIP in app else ""
        audio = f", AudioSocket tcp/{app[AUDIOSOCKET].port}" if AUDIOSOCKET in app else ""
        base = f"http://{settings.server.host}:{settings.server.port}"
        print(f"voicebot serving on {base}{sip}{audio} (agent console: {base}/console)", flush=True)
        if (warning := transfer_warning(settings)) is not None:
            logger.warning("%s", warning)
        if supervisor is not None:
            # Calls are answered at once (GB/T 33358): until Rasa is up they get the apology and a human.
            print("Rasa servers are starting, one after the other (a few minutes on a cold start)...", flush=True)
            ready = asyncio.create_task(_announce_ready(supervisor), name="rasa-ready")
            stack.callback(ready.cancel)
        try:
            await stop.wait()
        finally:
            logger.info("shutting down: no new calls, waiting for current ones")
            await runner.cleanup()
