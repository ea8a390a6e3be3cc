"""Listening: line frames -> VAD -> endpoint segmenter -> ASR, turned into caller inputs for the conversation."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Protocol

from asr.base import RecognizerStream, VoiceActivityDetector
from asr.segmenter import Ended, PreRoll, Segmenter, Started, TimedOut
from voicebot.audio import FRAME_MS, AudioFrame
from voicebot.call.barge_in import BargeAction, BargeInRule, Overlap, VoicedMeter, decide, is_nothing
from voicebot.call.call_context import CallContext
from voicebot.call.caller_input import CallerInput, Failed, Heard, HungUp, Lost, Pressed, Retracted, Silent
from voicebot.call.turn_end import segmenter_config, turn_end
from voicebot.errors import AsrError
from voicebot.events import (
    BargeIn,
    BargeInRetracted,
    DtmfReceived,
    ErrorOccurred,
    PartialTranscript,
    Transcribed,
    UserStartedSpeaking,
    UserStoppedSpeaking,
)
from voicebot.lines.line import Dtmf

log = logging.getLogger(__name__)

DTMF_INTER_DIGIT_MS = 2500
"""A digit string ends after this pause (or with #)."""
PARTIAL_EVERY_FRAMES = 10
"""Publish a partial transcript every 200 ms of speech (softphone display)."""


class BotVoice(Protocol):
    """What the listener may ask of the bot's speaker: is it talking, for how long; stop it; the line is gone."""

    @property
    def speaking(self) -> bool:
        """Return True while an utterance is playing."""

    @property
    def spoken_ms(self) -> int:
        """Return how long the current utterance has played."""

    @property
    def interruptible(self) -> bool:
        """Return False while an utterance that caller speech must not cut is playing."""

    def duck(self, on: bool) -> None:
        """Turn the current utterance down (``on``) or back up."""

    async def interrupt(self) -> bool:
        """Stop the current utterance at once; True if one was playing."""

    async def line_closed(self) -> None:
        """The caller hung up: stop speaking for good."""


class Listener:
    """Runs the listen stage of one call and posts ``CallerInput``s to the conversation's inbox.

    It reads the conversation's turn state (``context.turn``): endpointing and the keypad follow what the bot
    asked for, and the no-input timer stands still while the bot thinks. With adaptive end of turn the silence
    that ends an utterance is decided again on every silent frame, from the partial transcript as it stands.
    """

    def __init__(
        self,
        context: CallContext,
        vad: VoiceActivityDetector,
        stream: RecognizerStream,
        speaker: BotVoice,
        inbox: asyncio.Queue[CallerInput],
    ) -> None:
        self._line = context.line
        self._clock = context.clock
        self._record = context.record
        self._settings = context.settings
        self._turn = context.turn
        self._recorder = context.recorder
        self._vad = vad
        self._stream = stream
        self._speaker = speaker
        self._inbox = inbox
        self._endpointing_for = context.turn.expect
        config = segmenter_config(self._settings, self._endpointing_for)
        self._segmenter = Segmenter(config)
        self._turn_end = turn_end(self._settings, context.lang)
        self._preroll = PreRoll(config.pre_roll_ms)
        self._barge_in_min_ms = self._settings.barge_in_min_ms
        self._rule = BargeInRule(self._settings.barge_in_max_burst_ms, self._settings.barge_in_duck,
                                 self._settings.barge_in_margin_db, self._settings.barge_in_gap_ms)
        self._voiced = VoicedMeter(self._rule.margin_db, FRAME_MS, self._rule.gap_ms)
        self._lang = context.lang
        self._overlap = False
        """The current utterance began while the bot was speaking."""
        self._barged = False
        """The current utterance stopped the bot."""
        self._digits = ""
        self._last_digit_ms = 0.0
        self._speech_frames = 0
        self._asr_failed = False
        self._media_timeout_ms = int(self._settings.media_timeout_s * 1000)
        self._recv_since: float | None = None
        """Call time the listener began waiting for the line's next item (None while it works on one)."""

    def _follow_expect(self) -> None:
        """Endpoint for what the bot asked for last (longer pauses for a phone number), from this frame on."""
        if self._turn.expect != self._endpointing_for:
            self._endpointing_for = self._turn.expect
            self._segmenter.reconfigure(segmenter_config(self._settings, self._endpointing_for))

    async def run(self) -> None:
        """Listen until the caller hangs up; a recogniser failure is reported to the conversation, not raised.

        After such a failure the line is still read (DTMF keeps working) so the caller hears the apology
        and reaches a person. A line that delivers nothing at all for the media timeout is reported ``Lost``.
        """
        watchdog = asyncio.create_task(self._watch_media()) if self._media_timeout_ms > 0 else None
        try:
            await self._listen()
        finally:
            if watchdog is not None:
                watchdog.cancel()
                await asyncio.wait([watchdog])

    async def _watch_media(self) -> None:
        """Post ``Lost`` once the listener has waited ``media_timeout_ms`` for the line without anything coming.

        Only time spent waiting on the line counts: a listener held up elsewhere (a full inbox) is not a dead line.
        """
        timeout = self._media_timeout_ms
        while True:
            since = self._recv_since
            if since is None:
                await self._clock.sleep_until(self._clock.now_ms() + min(1000, timeout))
                continue
            await self._clock.sleep_until(since + timeout)
            if self._recv_since == since and self._clock.now_ms() - since >= timeout:
                log.warning("call %s: nothing from the line for %d s: the caller is gone", self._record.call_id,
                            timeout // 1000)
                await self._record.emit(
                    ErrorOccurred(int(self._clock.now_ms()), "line-media-timeout", f"no media for {timeout} ms"))
                await self._inbox.put(Lost(timeout))
                return

    async def _listen(self) -> None:
        while True:
            self._recv_since = self._clock.now_ms()
            item = await self._line.recv()
            self._recv_since = None
            if item is None:
                await self._speaker.line_closed()
                await self._inbox.put(HungUp())
                return
            if isinstance(item, Dtmf):
                await self._on_digit(item.digit)
                continue
            if self._recorder is not None:  # a number given or being keyed is recorded as silence
                self._recorder.caller(item, self._turn.number_capture or bool(self._digits))
            if not self._asr_failed:
                try:
                    await self._on_frame(item)
                except AsrError as err:
                    log.error("call %s: recogniser failed: %s", self._record.call_id, err)
                    self._asr_failed = True
                    await self._inbox.put(Failed(err))

    async def _on_digit(self, digit: str) -> None:
        now = self._clock.now_ms()
        await self._record.emit(DtmfReceived(int(now), digit=digit))
        if self._speaker.speaking:
            await self._speaker.interrupt()  # a key press is a barge-in too
        if digit == "0" and not self._digits and not self._expecting_number:
            await self._inbox.put(Pressed("0"))
            return
        if digit == "#":
            await self._flush_digits()
            return
        self._digits += digit
        self._last_digit_ms = now

    @property
    def _expecting_number(self) -> bool:
        return self._turn.expect == "number"

    async def _flush_digits(self) -> None:
        if self._digits:
            digits, self._digits = self._digits, ""
            await self._record.emit(Transcribed(int(self._clock.now_ms()), text=digits, source="dtmf"))
            await self._inbox.put(Pressed(digits))

    async def _on_frame(self, frame: AudioFrame) -> None:
        now = self._clock.now_ms()
        if self._digits and now - self._last_digit_ms >= DTMF_INTER_DIGIT_MS:
            await self._flush_digits()
        if self._turn.thinking or self._speaker.speaking or self._digits:
            self._segmenter.reset_timeout()  # no-input counts from when the bot stopped talking
        speech = self._vad.is_speech(frame)
        was_in_speech = self._segmenter.in_speech
        self._voiced.frame(speech, self._vad.above_floor_db)
        self._follow_expect()
        self._adapt_end(speech)
        event = self._segmenter.process(FRAME_MS, speech)
        if isinstance(event, Started):
            await self._on_started(event)
        elif isinstance(event, Ended):
            await self._feed(frame)
            await self._on_ended(event)
            return
        elif isinstance(event, TimedOut):
            if not self._turn.thinking:
                await self._inbox.put(Silent())
            self._segmenter.reset_timeout()
        if was_in_speech or isinstance(event, Started):
            if self._segmenter.in_speech:
                await self._feed(frame)
                await self._publish_partial()
                await self._judge_overlap()
        else:
            self._preroll.push(frame)

    def _adapt_end(self, speech: bool) -> None:
        """Adaptive end of turn: on a silent frame of an utterance, set the silence that ends it from now."""
        if self._turn_end is None or speech or not self._segmenter.in_speech:
            return
        hold = self._turn_end.hold(self._stream.partial().text, self._turn).hold_ms
        if hold != self._segmenter.config.end_silence_ms:
            self._segmenter.reconfigure(dataclasses.replace(self._segmenter.config, end_silence_ms=hold))

    async def _on_started(self, event: Started) -> None:
        self._overlap = self._barged = False
        self._voiced.start()
        if self._speaker.speaking:
            if self._speaker.spoken_ms < self._barge_in_min_ms:
                # Too early to be a barge-in (echo of our own first syllables, a cough): forget this start.
                self._segmenter = Segmenter(self._segmenter.config, self._segmenter.now_ms)
                return
            self._overlap = True  # barge-in or not: decided frame by frame from here (_judge_overlap)
        await self._record.emit(UserStartedSpeaking(self._call_time(event.at_ms)))
        self._speech_frames = 0
        if self._turn_end is not None:
            self._turn_end.started()
        for buffered in self._preroll.drain():
            await self._feed(buffered)

    async def _judge_overlap(self) -> None:
        """While the caller's utterance overlaps the bot: keep it talking, turn it down, or stop it."""
        if not self._overlap or self._barged or not self._speaker.speaking:
            return
        voiced = self._voiced.voiced_ms
        partial = self._stream.partial().text if voiced > self._rule.max_burst_ms else ""
        action = decide(Overlap(voiced, partial, self._speaker.interruptible, self._lang), self._rule)
        if action is BargeAction.STOP:
            self._barged = True
            if await self._speaker.interrupt():
                await self._record.emit(BargeIn(int(self._clock.now_ms())))
        else:
            self._speaker.duck(action is BargeAction.DUCK)

    async def _on_ended(self, event: Ended) -> None:
        waited = 0 if event.truncated else self._segmenter.now_ms - event.end_ms
        decision = None if self._turn_end is None or event.truncated else self._turn_end.last
        reason = "cut" if event.truncated else decision.reason if decision else "fixed"
        await self._record.emit(UserStoppedSpeaking(self._call_time(event.end_ms), waited, reason))
        transcript = await self._stream.finish()
        text = transcript.text.strip()
        overlap, barged, voiced = self._overlap, self._barged, self._voiced.peak_ms
        self._overlap = self._barged = False
        self._speaker.duck(False)
        if barged and is_nothing(text, self._lang):
            log.debug("call %s: the barge-in was nothing: the bot resumes", self._record.call_id)
            await self._record.emit(BargeInRetracted(int(self._clock.now_ms())))
            await self._inbox.put(Retracted())
            return
        if overlap and not barged and self._speaker.speaking and (
            voiced <= self._rule.max_burst_ms or is_nothing(text, self._lang)
        ):
            log.debug("call %s: backchannel or noise over the bot, not a turn", self._record.call_id)
            return
        if not text:
            log.debug("call %s: utterance with no words (noise)", self._record.call_id)
            return
        await self._record.emit(
            Transcribed(int(self._clock.now_ms()), text=text, confidence=transcript.confidence, source="asr")
        )  # shown on the softphone too
        await self._inbox.put(Heard(text, transcript.confidence))

    def _call_time(self, segmenter_ms: int) -> int:
        """Map segmenter time (sum of frames heard) to call-clock time (frames may arrive late).

        The frame just processed arrived (clock time) at its start; the segmenter's time is its end.
        """
        return int(self._clock.now_ms() + FRAME_MS - (self._segmenter.now_ms - segmenter_ms))

    async def _feed(self, frame: AudioFrame) -> None:
        await self._stream.accept(frame)

    async def _publish_partial(self) -> None:
        self._speech_frames += 1
        if self._speech_frames % PARTIAL_EVERY_FRAMES == 0:
            partial = self._stream.partial().text
            if partial:
                await self._record.emit(PartialTranscript(int(self._clock.now_ms()), text=partial))
