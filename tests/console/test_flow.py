"""The editors' day, end to end in chromium: upload, write, schedule on a unit, submit,
approve as another person, and watch a real board client apply it."""
import re

from playwright.sync_api import expect

from tests.console.board import BoardClient
from tests.console.conftest import HOME, login, shot
from tests.player.media import write_mp4
from tests.spine.media import jpeg_bytes

HOSTILE = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>'


def test_upload_write_schedule_approve_and_applied(manager, people, new_page, tmp_path):
    board = BoardClient(manager, HOME, "Bảng tin xã Khao Mang")
    board.apply()
    board.screenshot("Khao Mang")

    editor = new_page()
    login(editor, manager, "c_editor")
    expect(editor.locator("h1")).to_contain_text("Xin chào")
    shot(editor, "dashboard")

    # Library: upload an image with the progress bar; a thumbnail appears.
    picture = tmp_path / "Áp phích tiêm chủng.jpg"
    picture.write_bytes(jpeg_bytes((1280, 720), (200, 120, 20)))
    editor.goto(manager.base_url + "/library")
    editor.set_input_files("#upload-file", str(picture))
    expect(editor.locator("#upload-list .upload-status").last).to_contain_text("Đã tải lên")
    assert editor.locator("#upload-list progress").last.get_attribute("value") == "100"
    editor.wait_for_load_state("load")
    row = editor.locator("tr", has_text="Áp phích tiêm chủng.jpg")
    expect(row).to_be_visible()
    expect(row.locator("img")).to_have_js_property("naturalWidth", 320)
    expect(row).to_contain_text("1280×720")
    clip = write_mp4(tmp_path / "Phim tuyên truyền.mp4", seconds=1.0)
    editor.set_input_files("#upload-file", str(clip))
    expect(editor.locator("#upload-list .upload-status").last).to_contain_text("Đã tải lên")
    editor.wait_for_load_state("load")
    row = editor.locator("tr", has_text="Phim tuyên truyền.mp4")
    expect(row).to_contain_text("1,0 giây")  # Vietnamese decimal comma
    expect(row.locator("img")).to_have_js_property("naturalWidth", 320)  # its first frame
    # Bad input: clear Vietnamese messages, nothing kept.
    corrupt = tmp_path / "hong.jpg"
    corrupt.write_bytes(jpeg_bytes()[:300])
    editor.set_input_files("#upload-file", str(corrupt))
    expect(editor.locator("#upload-list .upload-status").last).to_contain_text("Tệp ảnh bị hỏng")
    text_file = tmp_path / "ghi-chu.png"
    text_file.write_text("không phải ảnh")
    editor.set_input_files("#upload-file", str(text_file))
    expect(editor.locator("#upload-list .upload-status").last).to_contain_text("Định dạng tệp không được hỗ trợ")
    shot(editor, "library")

    # Bulletin editor: live preview in the chosen layout; HTML stays text.
    editor.goto(manager.base_url + "/bulletins/new")
    editor.fill("input[name=name]", "Thông báo tiêm chủng tháng 12")
    editor.fill("#title", "Lịch tiêm chủng mở rộng " + HOSTILE)
    editor.fill("#body", "Thứ Bảy, 7 giờ sáng tại Trạm Y tế xã.\nMang theo sổ tiêm chủng.")
    editor.fill("#ticker", "UBND xã Khao Mang thông báo lịch tiêm chủng")
    editor.select_option("#asset", label="Áp phích tiêm chủng.jpg")
    bulletin = editor.locator("#preview .zone-bulletin")
    expect(bulletin.locator("h3")).to_have_text("Lịch tiêm chủng mở rộng " + HOSTILE)
    assert bulletin.locator("img, script").count() == 0
    expect(editor.locator("#preview .zone-ticker")).to_have_text("UBND xã Khao Mang thông báo lịch tiêm chủng")
    expect(editor.locator("#preview .zone-media img")).to_be_visible()
    shot(editor, "bulletin-editor")
    editor.select_option("#layout", "led-768x384")
    expect(editor.locator("#preview")).to_have_css("aspect-ratio", "768 / 384")
    editor.select_option("#layout", "landscape-16x9")
    editor.click("#bulletin-form button[type=submit]")
    editor.wait_for_url(re.compile(r"/playlists/p-"))
    expect(editor.locator("h1")).to_have_text("Thông báo tiêm chủng tháng 12")
    assert editor.evaluate("document.title") != "pwned"
    playlist_id = editor.url.rsplit("/", 1)[1].split("?")[0]

    # Reorder: keyboard/up-down fallback, saved through the API.
    items = editor.locator("#items li")
    expect(items).to_have_count(3)
    first_kind = items.nth(0).locator(".badge").get_attribute("data-kind")
    items.nth(1).locator("button.up").click()
    expect(editor.locator("#order-status")).to_have_text("Đã lưu thứ tự")
    kinds = [i["kind"] for i in manager.admin.get(f"/api/v1/playlists/{playlist_id}").json()["items"]]
    assert kinds[1] == first_kind and kinds[0] != first_kind

    # Schedule on the unit, submit: still a draft for boards, nothing reaches them.
    editor.goto(manager.base_url + f"/schedules?playlist={playlist_id}")
    form = editor.locator("#schedule-form")
    form.locator("select[name=target_unit]").select_option(HOME)
    form.locator("input[name=start]").fill("06:00")
    form.locator("input[name=end]").fill("21:00")
    form.locator("button[type=submit]").click()
    expect(editor.locator(".flash.ok")).to_contain_text("Đã tạo lịch phát")
    row = editor.locator("tr[data-schedule]", has_text="Thông báo tiêm chủng tháng 12")
    expect(row.locator(".badge")).to_have_text("Bản nháp")
    assert row.locator("button[data-action=approve]").count() == 0, "editors cannot approve"
    row.locator("button[data-action=submit]").click()
    row = editor.locator("tr[data-schedule]", has_text="Thông báo tiêm chủng tháng 12")
    expect(row.locator(".badge")).to_have_text("Chờ duyệt")
    editor.click("details.card > summary")
    shot(editor, "schedules")
    assert not board.fetch(), "a submitted schedule does not reach boards"

    # Another person approves.
    approver = new_page()
    login(approver, manager, "c_approver")
    approver.goto(manager.base_url + "/schedules")
    row = approver.locator("tr[data-schedule]", has_text="Thông báo tiêm chủng tháng 12")
    row.locator("button[data-action=approve]").click()
    expect(approver.locator(".flash.ok")).to_contain_text("Đã duyệt")
    expect(approver.locator("tr[data-schedule]", has_text="Thông báo tiêm chủng tháng 12").locator(".badge")).to_have_text("Đã duyệt, đang phát")

    # The wall: not applied yet; a real board client applies the manifest; now it is.
    editor.goto(manager.base_url + "/boards")
    summary = re.fullmatch(r"Đã áp dụng trên (\d+) / (\d+) bảng tin", editor.locator("#applied-summary").inner_text())
    applied, total = int(summary.group(1)), int(summary.group(2))  # other tests may have boards here too
    card = editor.locator(f"li[data-board='{board.id}']")
    expect(card.locator(".applied")).to_have_text("Chưa áp dụng bản mới nhất")
    assert board.fetch(), "the approved schedule changed the board's manifest"
    assert playlist_id in board.manifest["playlists"]
    board.heartbeat()
    editor.reload()
    expect(editor.locator("#applied-summary")).to_have_text(f"Đã áp dụng trên {applied + 1} / {total} bảng tin")
    expect(card.locator(".applied")).to_have_text("Đã áp dụng bản mới nhất")
    expect(card.locator(".state")).to_have_text("Đang kết nối")
    expect(card.locator("img")).to_have_js_property("naturalWidth", 640)
    shot(editor, "boards-wall")

    # Week view for the unit, from the board's own manifest; an overlapping rule is a conflict.
    editor.goto(manager.base_url + f"/week?unit={HOME}")
    week = editor.locator(f"section[data-board='{board.id}']")
    expect(week.locator(".blk.k-normal").first).to_contain_text("Thông báo tiêm chủng tháng 12")
    expect(week.locator(".no-conflicts")).to_be_visible()
    clash, _ = manager.publish([{"zone": "bulletin", "kind": "bulletin", "title": "Họp dân", "body": "Tối thứ Sáu"}],
                               target={"kind": "board", "id": board.id}, windows=[{"start": "18:00", "end": "22:00"}])
    editor.reload()
    expect(week.locator(".conflict").first).to_contain_text("Thông báo tiêm chủng tháng 12")
    shot(editor, "week")

    # The audit log, as the auditor reads it: who did what.
    auditor = new_page()
    login(auditor, manager, "c_auditor")
    auditor.goto(manager.base_url + "/audit")
    expect(auditor.locator("tr", has_text="c_approver").filter(has_text="approve").first).to_be_visible()
    expect(auditor.locator("tr", has_text="c_editor").filter(has_text="submit").first).to_be_visible()
