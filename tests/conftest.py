"""Test-session wide fixtures: real Rasa servers for every test marked ``rasa``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.rasa_support import RasaServers


@pytest.fixture(scope="session")
def rasa_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaServers]:
    """Start zh-CN, en-US and the action server once; their URLs are in the environment meanwhile."""
    servers = RasaServers(tmp_path_factory.mktemp("rasa-logs"))
    servers.start()
    yield servers
    servers.stop()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give every test marked ``rasa`` the shared servers (started on first use)."""
    for item in items:
        if item.get_closest_marker("rasa") is not None and "rasa_servers" not in getattr(item, "fixturenames", []):
            item.fixturenames.insert(0, "rasa_servers")  # type: ignore[attr-defined]
