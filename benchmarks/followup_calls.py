"""回访 benchmark: N follow-up calls in a row against SIPp as the citizen's phone (digest challenge, RFC 4733 key).

Prints, per call and as p50/p95: dial time (INVITE -> 401 -> INVITE with credentials -> 180 -> 200, SIPp rings
300 ms), time from the 200 OK to the first RTP packet of speech at the phone (the introduction synthesised by
espeak-ng, uncached, plus the first frame), and the whole call (dial to the rating stored).

    .venv/bin/python -m benchmarks.followup_calls --calls 5
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.handoff_support import draft
from tests.sipp_harness import DTMF_PCAP, free_udp_port, open_capture, render_scenario, run_sipp
from tts.pyttsx3_synth import Pyttsx3Synthesizer
from voicebot.followup.book import FollowupBook
from voicebot.followup.rules import Policy
from voicebot.followup.scheduler import FollowupScheduler
from voicebot.handoff.hours import AgentHours
from voicebot.handoff.queue import HandoffQueue
from voicebot.handoff.store import SqlTicketStore
from voicebot.lines.sip_uac import DialResult, SipClient, Trunk
from voicebot.settings import FollowupSettings, SessionSettings


class TimedDialer:
    """The real SIP client, timing each dial (a ``Dialer``)."""

    def __init__(self, client: SipClient) -> None:
        self.client = client
        self.dials: list[tuple[float, float]] = []

    async def dial(self, number: str, ring_timeout_s: float) -> DialResult:
        """Dial and remember when it started and when it was answered."""
        start = time.monotonic()
        result = await self.client.dial(number, ring_timeout_s)
        self.dials.append((start, time.monotonic()))
        return result


def pct(values: list[float]) -> str:
    return f"p50 {np.percentile(values, 50):7.1f} ms  p95 {np.percentile(values, 95):7.1f} ms"


async def main(calls: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = SqlTicketStore.from_url(f"sqlite:///{tmp}/bench.db")
        await store.migrate()
        queue = HandoffQueue(store, AgentHours.parse("always"), followups=True)
        for i in range(calls):
            number = await store.save(draft(f"bench-{i}", calling_number=f"1381234{i:04d}"))
            await queue.resolve(number, "li", f"第{i + 1}件已处理完毕")
        scenario = render_scenario("followup_phone", Path(tmp), user="hotline", password="pw",
                                   dtmf_pcap=str(DTMF_PCAP).format(1), key_after_ms="3000")
        capture, port = await open_capture(), free_udp_port()
        sipp = asyncio.create_task(run_sipp(port, scenario, calls=calls, capture_port=capture.port,
                                            timeout_s=30 * calls, local_port=port))
        await asyncio.sleep(0.5)
        synth = Pyttsx3Synthesizer({"zh-CN": "cmn-latn-pinyin", "en-US": "en-us"}, rates={"zh-CN": 210})
        await synth.start()
        client = SipClient(Trunk(f"sip:127.0.0.1:{port}", username="hotline", password="pw"), "127.0.0.1")
        await client.open()
        dialer = TimedDialer(client)
        scheduler = FollowupScheduler(FollowupBook(store), Policy(AgentHours.parse("always")),
                                      FollowupSettings(enabled=True, ring_timeout_s=10), dialer, synth,
                                      SessionSettings())
        begun = time.monotonic()
        outcomes = await scheduler.run_once(datetime.now().astimezone())
        total = time.monotonic() - begun
        await client.close()
        await synth.aclose()
        code, output = await sipp
        await store.close()
    firsts = sorted(next(item.at for item in stream if item.speech) for stream in capture.streams.values())
    dial_ms = [(answered - start) * 1000 for start, answered in dialer.dials]
    audio_ms = [(first - answered) * 1000 for (_start, answered), first in zip(dialer.dials, firsts, strict=True)]
    print(f"{calls} 回访 calls, outcomes {outcomes}, SIPp exit {code}{'' if code == 0 else output[-500:]}")
    print(f"dial (401 round + 300 ms ring):   {pct(dial_ms)}")
    print(f"200 OK -> first speech packet:    {pct(audio_ms)}")
    print(f"whole call (dial to rating):      {total / calls * 1000:7.0f} ms per call ({total:.1f} s for {calls})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=5)
    asyncio.run(main(parser.parse_args().calls))
