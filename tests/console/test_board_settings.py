"""An editor changes a board's settings on its page; the board's manifest follows. Revoking its token."""
import re

import pytest
from playwright.sync_api import expect

from manager.boards import validate_changes
from manager.errors import BadInput

from tests.console.board import BoardClient
from tests.console.conftest import HOME, ConsoleSession, login, shot


def test_editor_sets_operating_hours_and_board_sees_them(manager, people, new_page):
    board = BoardClient(manager, HOME, "Bảng tin nhà văn hoá thôn Lùng Vai")
    board.fetch()
    assert board.manifest["board"]["operating_hours"] == []
    page = new_page()
    login(page, manager, "c_editor")
    page.goto(f"{manager.base_url}/boards/{board.id}")
    page.locator("a.button", has_text="Cài đặt bảng tin").click()
    form = page.locator("#settings-form")
    form.locator("input[name=name]").fill("Bảng tin thôn Lùng Vai")
    form.locator("input[name=start_0]").fill("06:00")
    form.locator("input[name=end_0]").fill("21:30")
    form.locator("input[name=days_0][value='7']").uncheck()
    form.locator("input[name=start_1]").fill("22:00")
    form.locator("input[name=end_1]").fill("02:00")
    for day in "12345":
        form.locator(f"input[name=days_1][value='{day}']").uncheck()
    form.locator("select[name=layout]").select_option("portrait-9x16")
    form.locator("input[name=lat]").fill("22,52")  # a Vietnamese decimal comma is accepted
    form.locator("input[name=lon]").fill("104.0612")
    form.locator("input[name=heartbeat_interval_s]").fill("60")
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash.ok")).to_have_text("Đã lưu")
    expect(form.locator("input[name=end_0]")).to_have_value("21:30")
    shot(page, "board-settings")

    assert board.fetch()
    info = board.manifest["board"]
    assert info["name"] == "Bảng tin thôn Lùng Vai"
    assert info["operating_hours"] == [{"weekdays": [1, 2, 3, 4, 5, 6], "start": "06:00", "end": "21:30"},
                                       {"weekdays": [6, 7], "start": "22:00", "end": "02:00"}]
    assert info["layout"] == "portrait-9x16" and info["heartbeat_interval_s"] == 60
    stored = manager.admin.get(f"/api/v1/boards/{board.id}").json()
    assert (stored["lat"], stored["lon"]) == (22.52, 104.0612)
    audit = manager.admin.get("/api/v1/audit").json()
    assert any(a["action"] == "update" and a["object_id"] == board.id and a["username"] == "c_editor" for a in audit)

    # A mistake is explained in Vietnamese and changes nothing.
    form.locator("input[name=lat]").fill("95")
    form.locator("button[type=submit]").click()
    expect(page.locator("#error-message")).to_have_text("Vĩ độ phải từ -90 đến 90")
    assert not board.fetch()

    # Clearing every window: around the clock again.
    page.goto(f"{manager.base_url}/boards/{board.id}/settings")
    for i in (0, 1):
        form.locator(f"input[name=start_{i}]").fill("")
        form.locator(f"input[name=end_{i}]").fill("")
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash.ok")).to_have_text("Đã lưu")
    assert board.fetch() and board.manifest["board"]["operating_hours"] == []

    # Revoking asks first, then the board's token stops working.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#revoke-form button").click()
    expect(page.locator(".flash.ok")).to_have_text("Đã thu hồi mã truy cập của bảng tin")
    assert board.http.get(f"/api/v1/boards/{board.id}/manifest").status_code == 401


def test_settings_need_csrf_and_scope(manager, people):
    board = BoardClient(manager, HOME, "Bảng tin thử cài đặt")
    editor = ConsoleSession(manager, "c_editor")
    form = {"name": "Đổi tên", "heartbeat_interval_s": "30", "board_class": "commune"}
    assert editor.post(f"/boards/{board.id}/settings", data=form).status_code == 403
    assert editor.post(f"/boards/{board.id}/revoke", data={}).status_code == 403
    other = ConsoleSession(manager, "c_other_editor")
    assert other.get(f"/boards/{board.id}/settings").status_code == 404
    assert other.post(f"/boards/{board.id}/settings", data={**form, "csrf_token": other.csrf}).status_code == 404
    assert manager.admin.get(f"/api/v1/boards/{board.id}").json()["name"] == "Bảng tin thử cài đặt"
    assert board.apply()  # its token still works
    r = editor.post(f"/boards/{board.id}/settings", data={**form, "csrf_token": editor.csrf, "start_0": "07:00"})
    assert r.status_code == 422 and "cả giờ bắt đầu và giờ kết thúc" in r.text


@pytest.mark.parametrize("changes, message", [
    ({"name": "  "}, "Tên bảng tin không được để trống"),
    ({"operating_hours": [{"weekdays": [1], "start": "25:00", "end": "06:00"}]}, "Giờ hoạt động không hợp lệ"),
    ({"operating_hours": [{"weekdays": [], "start": "06:00", "end": "22:00"}]}, "ít nhất một ngày"),
    ({"layout": "khong-co"}, "Không có bố cục"),
    ({"lon": 181}, "Kinh độ phải từ -180 đến 180"),
    ({"heartbeat_interval_s": 2}, "Chu kỳ tín hiệu (giây) phải từ 5 đến 3600"),
    ({"heartbeat_interval_s": 30.5}, "phải là số nguyên"),
    ({"board_class": "tv"}, "Loại bảng không hợp lệ"),
    ({"token_hash": "x"}, "Không sửa được trường: token_hash"),
])
def test_board_changes_refused_in_vietnamese(changes, message):
    with pytest.raises(BadInput) as refused:
        validate_changes(changes)
    assert message in refused.value.message_vi and refused.value.message_en


def test_board_changes_stored_form():
    stored = validate_changes({"name": " Bảng tin ", "operating_hours": [{"weekdays": [7, 1, 1], "start": "06:00", "end": "06:00"}],
                               "lat": 21, "lon": None, "is_test": 1, "layout": ""})
    assert stored == {"name": "Bảng tin", "operating_hours": '[{"weekdays": [1, 7], "start": "06:00", "end": "06:00"}]',
                      "lat": 21.0, "lon": None, "is_test": 1, "layout": None}


def test_board_page_shows_whether_its_clock_is_trusted(manager, people):
    """The clock state and the disagreement with the board's NTP from its newest heartbeat, in Vietnamese,
    a warning when untrusted or more than 2 s off; the same in the boards API."""
    board = BoardClient(manager, HOME, "Bảng tin đồng hồ lệch")
    board.heartbeat(clock="unsynced")
    page = manager.admin.get(f"/boards/{board.id}", params={"lang": "vi"}).text
    clock = re.search(r'<dd id="board-clock">(.*?)</dd>', page, re.S).group(1)
    assert 'badge warn">Chưa tin cậy<' in clock and "NTP" not in clock, clock

    board.heartbeat(clock="synced", ntp_disagreement_s=-3.5)
    page = manager.admin.get(f"/boards/{board.id}", params={"lang": "vi"}).text
    clock = re.search(r'<dd id="board-clock">(.*?)</dd>', page, re.S).group(1)
    assert ">Đã đồng bộ<" in clock and "lệch -3,5 giây so với NTP của bảng" in clock and clock.count("badge warn") == 2, clock
    api = manager.admin.get(f"/api/v1/boards/{board.id}").json()
    assert (api["clock_state"], api["ntp_disagreement_s"]) == ("synced", -3.5)

    board.heartbeat(clock="held", ntp_disagreement_s=1.5)
    page = manager.admin.get(f"/boards/{board.id}", params={"lang": "vi"}).text
    clock = re.search(r'<dd id="board-clock">(.*?)</dd>', page, re.S).group(1)
    assert 'badge ok">Giữ theo lần đo trước<' in clock and "lệch 1,5 giây" in clock and "warn" not in clock, clock
