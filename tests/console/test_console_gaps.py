"""A schedule's exact start and end, editing and polling a source, and the boards wall's pages, through the pages."""
import re
from datetime import datetime, time, timedelta, timezone

from playwright.sync_api import expect

from protocol.timebase import VN_TZ
from tests.console.board import BoardClient
from tests.console.conftest import HOME, OTHER, ConsoleSession, login
from tests.feeds import serve_feed
from tests.live_manager import ADMIN_PASSWORD


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_schedule_with_exact_start_and_end_reaches_the_board_in_utc(manager, people, new_page):
    board = BoardClient(manager, HOME, "Bảng tin giờ chính xác")
    board.fetch()
    r = manager.admin.post("/api/v1/playlists", json={"name": "Thông báo cắt nước (giờ chính xác)", "unit_code": HOME,
                                                      "items": [{"zone": "bulletin", "kind": "bulletin", "title": "Cắt nước"}]})
    r.raise_for_status()
    playlist_id = r.json()["id"]
    today = datetime.now(VN_TZ).date()
    starts = datetime.combine(today + timedelta(days=1), time(14, 0), VN_TZ)  # 14:00 tomorrow, Vietnam time
    ends = datetime.combine(today + timedelta(days=3), time(9, 0), VN_TZ)  # 09:00 two days later

    editor = new_page()
    login(editor, manager, "c_editor")
    editor.goto(manager.base_url + f"/schedules?playlist={playlist_id}")
    form = editor.locator("#schedule-form")
    form.locator("input[name=target_kind][value=board]").check()
    form.locator("select[name=target_board]").select_option(board.id)
    form.locator("input[name=starts_at]").fill(starts.strftime("%d/%m/%Y %H:%M"))
    form.locator("input[name=ends_at]").fill(ends.strftime("%d/%m/%Y %H:%M"))
    form.locator("button[type=submit]").click()
    expect(editor.locator(".flash.ok")).to_have_text("Đã tạo lịch phát (bản nháp)")
    row = editor.locator("tr[data-schedule]", has_text="Thông báo cắt nước (giờ chính xác)")
    expect(row.locator(".exact")).to_contain_text(f"Bắt đầu lúc 14:00 {starts:%d/%m/%Y}")
    expect(row.locator(".exact")).to_contain_text(f"Kết thúc lúc 09:00 {ends:%d/%m/%Y}")
    schedule_id = row.get_attribute("data-schedule")
    stored = manager.admin.get(f"/api/v1/schedules/{schedule_id}").json()
    assert _utc(stored["starts_at"]) == starts and _utc(stored["ends_at"]) == ends
    row.locator("button[data-action=submit]").click()

    approver = new_page()
    login(approver, manager, "c_approver")
    approver.goto(manager.base_url + "/schedules")
    approver.locator(f"tr[data-schedule='{schedule_id}'] button[data-action=approve]").click()
    # Approved for tomorrow: not "on air" (finding 7), but when it starts.
    expect(approver.locator(f"tr[data-schedule='{schedule_id}'] .badge")).to_have_text(f"Đã duyệt, bắt đầu 14:00 {starts:%d/%m/%Y}")

    assert board.fetch(), "the approved schedule changed the board's manifest"
    (rule,) = [r for r in board.manifest["schedule"] if r["playlist"] == playlist_id]
    assert _utc(rule["starts_at"]) == starts.astimezone(timezone.utc) == datetime(starts.year, starts.month, starts.day, 7, 0, tzinfo=timezone.utc)
    assert _utc(rule["ends_at"]) == ends.astimezone(timezone.utc) == datetime(ends.year, ends.month, ends.day, 2, 0, tzinfo=timezone.utc)

    # An end before the start is refused in Vietnamese, and nothing is made.
    editor.goto(manager.base_url + f"/schedules?playlist={playlist_id}")
    form.locator("input[name=starts_at]").fill(ends.strftime("%d/%m/%Y %H:%M"))
    form.locator("input[name=ends_at]").fill(starts.strftime("%d/%m/%Y %H:%M"))
    form.locator("button[type=submit]").click()
    expect(editor.locator(".flash.error")).to_contain_text("Thời điểm kết thúc phải sau thời điểm bắt đầu")
    editor.goto(manager.base_url + "/schedules")
    expect(editor.locator("tr[data-schedule]", has_text="Thông báo cắt nước (giờ chính xác)")).to_have_count(1)


def test_admin_edits_a_source_and_polls_it_now(manager, people, new_page):
    feed = ('{"version": "https://jsonfeed.org/version/1.1", "title": "Xã Khao Mang", "items": [{"id": "km-poll-now-1", '
            '"title": "Lịch tiêm phòng cho gia súc", "content_text": "Sáng thứ Ba tại nhà văn hoá thôn."}]}').encode()

    r = manager.admin.post("/api/v1/sources", json={"name": "UBND xã Khao Mang (sửa nguồn)", "adapter": "json-feed", "mode": "approval",
                                                    "url": "http://127.0.0.1:9/feed.json", "poll_interval_s": 0})
    r.raise_for_status()
    source_id = r.json()["id"]
    with serve_feed(feed) as feed_url:
        page = new_page()
        login(page, manager, "admin", ADMIN_PASSWORD)
        page.goto(manager.base_url + "/sources")
        row = page.locator(f"#sources tr[data-source='{source_id}']")
        # Nothing listens on port 9: polling now shows the error at once.
        row.locator("form.poll button").click()
        expect(page.locator(".flash.ok")).to_contain_text("Đã đọc nguồn tin")
        expect(row.locator(".source-error")).to_be_visible()

        row.locator("details.edit summary").click()
        edit = row.locator("form.source-edit")
        edit.locator("input[name=url]").fill(feed_url)
        edit.locator("select[name=mode]").select_option("auto")
        edit.locator("input[name=poll_interval_s]").fill("900")
        edit.locator("input[name=enabled]").uncheck()
        edit.locator("button[type=submit]").click()
        expect(page.locator(".flash.ok")).to_have_text("Đã lưu nguồn tin")
        source = manager.admin.get(f"/api/v1/sources/{source_id}").json()
        assert (source["url"], source["mode"], source["poll_interval_s"], source["enabled"]) == (
            feed_url, "auto", 900, False)
        expect(row).to_contain_text("Đang tắt")
        expect(row).to_contain_text("Tự động phát")
        expect(row).to_contain_text("mỗi 900 giây")

        row.locator("details.edit summary").click()
        row.locator("input[name=enabled]").check()
        row.locator("select[name=mode]").select_option("approval")
        row.locator("form.source-edit button[type=submit]").click()
        expect(page.locator(".flash.ok")).to_have_text("Đã lưu nguồn tin")
        row.locator("form.poll button").click()
        expect(page.locator(".flash.ok")).to_contain_text("Đã đọc nguồn tin")
        expect(row.locator(".badge.ok")).to_have_text("Bình thường")
    (item,) = manager.admin.get("/api/v1/inbox", params={"source_id": source_id}).json()
    assert item["title"] == "Lịch tiêm phòng cho gia súc" and item["status"] == "pending"
    log = manager.admin.get("/api/v1/audit").json()
    assert [e["action"] for e in log if e["object_type"] == "source" and e["object_id"] == str(source_id)].count("update") == 2


def test_source_edit_and_poll_are_for_administrators_with_csrf(manager, people, as_user):
    r = manager.admin.post("/api/v1/sources", json={"name": "PCTT (chỉ quản trị sửa)", "adapter": "cap", "url": "", "poll_interval_s": 0})
    source_id = r.json()["id"]
    approver = as_user("c_approver")
    assert approver.post(f"/sources/{source_id}", data={"csrf_token": approver.csrf, "mode": "auto"}).status_code == 403
    assert approver.post(f"/sources/{source_id}/poll", data={"csrf_token": approver.csrf}).status_code == 403
    assert "/poll" not in approver.get("/sources").text
    admin = ConsoleSession(manager, "admin", ADMIN_PASSWORD)
    assert admin.post(f"/sources/{source_id}", data={"mode": "auto", "enabled": "1"}).status_code == 403, "no CSRF token"
    r = admin.post(f"/sources/{source_id}", data={"csrf_token": admin.csrf, "mode": "auto", "poll_interval_s": "-5"})
    assert r.status_code == 422 and "Thông tin nguồn không hợp lệ" in r.text
    assert manager.admin.get(f"/api/v1/sources/{source_id}").json()["mode"] == "approval"


def test_boards_wall_pages_and_counts_every_board(manager_factory, new_page):
    own = manager_factory()
    for i in range(121):
        own.pair_board(unit_code=HOME, name=f"Bảng {i:03d}")
    for i in range(3):
        own.pair_board(unit_code=OTHER, name=f"Bảng phố {i}")
    late = [BoardClient(own, HOME, f"Bảng 9{i}") for i in range(2)]  # sort last: on the last page only
    for board in late:
        board.apply()

    page = new_page()
    login(page, own, "admin", ADMIN_PASSWORD)
    page.goto(own.base_url + "/boards")
    expect(page.locator(".board-card")).to_have_count(60)
    summary = page.locator("p.summary")
    expect(summary).to_contain_text("Đã áp dụng trên 2 / 126 bảng tin")
    assert summary.inner_text().strip().endswith(": 2 / 126"), "online, over every board"
    expect(page.locator("nav.pager").first).to_contain_text("Bảng tin 1–60 trong 126")
    expect(page.locator(".board-card.online")).to_have_count(0)

    page.goto(own.base_url + f"/boards?unit={HOME}")
    expect(summary).to_contain_text("Đã áp dụng trên 2 / 123 bảng tin")
    next_link = page.locator("nav.pager").first.locator("a[rel=next]")
    assert re.search(rf"unit={HOME}&page=2$", next_link.get_attribute("href"))
    next_link.click()
    expect(page.locator("nav.pager").first).to_contain_text("Bảng tin 61–120 trong 123")
    expect(page.locator(".board-card")).to_have_count(60)
    page.locator("nav.pager").first.locator("a", has_text="3").click()
    expect(page.locator(".board-card")).to_have_count(3)
    expect(page.locator(".board-card.online")).to_have_count(2)
    expect(page.locator(".board-card", has_text="Bảng phố")).to_have_count(0)
    expect(summary).to_contain_text("Đã áp dụng trên 2 / 123 bảng tin")
    assert "unit=" + HOME in page.url and "page=3" in page.url
    page.goto(own.base_url + f"/boards?unit={HOME}&page=99")  # past the end: the last page
    expect(page.locator(".board-card")).to_have_count(3)
    page.goto(own.base_url + "/?lang=vi")
    expect(page.locator("#applied-count")).to_have_text("2 / 126")


def test_sender_certificate_set_on_the_sources_page(manager, people, new_page):
    from tests.sources.signing import Sender

    r = manager.admin.post("/api/v1/sources", json={"name": "PCTT tỉnh (ký số)", "adapter": "cap", "url": "", "poll_interval_s": 0,
                                                    "config": {"note": "giữ nguyên"}})
    source_id = r.json()["id"]
    page = new_page()
    login(page, manager, "admin", ADMIN_PASSWORD)
    page.goto(manager.base_url + "/sources")
    row = page.locator(f"#sources tr[data-source='{source_id}']")
    row.locator("details.edit summary").click()
    row.locator("textarea[name=signing_certificate]").fill("-----BEGIN CERTIFICATE-----\nhỏng\n-----END CERTIFICATE-----")
    row.locator("form.source-edit button[type=submit]").click()
    expect(page.locator("#error-message")).to_contain_text("Chứng thư số của bên gửi không đọc được")
    page.goto(manager.base_url + "/sources")
    row.locator("details.edit summary").click()
    pem = Sender().certificate
    row.locator("textarea[name=signing_certificate]").fill(pem)
    row.locator("form.source-edit button[type=submit]").click()
    expect(page.locator(".flash.ok")).to_have_text("Đã lưu nguồn tin")
    expect(row.locator(".badge.signed")).to_have_text("Kiểm tra chữ ký số")
    config = manager.admin.get(f"/api/v1/sources/{source_id}").json()["config"]
    assert config == {"note": "giữ nguyên", "signing_certificate": pem.strip()}, "the rest of the source's settings stay"
