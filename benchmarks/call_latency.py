"""Benchmark one bot on whole calls from WAV fixtures, in real time, with the real engines.

Prints: reply latency (end of caller speech -> first bot audio frame) p50/p95 over turns,
TTS time for uncached and cached prompts, and the ASR real-time factor.

    ./dev bench [--calls 3] [--lang zh-CN]

Rasa must be reachable at the configured URL, or it is started for the run (about a minute).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

from asr.bench import asr_realtime_factor
from dialogue.rasa_client import RasaClient
from voicebot.audio import read_wav
from voicebot.call.call_runner import file_line_info, run_file_call
from voicebot.engines import open_engines
from voicebot.lines.file_line import CallerTurn
from voicebot.rasa.api_token import load_rasa_token
from voicebot.rasa.supervisor import RasaSupervisor
from voicebot.runtime.stats import percentile
from voicebot.settings import Settings, load_settings

SPEECH = Path(__file__).resolve().parents[2] / "shared" / "speech"
TTS_TEXTS = {
    "zh-CN": [
        "您的工单号是幺二三四五六七八",
        "请问事情发生在什么地方",
        "好的，我们会尽快处理您反映的问题，谢谢您的来电",
    ],
    "en-US": ["Your ticket number is one two three four", "Where did it happen", "Thank you, we will handle it soon"],
}


@contextlib.asynccontextmanager
async def rasa_available(settings: Settings, lang: str) -> AsyncIterator[None]:
    """Use the configured Rasa if it answers, else start the supervised servers for the run."""
    client = RasaClient(settings.dialogue.rasa_urls, settings.dialogue.timeout_s,
                        token=load_rasa_token(settings.dialogue))
    try:
        healthy = (await client.health()).get(lang, False)
    finally:
        await client.aclose()
    if healthy:
        yield
        return
    print("starting Rasa for the benchmark (about a minute)...", flush=True)
    async with RasaSupervisor.from_settings(settings) as supervisor:
        await supervisor.wait_ready()
        yield


def caller_turns(lang: str, count: int) -> list[CallerTurn]:
    """Return the first ``count`` real recordings of the language as caller turns."""
    folder = SPEECH / ("zh" if lang == "zh-CN" else "en")
    files = sorted(folder.glob("*.wav"))[:count]
    if not files:
        raise SystemExit(f"no recordings in {folder}: the benchmark needs ../shared/speech beside the checkout")
    return [CallerTurn(audio=read_wav(f, 8000), label=f.name) for f in files]


async def bench(args: argparse.Namespace) -> None:
    """Run the benchmark and print its numbers."""
    settings = load_settings(args.config)
    lang = args.lang
    latencies: list[int] = []
    async with rasa_available(settings, lang), open_engines(settings, rate=8000, prerender=False) as runtime:
        synth = runtime.engines.synthesizer
        uncached, cached = [], []
        for text in TTS_TEXTS[lang]:
            text = f"{text} {uuid.uuid4().hex[:4]}" if args.fresh else text
            began = time.perf_counter()
            await synth.synthesize(text, lang, 8000)
            uncached.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            await synth.synthesize(text, lang, 8000)
            cached.append((time.perf_counter() - began) * 1000)
        turns = caller_turns(lang, args.turns)
        rtf = [await asr_realtime_factor(runtime.engines.recognizers[lang], t.audio) for t in turns if t.audio]
        for index in range(args.calls):
            info = file_line_info(8000, lang, call_id=f"bench-{index}-{uuid.uuid4().hex[:6]}")
            call = await run_file_call(turns, runtime.engines, settings.session, info, realtime=True)
            latencies.extend(call.record.reply_latencies_ms())
            print(f"call {index + 1}: outcome {call.record.outcome}, latencies {call.record.reply_latencies_ms()} ms")
    session = settings.session
    pause = (f"{session.end_silence_ms} ms" if session.end_of_turn == "fixed"
             else f"adaptive {session.min_end_silence_ms}-{session.max_end_silence_ms} ms")
    print(
        f"\nreply latency over {len(latencies)} turns (end of speech -> first bot audio, includes the "
        f"{pause} end-of-speech pause):"
    )
    if latencies:
        print(
            f"  p50 {percentile(latencies, 50):.0f} ms   p95 {percentile(latencies, 95):.0f} ms   "
            f"max {max(latencies)} ms"
        )
    print(f"TTS uncached: mean {statistics.mean(uncached):.0f} ms  (n={len(uncached)})")
    print(f"TTS cached:   mean {statistics.mean(cached):.2f} ms  (n={len(cached)})")
    print(f"ASR real-time factor: mean {statistics.mean(rtf):.3f}  max {max(rtf):.3f}  (n={len(rtf)})")


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", help="settings file")
    parser.add_argument("--lang", default="zh-CN", choices=["zh-CN", "en-US"])
    parser.add_argument("--calls", type=int, default=3, help="calls to run one after another")
    parser.add_argument("--turns", type=int, default=4, help="caller turns per call")
    parser.add_argument("--fresh", action="store_true", help="make TTS texts unique so the disk cache cannot help")
    asyncio.run(bench(parser.parse_args()))


if __name__ == "__main__":
    main()
