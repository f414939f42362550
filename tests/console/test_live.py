"""Pages that change by themselves (finding 7): server-sent events make them prompt, polling stays the fallback.

In the first test the page's timers are stopped (Playwright's clock), so its polling cannot run: only an
event from /live/events can make it look again. In the second the events are blocked, as a proxy that
drops them would, and the page's polling still brings the change.
"""
import time

from playwright.sync_api import expect

from tests.console.board import BoardClient
from tests.console.conftest import HOME, login


def _live_fetches(page) -> list[float]:
    """When the page fetched itself for its live regions (the X-Live header marks those fetches)."""
    seen: list[float] = []
    page.on("request", lambda r: seen.append(time.monotonic()) if r.headers.get("x-live") else None)
    return seen


def test_wall_and_acknowledgements_follow_server_events(manager, people, new_page):
    board = BoardClient(manager, HOME, "Bảng tin theo dõi trực tiếp")
    page = new_page(1366, 768)
    page.clock.install()
    login(page, manager, "c_approver")
    page.goto(manager.base_url + "/boards")
    expect(page.locator("html")).to_have_attribute("data-live", "events")
    page.clock.pause_at(page.evaluate("Date.now()") + 1000)  # from here on, no timer of the page runs
    fetches = _live_fetches(page)
    card = page.locator(f"li.board-card[data-board='{board.id}']")
    expect(card.locator(".state")).to_have_text("Đang chờ bảng tin kết nối")
    before = page.locator("#applied-summary").inner_text()

    board.apply()  # the board takes its manifest and reports that it shows it
    expect(card.locator(".state")).to_have_text("Đang kết nối", timeout=2500)
    expect(card.locator(".applied")).to_have_text("Đã áp dụng bản mới nhất")
    assert page.locator("#applied-summary").inner_text() != before  # "applied on N of M" moved with it
    # Looking again writes nothing, so it wakes no page (no loop of events): the page stays quiet.
    settled = len(fetches)
    time.sleep(2.5)
    assert len(fetches) == settled, "a page's own fetch must not make another event"
    board.heartbeat()  # the same state again: nothing people see, so no event either
    time.sleep(1.5)
    assert len(fetches) == settled, "an unchanged heartbeat does not wake the console"

    alert = manager.emergency(2, "Nước dâng theo dõi trực tiếp", boards=[board.id])
    page.goto(manager.base_url + "/emergency")
    expect(page.locator("html")).to_have_attribute("data-live", "events")
    acks = page.locator(f".alert-card[data-alert='{alert['id']}'] .acks")
    expect(acks).to_have_text("0 / 1")
    board.heartbeat(alert=alert["id"])  # the board shows the warning
    expect(acks).to_have_text("1 / 1", timeout=2500)
    manager.admin.post(f"/api/v1/alerts/{alert['id']}/withdraw").raise_for_status()


def test_polling_carries_on_without_server_events(manager, people, new_page):
    board = BoardClient(manager, HOME, "Bảng tin sau proxy chặn")
    page = new_page(1366, 768)
    page.route("**/live/events", lambda route: route.abort())
    login(page, manager, "c_editor")
    page.goto(manager.base_url + "/boards")
    card = page.locator(f"li.board-card[data-board='{board.id}']")
    expect(card.locator(".state")).to_have_text("Đang chờ bảng tin kết nối")
    board.apply()
    expect(card.locator(".state")).to_have_text("Đang kết nối", timeout=12_000)
    assert page.locator("html").get_attribute("data-live") != "events"
