"""Full editing (issue 14, finding 4): the rules below the pages over plain HTTP, then one editor's journey
through the pages at 1366x768: a playlist made from the playlists page, items edited in place, renamed,
copied and the copy deleted after confirming; several files uploaded at once; where each file is used;
a file nobody uses deleted, a used one refused."""
import io
import json
import re

from PIL import Image
from playwright.sync_api import expect

from manager.db import connect
from tests.console.conftest import HOME, login, shot


def _picture(colour: tuple[int, int, int], fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 36), colour).save(out, fmt)
    return out.getvalue()


def _playlist(client, name: str, items: list[dict]) -> dict:
    r = client.post("/api/v1/playlists", json={"name": name, "unit_code": HOME, "items": items})
    r.raise_for_status()
    return r.json()


def _audit(manager, object_id: str) -> list[tuple[str, dict]]:
    db = connect(manager.db_path)
    rows = db.execute("SELECT action, detail FROM audit_log WHERE object_id = ? ORDER BY id", [object_id]).fetchall()
    db.close()
    return [(action, json.loads(detail)) for action, detail in rows]


def test_a_scheduled_playlist_cannot_be_deleted_until_withdrawn(manager):
    admin = manager.admin
    board, _ = manager.pair_board(unit_code=HOME, name="Bảng tin xoá danh sách")
    playlist = _playlist(admin, "Danh sách đang có lịch", [{"zone": "bulletin", "kind": "bulletin", "title": "Tin"}])
    schedule = admin.post("/api/v1/schedules", json={"playlist_id": playlist["id"], "target": {"kind": "board", "id": board}}).json()
    r = admin.delete(f"/api/v1/playlists/{playlist['id']}")
    assert r.status_code == 409 and "Hãy rút các lịch đó trước" in r.json()["message"], r.text
    assert "Bảng tin xoá danh sách" in r.json()["message"]  # the schedule's target by name
    admin.post(f"/api/v1/schedules/{schedule['id']}/submit").raise_for_status()
    admin.post(f"/api/v1/schedules/{schedule['id']}/withdraw").raise_for_status()
    assert admin.delete(f"/api/v1/playlists/{playlist['id']}").status_code == 204
    assert admin.get(f"/api/v1/playlists/{playlist['id']}").status_code == 404
    assert admin.get(f"/api/v1/schedules/{schedule['id']}").status_code == 404  # the withdrawn schedule went with it
    assert _audit(manager, playlist["id"])[-1] == ("delete", {"name": "Danh sách đang có lịch", "revision": 1})


def test_a_file_used_by_any_revision_cannot_be_deleted(manager):
    admin = manager.admin
    sha = manager.upload(_picture((10, 120, 200)), "anh-dung-trong-ban-cu.png")["sha256"]
    stored = manager.db_path.with_name(manager.db_path.name + ".assets") / sha[:2] / sha
    playlist = _playlist(admin, "Danh sách dùng ảnh", [{"zone": "main", "kind": "image", "asset": sha}])
    # The newest revision no longer has it; the first still does, so it stays.
    admin.put(f"/api/v1/playlists/{playlist['id']}", json={"name": "Danh sách dùng ảnh", "items": [
        {"zone": "bulletin", "kind": "bulletin", "title": "Tin"}]}).raise_for_status()
    r = admin.delete(f"/api/v1/assets/{sha}")
    assert r.status_code == 409 and "đang được dùng trong 1 danh sách phát" in r.json()["message"], r.text
    assert stored.is_file()
    admin.delete(f"/api/v1/playlists/{playlist['id']}").raise_for_status()
    assert admin.delete(f"/api/v1/assets/{sha}").status_code == 204
    assert not stored.exists()
    assert admin.get(f"/assets/{sha}").status_code == 404
    assert _audit(manager, sha)[-1] == ("delete", {"name": "anh-dung-trong-ban-cu.png"})


def test_items_edited_in_place_over_the_api(manager):
    admin = manager.admin
    playlist = _playlist(admin, "Sửa tại chỗ", [{"zone": "bulletin", "kind": "bulletin", "title": "Cũ", "body": "Nội dung cũ"}])
    item = playlist["items"][0]["id"]
    r = admin.patch(f"/api/v1/playlists/{playlist['id']}/items/{item}", json={"duration_s": 90000})
    assert r.status_code == 422 and r.json()["message"] == "Mục 1: thời lượng phải lớn hơn 0 và không quá 86.400 giây (24 giờ)"
    r = admin.patch(f"/api/v1/playlists/{playlist['id']}/items/{item}", json={"zone": "main"})
    assert r.status_code == 422 and r.json()["message"] == "Mục 1: không đặt được bản tin vào vùng chính (ảnh, video)"
    edited = admin.patch(f"/api/v1/playlists/{playlist['id']}/items/{item}", json={"title": "Mới", "duration_s": 7.5}).json()
    assert (edited["items"][0]["title"], edited["items"][0]["body"], edited["items"][0]["duration_s"]) == ("Mới", "Nội dung cũ", 7.5)
    # An id from before that edit names nothing now: refused, not applied to whatever sits there.
    assert admin.patch(f"/api/v1/playlists/{playlist['id']}/items/{item}", json={"title": "Lỡ"}).status_code == 409
    added = admin.post(f"/api/v1/playlists/{playlist['id']}/items", json={"zone": "bulletin", "kind": "bulletin", "title": "Tin thứ hai"})
    assert [i["title"] for i in added.json()["items"]] == ["Mới", "Tin thứ hai"]
    copy = admin.post(f"/api/v1/playlists/{playlist['id']}/duplicate").json()
    assert copy["name"] == "Sửa tại chỗ (bản sao)" and [i["title"] for i in copy["items"]] == ["Mới", "Tin thứ hai"]
    assert admin.get(f"/api/v1/playlists/{copy['id']}").json()["revision"] == 1
    assert _audit(manager, copy["id"]) == [("duplicate", {"name": "Sửa tại chỗ (bản sao)", "revision": 1, "copy_of": "Sửa tại chỗ"})]
    assert [a for a, _ in _audit(manager, playlist["id"])] == ["create", "edit_item", "add_item"]
    # A notice's title and text are its summary and body; its other fields stay.
    notice = _playlist(admin, "Thông báo sửa", [{"zone": "bulletin", "kind": "bulletin", "notice": {
        "number": "Số: 12/TB-UBND", "summary": "Về việc họp dân", "body": "Họp lúc 8 giờ"}}])
    edited = admin.patch(f"/api/v1/playlists/{notice['id']}/items/{notice['items'][0]['id']}",
                         json={"title": "Về việc họp dân thôn 3", "body": "Họp lúc 14 giờ"}).json()["items"][0]["notice"]
    assert (edited["number"], edited["summary"], edited["body"]) == ("Số: 12/TB-UBND", "Về việc họp dân thôn 3", "Họp lúc 14 giờ")


def test_several_files_in_one_plain_form(manager, as_user):
    """Without script the library's form posts every file at once; each is checked and answered on its own,
    and the form's CSRF token (its first field) is read without reading the files."""
    editor = as_user("c_editor")
    files = [("files", ("mot-form.png", _picture((1, 2, 3)), "image/png")), ("files", ("hong-form.png", b"\x89PNG\r\n\x1a\nhong", "image/png"))]
    assert editor.post("/library/upload", files=files, data={"csrf_token": "sai"}).status_code == 403
    page = editor.post("/library/upload", files=files, data={"csrf_token": editor.csrf}, headers={"Accept": "text/html"}).text
    results = re.findall(r'<li class="flash (ok|error)" data-ok="\w+">([^<]+)</li>', page)
    assert results[0] == ("ok", "Đã tải lên: mot-form.png"), results
    assert results[1][0] == "error" and results[1][1].startswith("Tải lên thất bại: hong-form.png: Tệp ảnh bị hỏng"), results


def test_editor_edits_copies_deletes_and_uploads_several_files(manager, people, new_page):
    page = new_page(1366, 768)
    login(page, manager, "c_editor")
    # A playlist started from the playlists page, not only from "Soạn bản tin".
    page.goto(manager.base_url + "/playlists")
    page.locator("#new-playlist input[name=name]").fill("Thông tin tuần này")
    page.locator("#new-playlist button[type=submit]").click()
    expect(page.locator(".flash.ok")).to_contain_text("Đã tạo danh sách phát")
    playlist_url = page.url.split("?")[0]
    for title in ("Lịch tiêm chủng", "Họp dân"):  # two bulletins in one playlist
        form = page.locator("#add-bulletin")
        if not form.locator("input[name=title]").is_visible():
            form.locator("summary").click()
        form.locator("input[name=title]").fill(title)
        form.locator("textarea[name=body]").fill(f"Nội dung {title.lower()}")
        form.locator("button[type=submit]").click()
        expect(page.locator(".flash.ok")).to_contain_text("Đã thêm mục")
    expect(page.locator("#items li")).to_have_count(2)

    # Edit the first bulletin in place: a refused duration comes back in Vietnamese, with what was typed kept.
    first = page.locator("#items li").first
    first.locator("details.edit-item summary").click()
    first.locator("input[name=title]").fill("Lịch tiêm chủng tháng 12")
    first.locator("input[name=duration_s]").fill("0")
    first.locator("form.edit-item button[type=submit]").click()
    expect(page.locator("#error-message")).to_have_text("Thời lượng phải lớn hơn 0 và không quá 86.400 giây (24 giờ)")
    page.locator("#go-back").click()
    first = page.locator("#items li").first
    expect(first.locator("input[name=title]")).to_have_value("Lịch tiêm chủng tháng 12")
    if not first.locator("input[name=duration_s]").is_visible():
        first.locator("details.edit-item summary").click()
    first.locator("input[name=duration_s]").fill("12,5")
    first.locator("form.edit-item button[type=submit]").click()
    expect(page.locator(".flash.ok")).to_contain_text("Đã lưu mục")
    expect(page.locator("#items li").first.locator(".what")).to_have_text("Lịch tiêm chủng tháng 12")
    expect(page.locator("#items li").first).to_contain_text("12,5 giây")

    page.locator("#rename-form input[name=name]").fill("Thông tin tuần 49")
    page.locator("#rename-form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Thông tin tuần 49")
    shot(page, "playlist-editing")

    # Duplicate, then delete the copy: a confirmation step, done by keyboard.
    page.locator("#duplicate-form button").click()
    expect(page.locator("h1")).to_have_text("Thông tin tuần 49 (bản sao)")
    expect(page.locator("#items li")).to_have_count(2)
    page.locator("#delete-link").click()
    expect(page.locator("#confirm-question")).to_contain_text("Xoá hẳn danh sách phát “Thông tin tuần 49 (bản sao)”")
    expect(page.locator("#confirm-go")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".flash.ok")).to_have_text("Đã xoá danh sách phát")
    expect(page.locator("main table")).not_to_contain_text("Thông tin tuần 49 (bản sao)")
    expect(page.locator("main table")).to_contain_text("Thông tin tuần 49")

    # Three files at once: each its own bar and its own answer.
    page.goto(manager.base_url + "/library")
    page.locator("#upload-file").set_input_files([
        {"name": "anh-tiem-chung.png", "mimeType": "image/png", "buffer": _picture((200, 40, 40))},
        {"name": "anh-hong.jpg", "mimeType": "image/jpeg", "buffer": _picture((40, 200, 40), "JPEG")[:300]},
        {"name": "anh-hop-dan.jpg", "mimeType": "image/jpeg", "buffer": _picture((40, 40, 200), "JPEG")},
    ])
    rows = page.locator("#upload-list li")
    expect(rows).to_have_count(3)
    for name in ("anh-tiem-chung.png", "anh-hop-dan.jpg"):
        row = page.locator(f"#upload-list li[data-name='{name}']")
        expect(row.locator(".upload-status")).to_have_text(f"Đã tải lên: {name}")
        assert row.locator("progress").evaluate("e => e.value") == 100
        expect(row.locator(".upload-percent")).to_have_text("100 %")
    expect(page.locator("#upload-list li[data-name='anh-hong.jpg'] .upload-status")).to_contain_text(
        "Tải lên thất bại: Tệp ảnh bị hỏng hoặc không đọc được")
    # Dropped on the page, a file goes the same way.
    page.locator("#drop-zone").evaluate("""(zone, bytes) => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], "anh-keo-tha.png", {type: "image/png"}));
        zone.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true}));
    }""", list(_picture((90, 90, 20))))
    expect(page.locator("#upload-list li[data-name='anh-keo-tha.png'] .upload-status")).to_have_text("Đã tải lên: anh-keo-tha.png")
    shot(page, "library-uploads")

    # One file goes into the playlist: the library says where, and refuses to delete it.
    page.goto(playlist_url)
    page.locator("select[name=asset]").select_option(label="anh-tiem-chung.png")
    page.locator("form[action$='/items'] button[type=submit]").click()
    expect(page.locator(".flash.ok")).to_be_visible()
    page.goto(manager.base_url + "/library")
    used = page.locator("tr", has_text="anh-tiem-chung.png")
    expect(used.locator("td.used-in a")).to_have_text("Thông tin tuần 49")
    expect(used).to_contain_text("Đang được dùng: không xoá được")
    sha = used.get_attribute("data-sha")
    page.goto(f"{manager.base_url}/library/{sha}/delete")
    expect(page.locator("#error-message")).to_contain_text("Không xoá được “anh-tiem-chung.png”")
    page.goto(manager.base_url + "/library")
    unused = page.locator("tr", has_text="anh-hop-dan.jpg")
    expect(unused.locator("td.used-in")).to_contain_text("Chưa dùng")
    unused.locator("a.delete-file").click()
    expect(page.locator("#confirm-question")).to_contain_text("Xoá tệp “anh-hop-dan.jpg” khỏi thư viện?")
    page.locator("#confirm-go").click()
    expect(page.locator(".flash.ok")).to_have_text("Đã xoá tệp khỏi thư viện")
    expect(page.locator("tr", has_text="anh-hop-dan.jpg")).to_have_count(0)
    assert re.search(r"/library(\?|$)", page.url)
