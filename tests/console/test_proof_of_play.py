"""Proof of play (finding 10): what two boards showed, through the real board API, read back on the page and in the workbook."""
import io
from datetime import datetime, timedelta

import openpyxl
import requests
from playwright.sync_api import expect

from protocol.timebase import VN_TZ
from tests.console.board import BoardClient
from tests.console.conftest import HOME, login, shot

DAY = datetime(2026, 6, 15, 8, 0, tzinfo=VN_TZ)  # a day of its own: no other test plays anything then


def test_auditor_reads_and_exports_proof_of_play(manager, people, new_page):
    r = manager.admin.post("/api/v1/playlists", json={"name": "Tuyên truyền tiêm chủng", "unit_code": HOME, "items": [
        {"zone": "bulletin", "kind": "bulletin", "title": "Lịch tiêm chủng tháng 6"},
        {"zone": "ticker", "kind": "ticker", "text": "Mang theo sổ tiêm chủng khi đến trạm y tế"}]})
    r.raise_for_status()
    playlist = r.json()
    notice, ticker = (item["id"] for item in playlist["items"])
    east, west = BoardClient(manager, HOME, "Bảng tin chợ Khao Mang"), BoardClient(manager, HOME, "Bảng tin trạm y tế")
    east.played(notice, playlist["id"], DAY, 6, kind="bulletin", zone="bulletin", times=1234)  # 2 h 03 min 24 s
    west.played(notice, playlist["id"], DAY + timedelta(hours=1), 30, kind="bulletin", zone="bulletin", times=2)
    west.played(ticker, playlist["id"], DAY + timedelta(hours=2), 45, kind="ticker", zone="ticker", times=3)
    west.played(ticker, playlist["id"], DAY + timedelta(days=40), 45, kind="ticker", zone="ticker")  # another period

    page = new_page(1366, 768)
    login(page, manager, "c_auditor")
    page.locator("#mainnav a", has_text="Lượt phát").click()  # in the auditor's menu
    picker = page.locator("form.period")
    picker.locator("input[name=kind][value=dates]").check()
    picker.locator("input[name=from]").fill("15/06/2026")
    picker.locator("input[name=to]").fill("15/06/2026")
    picker.locator("button[type=submit]").click()
    expect(page.locator("#period-label")).to_have_text("15/06/2026 – 15/06/2026")
    # The filter offers the playlists played in the chosen period; choosing one keeps the period.
    picker.locator("select[name=playlist]").select_option(label="Tuyên truyền tiêm chủng")
    picker.locator("button[type=submit]").click()
    expect(page.locator("#period-label")).to_have_text("15/06/2026 – 15/06/2026")
    expect(picker.locator("select[name=playlist]")).to_have_value(playlist["id"])

    group = page.locator(f"section.pop-group[data-group='{playlist['id']}']")
    expect(group.locator("h2")).to_contain_text("Tuyên truyền tiêm chủng — 1.239 lượt · 2 giờ 06 phút")  # 7.404 + 60 + 135 s
    item = group.locator(f"tr.pop-item[data-item='{notice}']")
    expect(item).to_contain_text("Lịch tiêm chủng tháng 6")
    expect(item.locator(".plays")).to_have_text("1.236 lượt")
    line = group.locator(f"tr.pop-line[data-item='{notice}'][data-board='{east.id}']")
    expect(line).to_contain_text("Bảng tin chợ Khao Mang · Xã Khao Mang")
    expect(line.locator(".plays")).to_have_text("1.234 lượt")
    expect(line.locator(".on-screen")).to_have_text("2 giờ 03 phút")
    ticker_line = group.locator(f"tr.pop-line[data-item='{ticker}'][data-board='{west.id}']")
    expect(ticker_line.locator(".plays")).to_have_text("3 lượt")  # the play 40 days later is another period's
    expect(ticker_line.locator(".on-screen")).to_have_text("2 phút 15 giây")
    expect(group.locator(f"tr.pop-item[data-item='{ticker}']")).to_contain_text("Mang theo sổ tiêm chủng")
    text = group.inner_text()
    assert east.id not in text and notice not in text and playlist["id"] not in text  # names, not ids
    shot(page, "proof-of-play-laptop")

    href = page.locator("#pop-workbook").get_attribute("href")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    book = openpyxl.load_workbook(io.BytesIO(requests.get(manager.base_url + href, cookies=cookies, timeout=30).content))
    assert book.sheetnames == ["Thông tin", "Lượt phát"]
    about = {row[0]: row[1] for row in book["Thông tin"].iter_rows(values_only=True) if row[0]}
    assert about["Báo cáo"] == "Bằng chứng phát sóng" and about["Từ ngày – đến ngày"] == "15/06/2026 – 15/06/2026"
    sheet = list(book["Lượt phát"].iter_rows(values_only=True))
    header = sheet.index(next(r for r in sheet if r and r[0] == "Danh sách phát"))
    rows = {(r[1], r[3]): r for r in sheet[header + 1:] if r and r[0]}
    east_row = rows[("Lịch tiêm chủng tháng 6", "Bảng tin chợ Khao Mang")]
    assert east_row[5] == 1234 and isinstance(east_row[5], int) and east_row[6] == 7404 and east_row[4] == "Xã Khao Mang"
    assert rows[("Mang theo sổ tiêm chủng khi đến trạm y tế", "Bảng tin trạm y tế")][5:7] == (3, 135)
    csv = requests.get(manager.base_url + page.locator("#pop-csv").get_attribute("href"), cookies=cookies, timeout=30)
    assert csv.content.decode("utf-8-sig").splitlines()[0] == "Báo cáo,Bằng chứng phát sóng"

    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the table becomes cards, nothing scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert line.locator("td").nth(1).evaluate("e => getComputedStyle(e).display") == "block"
    group.locator("h2").scroll_into_view_if_needed()
    shot(page, "proof-of-play-phone")
