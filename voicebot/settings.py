"""Settings: one TOML file (``voicebot.toml`` or ``--config``) plus ``VOICEBOT_*`` environment overrides.

Each section is a frozen dataclass with defaults that work on a fresh machine.
Environment overrides use ``VOICEBOT_<SECTION>__<FIELD>`` (e.g.
``VOICEBOT_HANDOFF__DATABASE_URL``).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicebot.errors import ConfigError
from voicebot.paths import PROJECT_ROOT as PROJECT_ROOT
from voicebot.paths import project_path as project_path
from voicebot.service_settings import (
    FollowupSettings,
    HandoffSettings,
    HotTopicSettings,
    KnowledgeSettings,
    RecordingSettings,
    WorkOrderSettings,
)


@dataclass(frozen=True, slots=True)
class AsrSettings:
    """Speech recognition."""

    engine: str = "vosk"
    """``vosk`` (real) or ``reference`` (reference texts, for dialogue-only runs)."""
    models: dict[str, str] = field(
        default_factory=lambda: {"zh-CN": "vosk-model-small-cn-0.22", "en-US": "vosk-model-small-en-us-0.15"}
    )
    """Per language: an official model name (see ``voicebot models list``) or a model directory path."""
    model_dir: str = "~/.cache/hotline-voicebot/models"
    """Where downloaded models are kept."""
    workers: int = 0
    """Threads decoding audio for all calls (bounded executor); 0: one per CPU core (``os.cpu_count()``)."""
    beam: float = 0.0
    """Decoder beam for every model; 0: the model's own (``conf/model.conf``; docs/performance.md, "Decoder")."""
    max_active: int = 0
    """Decoder max-active for every model; 0: the model's own."""
    warm_up_ms: int = 200
    """At call start, each new recogniser decodes this much faint noise and resets, so vosk's one-off first-decode
    cost (~0.5 CPU-s) is paid during the greeting, not on the caller's first words; 0: off."""
    vad_aggressiveness: int = 2
    """webrtcvad mode 0-3 (3 filters most non-speech)."""


@dataclass(frozen=True, slots=True)
class TtsSettings:
    """Speech synthesis."""

    engine: str = "pyttsx3"
    """``pyttsx3`` (espeak-ng)."""
    voices: dict[str, str] = field(default_factory=lambda: {"zh-CN": "cmn-latn-pinyin", "en-US": "en-us"})
    """espeak-ng voice per language (``cmn`` mispronounces Hanzi on Debian 12)."""
    speech_rate: int = 170
    """Words per minute."""
    speech_rates: dict[str, int] = field(default_factory=lambda: {"zh-CN": 210})
    """Per-language ``speech_rate`` override (espeak counts each pinyin syllable as a word: 170 is slow Mandarin)."""
    cache_dir: str = "~/.cache/hotline-voicebot/tts"
    """Where rendered prompts are kept between runs (empty: memory only)."""


@dataclass(frozen=True, slots=True)
class DialogueSettings:
    """The dialogue engine (Rasa over HTTP)."""

    rasa_urls: dict[str, str] = field(
        default_factory=lambda: {"zh-CN": "http://127.0.0.1:5005", "en-US": "http://127.0.0.1:5006"}
    )
    """Rasa server per language."""
    action_server_url: str = "http://127.0.0.1:5055"
    """The rasa_sdk action server."""
    timeout_s: float = 4.0
    """A Rasa turn slower than this counts as failed: apology and handoff."""
    manage_servers: bool = True
    """``voicebot serve`` starts and supervises Rasa and the action server itself."""
    rasa_token: str = ""
    """Secret of the Rasa HTTP API (``rasa run --auth-token``); empty: the one in ``rasa_token_file``."""
    rasa_token_file: str = "var/rasa-token"
    """Where the token is kept when ``rasa_token`` is empty (created with a random token, mode 0600)."""
    start_grace_s: float = 600.0
    """A starting server is restarted only if it exits or shows no progress (log output, open port) this long."""
    unhealthy_restart_s: float = 60.0
    """A server that was up is restarted when it fails health checks and logs nothing for this long."""
    ready_timeout_s: float = 1200.0
    """``voicebot rasa serve`` and ``--start-rasa`` give up when the servers are not all ready by then."""


@dataclass(frozen=True, slots=True)
class SessionSettings:
    """Call behaviour."""

    default_lang: str = "zh-CN"
    """Language of a call when the line does not say."""
    end_of_turn: str = "adaptive"
    """``adaptive``: the silence that ends an utterance follows the words heard so far and what the bot asked
    (``asr/end_of_turn.py``), from ``min_end_silence_ms`` up to ``max_end_silence_ms``; ``fixed``: always
    ``end_silence_ms`` (``long_end_silence_ms`` after a number prompt)."""
    end_silence_ms: int = 700
    """``fixed``: silence that ends an utterance."""
    long_end_silence_ms: int = 1500
    """``fixed``: silence that ends an utterance when the bot asked for a number (callers pause between digits)."""
    min_end_silence_ms: int = 300
    """``adaptive``: the silence after a clearly complete turn (是的, a whole 11-digit mobile number, 谢谢)."""
    neutral_end_silence_ms: int = 550
    """``adaptive``: the silence when the words tell neither way."""
    hesitant_end_silence_ms: int = 1200
    """``adaptive``: the silence after a trailing filler or conjunction (那个, 然后, 我想问一下, and, um)."""
    max_end_silence_ms: int = 2000
    """``adaptive``: the most any utterance waits: after a number prompt while digits are still missing (slow
    callers pause 1.5 s between digit groups)."""
    no_input_ms: int = 8000
    """Silence before the bot re-prompts."""
    max_no_input: int = 2
    """Re-prompts before the bot ends the call politely."""
    barge_in_min_ms: int = 300
    """The bot must have spoken this long before caller speech interrupts it (echo and noise guard)."""
    barge_in_max_burst_ms: int = 300
    """Caller sound over the bot voiced this long or less never stops it (coughs, "嗯"); longer sound stops it
    once the recogniser has words that are not a backchannel (``voicebot/call/barge_in.py``)."""
    barge_in_margin_db: float = 14.0
    """Caller frames count as voiced for barge-in only this far above the line's noise floor."""
    barge_in_gap_ms: int = 120
    """An unvoiced gap this long ends a stretch of caller sound (scattered noise does not add up to speech)."""
    barge_in_duck: bool = True
    """Turn the bot down while caller sound over it is not yet known to be a barge-in."""
    max_call_s: int = 900
    """Hard limit on a call's length."""
    dialogue_timeout_s: float = 6.0
    """Hard limit on one dialogue turn, whatever the engine (its own timeout should fire first)."""
    dialogue_failures_before_handoff: int = 1
    """Engine failures in one call before the caller is handed to a human."""
    satisfaction_survey: bool = True
    """一次一评: at the end of a call the bot resolved (FAQ answered, complaint filed) ask the caller once for a rating
    (keys 1-5 or words; never after an emergency or a handoff). ``false``: never ask."""
    media_timeout_s: float = 30.0
    """No audio frame at all from the line this long (no RTP, a vanished caller) ends the call as lost: its
    ticket becomes a callback. Not the caller's silence: a live line keeps sending frames. ``0``: off."""
    repeat_lookup_timeout_s: float = 0.3
    """At call start, the caller's open tickets are looked up for at most this long (a slow or failed store
    means the usual greeting, never a late or broken one). ``0``: repeat callers are not recognised."""

    def __post_init__(self) -> None:
        if self.end_of_turn not in ("adaptive", "fixed"):
            raise ConfigError(
                "config-bad-end-of-turn", f"[session] end_of_turn = {self.end_of_turn!r}: use adaptive or fixed"
            )
        holds = (self.min_end_silence_ms, self.neutral_end_silence_ms, self.hesitant_end_silence_ms,
                 self.max_end_silence_ms)
        if not 0 < holds[0] <= holds[1] <= holds[2] <= holds[3]:
            raise ConfigError(
                "config-bad-end-of-turn",
                "[session] needs 0 < min_end_silence_ms <= neutral_end_silence_ms <= hesitant_end_silence_ms <= "
                f"max_end_silence_ms, got {'/'.join(str(h) for h in holds)}",
            )


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """``voicebot serve``."""

    host: str = "127.0.0.1"
    """HTTP/WebSocket listen address."""
    port: int = 8080
    """HTTP/WebSocket port."""
    media_token: str = ""
    """Shared secret Twilio/WebSocket/AudioSocket peers must present; required unless ``development``."""
    development: bool = False
    """Development mode (``voicebot serve --dev``, what ``./dev up`` runs): without a ``media_token`` a random one
    is made for the run (never shown), and the softphone page gets call tokens without a console login."""
    trusted_proxies: str = ""
    """Comma-separated IPs or CIDR networks of reverse proxies whose ``X-Forwarded-For`` (client address: login
    throttling), ``X-Forwarded-Proto`` (``https``: Secure cookies) and ``X-Forwarded-Host`` (the Origin check) are
    believed; other peers' are ignored."""
    allowed_origins: str = ""
    """Comma-separated origins (``https://console.example.gov.cn``) that may post to the console and open its
    WebSocket besides its own (``Origin: null`` never may)."""
    request_header_timeout_s: float = 15.0
    """A connection must send a request's headers within this (also how long an idle keep-alive connection stays)."""
    sip_port: int = 5060
    """SIP UDP port (``0``: an ephemeral port, ``-1``: SIP off); SIP listens on ``host``."""
    sip_peers: str = "127.0.0.1"
    """Comma-separated IPs or CIDR networks allowed to send SIP (others get ``403 Forbidden``)."""
    sip_public_host: str = ""
    """Address put in SDP and Contact (empty: ``host``)."""
    rtp_ports: str = ""
    """RTP port range like ``20000-20999`` (empty: ephemeral ports)."""
    sip_answer_delay_ms: int = 0
    """Ring this long before answering (``180 Ringing`` first); callers may CANCEL meanwhile."""
    agent_uri: str = ""
    """SIP URI a call is REFERred to when the bot hands it to a person (empty: no SIP transfer; handed-off
    callers then wait in the queue and are called back)."""
    refer_notify_timeout_s: float = 30.0
    """After a REFER's ``202``, wait this long for the NOTIFY reporting the transfer's outcome (RFC 3515);
    none in time counts as a failed transfer: the caller stays with the bot, back in the queue."""
    audiosocket_port: int = 9092
    """Asterisk AudioSocket TCP port (``0``: ephemeral, ``-1``: off); listens on ``host``."""
    audiosocket_peers: str = "127.0.0.1"
    """Comma-separated IPs or CIDR networks allowed to connect to AudioSocket."""
    audiosocket_require_registration: bool = False
    """Accept only AudioSocket UUIDs announced first with ``POST /api/audiosocket/calls`` (token-protected)."""
    transfer_on_close: bool = False
    """AudioSocket/Twilio: ``transfer`` closes the media stream so the dialplan/TwiML continues to the agents."""
    twilio_start_timeout_s: float = 5.0
    """Twilio: a Media Stream that has not sent a valid ``start`` this soon after connecting is closed."""
    max_calls: int = 200
    """Calls at once, ringing SIP calls included; more are refused (SIP ``503``, WebSocket close 1013)."""
    shutdown_grace_s: float = 30.0
    """On shutdown, wait this long for calls to finish before hanging them up."""


@dataclass(frozen=True, slots=True)
class Settings:
    """All settings."""

    asr: AsrSettings = field(default_factory=AsrSettings)
    """Speech recognition."""
    tts: TtsSettings = field(default_factory=TtsSettings)
    """Speech synthesis."""
    dialogue: DialogueSettings = field(default_factory=DialogueSettings)
    """Dialogue engine."""
    session: SessionSettings = field(default_factory=SessionSettings)
    """Call behaviour."""
    handoff: HandoffSettings = field(default_factory=HandoffSettings)
    """Tickets and agents."""
    workorder: WorkOrderSettings = field(default_factory=WorkOrderSettings)
    """Work-order operator files."""
    hot_topics: HotTopicSettings = field(default_factory=HotTopicSettings)
    """The hot-topics page and its spike rule."""
    recording: RecordingSettings = field(default_factory=RecordingSettings)
    """Recordings of served calls."""
    knowledge: KnowledgeSettings = field(default_factory=KnowledgeSettings)
    """FAQ knowledge base publishes."""
    server: ServerSettings = field(default_factory=ServerSettings)
    """Server."""
    followup: FollowupSettings = field(default_factory=FollowupSettings)
    """回访 calls after a ticket is resolved."""


def _coerce(value: str, current: Any) -> Any:
    if isinstance(current, bool):
        return value.lower() in ("1", "true", "yes", "on")
    if isinstance(current, int):
        return int(value)
    if isinstance(current, float):
        return float(value)
    if isinstance(current, dict):
        return dict(item.split("=", 1) for item in value.split(",") if item)
    return value


def _build_section(cls: type, name: str, data: dict[str, Any], env: dict[str, str]) -> Any:
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = set(data) - known
    if unknown:
        raise ConfigError("config-unknown-key", f"[{name}] has unknown settings: {', '.join(sorted(unknown))}")
    section = cls(**data)
    overrides: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        key = f"VOICEBOT_{name.upper()}__{f.name.upper()}"
        if key in env:
            try:
                overrides[f.name] = _coerce(env[key], getattr(section, f.name))
            except ValueError as err:
                raise ConfigError("config-bad-value", f"{key}={env[key]!r}: {err}") from err
    return dataclasses.replace(section, **overrides) if overrides else section


def load_settings(path: str | Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """Load settings from a TOML file (optional) and the environment."""
    env = dict(os.environ) if env is None else env
    data: dict[str, Any] = {}
    if path is None and env.get("VOICEBOT_CONFIG"):
        path = env["VOICEBOT_CONFIG"]
    if path is not None:
        p = Path(path).expanduser()
        if not p.is_file():
            raise ConfigError("config-missing", f"settings file {p} does not exist")
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as err:
            raise ConfigError("config-bad-toml", f"{p}: {err}") from err
    sections = {f.name: f.type for f in dataclasses.fields(Settings)}
    unknown = set(data) - set(sections)
    if unknown:
        raise ConfigError("config-unknown-section", f"unknown settings sections: {', '.join(sorted(unknown))}")
    built = {
        f.name: _build_section(type(getattr(Settings(), f.name)), f.name, data.get(f.name, {}), env)
        for f in dataclasses.fields(Settings)
    }
    return Settings(**built)
