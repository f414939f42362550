"""The source link's pages: refusals on the sources page, the inbox's accept and reject, CSRF."""
from datetime import datetime, timedelta, timezone

import requests
from playwright.sync_api import expect

from tests.console.board import BoardClient
from tests.console.conftest import HOME, ROOT, ConsoleSession, login, shot
from tests.feeds import serve_feed

CAP_FIXTURES = ROOT / "tests" / "sources" / "fixtures"


def make_source(manager, name: str, mode: str = "approval") -> tuple[int, str]:
    r = manager.admin.post("/api/v1/sources", json={"name": name, "adapter": "cap", "url": "", "mode": mode, "poll_interval_s": 0})
    r.raise_for_status()
    return r.json()["id"], r.json()["push_token"]


def push(manager, source_id: int, token: str, data: bytes) -> requests.Response:
    return requests.post(f"{manager.base_url}/api/v1/sources/{source_id}/cap", data=data, timeout=10,
                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/cap+xml"})


def cap_test_message(identifier: str, headline: str, level: int) -> bytes:
    """A CAP 1.2 test message (status Test: only test boards show it) for the console tests' commune."""
    sent = datetime.now(timezone.utc).replace(microsecond=0)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>{identifier}</identifier><sender>pctt@laocai.gov.vn</sender><sent>{sent.isoformat()}</sent>
  <status>Test</status><msgType>Alert</msgType><scope>Public</scope>
  <info><language>vi-VN</language><category>Met</category><event>Lũ quét</event>
    <urgency>Immediate</urgency><severity>Severe</severity><certainty>Likely</certainty>
    <expires>{(sent + timedelta(hours=3)).isoformat()}</expires>
    <senderName>Ban Chỉ huy PCTT và TKCN tỉnh Lào Cai</senderName>
    <headline>{headline}</headline><description>Người dân ven suối chủ động sơ tán.</description>
    <parameter><valueName>VN-RISK-LEVEL</valueName><value>{level}</value></parameter>
    <area><areaDesc>Xã Khao Mang</areaDesc><geocode><valueName>VN-UNIT:vn-2025</valueName><value>{HOME}</value></geocode></area>
  </info>
</alert>""".encode()


def test_refused_document_shows_on_sources_page(manager, people, new_page):
    source_id, token = make_source(manager, "PCTT Lào Cai (lỗi XML)")
    r = push(manager, source_id, token, (CAP_FIXTURES / "bad_malformed.xml").read_bytes())
    assert r.status_code == 422 and r.json()["error"] == "cap_malformed"
    reason = r.json()["message"]
    page = new_page()
    login(page, manager, "c_approver")
    page.goto(manager.base_url + "/sources")
    expect(page.locator(f"#sources tr[data-source='{source_id}']")).to_contain_text("PCTT Lào Cai (lỗi XML)")
    problem = page.locator("#problems tr", has_text="PCTT Lào Cai (lỗi XML)").first
    expect(problem).to_contain_text(reason)
    expect(problem).to_contain_text("cap_malformed")
    expect(problem.locator(".source-error")).to_have_css("color", "rgb(185, 28, 28)")
    expect(page.locator("form[action='/sources']")).to_have_count(0)  # only administrators add sources
    problem.locator("a").click()
    expect(page.locator("#item-status")).to_have_text("Không nhận được")


def test_admin_adds_a_source_and_rotates_its_token(manager, people, new_page):
    page = new_page()
    login(page, manager, "admin", "quantri-12345")
    page.goto(manager.base_url + "/sources")
    page.locator("details.card summary", has_text="Thêm nguồn tin").click()
    form = page.locator("#source-form")
    form.locator("input[name=name]").fill("Đài PT-TH Lào Cai (tin)")
    form.locator("select[name=adapter]").select_option("rss")
    form.locator("input[name=url]").fill("http://127.0.0.1:9/rss.xml")
    form.locator("input[name=poll_interval_s]").fill("0")
    form.locator("button[type=submit]").click()
    token = page.locator("#new-token code").inner_text()
    assert token.startswith("src_")
    row = page.locator("#sources tr", has_text="Đài PT-TH Lào Cai (tin)")
    source_id = int(row.get_attribute("data-source"))
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator("button", has_text="Cấp mã đẩy mới").click()
    rotated = page.locator("#new-token code").inner_text()
    assert rotated.startswith("src_") and rotated != token
    assert push(manager, source_id, token, b"<x/>").status_code == 401, "the old token stops working"
    # Nothing listens on port 9: the source's last error shows in red.
    assert manager.admin.post(f"/api/v1/sources/{source_id}/poll").json()["last_error"]
    page.goto(manager.base_url + "/sources")
    expect(row.locator(".source-error")).to_have_css("color", "rgb(185, 28, 28)")
    expect(page.locator("#problems tr", has_text="Đài PT-TH Lào Cai (tin)").first).to_be_visible()


def test_news_item_goes_into_a_playlist_from_the_inbox(manager, people, new_page):
    feed = ('{"version": "https://jsonfeed.org/version/1.1", "title": "Xã Khao Mang", "items": [{"id": "km-2026-11-01", '
            '"title": "Họp dân thôn Lùng Vai tối thứ Sáu", "content_text": "Mời bà con dự họp lúc 19:30 tại nhà văn hoá."}]}').encode()

    with serve_feed(feed) as feed_url:
        r = manager.admin.post("/api/v1/sources", json={"name": "UBND xã Khao Mang (tin)", "adapter": "json-feed", "mode": "approval",
                                                        "url": feed_url, "poll_interval_s": 3600})
        source_id = r.json()["id"]
        assert manager.admin.post(f"/api/v1/sources/{source_id}/poll").json()["last_error"] is None
    (item,) = manager.admin.get("/api/v1/inbox", params={"source_id": source_id}).json()
    playlist = manager.admin.post("/api/v1/playlists", json={"name": "Tin xã Khao Mang", "items": [], "unit_code": HOME}).json()
    page = new_page()
    login(page, manager, "c_editor")
    expect(page.locator("#inbox-tile strong")).not_to_have_text("0")
    page.goto(manager.base_url + "/inbox")
    card = page.locator(f".inbox-item[data-inbox='{item['id']}']")
    expect(card.locator("form.reject")).to_be_visible()
    card.locator("select[name=playlist_id]").select_option(playlist["id"])
    card.locator("form.accept button").click()
    expect(page.locator("#item-status")).to_have_text("Đã nhận")
    items = manager.admin.get(f"/api/v1/playlists/{playlist['id']}").json()["items"]
    assert [(i["kind"], i["title"]) for i in items] == [("bulletin", "Họp dân thôn Lùng Vai tối thứ Sáu")]


def test_inbox_accept_publishes_and_reject(manager, people, new_page):
    board = BoardClient(manager, HOME, "Bảng tin thử hộp thư")
    manager.admin.patch(f"/api/v1/boards/{board.id}", json={"is_test": True}).raise_for_status()
    board.fetch()
    assert board.manifest["alerts"] == []
    source_id, token = make_source(manager, "PCTT Lào Cai (duyệt trước)")
    first = push(manager, source_id, token, cap_test_message("LC-PCTT-CONSOLE-1", "Lũ quét tại xã Khao Mang", 4)).json()
    second = push(manager, source_id, token, cap_test_message("LC-PCTT-CONSOLE-2", "Sạt lở đất tại xã Khao Mang", 5)).json()
    assert first["status"] == second["status"] == "pending"

    page = new_page()
    login(page, manager, "c_approver")
    page.goto(manager.base_url + "/inbox")
    one = page.locator(f".inbox-item[data-inbox='{first['id']}']")
    two = page.locator(f".inbox-item[data-inbox='{second['id']}']")
    expect(one.locator(".badge.level4")).to_have_text("Cấp 4")
    expect(one.locator(".badge.level4")).to_have_css("background-color", "rgb(219, 20, 20)")
    expect(two.locator(".badge.level5")).to_have_css("background-color", "rgb(115, 26, 153)")
    shot(page, "inbox")

    alert_id = None
    try:
        one.locator("form.accept button").click()
        expect(page.locator(".flash.ok")).to_have_text("Đã xử lý mục trong hộp thư")
        expect(page.locator("#item-status")).to_have_text("Đã phát cảnh báo")
        assert board.fetch()
        (alert,) = board.manifest["alerts"]
        alert_id = alert["id"]
        assert alert["headline"] == "Lũ quét tại xã Khao Mang" and alert["level"] == 4 and alert["test"]
        board.heartbeat(alert=alert_id)
        page.reload()
        expect(page.locator(f"#delivery tr[data-board='{board.id}'] .ack")).to_contain_text("✔")

        page.goto(manager.base_url + "/inbox")
        two.locator("input[name=reason]").fill("Trùng với bản tin đã phát")
        two.locator("form.reject button").click()
        expect(page.locator(".flash.ok")).to_have_text("Đã từ chối mục trong hộp thư")
        expect(two).to_have_count(0)  # no longer pending
        rejected = manager.admin.get(f"/api/v1/inbox/{second['id']}").json()
        assert rejected["status"] == "rejected" and rejected["reason"] == "Trùng với bản tin đã phát"
        board.fetch()
        assert [a["id"] for a in board.manifest["alerts"]] == [alert_id]
    finally:
        if alert_id:
            manager.admin.post(f"/api/v1/alerts/{alert_id}/withdraw").raise_for_status()


def test_inbox_forms_need_csrf_and_the_right_role(manager, people):
    source_id, token = make_source(manager, "PCTT Lào Cai (CSRF)")
    item = push(manager, source_id, token, cap_test_message("LC-PCTT-CONSOLE-CSRF", "Thử CSRF", 2)).json()
    approver = ConsoleSession(manager, "c_approver")
    assert approver.post(f"/inbox/{item['id']}/reject", data={"reason": "x"}).status_code == 403
    assert approver.post(f"/inbox/{item['id']}/accept", data={"csrf_token": "sai"}).status_code == 403
    editor = ConsoleSession(manager, "c_editor")
    r = editor.post(f"/inbox/{item['id']}/accept", data={"csrf_token": editor.csrf})
    assert r.status_code == 403, "an editor cannot publish an alert"
    assert editor.get("/inbox").status_code == 200
    assert editor.post("/sources", data={"csrf_token": editor.csrf, "name": "x", "adapter": "cap"}).status_code == 403
    assert manager.admin.get(f"/api/v1/inbox/{item['id']}").json()["status"] == "pending"
    r = approver.post(f"/inbox/{item['id']}/reject", data={"csrf_token": approver.csrf})
    assert r.status_code == 303
    assert manager.admin.get(f"/api/v1/inbox/{item['id']}").json()["status"] == "rejected"
    for path, words in (("/sources?lang=en", "Refused documents and errors"), ("/inbox?status=all&lang=en", "Source inbox"),
                        (f"/inbox/{item['id']}?lang=en", "Rejected")):
        r = approver.get(path)
        assert r.status_code == 200 and words in r.text, path
