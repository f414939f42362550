"""Shared fixtures: live managers on loopback, each on its own SQLite file."""
import pytest

from tests.live_manager import LiveManager


@pytest.fixture(scope="session")
def manager(tmp_path_factory):
    """One manager for the whole session; tests give their boards and content unique names."""
    # Tests serve feeds on loopback, which the manager refuses unless allow-listed (docs/sources.md).
    live = LiveManager(tmp_path_factory.mktemp("manager"), extra_args=["--source-allow-hosts", "127.0.0.1"]).start()
    yield live
    live.stop()


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the session (Playwright's sync API allows one per process), shared by the console
    tests and the player tests that compare the board with the console."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def manager_factory(tmp_path_factory):
    """Managers of a test's own (a fake clock, a restart); all stopped at the end."""
    made = []

    def make(fake_clock: float | None = None, extra_args: list[str] | None = None, start: bool = True) -> LiveManager:
        live = LiveManager(tmp_path_factory.mktemp("manager"), fake_clock, extra_args)
        made.append(live)
        return live.start() if start else live

    yield make
    for live in made:
        live.stop()
