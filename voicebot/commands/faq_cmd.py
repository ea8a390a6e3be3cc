"""``voicebot faq``: the knowledge base in the ticket database (``list``, ``history``, ``export`` as faq.yaml,
``publish`` the drafts into a new Rasa model)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from voicebot.commands.agents_cmd import with_store
from voicebot.handoff.store import SqlTicketStore
from voicebot.handoff.views import fmt_time
from voicebot.knowledge.answers import seeded_answers
from voicebot.knowledge.drafts import FaqDrafts
from voicebot.knowledge.publish import merged_faq, publisher_from_settings
from voicebot.knowledge.seed import FAQ_FILE, LANGUAGES, SeedAnswer, export_yaml, load_faq
from voicebot.settings import Settings


def _list(args: argparse.Namespace) -> int:
    async def work(store: SqlTicketStore, _s: Settings) -> int:
        answers = await seeded_answers(store.engine, store.now_ms)
        for a in await answers.current_all(args.lang):
            print(f"{a.topic}\t{a.language}\tv{a.version}\t{a.author}\t{fmt_time(a.created_at)}\t{a.text}")
        return 0

    return with_store(args, work)


def _history(args: argparse.Namespace) -> int:
    async def work(store: SqlTicketStore, _s: Settings) -> int:
        answers = await seeded_answers(store.engine, store.now_ms)
        for a in await answers.history(args.topic, args.lang):
            print(f"v{a.version}\t{a.author}\t{fmt_time(a.created_at)}\t{a.text}")
        return 0

    return with_store(args, work)


def _export(args: argparse.Namespace) -> int:
    seed = load_faq(Path(args.seed))

    async def work(store: SqlTicketStore, _s: Settings) -> int:
        answers = await seeded_answers(store.engine, store.now_ms, Path(args.seed))
        current = [SeedAnswer(a.topic, a.language, a.text) for a in await answers.current_all()]
        drafts = FaqDrafts(store.engine, store.now_ms)
        published = [d for lang in LANGUAGES for d in await drafts.published(lang)]
        text = export_yaml(merged_faq(seed, [], published), current)
        if args.output == "-":
            sys.stdout.write(text)
        else:
            await asyncio.to_thread(Path(args.output).write_text, text, encoding="utf-8")
            print(f"{len(current)} answers written to {args.output}", file=sys.stderr)
        return 0

    return with_store(args, work)


def _publish(args: argparse.Namespace) -> int:
    async def work(store: SqlTicketStore, settings: Settings) -> int:
        answers = await seeded_answers(store.engine, store.now_ms)
        drafts = FaqDrafts(store.engine, store.now_ms)
        print(f"publishing {len(await drafts.pending(args.lang))} drafts of {args.lang} (training takes minutes)...",
              file=sys.stderr)  # fmt: skip
        result = await publisher_from_settings(answers, drafts, settings).publish(args.lang, args.author)
        print(f"publish {result.id}: {result.status}: {result.detail}")
        return 0 if result.status == "published" else 1

    return with_store(args, work)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``faq`` subcommand."""
    faq = subparsers.add_parser("faq", help="the FAQ answers supervisors edit (knowledge base)")
    sub = faq.add_subparsers(dest="faq_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="every topic's current answer")
    listing.add_argument("--lang", choices=LANGUAGES)
    listing.set_defaults(func=_list)
    history = sub.add_parser("history", help="every version of one answer, newest first")
    history.add_argument("topic")
    history.add_argument("--lang", choices=LANGUAGES, default=LANGUAGES[0])
    history.set_defaults(func=_history)
    export = sub.add_parser("export", help="write the current answers and published topics/questions as faq.yaml")
    export.add_argument("-o", "--output", default="-", help="file to write (default: standard output)")
    export.add_argument("--seed", default=str(FAQ_FILE), help="the file whose questions and layout are kept")
    export.set_defaults(func=_export)
    publish = sub.add_parser("publish", help="train a model with the drafts, check it on held-out questions, "
                             "load it into the running Rasa server (PUT /model); exit 1: refused or failed")
    publish.add_argument("--lang", choices=LANGUAGES, default=LANGUAGES[0])
    publish.add_argument("--author", default="cli", help="recorded as who published")
    publish.set_defaults(func=_publish)
