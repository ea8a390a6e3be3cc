"""A simulated caller on the plain WebSocket media protocol, timing the bot from the caller's side.

The caller streams 20 ms frames on an absolute real-time schedule (silence between utterances, like a phone
line), waits for the bot to finish (plus a human pause) before speaking, and on its last turn barges in while
the bot talks. It timestamps every bot frame on arrival; reply latency is the end of an utterance's speech to
the first bot frame of the next talk spurt, the barge-in stop time is the caller's first frame over the bot to
the bot's last frame, and a frame is late when it arrives more than 60 ms behind its slot on the 20 ms grid
started by the first frame after a pause of at least 250 ms.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import aiohttp
import numpy as np

from asr.vad import WebRtcVad
from voicebot.audio import FRAME_MS, AudioFrame, Clip, silence, split_frames

SPURT_GAP_S = 0.1
"""A pause this long between bot frames ends a talk spurt (for reply and barge-in timing)."""
STALL_GAP_S = 0.25
"""For lateness, only a pause this long starts a new grid: shorter gaps inside bot speech are late frames."""
LATE_MS = 60.0
"""A bot frame more than this behind its slot is late (the issue's limit)."""
BARGE_IN_AFTER_S = 1.0
"""How long the bot talks before the caller cuts in on the last turn."""
MAX_WAIT_S = 15.0
"""Longest wait for the bot to answer before the caller carries on."""


@dataclass(frozen=True, slots=True)
class CallScript:
    """What one caller says."""

    utterances: tuple[bytes, ...]
    """8 kHz 16-bit PCM utterances, speech only (trimmed), in order."""
    barge_in_last: bool = True
    """Say the last utterance over the bot's reply to the one before."""
    pause_s: tuple[float, float] = (0.5, 1.2)
    """Human pause range after the bot finishes, before speaking."""
    line_noise: float = 0.0
    """Standard deviation (16-bit units) of the white line noise sent while the caller is silent; 0: zeros."""


@dataclass(slots=True)
class CallResult:
    """What one caller measured."""

    reply_ms: list[float] = field(default_factory=list)
    """Per answered utterance: end of speech to the first bot frame."""
    barge_in_ms: list[float] = field(default_factory=list)
    """Per barge-in: caller starts over the bot to the bot's last frame."""
    bot_frames: int = 0
    """Bot frames received."""
    late_frames: int = 0
    """Bot frames more than 60 ms behind their slot."""
    max_late_ms: float = 0.0
    """Worst lateness of a bot frame."""
    send_lag_ms: float = 0.0
    """Worst lag of this caller's own frames behind their schedule (a busy load generator)."""
    error: str = ""
    """Why the call failed, if it did."""


def trim_speech(clip: Clip, margin_ms: int = 60) -> bytes:
    """Return ``clip`` (8 kHz) cut to its speech by webrtcvad: a small lead-in kept, cut right after the last speech.

    So the end of the audio is the end of speech, where reply latency counts from.
    """
    vad = WebRtcVad(2)
    frames = [f.pcm for f in split_frames(clip.pcm, clip.rate)]
    size = 2 * clip.rate * FRAME_MS // 1000
    flags = [len(f) == size and vad.is_speech(AudioFrame(f, clip.rate, 0)) for f in frames]
    if not any(flags):
        return clip.pcm
    keep = margin_ms // FRAME_MS
    first = max(0, flags.index(True) - keep)
    last = len(flags) - flags[::-1].index(True)
    return b"".join(frames[first:last])


def spurts(arrivals: Sequence[float], gap_s: float = SPURT_GAP_S) -> list[list[float]]:
    """Split bot frame arrival times into talk spurts at pauses longer than ``gap_s``."""
    groups: list[list[float]] = []
    for t in arrivals:
        if not groups or t - groups[-1][-1] > gap_s:
            groups.append([])
        groups[-1].append(t)
    return groups


def analyse(result: CallResult, arrivals: list[float], speech_ends: list[float], barge_starts: list[float]) -> None:
    """Fill latencies, barge-in stops and frame lateness from the timestamps."""
    groups = spurts(arrivals)
    result.bot_frames = len(arrivals)
    for group in spurts(arrivals, STALL_GAP_S):
        for k, t in enumerate(group):
            late = (t - (group[0] + k * FRAME_MS / 1000)) * 1000
            result.max_late_ms = max(result.max_late_ms, late)
            result.late_frames += late > LATE_MS
    for end in speech_ends:
        start = next((g[0] for g in groups if g[0] > end), None)
        if start is not None and start - end < MAX_WAIT_S:
            result.reply_ms.append((start - end) * 1000)
    for began in barge_starts:
        talking = next((g for g in groups if g[0] < began <= g[-1] + SPURT_GAP_S), None)
        if talking is not None:
            result.barge_in_ms.append(max(0.0, talking[-1] - began) * 1000)


def line_noise_frames(sigma: float, seconds: float = 10.0, seed: int = 7) -> list[bytes]:
    """Return ``seconds`` of white noise (standard deviation ``sigma``) at 8 kHz in 20 ms frames, to loop."""
    rng = np.random.default_rng(seed)
    pcm = np.clip(rng.normal(0, sigma, int(8000 * seconds)), -32768, 32767).astype("<i2").tobytes()
    return [f.pcm for f in split_frames(pcm, 8000)]


class _Pacer:
    """Sends one frame every 20 ms on an absolute schedule and notes its own lag."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, result: CallResult, line_noise: float = 0.0) -> None:
        self.ws = ws
        self.result = result
        self.next = time.monotonic()
        self.silence = silence(8000).pcm
        self.noise = line_noise_frames(line_noise) if line_noise > 0 else []
        self.sent = 0

    async def send(self, pcm: bytes | None = None) -> float:
        """Send one frame at its slot; return the slot time."""
        delay = self.next - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            self.result.send_lag_ms = max(self.result.send_lag_ms, -delay * 1000)
        slot = self.next
        self.sent += 1
        await self.ws.send_bytes(pcm or (self.noise[self.sent % len(self.noise)] if self.noise else self.silence))
        self.next += FRAME_MS / 1000
        return slot


async def place_call(
    url: str, token: str, script: CallScript, rng: random.Random, lang: str = "zh-CN", call_id: str = ""
) -> CallResult:
    """Place one call and return its measurements (a failure is recorded in ``error``, never raised).

    ``call_id`` is sent as the switch's call id (the ticket's ``protocol_call_id``).
    """
    result = CallResult()
    arrivals: list[float] = []
    speech_ends: list[float] = []
    barge_starts: list[float] = []
    closed = asyncio.Event()

    async def receive(ws: aiohttp.ClientWebSocketResponse) -> None:
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.BINARY:
                arrivals.append(time.monotonic())
        closed.set()

    def bot_quiet_for(now: float) -> float:
        return now - arrivals[-1] if arrivals else now

    try:
        async with aiohttp.ClientSession() as http, http.ws_connect(url, heartbeat=None) as ws:
            start = {"sampleRate": 8000, "token": token, "lang": lang, "from": "13800000000", "callId": call_id}
            await ws.send_str(json.dumps(start))
            receiver = asyncio.create_task(receive(ws))
            pacer = _Pacer(ws, result, script.line_noise)
            last = len(script.utterances) - 1
            for index, pcm in enumerate(script.utterances):
                barge = script.barge_in_last and index == last and index > 0
                heard_before = len(arrivals)
                waited = time.monotonic()
                pause = rng.uniform(*script.pause_s)
                while not closed.is_set() and time.monotonic() - waited < MAX_WAIT_S:
                    now = await pacer.send()
                    if len(arrivals) == heard_before:
                        continue
                    if barge:
                        group = spurts(arrivals)[-1]
                        if arrivals[-1] > now - SPURT_GAP_S and now - group[0] >= BARGE_IN_AFTER_S:
                            break
                    elif bot_quiet_for(now) >= pause:
                        break
                if closed.is_set():
                    break
                frames = [f.pcm for f in split_frames(pcm, 8000)]
                for k, frame in enumerate(frames):
                    slot = await pacer.send(frame)
                    if k == 0 and barge:
                        barge_starts.append(slot)
                speech_ends.append(slot + FRAME_MS / 1000)
            heard_before = len(arrivals)  # hear the last answer out, then hang up
            waited = time.monotonic()
            while not closed.is_set() and time.monotonic() - waited < MAX_WAIT_S:
                now = await pacer.send()
                if len(arrivals) > heard_before and bot_quiet_for(now) >= 1.0:
                    break
            if not closed.is_set():
                await ws.send_str(json.dumps({"type": "hangup"}))
                await ws.close()
            await asyncio.wait_for(receiver, 10)
    except (aiohttp.ClientError, ConnectionError, TimeoutError) as err:
        result.error = f"{type(err).__name__}: {err}"
    analyse(result, arrivals, speech_ends, barge_starts)
    return result
