"""The five people of issue 14, each through the pages only, on an office laptop (1366x768) and a phone (390x844).

Each journey asserts the finding it covers; at phone size the page must also never scroll sideways and the
buttons that matter must be on screen.
"""
import io
import re
import unicodedata
from datetime import datetime, timedelta

import openpyxl
import pytest
import requests
from playwright.sync_api import expect

from manager.db import connect
from protocol.timebase import VN_TZ
from tests.console.board import BoardClient
from tests.console.conftest import HOME, login, shot
from tests.live_manager import ADMIN_PASSWORD

VIEWPORTS = {"laptop": (1366, 768), "phone": (390, 844)}


@pytest.fixture(params=list(VIEWPORTS))
def screen(request, new_page):
    width, height = VIEWPORTS[request.param]
    return request.param, new_page(width, height)


def fits(page) -> None:
    """Nothing wider than the screen: no sideways scrolling (finding 8)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def on_screen(locator) -> None:
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= locator.page.viewport_size["width"]


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).replace("đ", "d").replace("Đ", "D")


def _playlist(manager, name: str) -> str:
    r = manager.admin.post("/api/v1/playlists", json={"name": name, "unit_code": HOME,
                                                      "items": [{"zone": "bulletin", "kind": "bulletin", "title": name}]})
    r.raise_for_status()
    return r.json()["id"]


def test_editor_schedules_next_week_with_vietnamese_dates(manager, people, screen):
    """Finding 9: dates typed dd/mm/yyyy whatever the browser's locale, errors in Vietnamese."""
    size, page = screen
    board = BoardClient(manager, HOME, f"Bảng tin lịch tuần sau ({size})")
    playlist = _playlist(manager, f"Thông báo họp dân tuần sau ({size})")
    login(page, manager, "c_editor")
    page.goto(f"{manager.base_url}/schedules?playlist={playlist}")
    form = page.locator("#schedule-form")
    assert form.locator("input[type=date], input[type=time], input[type=datetime-local]").count() == 0
    date_from = form.locator("input[name=date_from]")
    date_from.fill("12/31/2026")  # month first, as an English Windows would suggest
    date_from.blur()
    assert "ngày/tháng/năm" in date_from.evaluate("e => e.validationMessage")
    monday = (datetime.now(VN_TZ) + timedelta(days=7 - datetime.now(VN_TZ).weekday())).date()
    date_from.fill(f"{monday:%d/%m/%Y}")
    form.locator("input[name=target_kind][value=board]").check()
    form.locator("select[name=target_board]").select_option(board.id)
    form.locator("input[name=start]").fill("7:30")
    form.locator("input[name=end]").fill("17:00")
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash.ok")).to_have_text("Đã tạo lịch phát (bản nháp)")
    row = page.locator("tr[data-schedule]", has_text=f"Thông báo họp dân tuần sau ({size})")
    expect(row).to_contain_text(f"{monday:%d/%m/%Y}")
    expect(row).to_contain_text("07:30–17:00")
    on_screen(row.locator("button[data-action=submit]"))
    fits(page)
    row.locator("button[data-action=submit]").click()
    expect(page.locator(".flash.ok")).to_be_visible()
    shot(page, f"schedules-{size}")


def test_approver_sees_when_an_approved_schedule_starts(manager, people, screen):
    """Finding 7: approved for next week reads "bắt đầu …", not "đang phát"; finding 8: the button is on screen."""
    size, page = screen
    board = BoardClient(manager, HOME, f"Bảng tin duyệt ({size})")
    playlist = _playlist(manager, f"Lịch tiêm chủng tuần sau ({size})")
    starts = (datetime.now(VN_TZ) + timedelta(days=7)).replace(hour=8, minute=0, second=0, microsecond=0)
    r = manager.admin.post("/api/v1/schedules", json={"playlist_id": playlist, "target": {"kind": "board", "id": board.id},
                                                      "starts_at": starts.isoformat()})
    r.raise_for_status()
    schedule = r.json()["id"]
    manager.admin.post(f"/api/v1/schedules/{schedule}/submit").raise_for_status()
    login(page, manager, "c_approver")
    page.goto(manager.base_url + "/schedules")
    row = page.locator(f"tr[data-schedule='{schedule}']")
    expect(row.locator(".target-boards")).to_have_text("· 1 bảng tin")  # the target by name, with what it reaches
    approve = row.locator("button[data-action=approve]")
    on_screen(approve)
    fits(page)
    approve.click()
    expect(row.locator(".badge")).to_have_text(f"Đã duyệt, bắt đầu 08:00 {starts:%d/%m/%Y}")


def test_admin_pairs_the_first_board_of_a_commune(manager, people, screen):
    """Findings 5 and 6: any commune of the catalogue, found without diacritics; the code typed as shown; waiting."""
    size, page = screen
    db = connect(manager.db_path)
    commune = db.execute(
        "SELECT code, name FROM units WHERE catalogue = 'vn-2025' AND kind = 'commune' AND province_code = '15' "
        "AND code NOT IN (SELECT unit_code FROM boards) AND name != ? ORDER BY code LIMIT 1 OFFSET ?",
        ["", 5 if size == "phone" else 9]).fetchone()
    db.close()
    code = requests.post(manager.base_url + "/api/v1/pair", json={"software_version": "test"}, timeout=10).json()["code"]
    login(page, manager, "admin", ADMIN_PASSWORD)
    page.goto(manager.base_url + "/boards")
    pair = page.locator("#pair-form")
    if not pair.is_visible():
        page.locator("details.pair summary").click()
    pair.locator("input[name=code]").fill(f"{code[:3]} {code[3:]}")  # as the board shows it
    pair.locator("input[name=name]").fill(f"Bảng tin đầu tiên của {commune[1]}")
    pair.locator(".unit-search").fill(_plain(commune[1]).lower())  # "xa ..." finds "Xã ..."
    expect(pair.locator("select[name=unit]")).to_have_value(commune[0])
    fits(page)
    pair.locator("button[type=submit]").click()
    expect(page.locator(".flash.ok")).to_contain_text("Đã ghép bảng tin")
    expect(page.locator(".badge.state")).to_have_text("Đang chờ bảng tin kết nối")
    fits(page)


def test_duty_officer_sends_and_withdraws_a_province_wide_warning(manager, people, screen):
    """Finding 3: named and coloured levels, a required authority, confirmation with units and board count."""
    size, page = screen
    BoardClient(manager, HOME, f"Bảng tin trực ban ({size})")
    login(page, manager, "c_approver")
    page.goto(manager.base_url + "/emergency")
    form = page.locator("#emergency-form")
    expect(form.locator("label.level5")).to_have_text("Cấp độ 5 – thảm hoạ (tím)")
    form.locator("input[name=level][value='3']").check()
    form.locator("input[name=headline]").fill(f"Bão số 5 đổ bộ ({size})")
    form.locator("select[name=units]").select_option(HOME)
    form.locator("button[type=submit]").click()
    # The authority is required: the browser keeps the form, nothing is sent.
    assert form.locator("input[name=authority]").evaluate("e => !e.validity.valid")
    form.locator("input[name=authority]").fill("Ban Chỉ huy Phòng thủ dân sự tỉnh Lào Cai")
    form.locator("button[type=submit]").click()
    reach = page.locator("#confirm-reach")
    expect(reach).to_contain_text("Xã Khao Mang")
    assert int(reach.get_attribute("data-boards")) >= 1
    on_screen(page.locator("#confirm-go"))
    fits(page)
    shot(page, f"emergency-confirm-{size}")
    page.locator("#confirm-go").click()
    expect(page.locator(".flash.ok")).to_have_text("Đã phát cảnh báo")
    card = page.locator(".alert-card", has_text=f"Bão số 5 đổ bộ ({size})")
    expect(card).to_contain_text("Ban Chỉ huy Phòng thủ dân sự tỉnh Lào Cai")
    on_screen(card.locator("button[type=submit]"))
    card.locator("button[type=submit]").click()
    expect(page.locator("#confirm-reach")).to_contain_text("sẽ biến mất khỏi")
    page.locator("#confirm-go").click()
    expect(page.locator(".flash.ok")).to_have_text("Đã dừng cảnh báo")


def test_auditor_exports_the_quarter_they_chose(manager, people, screen):
    """Findings 1 and 10: the chosen quarter wins over the month, is echoed, and heads the one workbook."""
    size, page = screen
    login(page, manager, "c_auditor")
    page.goto(manager.base_url + "/reports/province/vn-2025/15")
    picker = page.locator("form.period")
    expect(picker.locator("input[name=kind][value=month]")).to_be_checked()  # the month comes pre-filled
    picker.locator("select[name=quarter]").select_option(label="Quý 3/2026")
    expect(picker.locator("input[name=kind][value=quarter]")).to_be_checked()
    picker.locator("button[type=submit]").click()
    expect(page.locator("h1 .period-head")).to_have_text("— Quý 3/2026")
    expect(page.locator("#period-label")).to_have_text("Quý 3/2026")
    fits(page)
    href = page.locator("#workbook").get_attribute("href")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    book = openpyxl.load_workbook(io.BytesIO(requests.get(manager.base_url + href, cookies=cookies, timeout=30).content))
    about = {row[0]: row[1] for row in book["Thông tin"].iter_rows(values_only=True) if row[0]}
    assert about["Kỳ báo cáo"] == "Quý 3/2026" and about["Từ ngày – đến ngày"] == "01/07/2026 – 30/09/2026"
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", about["Thời điểm lập"])
    assert {"Chỉ tiêu", "Đơn vị theo chỉ tiêu", "Bảng tin"} <= set(book.sheetnames)
    assert not {"Indicators", "Units by indicator", "Boards", "Over time"} & set(book.sheetnames)
    shot(page, f"reports-{size}")


def test_every_page_fits_a_phone(manager, people, new_page):
    """Finding 8: tables become cards at 390 px; no page scrolls sideways."""
    page = new_page(*VIEWPORTS["phone"])
    # A schedule of its own, so the list has a card to look at whichever tests ran before (or none).
    board = BoardClient(manager, HOME, "Bảng tin trên điện thoại")
    playlist = _playlist(manager, "Thông báo xem trên điện thoại")
    schedule = manager.admin.post("/api/v1/schedules", json={"playlist_id": playlist,
                                                             "target": {"kind": "board", "id": board.id}})
    schedule.raise_for_status()
    login(page, manager, "admin", ADMIN_PASSWORD)
    for path in ("/", "/boards", f"/boards/{board.id}", "/groups", "/library", "/bulletins/new", "/playlists",
                 f"/playlists/{playlist}", "/schedules", f"/schedules/{schedule.json()['id']}", "/week", "/emergency",
                 "/inbox", "/sources", "/users", "/audit", "/reports", "/reports/province/vn-2025/15", "/proof-of-play"):
        assert page.goto(manager.base_url + path).ok, path
        fits(page)
    page.goto(manager.base_url + "/schedules")
    cell = page.locator("tr[data-schedule] td").first
    assert cell.get_attribute("data-label") == "Danh sách phát"  # each card cell says which column it was
    shot(page, "phone-schedules")
