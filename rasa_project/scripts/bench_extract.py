"""Per-call latency of each field extractor (first call, which loads its library, and warm), plus memory.

Run with the Rasa venv from rasa_project/:  .venv/bin/python scripts/bench_extract.py [--rounds N]
The first call of each extractor pays for importing its library and loading its data (jionlp's administrative
divisions and time rules, dateparser's language data); "warm" is the median of N further calls over a few
sentences. RSS is read from /proc/self/status after each first call.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from actions.address_en import parse_address_en
from actions.address_zh import parse_address_zh
from actions.id_number import volunteered_id
from actions.nlp_libs import NlpLibs
from actions.phone import phone_in_words
from actions.spoken_digits import read_digits
from actions.time_en import parse_time_en
from actions.time_zh import parse_time_zh

BASE = datetime(2026, 12, 1, 15, 30)
SAMPLES = {
    "read_digits": ["幺三八 幺二三四 五六七八", "one three eight no sorry one three nine one two three four five six"],
    "phone_in_words": ["幺三八 不对 幺三九 幺二三四 五六七八", "oh one oh six two three four five six seven eight"],
    "volunteered_id": ["我身份证号是 幺幺零幺零五 幺九四九 幺二三幺 零零二 叉", "幺三八幺二三四五六七八"],
    "address_zh": ["海淀区 学院路 二十八号 那个 小区 门口", "我家住在朝阳区建国路八十八号", "我不想留电话"],
    "time_zh": ["嗯 昨天 晚上 十点多", "天天 都这样 中午 晚上 做饭 的 时候", "幺三八幺二三四五六七八"],
    "address_en": ["um it's at twenty eight jianguo road chaoyang district", "i'd rather stay anonymous"],
    "time_en": ["yesterday at around ten pm", "every night after ten pm", "one three eight one two three four"],
}


@dataclass(frozen=True)
class Measure:
    """One extractor's numbers."""

    name: str
    """Extractor name."""
    first_ms: float
    """First call in the process (library import and data loading included), milliseconds."""
    warm_ms: float
    """Median warm call, milliseconds."""
    rss_mb: float
    """Resident memory after the first call, MiB."""


def rss_mb() -> float:
    """Return this process's resident set size in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def call(libs: NlpLibs, name: str, text: str) -> object:
    """Run one extractor on one text."""
    if name == "read_digits":
        return read_digits(text)
    if name == "phone_in_words":
        return phone_in_words(text)
    if name == "volunteered_id":
        return volunteered_id(text)
    if name == "address_zh":
        return parse_address_zh(libs, text)
    if name == "time_zh":
        return parse_time_zh(libs, text, BASE)
    if name == "address_en":
        return parse_address_en(libs, text)
    return parse_time_en(libs, text, BASE)


def measure(libs: NlpLibs, name: str, rounds: int) -> Measure:
    """Time the first call, then ``rounds`` warm calls over the samples."""
    texts = SAMPLES[name]
    start = time.perf_counter()
    call(libs, name, texts[0])
    first = (time.perf_counter() - start) * 1000
    memory = rss_mb()
    warm: list[float] = []
    for i in range(rounds):
        text = texts[i % len(texts)]
        start = time.perf_counter()
        call(libs, name, text)
        warm.append((time.perf_counter() - start) * 1000)
    return Measure(name, first, statistics.median(warm), memory)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="warm calls per extractor (default 200)")
    parser.add_argument("--cold", action="store_true",
                        help="run each extractor in a fresh process (its first call pays for its library alone)")
    parser.add_argument("--only", choices=sorted(SAMPLES), help="measure one extractor")
    args = parser.parse_args()
    names = [args.only] if args.only else list(SAMPLES)
    if not args.only:
        print(f"start: RSS {rss_mb():.0f} MiB ({'a fresh process per extractor' if args.cold else 'one process'})")
        print(f"{'extractor':<16}{'first ms':>10}{'warm ms':>10}{'RSS MiB':>10}")
    if args.cold and not args.only:
        for name in names:
            cmd = [sys.executable, __file__, "--only", name, "--rounds", str(args.rounds)]
            print(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout, end="")
        return 0
    libs = NlpLibs()
    for name in names:
        m = measure(libs, name, args.rounds)
        print(f"{m.name:<16}{m.first_ms:>10.1f}{m.warm_ms:>10.2f}{m.rss_mb:>10.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
