"""An office's files in the console: a signed PDF and a multi-page TIFF scan uploaded from the
library page, the PDF placed in a playlist."""
import io

from PIL import Image
from playwright.sync_api import expect

from tests.console.conftest import HOME, login
from tests.pdfs import Page, text_lines, write_pdf


def test_pdf_and_tiff_from_the_library_to_a_playlist(manager, people, new_page, tmp_path):
    editor = new_page()
    login(editor, manager, "c_editor")
    editor.goto(manager.base_url + "/library")

    pdf = write_pdf(tmp_path / "Thông báo số 125-TB-UBND.pdf",
                    [Page(rects=[(0, 0, 595, 842, (250, 250, 245))], texts=text_lines(800, 60, 13)), Page(texts=text_lines(800, 500, 13))])
    editor.set_input_files("#upload-file", str(pdf))
    expect(editor.locator("#upload-list .upload-status").last).to_contain_text("Đã tải lên")
    editor.wait_for_load_state("load")
    row = editor.locator("tr", has_text="Thông báo số 125-TB-UBND.pdf")
    expect(row).to_contain_text("2 trang")
    expect(row).to_contain_text("Tài liệu")
    expect(row.locator("img")).to_have_js_property("naturalHeight", 180)  # its first page, A4 upright

    # A three-page scan: kept as its first page, and the editor is told so (the note stays to be read).
    scan = tmp_path / "ban-quet-3-trang.tif"
    pages = [Image.new("L", (400, 560), v) for v in (250, 200, 150)]
    buf = io.BytesIO()
    pages[0].save(buf, "TIFF", save_all=True, append_images=pages[1:])
    scan.write_bytes(buf.getvalue())
    editor.set_input_files("#upload-file", str(scan))
    expect(editor.locator("#upload-list .upload-status").last).to_contain_text("có 3 trang; bảng tin chỉ dùng trang đầu")
    editor.reload()
    expect(editor.locator("tr", has_text="ban-quet-3-trang.tif")).to_contain_text("chỉ dùng trang đầu")

    r = manager.admin.post("/api/v1/playlists", json={"name": "Văn bản tuần này", "layout": "landscape-16x9", "unit_code": HOME, "items": []})
    r.raise_for_status()
    editor.goto(f"{manager.base_url}/playlists/{r.json()['id']}")
    editor.select_option("select[name=asset]", label="Thông báo số 125-TB-UBND.pdf")
    editor.fill("input[name=duration_s]", "20")
    editor.click("form[action$='/items'] button[type=submit]")
    item = editor.locator("li", has_text="Thông báo số 125-TB-UBND.pdf")
    expect(item).to_contain_text("Tài liệu")
