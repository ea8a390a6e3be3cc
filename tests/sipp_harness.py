"""Drive SIPp (Debian ``sip-tester``) against the server and capture the bot's RTP: used by tests and benchmarks."""

from __future__ import annotations

import asyncio
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from voicebot.audio import rms_dbfs, ulaw_decode
from voicebot.errors import LineError
from voicebot.lines.rtp import RtpPacket, parse_rtp

SCENARIOS = Path(__file__).resolve().parent / "sipp"
"""The scenario XML templates."""
DTMF_PCAP = Path("/usr/share/sip-tester/dtmf_2833_{}.pcap")
"""SIPp's recorded RFC 4733 digits."""


def free_udp_port() -> int:
    """Return a UDP port free right now (SIPp needs explicit ports)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def render_scenario(name: str, directory: Path, **values: str) -> Path:
    """Fill the ``@KEY@`` placeholders of ``tests/sipp/<name>.xml`` and write it to ``directory``."""
    text = (SCENARIOS / f"{name}.xml").read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key.upper()}@", value)
    target = directory / f"{name}.xml"
    target.write_text(text, encoding="utf-8")
    return target


@dataclass(slots=True)
class Captured:
    """One RTP packet the bot sent."""

    at: float
    """Arrival time (monotonic seconds)."""
    packet: RtpPacket
    """The packet."""

    @property
    def speech(self) -> bool:
        """Return whether the payload carries sound (not silence)."""
        return rms_dbfs(ulaw_decode(self.packet.payload)) > -45.0


@dataclass(slots=True)
class RtpCapture(asyncio.DatagramProtocol):
    """A UDP socket the callers' SDP points at: everything the bot sends lands here, per source port."""

    streams: dict[int, list[Captured]] = field(default_factory=dict)
    """Packets by the bot's RTP source port (one per call)."""
    bad: int = 0
    """Datagrams that were not RTP."""
    transport: asyncio.DatagramTransport | None = None
    """The socket."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the socket."""
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        """Record a packet."""
        try:
            packet = parse_rtp(data)
        except LineError:
            self.bad += 1
            return
        self.streams.setdefault(int(addr[1]), []).append(Captured(time.monotonic(), packet))

    @property
    def port(self) -> int:
        """Return the capture port."""
        assert self.transport is not None
        return int(self.transport.get_extra_info("sockname")[1])


async def open_capture() -> RtpCapture:
    """Bind a capture socket on an ephemeral port (with a large receive buffer for many calls)."""
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
    sock.bind(("127.0.0.1", 0))
    _, protocol = await loop.create_datagram_endpoint(RtpCapture, sock=sock)
    return protocol


def bursts(stream: list[Captured], gap_s: float = 0.1) -> list[list[Captured]]:
    """Split one call's packets into talk spurts (marker bit or a pause longer than ``gap_s``)."""
    groups: list[list[Captured]] = []
    for item in stream:
        if not groups or item.packet.marker or item.at - groups[-1][-1].at > gap_s:
            groups.append([])
        groups[-1].append(item)
    return groups


async def run_sipp(sip_port: int, scenario: Path, calls: int, capture_port: int, rate: float = 10.0,
                   timeout_s: float = 120.0, log_dir: Path | None = None,
                   extra: tuple[str, ...] = (), local_port: int | None = None) -> tuple[int, str]:
    """Place ``calls`` simultaneous SIPp calls (``extra``: more SIPp options); return its exit code and output.

    A UAS scenario (SIPp as the called phone) answers ``calls`` calls on ``local_port`` (pick it with
    ``free_udp_port`` and send the INVITEs there); ``sip_port`` is then only SIPp's nominal peer."""
    log_dir = log_dir or scenario.parent
    command = [
        "sipp", f"127.0.0.1:{sip_port}", "-sf", str(scenario), "-m", str(calls), "-l", str(calls), "-r", str(rate),
        "-i", "127.0.0.1", "-p", str(local_port or free_udp_port()), "-mi", "127.0.0.1", "-mp", str(free_udp_port()),
        "-s", "12345", "-key", "capture_port", str(capture_port), "-nostdin", "-timeout", f"{int(timeout_s)}s",
        "-timeout_error", "-max_recv_loops", "1000", "-trace_err", "-error_file", str(log_dir / "sipp_errors.log"),
        *extra,
    ]
    process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.STDOUT, cwd=str(log_dir))
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout_s + 10)
    except TimeoutError:
        process.kill()
        output, _ = await process.communicate()
    errors = log_dir / "sipp_errors.log"
    text = output.decode(errors="replace")[-3000:]
    if errors.is_file():
        text += "\n" + errors.read_text(errors="replace")[-3000:]
    return int(process.returncode or 0), text


async def sipp_phone(
    scenario: Path, timeout_s: float, capture_port: int | None = None
) -> tuple[int, asyncio.Task[tuple[int, str]]]:
    """Start SIPp as the called phone (a UAS scenario on a port of its own) for one call and give it 0.5 s to
    bind; return that port (where the INVITE goes) and the task ending with ``run_sipp``'s result."""
    port = free_udp_port()
    sipp = asyncio.create_task(run_sipp(port, scenario, calls=1, capture_port=capture_port or free_udp_port(),
                                        timeout_s=timeout_s, local_port=port))
    await asyncio.sleep(0.5)
    return port, sipp

