"""The core of ``voicebot rasa dialogue-report``: open the real engines once, play the corpus, judge it."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voicebot.commands.replay_cmd import check_rasa, rasa_servers
from voicebot.engines import open_engines
from voicebot.qa.dialogue_bars import check_bars
from voicebot.qa.dialogue_corpus import CORPUS_DIR, LANGS, Corpus, load_corpus
from voicebot.qa.dialogue_floor import check_floor, load_floor
from voicebot.qa.dialogue_metrics import Figures, Verdict, all_figures, judge
from voicebot.qa.dialogue_report import (
    diff_reports,
    format_diff,
    format_failures,
    format_table,
    read_report,
    report_dict,
    write_report,
)
from voicebot.qa.dialogue_runner import DialogueRun, DialogueSetup, run_dialogues, speech_clips
from voicebot.qa.dialogue_signals import load_bot_texts
from voicebot.settings import Settings, load_settings


@dataclass(frozen=True, slots=True)
class DialogueReport:
    """A finished report."""

    runs: tuple[DialogueRun, ...]
    """Every dialogue as played."""
    verdicts: tuple[Verdict, ...]
    """Every dialogue judged."""
    figures: tuple[Figures, ...]
    """Totals per language and split."""
    problems: tuple[str, ...]
    """Held-out figures below the bars."""

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON (a later run's ``--baseline``)."""
        return report_dict(self.figures, self.verdicts, self.problems)


def judge_runs(runs: Sequence[DialogueRun], langs: Sequence[str] = ()) -> DialogueReport:
    """Judge played dialogues and check the held-out bars."""
    texts = load_bot_texts()
    verdicts = tuple(judge(run, texts) for run in runs)
    figures = tuple(all_figures(verdicts))
    return DialogueReport(tuple(runs), verdicts, figures, tuple(check_bars(figures, langs)))


def show_progress(run: DialogueRun, done: int, total: int) -> None:
    """Print one line per finished dialogue on stderr."""
    what = run.error or f"{run.record.outcome or '-'}, ticket {run.ticket.get('kind') if run.ticket else '-'}"
    print(f"[{done}/{total}] {run.dialogue.id}: {len(run.turns)} turns, {what}", file=sys.stderr, flush=True)


async def play_corpus(
    settings: Settings, corpus: Corpus, concurrency: int = 4, start_rasa: bool = False, rate: int = 8000
) -> list[DialogueRun]:
    """Play every dialogue of ``corpus`` through the real Rasa servers and action server."""
    langs = sorted({d.lang for d in corpus.dialogues})
    with tempfile.TemporaryDirectory(prefix="voicebot-dialogues-") as tmp:
        handoff = dataclasses.replace(settings.handoff, database_url=f"sqlite:///{tmp}/shared.db")
        settings = dataclasses.replace(settings, handoff=handoff)
        async with rasa_servers(settings, start_rasa), open_engines(settings, rate=rate, reference_texts=[]) as rt:
            await check_rasa(rt.engines.dialogue, set(langs), settings)
            speech = await speech_clips(rt.engines.synthesizer, langs, rate)
            setup = DialogueSetup(rt.engines, settings.session, speech, Path(tmp), rate)
            print(f"playing {len(corpus.dialogues)} dialogues, {concurrency} at once...", file=sys.stderr, flush=True)
            return await run_dialogues(corpus.dialogues, setup, concurrency, show_progress)


HELP = """Play the dialogue corpus (corpus/<lang>/{dev,heldout}*.yaml, see corpus/README.md) through the whole bot:
safety pre-check, the real Rasa server and action server, the work-order builder and a real SQLite ticket store
per dialogue, with a simulated caller that answers what the bot asks, in virtual time, several calls at once.

Prints per language and split: complaint tickets with every field right, accuracy per field, completion rate,
turns per completed complaint, emergency precision and recall, misunderstandings, gibberish taken as yes and
outcome accuracy, then the worst dialogues. --check exits 1 when a held-out figure is below the bars of
docs/workorder.md ("Measuring"). Rasa must be running (`voicebot rasa serve`) unless --start-rasa is given."""


def register(actions: argparse._SubParsersAction) -> None:
    """Add ``dialogue-report`` to ``voicebot rasa``."""
    parser = actions.add_parser("dialogue-report", help="ticket accuracy over the dialogue corpus", description=HELP,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR, help="corpus folder or file (default: corpus/)")
    parser.add_argument("--lang", action="append", choices=list(LANGS), default=[],
                        help="only this language (repeatable; default: all)")  # fmt: skip
    parser.add_argument("--split", choices=["dev", "heldout", "all"], default="all", help="corpus part (all)")
    parser.add_argument("--start-rasa", action="store_true", help="start the Rasa servers from rasa_project/.venv")
    parser.add_argument("--json", type=Path, help="write the report as JSON here (a later run's --baseline)")
    parser.add_argument("--baseline", type=Path, help="an earlier --json file: show what got better and worse")
    parser.add_argument("--verbose", action="store_true", help="list every failing dialogue and field")
    parser.add_argument("--concurrency", type=int, default=4, help="dialogues played at once (4)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a held-out figure is below the bars (or there is no held-out part)")
    parser.add_argument("--check-floor", action="store_true",
                        help="exit 1 when a held-out figure fell below the regression floor (corpus/floor.json): "
                             "what CI checks while the bars are not yet met")
    parser.set_defaults(func=run)


def print_report(report: DialogueReport, verbose: bool, baseline: dict[str, Any] | None = None) -> None:
    """Print the table, the failing dialogues, the baseline changes and the bars."""
    print(format_table(report.figures))
    failures = format_failures(report.verdicts, verbose)
    if failures:
        print("\nfailing dialogues" + ("" if verbose else " (worst first; --verbose lists all)") + ":")
        print(failures)
    if baseline is not None:
        print()
        print(format_diff(diff_reports(baseline, report.to_dict())))
    print()
    if report.problems:
        print("below the held-out bars:\n" + "\n".join(f"  {p}" for p in report.problems))
    else:
        print("held-out figures clear every bar")


def run(args: argparse.Namespace) -> int:
    """Run the report; with --check, return 1 when a held-out figure is below its bar."""
    corpus = load_corpus([args.corpus]).select(args.lang, args.split)
    if not corpus.dialogues:
        print(f"voicebot rasa dialogue-report: no dialogues under {args.corpus} for that selection", file=sys.stderr)
        return 2
    baseline = read_report(args.baseline) if args.baseline else None  # a bad baseline fails before a long run
    runs = asyncio.run(play_corpus(load_settings(args.config), corpus, args.concurrency, args.start_rasa))
    report = judge_runs(runs, args.lang)
    print_report(report, args.verbose, baseline)
    if args.json:
        write_report(report.to_dict(), args.json)
        print(f"JSON report: {args.json}", file=sys.stderr)
    if args.check_floor:
        regressions = check_floor(report.figures, load_floor())
        print("\n" + ("below the regression floor:\n" + "\n".join(f"  {p}" for p in regressions)
                      if regressions else "held-out figures at or above the regression floor"))
        if regressions:
            return 1
    return 1 if args.check and report.problems else 0
