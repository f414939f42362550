"""The province scenario, sent once over HTTP to a live manager with a fake clock, shared by the uptime tests."""
import pytest

from tests.live_manager import LiveManager
from tests.uptime import scenario


@pytest.fixture(scope="session")
def province(tmp_path_factory):
    live = LiveManager(tmp_path_factory.mktemp("uptime"), fake_clock=scenario.T0 - 600).start()
    ids = scenario.run(live)
    yield live, ids
    live.stop()
