"""``voicebot call``: run one whole call whose caller side comes from WAV files or text."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

from voicebot.audio import read_wav, write_wav
from voicebot.call.call_runner import SimulatedCall, file_line_info, run_file_call
from voicebot.engines import Runtime, open_engines
from voicebot.errors import AudioError
from voicebot.events import CallRecord, ErrorOccurred, HandoffRequested
from voicebot.lines.file_line import CallerTurn
from voicebot.settings import load_settings

HELP = """Run a whole call: the caller's turns come from WAV files (any rate, resampled) or from text.

Each positional TURN is a WAV file, `dtmf:DIGITS` (key presses) or `silence:MS`.
The caller waits for the bot to finish before each turn. With --transcripts, the
caller's words come from a text file (one turn per line; `[dtmf] 0` and
`[silence] 9000` lines work too) instead of speech recognition: with WAV turns the
texts stand in for the recogniser's output, without them the caller's audio is
synthesised from the text. Prints what the bot heard and said, and the outcome."""


@dataclass(frozen=True, slots=True)
class _Script:
    turns: list[CallerTurn]
    texts: list[str] | None


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``call`` subcommand."""
    parser = subparsers.add_parser("call", help="run a call from WAV files or text", description=HELP,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("turns", nargs="*", metavar="TURN", help="WAV file, dtmf:DIGITS or silence:MS")
    parser.add_argument("--transcripts", type=Path, help="text file with the caller's words, one turn per line")
    parser.add_argument("--lang", choices=["zh-CN", "en-US"], help="call language (default: settings)")
    parser.add_argument("--rate", type=int, default=8000, choices=[8000, 16000], help="line sample rate (8000)")
    parser.add_argument("--out", type=Path, default=Path("bot.wav"), help="where to write the bot's side (bot.wav)")
    parser.add_argument("--json", type=Path, help="also write the call record as JSON here")
    parser.add_argument("--realtime", action="store_true", help="pace the call in real time (default: virtual time)")
    parser.add_argument("--calling-number", default="", help="caller's number to put in the ticket")
    parser.set_defaults(func=run)


def _parse_turn(spec: str, rate: int) -> CallerTurn:
    if spec.startswith("dtmf:"):
        return CallerTurn(dtmf=spec[5:], label=spec)
    if spec.startswith("silence:"):
        try:
            return CallerTurn(silence_ms=int(spec[8:]), label=spec)
        except ValueError as err:
            raise AudioError("turn-bad-silence", f"{spec}: silence needs milliseconds, e.g. silence:9000") from err
    return CallerTurn(audio=read_wav(spec, rate), label=spec)


def _text_lines(path: Path) -> list[str]:
    if not path.is_file():
        raise AudioError("transcripts-missing", f"{path}: no such file")
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


async def _script(args: argparse.Namespace, runtime: Runtime | None, lang: str) -> _Script:
    """Return caller turns (and reference texts) from the arguments."""
    turns = [_parse_turn(spec, args.rate) for spec in args.turns]
    if args.transcripts is None:
        return _Script(turns, None)
    lines = _text_lines(args.transcripts)
    texts = [line for line in lines if not line.startswith("[")]
    if turns:
        return _Script(turns, texts)
    assert runtime is not None
    for line in lines:
        if line.startswith("[dtmf]"):
            turns.append(CallerTurn(dtmf=line[6:].strip(), label=line))
        elif line.startswith("[silence]"):
            turns.append(CallerTurn(silence_ms=int(line[9:].strip()), label=line))
        else:
            clip = await runtime.engines.synthesizer.synthesize(line, lang, args.rate)
            turns.append(CallerTurn(audio=clip, label=line))
    return _Script(turns, texts)


def format_record(record: CallRecord) -> str:
    """Return the conversation as text: who said what when, and the outcome."""
    lines = [f"call {record.call_id} ({record.info.get('protocol', '')})"]
    for at_ms, speaker, text in record.transcript():
        who = "caller heard:" if speaker == "caller" else "bot said:   "
        lines.append(f"  {at_ms / 1000:7.2f}s {who} {text}")
    for error in record.of(ErrorOccurred):
        lines.append(f"  {error.at_ms / 1000:7.2f}s error:        {error.code}: {error.message}")
    for handoff in record.of(HandoffRequested):
        lines.append(f"  {handoff.at_ms / 1000:7.2f}s handoff:      {handoff.reason}")
    lines.append(f"outcome: {record.outcome}   tickets: {', '.join(record.tickets) or '-'}")
    latencies = record.reply_latencies_ms()
    if latencies:
        lines.append("reply latency (end of speech -> bot audio): " + ", ".join(f"{ms} ms" for ms in latencies))
    return "\n".join(lines)


async def _run(args: argparse.Namespace) -> SimulatedCall:
    settings = load_settings(args.config)
    lang = args.lang or settings.session.default_lang
    if not args.turns and args.transcripts is None:
        raise AudioError("call-no-turns", "give WAV files (or dtmf:/silence: turns) or --transcripts FILE")
    texts = _text_lines(args.transcripts) if args.transcripts else None
    reference = [t for t in texts if not t.startswith("[")] if texts is not None else None
    async with open_engines(settings, rate=args.rate, reference_texts=reference, prerender=False) as runtime:
        script = await _script(args, runtime, lang)
        info = file_line_info(args.rate, lang)
        if args.calling_number:
            info = dataclasses.replace(info, calling_number=args.calling_number)
        return await run_file_call(script.turns, runtime.engines, settings.session, info, realtime=args.realtime)


def run(args: argparse.Namespace) -> int:
    """Run the call, print it, write the bot's audio."""
    call = asyncio.run(_run(args))
    write_wav(args.out, call.line.bot_audio().pcm, call.line.info.rate)
    print(format_record(call.record))
    print(f"bot audio: {args.out}")
    if args.json:
        args.json.write_text(json.dumps(call.record.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    return 0
