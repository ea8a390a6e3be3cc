"""Settings of the ticket side: tickets and agents, the work order, recordings, hot topics, 回访, the knowledge base.

Sections of ``voicebot.toml`` like those in ``voicebot.settings`` (which loads them): frozen dataclasses whose
defaults work on a fresh machine, overridden by ``VOICEBOT_<SECTION>__<FIELD>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from voicebot.errors import ConfigError
from voicebot.paths import project_path


@dataclass(frozen=True, slots=True)
class RecordingSettings:
    """Recordings of served calls (docs/security.md, Recordings)."""

    mode: str = "off"
    """``off``, ``caller`` (mono WAV) or ``both`` (stereo: caller left, bot right), at the line rate; when on, the
    caller hears the recording notice first."""
    directory: str = "var/recordings"
    """Where recordings go (``YYYY-MM-DD/<call id>.wav``, 0600; relative: under the project root)."""
    notice: dict[str, str] = field(default_factory=dict)
    """Per language, the recording notice's text (``zh-CN=本次通话将被录音。``); empty: the prompt table's."""
    pause_numbers: bool = True
    """Silence instead of the audio while a phone or ID number is given (spoken or keyed) and read back."""
    number_slots: str = "callback_phone,id_number"
    """Dialogue slots (``requested_slot``) whose question starts that pause (``{"expect": "number"}`` always does)."""

    def __post_init__(self) -> None:
        if self.mode not in ("off", "caller", "both"):
            raise ConfigError("config-bad-recording-mode", f"[recording] mode = {self.mode!r}: off, caller or both")


@dataclass(frozen=True, slots=True)
class HotTopicSettings:
    """The supervisors' hot-topics page (热点诉求分析) and its spike rule; days end at midnight in
    ``[handoff] timezone`` (empty: the machine's local time)."""

    days: int = 14
    """Days the charts show, today included (1-62)."""
    weeks: int = 4
    """A spike compares today with the mean of the same weekday over this many weeks before (1-12)."""
    spike_ratio: float = 2.0
    """Today at least this many times that mean is a spike (at least 1.0)."""
    spike_min_count: int = 5
    """...and at least this many tickets (or FAQ questions) today: a few calls are never a spike."""

    def __post_init__(self) -> None:
        if not (1 <= self.days <= 62 and 1 <= self.weeks <= 12 and self.spike_ratio >= 1.0
                and self.spike_min_count >= 1):  # fmt: skip
            raise ConfigError(
                "config-bad-hot-topics",
                f"[hot_topics] days={self.days} weeks={self.weeks} spike_ratio={self.spike_ratio} "
                f"spike_min_count={self.spike_min_count}: need days 1-62, weeks 1-12, ratio >= 1, min count >= 1",
            )


@dataclass(frozen=True, slots=True)
class FollowupSettings:
    """回访: after an agent resolves a ticket, the bot calls the citizen back over SIP and asks for a rating."""

    enabled: bool = False
    """Queue a 回访 when an agent resolves a ticket, and place the calls (``voicebot serve``)."""
    trunk_uri: str = ""
    """Where the INVITEs go: ``sip:trunk.example.gov.cn:5060`` (the citizen's number becomes the user part)."""
    registrar_uri: str = ""
    """Send REGISTER here first (and every ``register_expires_s``); empty: the trunk needs no registration."""
    username: str = ""
    """Digest user name for the trunk/registrar (RFC 7616 MD5, ``qop=auth``); empty: no credentials."""
    password: str = field(default="", repr=False)
    """Digest password (``VOICEBOT_FOLLOWUP__PASSWORD``); never logged, never shown."""
    password_file: str = ""
    """A file holding the password (a container secret); read when ``password`` is empty."""
    caller_id: str = "12345"
    """The user part of our From: what the citizen's phone shows."""
    local_host: str = "127.0.0.1"
    """Address the UAC's SIP and RTP sockets bind to and put in Via/Contact/SDP."""
    allowed_hours: str = "Mon-Sun 09:00-20:00"
    """When citizens may be called, in ``[handoff] timezone`` (the ``agent_hours`` syntax)."""
    max_attempts: int = 3
    """Calls per ticket before giving up (busy, no answer, declined)."""
    retry_delay_s: float = 1800.0
    """Wait this long after a failed attempt (then the next allowed hour)."""
    daily_cap: int = 200
    """At most this many 回访 calls started per local day."""
    ring_timeout_s: float = 30.0
    """No answer this long: CANCEL, and retry later."""
    answer_timeout_s: float = 8.0
    """After the question, wait this long for a key before asking once more."""
    call_anonymous: bool = False
    """Also call citizens who asked to stay anonymous (their number is still on the ticket)."""
    call_confidential: bool = False
    """Also call about confidential tickets."""
    poll_interval_s: float = 30.0
    """How often the scheduler looks for due 回访."""
    register_expires_s: int = 600
    """REGISTER ``Expires``."""

    def secret(self) -> str:
        """Return the digest password: ``password``, else the first line of ``password_file``, else empty."""
        if self.password or not self.password_file:
            return self.password
        return project_path(self.password_file).read_text(encoding="utf-8").strip()


@dataclass(frozen=True, slots=True)
class KnowledgeSettings:
    """The FAQ knowledge base's publishes: training a new Rasa model from drafts (docs/knowledge.md)."""

    work_dir: str = "var/knowledge"
    """Training copies of rasa_project, the published models and the held-out figures (relative: project root)."""
    f1_tolerance: float = 0.01
    """How much lower a candidate's held-out intent F1 (weighted) may be than before; more: the publish is refused."""


@dataclass(frozen=True, slots=True)
class HandoffSettings:
    """Tickets, queue and agents."""

    database_url: str = "sqlite:///var/voicebot.db"
    """SQLAlchemy URL; relative SQLite paths are under the project root."""
    agent_hours: str = "Mon-Fri 08:30-17:30, Sat 09:00-12:00"
    """When human agents work, in ``timezone``."""
    timezone: str = ""
    """IANA time zone of ``agent_hours`` (``Asia/Shanghai``; empty: the machine's local time)."""
    retention_days: int = 180
    """Days personal data is kept (at least 1): older tickets lose recording, transcript, complaint and work-order
    words, numbers, notes and history values; older spooled saves and Rasa conversations are deleted."""
    rasa_tracker_urls: dict[str, str] = field(default_factory=dict)
    """Per language, the database of Rasa's SQL tracker store when the Rasa servers use one (``endpoints.scale.yml``,
    e.g. ``postgresql://rasa:PASSWORD@127.0.0.1/rasa_zh``), so retention deletes old conversations there too.
    Empty: Rasa's default in-memory tracker store, whose conversations live until Rasa restarts."""

    def __post_init__(self) -> None:
        if self.retention_days < 1:
            raise ConfigError(
                "config-bad-retention",
                f"[handoff] retention_days = {self.retention_days}: personal data must be kept at least 1 day "
                "(and is deleted after that many days)",
            )


@dataclass(frozen=True, slots=True)
class WorkOrderSettings:
    """The 12345 work order's operator files (docs/workorder.md); empty: the samples in voicebot/workorder/data."""

    taxonomy: str = ""
    """诉求类型, categories and sub-categories with keywords (YAML)."""
    deadlines: str = ""
    """Urgency levels (一般/紧急/特急), 办理时限, working days and urgency cues (YAML)."""
    gazetteer: str = ""
    """The city's 区/县, 街道/镇 and 社区 with aliases (YAML; the sample is Beijing)."""
    routing: str = ""
    """Category x district -> 承办单位 rules with wildcard fallbacks (YAML)."""
