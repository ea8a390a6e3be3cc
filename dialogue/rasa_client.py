"""Rasa REST-channel client: one caller utterance in, the bot's turn (texts + directives) out.

Wire: ``POST {url}/webhooks/rest/webhook {"sender": call_id, "message": text, "metadata": {...}}`` returns a list
of messages, each with ``text`` and/or ``custom``. Custom payloads carry:

* directives (``{"directive": "handoff" | "file_ticket" | "ticket_status" | "hangup", ...}``, see ``dialogue.base``),
* ``{"expect": "number" | "yes_no"}`` after a question wanting digits or a yes/no,
* ``{"faq_topic": "faq/<topic>"}`` on FAQ answers (right after the answer's text message: the answer is the last
  utterance before it; the bot speaks the knowledge base's current text for the topic instead),
* ``{"interruptible": false}`` on responses caller speech must not cut (it marks the text just before it).

The caller's intent and the slots come from ``GET {url}/conversations/{id}/tracker?include_events=AFTER_RESTART``
(a few ms on the local server, needs ``rasa run --enable-api``; the intent is read from the last ``user`` event
because ``latest_message`` goes stale while a form is active); when that lookup fails the turn is still
returned, without them. One ``aiohttp.ClientSession`` is created lazily and closed by ``aclose()``.

Every request carries the API token (``?token=``, Rasa's ``--auth-token`` scheme; see ``voicebot.rasa.api_token``);
it is kept out of error messages and logs.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import aiohttp

from dialogue.base import BotTurn, Directive, FileTicket, Handoff, Hangup, TicketStatus
from dialogue.normalize import normalize
from voicebot.errors import DialogueError
from voicebot.rasa.api_token import RasaToken

log = logging.getLogger(__name__)

# Slots that are bookkeeping inside the assistant, not caller data.
INTERNAL_SLOTS = frozenset({"requested_slot", "lang", "correction_pending", "callback_offered", "complaint_confirmed",
                            "session_started_metadata", "reasked", "last_filled", "misunderstood_last", "has_opening"})


def parse_directive(payload: dict[str, Any]) -> Directive | None:
    """Return the directive a custom payload carries, or None; raise DialogueError if it is malformed."""
    kind = payload.get("directive")
    if kind is None:
        return None
    try:
        if kind == "handoff":
            return Handoff(str(payload.get("reason") or "caller-request"), dict(payload.get("slots") or {}))
        if kind == "file_ticket":
            return FileTicket(dict(payload["fields"]))
        if kind == "ticket_status":
            return TicketStatus(str(payload["ticket_number"]))
        if kind == "hangup":
            return Hangup()
    except (KeyError, TypeError, ValueError) as err:
        raise DialogueError("rasa-bad-response", f"malformed {kind!r} directive: {payload!r}") from err
    raise DialogueError("rasa-bad-response", f"unknown directive {kind!r}")


def parse_messages(messages: Any) -> BotTurn:
    """Turn the REST channel's message list into a BotTurn (without intent and slots)."""
    if not isinstance(messages, list):
        raise DialogueError("rasa-bad-response", f"expected a list of messages, got {type(messages).__name__}")
    utterances: list[str] = []
    directives: list[Directive] = []
    expect: str | None = None
    faq_topic: str | None = None
    faq_index: int | None = None
    asked: str | None = None
    held: list[int] = []
    for message in messages:
        if not isinstance(message, dict):
            raise DialogueError("rasa-bad-response", f"expected a message object, got {message!r}")
        text = message.get("text")
        if isinstance(text, str) and text.strip():
            utterances.append(text.strip())
        custom = message.get("custom")
        if isinstance(custom, dict):
            directive = parse_directive(custom)
            if directive is not None:
                directives.append(directive)
            expect = custom.get("expect", expect)
            if custom.get("faq_topic"):
                faq_topic = str(custom["faq_topic"])
                faq_index = len(utterances) - 1 if utterances else None
            asked = custom.get("asked", asked)
            if custom.get("interruptible") is False and utterances and len(utterances) - 1 not in held:
                held.append(len(utterances) - 1)
    return BotTurn(tuple(utterances), tuple(directives), expect=expect, faq_topic=faq_topic, asked=asked,
                   uninterruptible=tuple(held), faq_index=faq_index)


def tracker_state(tracker: Any) -> tuple[str | None, dict[str, Any], str | None]:
    """Return the latest intent, the filled caller slots and the slot the bot asks for (``requested_slot``)."""
    if not isinstance(tracker, dict):
        return None, {}, None
    users = [e for e in tracker.get("events") or [] if isinstance(e, dict) and e.get("event") == "user"]
    parsed = (users[-1].get("parse_data") or {}) if users else (tracker.get("latest_message") or {})
    found = parsed.get("intent") or {}
    intent = found.get("full_retrieval_intent_name") or found.get("name")
    raw = tracker.get("slots") or {}
    slots = {k: v for k, v in raw.items() if v is not None and k not in INTERNAL_SLOTS}
    requested = raw.get("requested_slot")
    return intent, slots, str(requested) if requested else None


class RasaClient:
    """A ``DialogueEngine`` talking to one Rasa server per language over the REST channel."""

    def __init__(
        self, urls: dict[str, str], timeout_s: float = 4.0, fetch_tracker: bool = True,
        token: RasaToken | None = None,
    ) -> None:
        self._urls = {lang: url.rstrip("/") for lang, url in urls.items()}
        self._token = token or RasaToken("")
        self._params = {"token": self._token.value} if self._token.value else {}
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._fetch_tracker = fetch_tracker
        self._session: aiohttp.ClientSession | None = None

    def _url(self, lang: str) -> str:
        if lang in self._urls:
            return self._urls[lang]
        prefix = lang.split("-")[0]
        for known, url in self._urls.items():
            if known.split("-")[0] == prefix:
                return url
        raise DialogueError("rasa-unknown-lang", f"no Rasa server configured for language {lang!r}")

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def respond(self, call_id: str, text: str, lang: str, metadata: dict[str, Any]) -> BotTurn:
        """Send the caller's words to the language's Rasa server and return the bot's turn."""
        url = self._url(lang)
        body = {"sender": call_id, "message": normalize(text), "metadata": {"lang": lang, **metadata}}
        messages = await self._request("POST", f"{url}/webhooks/rest/webhook", call_id, json_body=body)
        turn = parse_messages(messages)
        if not self._fetch_tracker:
            return turn
        intent, slots, requested = await self._facts(url, call_id)
        return replace(turn, intent=intent, slots=slots, asked=turn.asked or requested)

    async def _facts(self, url: str, call_id: str) -> tuple[str | None, dict[str, Any], str | None]:
        try:
            tracker = await self._request(
                "GET", f"{url}/conversations/{quote(call_id, safe='')}/tracker", call_id,
                query={"include_events": "AFTER_RESTART"},
            )
        except DialogueError as err:
            # The turn itself succeeded; intent and slots are for records only.
            log.warning("call %s: tracker lookup failed (%s); turn recorded without intent", call_id, err.code)
            return None, {}, None
        return tracker_state(tracker)

    async def _request(
        self, method: str, url: str, call_id: str, json_body: Any = None, query: dict[str, str] | None = None
    ) -> Any:
        params = {**(query or {}), **self._params}
        try:
            async with self._client().request(method, url, json=json_body, params=params) as response:
                if response.status != 200:
                    detail = self._token.scrub((await response.text())[:200])
                    code = "rasa-unauthorized" if response.status in (401, 403) else "rasa-bad-response"
                    raise DialogueError(code, f"{method} {url}: HTTP {response.status} {detail}")
                raw = await response.read()
        except TimeoutError as err:
            log.warning("call %s: Rasa timed out after %.1f s", call_id, self._timeout.total or 0.0)
            raise DialogueError("rasa-timeout", f"{method} {url} took longer than {self._timeout.total} s") from err
        except aiohttp.ClientError as err:
            raise DialogueError("rasa-unreachable", self._token.scrub(f"{method} {url}: {err}")) from None
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError) as err:
            raise DialogueError("rasa-bad-response", f"{method} {url}: not JSON: {raw[:100]!r}") from err

    async def health(self) -> dict[str, bool]:
        """Return, per language, whether its Rasa server answers ``GET /status`` (which also checks the token)."""
        result: dict[str, bool] = {}
        for lang, url in self._urls.items():
            try:
                await self._request_status(url)
                result[lang] = True
            except DialogueError as err:
                log.info("Rasa %s at %s not healthy: %s", lang, url, err.code)
                result[lang] = False
        return result

    async def _request_status(self, url: str) -> None:
        try:
            async with self._client().get(f"{url}/status", params=self._params) as response:
                if response.status in (401, 403):
                    log.error("Rasa at %s rejects the API token: check [dialogue] rasa_token(_file)", url)
                    raise DialogueError("rasa-unauthorized", f"GET {url}/status: HTTP {response.status}")
                if response.status != 200:
                    raise DialogueError("rasa-bad-response", f"GET {url}/status: HTTP {response.status}")
        except TimeoutError as err:
            raise DialogueError("rasa-timeout", f"GET {url}/status timed out") from err
        except aiohttp.ClientError as err:
            raise DialogueError("rasa-unreachable", self._token.scrub(f"GET {url}/status: {err}")) from None

    async def aclose(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None
