"""Test-session wide fixtures: real Rasa servers for every test marked ``rasa``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.rasa_support import READY_TIMEOUT_S, RasaServers


@pytest.fixture(scope="session")
def rasa_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaServers]:
    """Start zh-CN, en-US and the action server once; their URLs are in the environment meanwhile."""
    servers = RasaServers(tmp_path_factory.mktemp("rasa-logs"))
    servers.start()
    yield servers
    servers.stop()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give every test marked ``rasa`` the shared servers (started on first use) and time to start them.

    The first such test pays for the start-up (the servers load one after the other, minutes on a busy
    2-core machine): without its own ``timeout`` mark it gets READY_TIMEOUT_S on top of the default.
    """
    for item in items:
        if item.get_closest_marker("rasa") is None:
            continue
        if "rasa_servers" not in getattr(item, "fixturenames", []):
            item.fixturenames.insert(0, "rasa_servers")  # type: ignore[attr-defined]
        if item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(READY_TIMEOUT_S + 300))
