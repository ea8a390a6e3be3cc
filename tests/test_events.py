"""The call record: one way to record an event and show it live; tickets kept once."""

from __future__ import annotations

from voicebot.call.live_view import LineDisplay
from voicebot.events import (
    BotAboutToSpeak,
    CallEvent,
    CallRecord,
    LiveEvent,
    NoInput,
    PartialTranscript,
    TicketFiled,
    Transcribed,
)
from voicebot.lines.line import LineInfo

from .fakes import QuietLine


class Watcher:
    """A ``CallListener`` that keeps what it was shown."""

    def __init__(self) -> None:
        self.seen: list[CallEvent | LiveEvent] = []

    async def on_event(self, event: CallEvent | LiveEvent) -> None:
        self.seen.append(event)


class ShowingLine(QuietLine):
    """A line that can display events (like the browser softphone)."""

    info = LineInfo("c1", "websocket")

    def __init__(self) -> None:
        self.shown: list[dict[str, object]] = []

    async def notify(self, event: dict[str, object]) -> None:
        self.shown.append(event)


async def test_emit_records_call_events_only_and_shows_every_event_in_order() -> None:
    watcher = Watcher()
    record = CallRecord("c1", listeners=(watcher,))
    events = [NoInput(10), PartialTranscript(20, "几点"), Transcribed(30, "几点上班")]
    for event in events:
        await record.emit(event)
    assert record.events == [events[0], events[2]]
    assert watcher.seen == events
    assert "listeners" not in record.to_dict()


async def test_add_ticket_records_each_filing_but_keeps_the_number_once() -> None:
    record = CallRecord("c1")
    await record.add_ticket(100, "A-1", "complaint")
    await record.add_ticket(200, "A-1", "handoff")
    record.keep_ticket("A-1")
    assert record.tickets == ["A-1"]
    assert [(e.at_ms, e.number, e.ticket_kind) for e in record.of(TicketFiled)] == [
        (100, "A-1", "complaint"),
        (200, "A-1", "handoff"),
    ]


async def test_the_line_display_shows_words_and_bot_utterances_but_never_keys() -> None:
    line = ShowingLine()
    record = CallRecord("c1", listeners=(LineDisplay(line),))
    await record.emit(PartialTranscript(0, "几"))
    await record.emit(Transcribed(1, "几点上班"))
    await record.emit(Transcribed(2, "13812345678", source="dtmf"))
    await record.emit(BotAboutToSpeak(3, "我们九点上班"))
    await record.emit(NoInput(4))
    assert line.shown == [
        {"type": "partial", "text": "几"},
        {"type": "transcript", "text": "几点上班"},
        {"type": "bot", "text": "我们九点上班"},
    ]
