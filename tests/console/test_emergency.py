"""An emergency broadcast typed in the console reaches a connected board within 2 s."""
import re
import threading
import time

from playwright.sync_api import expect

from tests.console.board import BoardClient
from tests.console.conftest import HOME, login, shot


def test_broadcast_reaches_board_and_is_acknowledged(manager, people, new_page):
    board = BoardClient(manager, HOME, "Bảng tin cảnh báo lũ")
    board.apply()
    seen = {}

    def long_poll():
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and "at" not in seen:
            if board.fetch(wait=20) and board.manifest["alerts"]:
                seen["at"] = time.monotonic()
                seen["alert"] = board.manifest["alerts"][0]

    page = new_page()
    login(page, manager, "c_approver")
    page.goto(manager.base_url + "/emergency")
    form = page.locator("#emergency-form")
    form.locator("select[name=level]").select_option("4")
    form.locator("input[name=headline]").fill("Lũ quét khẩn cấp tại xã Khao Mang")
    form.locator("textarea[name=body]").fill("Người dân vùng trũng thấp sơ tán ngay lên điểm cao.")
    form.locator("select[name=units]").select_option(HOME)
    form.locator("input[name=ends_at]").fill("2099-12-31T18:00")
    poller = threading.Thread(target=long_poll, daemon=True)
    poller.start()
    time.sleep(0.3)  # the board is waiting on its long-poll
    sent = time.monotonic()
    form.locator("button[type=submit]").click()
    poller.join(10)
    assert "at" in seen, "the board never saw the alert"
    assert seen["at"] - sent < 2.0
    assert seen["alert"]["level"] == 4 and seen["alert"]["headline"] == "Lũ quét khẩn cấp tại xã Khao Mang"
    assert seen["alert"]["ends_at"].startswith("2099-12-31T11:00:00"), "18:00 Vietnam time is 11:00 UTC"

    expect(page.locator(".flash.ok")).to_have_text("Đã phát cảnh báo")
    card = page.locator(".alert-card", has_text="Lũ quét khẩn cấp tại xã Khao Mang")
    covered = int(re.fullmatch(r"0 / (\d+)", card.locator(".acks").inner_text()).group(1))  # other tests' boards share the commune
    assert covered >= 1
    board.heartbeat(alert=seen["alert"]["id"])
    page.reload()
    expect(card.locator(".acks")).to_have_text(f"1 / {covered}")
    expect(card.locator(".ackboards li", has_text="Bảng tin cảnh báo lũ")).to_contain_text("✔")
    shot(page, "emergency")

    card.locator("button[type=submit]").click()
    expect(page.locator(".flash.ok")).to_have_text("Đã dừng cảnh báo")
    assert board.fetch() and board.manifest["alerts"] == []
