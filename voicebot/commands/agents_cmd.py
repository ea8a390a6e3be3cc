"""``voicebot agents`` / ``tickets`` / ``console``: console users, API tokens, ticket listing, standalone console."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import json
import sys
from collections.abc import Awaitable, Callable

from aiohttp import web

from voicebot.errors import ConfigError
from voicebot.handoff.auth import ROLES, SCOPES, AuthStore
from voicebot.handoff.console import create_console_app
from voicebot.handoff.kb_console import PREVIEW_RATE
from voicebot.handoff.store import SqlTicketStore
from voicebot.handoff.ticket import STATUSES, spoken_groups
from voicebot.handoff.views import fmt_time
from voicebot.runtime.redact import mask
from voicebot.settings import Settings, load_settings
from voicebot.webguard.app import runner_options


def with_store(args: argparse.Namespace, work: Callable[[SqlTicketStore, Settings], Awaitable[int]]) -> int:
    """Run ``work`` on the migrated ticket database of the settings file, then close it; return its exit code."""
    settings = load_settings(args.config)

    async def run() -> int:
        store = SqlTicketStore.from_url(settings.handoff.database_url)
        try:
            await store.migrate()
            return await work(store, settings)
        finally:
            await store.close()

    return asyncio.run(run())


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(f"Password for {args.user}: ")
    if first != getpass.getpass("Again: "):
        raise ConfigError("password-mismatch", "the two passwords differ")
    return first


def _agents_add(args: argparse.Namespace) -> int:
    password = _read_password(args)

    async def work(store: SqlTicketStore, _s: Settings) -> int:
        await AuthStore(store).add_agent(args.user, password, args.role)
        print(f"user {args.user} saved ({args.role})")
        return 0

    return with_store(args, work)


def _agents_list(args: argparse.Namespace) -> int:
    async def work(store: SqlTicketStore, _s: Settings) -> int:
        for agent in await AuthStore(store).list_agents():
            print(f"{agent.username}\t{agent.role}\t{agent.language}")
        return 0

    return with_store(args, work)


def _agents_token(args: argparse.Namespace) -> int:
    async def work(store: SqlTicketStore, _s: Settings) -> int:
        print(await AuthStore(store).create_api_token(args.name, args.scope))
        return 0

    return with_store(args, work)


def _tickets_list(args: argparse.Namespace) -> int:
    async def work(store: SqlTicketStore, _s: Settings) -> int:
        for t in await store.list(statuses=[args.status] if args.status else None, limit=args.limit):
            conf = " confidential" if t.confidential else ""
            print(
                f"{spoken_groups(t.number)}\t{t.status}\t{t.kind}\t{mask(t.calling_number)}\t"
                f"{fmt_time(t.created_at)}\t{t.call_id}{conf}"
            )
        return 0

    return with_store(args, work)


def _tickets_show(args: argparse.Namespace) -> int:
    async def work(store: SqlTicketStore, _s: Settings) -> int:
        ticket = await store.get(args.number.replace(" ", ""))
        if ticket is None:
            print(f"no ticket {args.number}", file=sys.stderr)
            return 1
        print(json.dumps(ticket.to_json(), ensure_ascii=False, indent=2))
        return 0

    return with_store(args, work)


def _console(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)

    async def make_app() -> web.Application:
        from voicebot.engines import open_synthesizer  # the TTS stack loads only for this command

        store = SqlTicketStore.from_url(settings.handoff.database_url)
        await store.migrate()
        voices = contextlib.AsyncExitStack()
        synthesizer = await open_synthesizer(settings, PREVIEW_RATE, voices)  # the knowledge base's previews
        app = create_console_app(store, settings, synthesizer=synthesizer)

        async def close_store(_app: web.Application) -> None:
            await voices.aclose()
            await store.close()

        app.on_cleanup.append(close_store)
        return app

    host = args.host or settings.server.host
    port = args.port if args.port is not None else settings.server.port
    print(f"agent console on http://{host}:{port}/console/ (REST API under /api, OpenAPI at /api/openapi.json)")
    web.run_app(make_app(), host=host, port=port, print=None, **runner_options(settings.server))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``agents``, ``tickets`` and ``console`` subcommands."""
    agents = subparsers.add_parser("agents", help="console users and API tokens")
    asub = agents.add_subparsers(dest="agents_command", metavar="ACTION", required=True)
    add = asub.add_parser("add", help="create a console user or reset their password and role")
    add.add_argument("user")
    add.add_argument("--role", choices=ROLES, default="agent")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin (scripts)")
    add.set_defaults(func=_agents_add)
    asub.add_parser("list", help="list console users").set_defaults(func=_agents_list)
    token = asub.add_parser("token", help="create (or replace) a REST API token; printed once, stored hashed")
    token.add_argument("name")
    token.add_argument("--scope", choices=SCOPES, default="read")
    token.set_defaults(func=_agents_token)

    tickets = subparsers.add_parser("tickets", help="look at stored tickets")
    tsub = tickets.add_subparsers(dest="tickets_command", metavar="ACTION", required=True)
    tl = tsub.add_parser("list", help="list tickets (phone numbers masked)")
    tl.add_argument("--status", choices=STATUSES)
    tl.add_argument("--limit", type=int, default=50)
    tl.set_defaults(func=_tickets_list)
    ts = tsub.add_parser("show", help="print one ticket as JSON (full personal data)")
    ts.add_argument("number")
    ts.set_defaults(func=_tickets_show)

    console = subparsers.add_parser("console", help="run the agent console and REST API alone")
    console.add_argument("--host")
    console.add_argument("--port", type=int)
    console.set_defaults(func=_console)
