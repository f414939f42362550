"""Issue 14, finding 2: the approver sees what boards will show before approving it, where, and what changed.

An editor changes a playlist that is on air (a bulletin's text and duration, a picture added, the ticker
removed) and submits; the approver opens the schedule: the bulletin's pages as the board's own pagination
cuts them for the target's screen, the pictures, the target by name with its board count, and each item
marked against the revision on air."""
import re

from playwright.sync_api import expect

from layouts import builtin_layouts
from protocol.bulletin import pages
from protocol.legibility import min_line_height_px
from protocol.manifest import Item, ItemKind
from protocol.zonefill import fill_empty
from tests.console.board import BoardClient
from tests.console.conftest import HOME, login, shot
from tests.pdfs import Page, text_lines, write_pdf
from tests.spine.media import jpeg_bytes

PARAGRAPH = ("Đoạn {k}: Uỷ ban nhân dân xã Khao Mang thông báo lịch tiêm chủng mở rộng cho trẻ em dưới năm tuổi "
             "tại trạm y tế xã vào sáng thứ Bảy hằng tuần, phụ huynh mang theo sổ tiêm chủng.")
BODY = "\n".join(PARAGRAPH.format(k=k) for k in range(1, 13))
EDITED = BODY.replace("Đoạn 1: Uỷ ban nhân dân xã Khao Mang thông báo lịch tiêm chủng mở rộng cho trẻ em dưới năm tuổi tại trạm y tế xã vào sáng thứ Bảy",
                      "Đoạn 1: Uỷ ban nhân dân xã Khao Mang thông báo lịch tiêm chủng mở rộng cho trẻ em dưới năm tuổi tại trạm y tế xã vào sáng Chủ nhật")


def _board_pages(board: dict, title: str, body: str, busy: set[str]) -> int:
    """The page count the player computes: its zone after filling (protocol.zonefill), its screen and floor."""
    layout = fill_empty(builtin_layouts()["landscape-16x9"], busy)
    zone = layout.zone("bulletin")
    item = Item(id="x", zone="bulletin", kind=ItemKind.bulletin, title=title, body=body, duration_s=40)
    size = (zone.w * board["width"], zone.h * board["height"])
    return len(pages(item, size, min_line_height_px(board["height"], board["min_line_px"])).pages)


def test_the_approver_sees_what_boards_will_show(manager, people, as_user, new_page, tmp_path):
    board = BoardClient(manager, HOME, "Bảng tin trạm y tế Khao Mang")
    editor, approver, stranger = as_user("c_editor"), as_user("c_approver"), as_user("c_other_editor")
    csrf = {"X-CSRF-Token": editor.csrf}
    poster, new_picture = (editor.post("/api/v1/assets", params={"filename": name}, data=jpeg_bytes((1280, 720), colour),
                                       headers=csrf).json()["sha256"]
                           for name, colour in (("Áp phích tiêm chủng duyệt.jpg", (173, 41, 97)), ("Bản đồ trạm y tế.jpg", (37, 151, 83))))
    pdf = write_pdf(tmp_path / "Thông báo số 126-TB-UBND.pdf", [Page(texts=text_lines(800, 60, 13, "lich tiem chung mo rong"))]).read_bytes()
    document = editor.post("/api/v1/assets", params={"filename": "Thông báo số 126-TB-UBND.pdf"}, data=pdf, headers=csrf).json()["sha256"]
    title = "Lịch tiêm chủng tháng 12"
    items = [{"zone": "main", "kind": "image", "asset": poster, "duration_s": 10},
             {"zone": "bulletin", "kind": "bulletin", "title": title, "body": BODY, "duration_s": 30},
             {"zone": "ticker", "kind": "ticker", "text": "Tiêm chủng miễn phí tại trạm y tế xã", "duration_s": 60},
             {"zone": "main", "kind": "document", "asset": document, "duration_s": 20}]
    playlist = editor.post("/api/v1/playlists", headers=csrf, json={"name": "Tiêm chủng mở rộng (duyệt)", "items": items}).json()["id"]
    schedule = editor.post("/api/v1/schedules", headers=csrf, json={"playlist_id": playlist, "target": {"kind": "board", "id": board.id}}).json()["id"]
    editor.post(f"/api/v1/schedules/{schedule}/submit", headers=csrf).raise_for_status()
    first = approver.get(f"/schedules/{schedule}").text
    assert "Chưa có bản nào đang phát" in first and first.count('data-change="added"') == 4, "a first approval: everything is new"
    assert stranger.get(f"/schedules/{schedule}").status_code == 404, "another unit's schedule reads as missing"
    approver.post(f"/api/v1/schedules/{schedule}/approve", headers={"X-CSRF-Token": approver.csrf}).raise_for_status()

    # The editor edits what is on air: the bulletin's text and duration, a picture added, the ticker removed.
    edited = [items[0], {**items[1], "body": EDITED, "duration_s": 40},
              {"zone": "main", "kind": "image", "asset": new_picture, "duration_s": 10}, items[3]]
    editor.put(f"/api/v1/playlists/{playlist}", headers=csrf, json={"name": "Tiêm chủng mở rộng (duyệt)", "items": edited}).raise_for_status()
    editor.post(f"/api/v1/schedules/{schedule}/submit", headers=csrf).raise_for_status()
    shown = manager.admin.get(f"/api/v1/boards/{board.id}").json()
    expected = _board_pages(shown, title, EDITED, {"main", "bulletin"})
    assert expected >= 2, "the text runs over several pages"

    page = new_page(1366, 768)
    login(page, manager, "c_approver")
    page.goto(manager.base_url + "/schedules")
    page.locator(f"tr[data-schedule='{schedule}'] a.review-link").click()
    page.wait_for_url(re.compile(f"/schedules/{schedule}$"))
    expect(page.locator("#against")).to_have_text("So với phiên bản 1 đang phát")
    expect(page.locator("#target-name")).to_have_text("Bảng tin trạm y tế Khao Mang")
    expect(page.locator("#target-count")).to_have_attribute("data-boards", "1")
    expect(page.locator("#target-count")).to_have_text("tới 1 bảng tin")
    bulletin = page.locator("article[data-kind=bulletin]")
    expect(bulletin).to_have_attribute("data-change", "changed")
    expect(bulletin.locator(".mark")).to_have_text("Sửa")
    expect(bulletin.locator("[data-zone]")).to_have_text("Vùng bản tin")
    expect(bulletin.locator(".duration")).to_have_text("40 giây")
    expect(bulletin.locator(".item-facts")).to_contain_text("trước đây: 30 giây")
    expect(bulletin.locator(".board-page")).to_have_count(expected)  # the board's own pagination, page by page
    expect(bulletin.locator(".board-page").first).to_contain_text(title)
    bulletin.scroll_into_view_if_needed()
    shot(page, "approval-laptop")
    expect(bulletin.locator(".text-diff ins")).to_contain_text("Chủ nhật")
    expect(bulletin.locator(".text-diff del")).to_contain_text("thứ Bảy")
    added = page.locator("article[data-change=added]")
    expect(added.locator(".mark")).to_have_text("Thêm")
    expect(added.locator(".what")).to_have_text("Bản đồ trạm y tế.jpg")
    added.locator("img").scroll_into_view_if_needed()  # pictures load as they come into view
    expect(added.locator("img")).to_have_js_property("naturalWidth", 320)  # the picture itself, as its thumbnail
    expect(page.locator("article[data-kind=image][data-change=same]")).to_contain_text("Áp phích tiêm chủng duyệt.jpg")
    part = page.locator("article[data-kind=document][data-change=same] img.document-part").first
    part.scroll_into_view_if_needed()  # the page images boards get for this zone, cut where lines would be too small
    expect(part).not_to_have_js_property("naturalWidth", 0)
    expect(page.locator("article[data-kind=document] figcaption").first).to_contain_text("Trang 1/1")
    removed = page.locator("article[data-change=removed]")
    expect(removed.locator(".mark")).to_have_text("Bỏ")
    expect(removed.locator(".approval-ticker")).to_have_text("Tiêm chủng miễn phí tại trạm y tế xã")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366

    phone = new_page(390, 844)
    login(phone, manager, "c_approver")
    phone.goto(f"{manager.base_url}/schedules/{schedule}")
    expect(phone.locator("article[data-kind=bulletin] .board-page")).to_have_count(expected)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390, "the view fits a phone"
    shot(phone, "approval-phone")

    page.locator(".approval-actions button[data-action=approve]").click()
    expect(page.locator(".flash.ok")).to_contain_text("Đã duyệt")
    assert board.fetch() and [i["body"] for i in board.manifest["playlists"][playlist]["items"] if i["kind"] == "bulletin"] == [EDITED]
