"""``voicebot rasa ...``: the Rasa assistant's environment, models and checks (setup, train, serve, test, reports)."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import time
from pathlib import Path

from voicebot.commands.verbosity import add_verbose
from voicebot.errors import DialogueError
from voicebot.qa import dialogue_command
from voicebot.rasa.supervisor import RASA_DIR, RasaSupervisor
from voicebot.settings import load_settings

LANGS = ("zh-CN", "en-US")

SERVE_HELP = """Run the action server and one Rasa server per language ([dialogue] rasa_urls) until Ctrl-C.

They listen on 127.0.0.1 only. The Rasa HTTP API needs the token of [dialogue] rasa_token, or the one in
[dialogue] rasa_token_file (var/rasa-token, created with mode 0600 on first start): pass it as ?token=...
The servers start one after the other; a slow starter is restarted only when it exits or shows no progress
for [dialogue] start_grace_s. Logs: var/log/<server>.log."""


def _env() -> dict[str, str]:
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}


def _venv_python() -> Path:
    python = RASA_DIR / ".venv" / "bin" / "python"
    if not python.is_file():
        raise DialogueError("rasa-not-installed", "the Rasa venv is missing: run `voicebot rasa setup`")
    return python


def _run(argv: list[str]) -> int:
    return subprocess.run(argv, cwd=RASA_DIR, env=_env(), check=False).returncode


def _setup(args: argparse.Namespace) -> int:
    return _run([str(RASA_DIR / "setup.sh"), *(["--no-train"] if args.no_train else [])])


def _train(args: argparse.Namespace) -> int:
    return _run([str(_venv_python()), "scripts/train.py", *args.langs, *(["--force"] if args.force else [])])


def _test(args: argparse.Namespace) -> int:
    """Run the action unit tests, then the end-to-end test stories of every language."""
    code = _run([str(_venv_python()), "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"])
    for lang in args.langs:
        model = RASA_DIR / "models" / lang / f"{lang}.tar.gz"
        if not model.is_file():
            raise DialogueError("rasa-model-missing", f"{model} missing: run `voicebot rasa train`")
        code = _run([str(_venv_python()), "scripts/run_e2e.py", lang]) or code
    return code


def _nlu_report(args: argparse.Namespace) -> int:
    extra = ["--json", args.json] if args.json else []
    return _run([str(_venv_python()), "scripts/nlu_report.py", *args.langs, *extra])


async def _serve_forever(supervisor: RasaSupervisor) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    started = time.monotonic()
    async with supervisor:
        names = ", ".join(spec.name for spec in supervisor.specs)
        print(f"starting {names}, one after the other (a few minutes on a busy machine; -v shows progress)...",
              flush=True)
        await supervisor.wait_ready()
        print(f"Rasa servers ready after {time.monotonic() - started:.0f} s: {supervisor.pids()} "
              f"(Ctrl-C stops them)", flush=True)
        await stop.wait()


def _serve(args: argparse.Namespace) -> int:
    asyncio.run(_serve_forever(RasaSupervisor.from_settings(load_settings(args.config))))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``voicebot rasa setup|train|serve|test|nlu-report|dialogue-report``."""
    parser = subparsers.add_parser("rasa", help="set up, train, serve and test the Rasa assistant")
    actions = parser.add_subparsers(dest="rasa_command", metavar="ACTION", required=True)

    setup = actions.add_parser("setup", help="create rasa_project/.venv from the lock file and train the models")
    setup.add_argument("--no-train", action="store_true", help="only the environment")
    setup.set_defaults(func=_setup)

    train = actions.add_parser("train", help="train the models whose inputs changed (fingerprint cache)")
    train.add_argument("langs", nargs="*", default=list(LANGS), metavar="LANG")
    train.add_argument("--force", action="store_true", help="retrain even when up to date")
    train.set_defaults(func=_train)

    serve = actions.add_parser("serve", help="run the Rasa servers and the action server in the foreground",
                               description=SERVE_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_verbose(serve)
    serve.set_defaults(func=_serve)

    test = actions.add_parser("test", help="custom-action tests and end-to-end test stories per language")
    test.add_argument("langs", nargs="*", default=list(LANGS), metavar="LANG")
    test.set_defaults(func=_test)

    report = actions.add_parser("nlu-report", help="NLU accuracy and F1 per language on a held-out split")
    report.add_argument("langs", nargs="*", default=list(LANGS), metavar="LANG")
    report.add_argument("--json", help="also write the figures to this JSON file")
    report.set_defaults(func=_nlu_report)

    dialogue_command.register(actions)
