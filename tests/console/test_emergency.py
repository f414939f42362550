"""An emergency broadcast typed in the console reaches a connected board within 2 s, after a confirmation step
that states the level by its Decision 18 name, the units and the number of boards; the boards show the issuing authority."""
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
    expect(form.locator("label.level4")).to_have_text("Cấp độ 4 – rủi ro rất lớn (đỏ)")
    assert form.locator("label.level4").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(219, 20, 20)"
    form.locator("input[name=level][value='4']").check()
    form.locator("input[name=headline]").fill("Lũ quét khẩn cấp tại xã Khao Mang")
    form.locator("input[name=authority]").fill("Ban Chỉ huy Phòng thủ dân sự tỉnh")
    form.locator("textarea[name=body]").fill("Người dân vùng trũng thấp sơ tán ngay lên điểm cao.")
    form.locator("select[name=units]").select_option(HOME)
    form.locator("input[name=ends_at]").fill("31/12/2099 18:00")
    form.locator("button[type=submit]").click()
    # One click does not send: the confirmation names the level, the units and how many boards it covers.
    reach = page.locator("#confirm-reach")
    expect(reach).to_contain_text("bảng tin thuộc:")
    boards = int(reach.get_attribute("data-boards"))
    assert boards >= 1 and f"{boards} bảng tin" in reach.inner_text()
    expect(page.locator("#confirm .level-chip")).to_have_text("Cấp độ 4 – rủi ro rất lớn (đỏ)")
    expect(page.locator("#confirm-authority")).to_have_text("Ban Chỉ huy Phòng thủ dân sự tỉnh")
    board.fetch()
    assert board.manifest["alerts"] == [], "nothing is sent before the confirmation"
    poller = threading.Thread(target=long_poll, daemon=True)
    poller.start()
    time.sleep(0.3)  # the board is waiting on its long-poll
    sent = time.monotonic()
    page.locator("#confirm-go").click()
    poller.join(10)
    assert "at" in seen, "the board never saw the alert"
    assert seen["at"] - sent < 2.0
    assert seen["alert"]["level"] == 4 and seen["alert"]["headline"] == "Lũ quét khẩn cấp tại xã Khao Mang"
    assert seen["alert"]["source"] == "Ban Chỉ huy Phòng thủ dân sự tỉnh", "the boards show the authority, not a login"
    assert seen["alert"]["ends_at"].startswith("2099-12-31T11:00:00"), "18:00 Vietnam time is 11:00 UTC"

    expect(page.locator(".flash.ok")).to_have_text("Đã phát cảnh báo")
    card = page.locator(".alert-card", has_text="Lũ quét khẩn cấp tại xã Khao Mang")
    covered = int(re.fullmatch(r"0 / (\d+)", card.locator(".acks").inner_text()).group(1))  # other tests' boards share the commune
    assert covered >= 1
    board.heartbeat(alert=seen["alert"]["id"])
    # Live: the acknowledgement arrives on the open page without a reload (finding 7).
    expect(card.locator(".acks")).to_have_text(f"1 / {covered}", timeout=15_000)
    expect(card.locator(".ackboards li", has_text="Bảng tin cảnh báo lũ")).to_contain_text("✔")
    shot(page, "emergency")

    card.locator("button[type=submit]").click()
    expect(page.locator("#confirm-reach")).to_contain_text("sẽ biến mất khỏi")
    board.fetch()
    assert board.manifest["alerts"], "withdrawing also waits for the confirmation"
    page.locator("#confirm-go").click()
    expect(page.locator(".flash.ok")).to_have_text("Đã dừng cảnh báo")
    assert board.fetch() and board.manifest["alerts"] == []
