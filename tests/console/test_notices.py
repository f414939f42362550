"""Notices in the console: a Word file into the notice format, the paged preview, saved and on the board's manifest;
a board's own legibility floor."""
import io
import re

from docx import Document
from playwright.sync_api import expect

from protocol.bulletin import pages
from protocol.manifest import Item, ItemKind
from protocol.notice import Notice
from protocol.legibility import min_line_height_px
from tests.console.board import BoardClient
from tests.console.conftest import HOME, login, shot
from tests.notices.samples import ALL, LONG_EXTRA
from tests.spine.media import jpeg_bytes


def word_file(path) -> None:
    doc = Document()
    header = doc.add_table(rows=1, cols=2)
    header.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nXÃ KHAO MANG\nSố: 88/TB-UBND"
    header.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nKhao Mang, ngày 01 tháng 12 năm 2026"
    doc.add_paragraph("THÔNG BÁO")
    doc.add_paragraph("Về việc phòng, chống dịch bệnh mùa đông xuân")
    doc.add_paragraph("")
    for line in LONG_EXTRA.split("\n"):
        doc.add_paragraph(line)
    tail = doc.add_table(rows=1, cols=2)
    tail.cell(0, 0).text = "Nơi nhận:\n- Các thôn;\n- Lưu: VT."
    tail.cell(0, 1).text = "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nGiàng A Páo"
    doc.save(str(path))


def test_a_word_notice_previewed_saved_and_sent(manager, people, new_page, tmp_path):
    board = BoardClient(manager, HOME, "Bảng tin chợ Khao Mang")
    page = new_page(1280, 900)
    login(page, manager, "c_editor")
    page.goto(manager.base_url + "/bulletins/new")
    page.fill("input[name=name]", "Phòng chống dịch mùa đông xuân")
    page.check("#format-notice")
    docx = tmp_path / "thong-bao-88.docx"
    word_file(docx)
    page.set_input_files("#notice-docx", str(docx))
    expect(page.locator("#notice-status")).to_have_text("Đã đọc tệp Word: hãy xem lại các ô bên dưới.")
    expect(page.locator("#notice_issuer")).to_have_value("ỦY BAN NHÂN DÂN\nXÃ KHAO MANG")
    expect(page.locator("#notice_summary")).to_have_value("Về việc phòng, chống dịch bệnh mùa đông xuân")
    expect(page.locator("#notice_signer_name")).to_have_value("Giàng A Páo")
    expect(page.locator("#body")).to_have_value(LONG_EXTRA)

    # The preview: the board's pages, their number and reading time, and a warning for a short slot.
    expect(page.locator("#preview .line-footer")).to_have_text(re.compile(r"Trang 1/\d+"))
    count = int(page.locator("#preview").get_attribute("data-pages"))
    fields = {f: page.locator(f"#notice_{f}").input_value() for f in Notice.model_fields if f != "body"}
    notice = Notice(**fields, body=page.locator("#body").input_value())
    # Beside the media zone there is none here (no picture, no ticker): the notice has the screen below the header.
    assert count == len(pages(Item(id="x", zone="bulletin", kind=ItemKind.bulletin, notice=notice), (1920, 1080 * 0.9),
                              min_line_height_px(1080)).pages)
    expect(page.locator("#preview-page")).to_have_text(f"Trang 1/{count}")
    expect(page.locator("#preview-warning")).to_be_visible()
    page.click("#preview-next")
    expect(page.locator("#preview-page")).to_have_text(f"Trang 2/{count}")
    expect(page.locator("#preview .line-footer")).to_have_text(f"Trang 2/{count}")
    shot(page, "notice-editor")
    page.fill("#duration_s", "900")
    expect(page.locator("#preview-warning")).to_be_hidden()

    page.click("#bulletin-form button[type=submit]")
    page.wait_for_url(re.compile(r"/playlists/p-"))
    playlist_id = page.url.rsplit("/", 1)[1].split("?")[0]

    # On a board: scheduled and approved through the API, the manifest carries the notice itself.
    admin = manager.admin
    made = admin.post("/api/v1/schedules", json={"playlist_id": playlist_id, "target": {"kind": "board", "id": board.id}})
    assert made.status_code == 201, made.text
    manager.approve_own(made.json()["id"])  # submitted, then approved with the reason an administrator's own work needs
    board.fetch()
    items = board.manifest["playlists"][playlist_id]["items"]
    assert items[0]["notice"]["signer_name"] == "Giàng A Páo" and items[0]["notice"]["number"] == "Số: 88/TB-UBND"
    assert items[0]["duration_s"] == 900

    # The playlist names the notice; adding a picture keeps it (the items are written again from what is stored).
    expect(page.locator("#items li").first).to_contain_text("THÔNG BÁO Số: 88/TB-UBND · Về việc phòng, chống dịch bệnh")
    csrf = page.locator('meta[name="csrf-token"]').get_attribute("content")
    uploaded = page.request.post(manager.base_url + "/api/v1/assets?filename=ap-phich-phong-dich.jpg", data=jpeg_bytes(),
                                 headers={"X-CSRF-Token": csrf, "Content-Type": "application/octet-stream"})
    assert uploaded.ok, uploaded.text()
    page.reload()
    page.select_option("select[name=asset]", label="ap-phich-phong-dich.jpg")
    page.click("form[action$='/items'] button[type=submit]")
    expect(page.locator("#items li")).to_have_count(2)
    stored = admin.get(f"/api/v1/playlists/{playlist_id}").json()
    assert [i["kind"] for i in stored["items"]] == ["bulletin", "image"]
    assert stored["items"][0]["notice"]["summary"] == "Về việc phòng, chống dịch bệnh mùa đông xuân"


def test_pasting_into_a_plain_bulletin_and_refusals(manager, people, as_user):
    editor = as_user("c_editor")
    headers = {"X-CSRF-Token": editor.csrf}
    r = editor.post("/bulletins/recognise", json={"text": ALL["300"]}, headers=headers)
    assert r.status_code == 200 and r.json()["number"] == "Số: 131/TB-UBND"
    r = editor.post("/bulletins/recognise", json={"text": "THÔNG BÁO\n" + "chữ " * 6000}, headers=headers)
    assert r.status_code == 422 and "chia thành nhiều thông báo" in r.json()["message"]
    r = editor.post("/bulletins/docx", data=b"this is no Word file", headers=headers)
    assert r.status_code == 422 and ".docx" in r.json()["message"] and "Error" not in r.json()["message"]
    r = editor.post("/bulletins/preview", data=b"{not json", headers={**headers, "Content-Type": "application/json"})
    assert r.status_code == 422
    r = editor.post("/bulletins/preview", json={"layout": "led-768x384", "title": "Mất điện", "body": ALL["1500"]}, headers=headers)
    assert r.status_code == 200
    preview = r.json()
    assert preview["floor_px"] == 13 and all(line["height"] >= 13 for p in preview["pages"] for line in p["lines"])
    assert preview["page_count"] == len(preview["pages"]) > 1
    assert editor.post("/bulletins/preview", json={}).status_code == 403, "CSRF is checked"


def test_a_board_sets_a_larger_floor(manager, people, as_user):
    board = BoardClient(manager, HOME, "Bảng tin ngã ba Khao Mang")
    editor = as_user("c_editor")
    form = {"csrf_token": editor.csrf, "name": "Bảng tin ngã ba Khao Mang", "heartbeat_interval_s": "30", "board_class": "commune",
            "min_line_px": "48"}
    assert editor.post(f"/boards/{board.id}/settings", data=form).status_code == 303
    board.fetch()
    assert board.manifest["board"]["min_line_px"] == 48
    page = editor.get(f"/boards/{board.id}/settings").text
    assert 'name="min_line_px"' in page and 'value="48"' in page
    r = editor.post(f"/boards/{board.id}/settings", data={**form, "min_line_px": "2"})
    assert r.status_code == 422 and "Chiều cao dòng chữ tối thiểu" in r.text
    assert editor.post(f"/boards/{board.id}/settings", data={**form, "min_line_px": ""}).status_code == 303
    board.fetch()
    assert board.manifest["board"]["min_line_px"] is None
