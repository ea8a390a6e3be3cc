"""``voicebot serve`` with ``[followup] enabled``: the UAC socket, REGISTER if configured, the scheduler loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime

from aiohttp import web

from tts.base import Synthesizer
from voicebot.errors import ConfigError, LineError
from voicebot.followup.book import FollowupBook
from voicebot.followup.rules import Policy
from voicebot.followup.scheduler import FollowupScheduler
from voicebot.handoff.store import SqlTicketStore
from voicebot.lines.sip_uac import SipClient, Trunk
from voicebot.runtime.aio import cancel_and_wait
from voicebot.settings import FollowupSettings, Settings
from voicebot.workorder.book import WorkOrderBook

log = logging.getLogger(__name__)


def trunk_from_settings(settings: FollowupSettings) -> Trunk:
    """Return the trunk of ``[followup]`` (the password from the setting, the environment or its file)."""
    if not settings.trunk_uri.startswith(("sip:", "sips:")):
        raise ConfigError("config-followup-trunk", "[followup] enabled needs trunk_uri = \"sip:host[:port]\"")
    return Trunk(settings.trunk_uri, settings.caller_id, settings.username, settings.secret(),
                 settings.registrar_uri, settings.register_expires_s)


async def _loop(settings: FollowupSettings, client: SipClient, scheduler: FollowupScheduler) -> None:
    loop = asyncio.get_running_loop()
    registered_at = -float(settings.register_expires_s)
    zone = scheduler.policy.hours.zone
    while True:
        try:
            if settings.registrar_uri and loop.time() - registered_at > settings.register_expires_s / 2:
                if 200 <= await client.register() < 300:
                    registered_at = loop.time()
            await scheduler.run_once(datetime.now(zone) if zone is not None else datetime.now().astimezone())
        except asyncio.CancelledError:
            raise
        except (LineError, OSError) as err:
            log.warning("回访 round failed (%s); next in %.0f s", err, settings.poll_interval_s)
        except Exception:
            log.exception("回访 round failed; next in %.0f s", settings.poll_interval_s)
        await asyncio.sleep(settings.poll_interval_s)


def followup_ctx(settings: Settings, store: SqlTicketStore, synth: Synthesizer,
                 workorder: WorkOrderBook | None) -> Callable[[web.Application], AsyncIterator[None]]:
    """Return a ``cleanup_ctx`` entry placing the due 回访 every ``poll_interval_s`` (nothing when disabled)."""
    config = settings.followup

    async def ctx(_app: web.Application) -> AsyncIterator[None]:
        if not config.enabled:
            yield
            return
        client = SipClient(trunk_from_settings(config), config.local_host)
        await client.open()
        policy = Policy.from_settings(config, settings.handoff.timezone)
        scheduler = FollowupScheduler(FollowupBook(store), policy, config, client, synth, settings.session, workorder)
        log.info("回访 calls through %s from udp %s:%d (hours %s)", config.trunk_uri, config.local_host, client.port,
                 config.allowed_hours)
        task = asyncio.create_task(_loop(config, client, scheduler), name="followup")
        yield
        await cancel_and_wait(task)
        await client.close()

    return ctx
