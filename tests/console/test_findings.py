"""The six findings of issue 10, each tried through the API and the console's forms as the people who found them:
editors, approvers and auditors of two neighbouring communes of Lào Cai (province 15), and of another province."""
import re

import pytest

from manager.auth import create_user
from manager.db import connect
from tests.console.board import BoardClient
from tests.console.conftest import HOME, PASSWORD
from tests.console.test_sources import cap_test_message, make_source, push
from tests.domain.test_permission_matrix import _png

NEIGHBOUR = "04456"  # Xã Mù Cang Chải, also in province 15
EXTRA = {"f_approver2": ("approver", HOME), "f_auditor": ("auditor", HOME), "f_p_editor": ("editor", "15"),
         "f_b_approver": ("approver", NEIGHBOUR)}


@pytest.fixture(scope="module")
def extra_people(manager, people):
    db = connect(manager.db_path)
    with db.atomic():
        for name, (role, unit) in EXTRA.items():
            if not db.execute("SELECT 1 FROM users WHERE username = ?", [name]).fetchone():
                create_user(db, name, PASSWORD, role, None, unit)
    db.close()


def _bulletin(session, name: str, title: str) -> str:
    r = session.post("/bulletins/new", data={"csrf_token": session.csrf, "name": name, "title": title, "layout": "landscape-16x9"})
    assert r.status_code == 303, r.text
    return re.search(r"/playlists/(p-[0-9a-f]+)", r.headers["location"]).group(1)


def _schedule_form(session, playlist_id: str, board_id: str) -> str:
    r = session.post("/schedules", data={"csrf_token": session.csrf, "playlist_id": playlist_id, "target_kind": "board",
                                         "target_board": board_id, "weekdays": [str(d) for d in range(1, 8)]})
    assert r.status_code == 303, r.text
    found = [s for s in session.get("/api/v1/schedules").json() if s["playlist_id"] == playlist_id]
    return found[0]["id"]


def _titles(board: BoardClient, playlist_id: str) -> list[str]:
    """The bulletin titles the board plays from this test's own playlist: the boards of the console tests' commune
    also play what other tests scheduled on the whole commune."""
    board.fetch()
    shown = board.manifest["playlists"].get(playlist_id, {"items": []})
    return [i["title"] for i in shown["items"] if i["kind"] == "bulletin"]


def test_1_approved_content_cannot_be_changed_behind_the_approver(manager, people, extra_people, as_user):
    board = BoardClient(manager, HOME, "Bảng tin phát bản đã duyệt")
    editor, approver = as_user("c_editor"), as_user("c_approver")
    playlist = _bulletin(editor, "Thông báo họp dân", "Họp dân 19 giờ")
    schedule = _schedule_form(editor, playlist, board.id)
    assert editor.post(f"/schedules/{schedule}/submit", data={"csrf_token": editor.csrf}).status_code == 303
    assert approver.post(f"/schedules/{schedule}/approve", data={"csrf_token": approver.csrf}).status_code == 303
    assert _titles(board, playlist) == ["Họp dân 19 giờ"]

    # The API's PUT and the console's add-item both make a new revision; the boards keep the approved one.
    r = editor.put(f"/api/v1/playlists/{playlist}", headers={"X-CSRF-Token": editor.csrf}, json={
        "name": "Thông báo họp dân", "items": [{"zone": "bulletin", "kind": "bulletin", "title": "Nội dung chưa ai duyệt"}]})
    assert r.status_code == 200 and r.json()["revision"] == 2
    assert _titles(board, playlist) == ["Họp dân 19 giờ"]
    page = editor.get("/schedules").text
    assert "đang phát bản đã duyệt (phiên bản 1) · có bản sửa chưa gửi duyệt" in page
    assert editor.get(f"/api/v1/schedules/{schedule}").json()["status"] == "approved"
    assert editor.post(f"/schedules/{schedule}/submit", data={"csrf_token": editor.csrf}).status_code == 303
    assert "đang phát bản đã duyệt (phiên bản 1) · bản sửa chờ duyệt" in approver.get("/schedules").text
    assert "đang phát bản đã duyệt (phiên bản 1) · bản sửa chờ duyệt" in editor.get(f"/playlists/{playlist}").text
    shown = approver.get(f"/api/v1/schedules/{schedule}").json()
    assert [c["change"] for c in shown["changes"]] == ["changed"], "the approver sees what changed"
    assert _titles(board, playlist) == ["Họp dân 19 giờ"]
    assert approver.post(f"/schedules/{schedule}/approve", data={"csrf_token": approver.csrf}).status_code == 303
    assert _titles(board, playlist) == ["Nội dung chưa ai duyệt"]
    log = [e for e in manager.admin.get("/api/v1/audit").json() if e["object_id"] == schedule and e["action"] == "approve"]
    assert [(e["username"], __import__("json").loads(e["detail"])["revision"]) for e in log] == [("c_approver", 2), ("c_approver", 1)]


def test_2_an_approver_cannot_silence_another_units_warning(manager, people, extra_people, as_user):
    source_id, token = make_source(manager, "PCTT Lào Cai (phát hiện 2)")
    r = push(manager, source_id, token, cap_test_message("LC-F2-001", "Lũ quét ở xã Khao Mang", 3))
    item = r.json()["id"]
    other = as_user("c_other_approver")
    assert other.post(f"/api/v1/inbox/{item}/reject", headers={"X-CSRF-Token": other.csrf}, json={"reason": "x"}).status_code == 404
    assert other.post(f"/inbox/{item}/reject", data={"csrf_token": other.csrf, "reason": "x"}).status_code == 404
    assert other.post(f"/inbox/{item}/accept", data={"csrf_token": other.csrf}).status_code == 404
    assert other.get(f"/api/v1/inbox/{item}").status_code == 404 and other.get(f"/inbox/{item}").status_code == 404
    assert item not in [i["id"] for i in other.get("/api/v1/inbox").json()]
    assert manager.admin.get(f"/api/v1/inbox/{item}").json()["status"] == "pending"
    mine = as_user("c_approver")
    assert mine.post(f"/inbox/{item}/reject", data={"csrf_token": mine.csrf, "reason": "Tin thử"}).status_code == 303


def test_3_a_schedule_is_scoped_by_its_target(manager, people, extra_people, as_user):
    board_b = BoardClient(manager, NEIGHBOUR, "Bảng xã Mù Cang Chải")
    province = as_user("f_p_editor")
    r = province.post("/api/v1/playlists", headers={"X-CSRF-Token": province.csrf}, json={
        "name": "Nội dung của xã Khao Mang", "unit_code": HOME, "items": [{"zone": "bulletin", "kind": "bulletin", "title": "Của xã A"}]})
    playlist = r.json()["id"]
    schedule = _schedule_form(province, playlist, board_b.id)
    assert province.post(f"/schedules/{schedule}/submit", data={"csrf_token": province.csrf}).status_code == 303
    a_approver, b_approver = as_user("c_approver"), as_user("f_b_approver")
    assert a_approver.post(f"/schedules/{schedule}/approve", data={"csrf_token": a_approver.csrf}).status_code == 404
    assert a_approver.post(f"/api/v1/schedules/{schedule}/approve", headers={"X-CSRF-Token": a_approver.csrf}).status_code == 404
    assert "Của xã A" not in str(_titles(board_b, playlist))
    assert b_approver.get(f"/api/v1/schedules/{schedule}").json()["may_act"] is True
    assert b_approver.post(f"/schedules/{schedule}/approve", data={"csrf_token": b_approver.csrf}).status_code == 303
    assert _titles(board_b, playlist) == ["Của xã A"]
    assert b_approver.post(f"/api/v1/schedules/{schedule}/withdraw", headers={"X-CSRF-Token": b_approver.csrf}).status_code == 200
    assert _titles(board_b, playlist) == []


def test_4_nothing_leaks_across_units(manager, people, extra_people, as_user):
    r = manager.admin.post("/api/v1/sources", json={"name": "Nguồn có khóa API", "adapter": "json-feed",
                                                     "url": "https://tin.example/feed.json?api_key=KHOA-BI-MAT",
                                                     "config": {"api_key": "KHOA-BI-MAT", "lang": "vi"}})
    assert r.status_code == 201 and "KHOA-BI-MAT" not in r.text
    for who in ("c_editor", "c_approver", "c_auditor"):
        session = as_user(who)
        assert "KHOA-BI-MAT" not in session.get("/api/v1/sources").text
        assert "KHOA-BI-MAT" not in session.get(f"/api/v1/sources/{r.json()['id']}").text
    assert "KHOA-BI-MAT" not in as_user("c_editor").get("/sources").text
    assert "KHOA-BI-MAT" not in manager.admin.get("/api/v1/sources").text, "write-only: not even for the administrator"

    source_id, token = make_source(manager, "PCTT Lào Cai (phát hiện 4)")
    item = push(manager, source_id, token, cap_test_message("LC-F4-001", "Sạt lở ở xã Khao Mang", 2)).json()["id"]
    assert as_user("c_other_editor").get(f"/api/v1/inbox/{item}").status_code == 404

    auditor = as_user("f_auditor")  # a commune's auditor
    assert auditor.get("/api/v1/audit").status_code == 403 and auditor.get("/audit").status_code == 403
    assert auditor.get("/api/v1/source-link/status").status_code == 403
    own = auditor.get(f"/api/v1/reports/units/{HOME}", params={"catalogue": "vn-2025", "province": "15"})
    assert own.status_code == 200 and own.json()["unit"]["code"] == HOME
    assert auditor.get(f"/reports/province/vn-2025/15/units/{HOME}").status_code == 200
    assert auditor.get("/api/v1/reports/indicators", params={"catalogue": "vn-2025", "province": "15"}).status_code == 404
    assert as_user("c_auditor").get("/api/v1/audit").status_code == 200, "a province's auditor reads the log"
    # The menu offers only what opens: the log's link for the province's auditor, not the commune's.
    own_menu = auditor.get(f"/reports/province/vn-2025/15/units/{HOME}").text
    assert 'href="/reports"' in own_menu and 'href="/audit"' not in own_menu
    assert 'href="/audit"' in as_user("c_auditor").get("/reports").text


def test_5_nobody_approves_their_own_work(manager, people, extra_people, as_user):
    board = BoardClient(manager, HOME, "Bảng tin tách bạch")
    approver = as_user("c_approver")
    playlist = _bulletin(approver, "Tự soạn tự duyệt", "Không được tự duyệt")
    schedule = _schedule_form(approver, playlist, board.id)
    assert approver.post(f"/schedules/{schedule}/approve", data={"csrf_token": approver.csrf}).status_code == 409, "submit first"
    assert approver.post(f"/schedules/{schedule}/submit", data={"csrf_token": approver.csrf}).status_code == 303
    r = approver.post(f"/schedules/{schedule}/approve", data={"csrf_token": approver.csrf}, headers={"Accept": "text/html"})
    assert r.status_code == 403 and "không thể tự duyệt" in r.text
    assert approver.post(f"/api/v1/schedules/{schedule}/approve", headers={"X-CSRF-Token": approver.csrf}).status_code == 403
    assert _titles(board, playlist) == []
    second = as_user("f_approver2")
    assert second.post(f"/schedules/{schedule}/approve", data={"csrf_token": second.csrf}).status_code == 303
    assert _titles(board, playlist) == ["Không được tự duyệt"]

    r = manager.admin.post("/api/v1/playlists", json={"name": "Quản trị soạn", "unit_code": HOME,
                                                       "items": [{"zone": "bulletin", "kind": "bulletin", "title": "Khẩn"}]})
    s = manager.admin.post("/api/v1/schedules", json={"playlist_id": r.json()["id"], "target": {"kind": "board", "id": board.id}}).json()
    manager.admin.post(f"/api/v1/schedules/{s['id']}/submit").raise_for_status()
    assert manager.admin.post(f"/api/v1/schedules/{s['id']}/approve").status_code == 422
    reason = "Cán bộ duyệt đi công tác, tin khẩn về lịch tiêm"
    assert manager.admin.post(f"/api/v1/schedules/{s['id']}/approve", json={"reason": reason}).status_code == 200
    (entry,) = [e for e in manager.admin.get("/api/v1/audit").json() if e["object_id"] == s["id"] and e["action"] == "approve"]
    assert reason in entry["detail"] and '"override": true' in entry["detail"]


def test_6_other_units_objects_read_as_missing(manager, people, extra_people, as_user):
    board = BoardClient(manager, HOME, "Bảng tin không lộ")
    other = as_user("c_other_editor")
    here, missing = other.get(f"/api/v1/boards/{board.id}"), other.get("/api/v1/boards/b-ffffffffff")
    assert (here.status_code, missing.status_code) == (404, 404)
    assert here.json()["message"].replace(board.id, "X") == missing.json()["message"].replace("b-ffffffffff", "X")
    mine = as_user("c_editor")
    sha = mine.post("/api/v1/assets", params={"filename": "anh-xa.png"}, data=_png(), headers={"X-CSRF-Token": mine.csrf}).json()["sha256"]
    r = other.post("/api/v1/playlists", headers={"X-CSRF-Token": other.csrf}, json={
        "name": "Mượn ảnh", "items": [{"zone": "main", "kind": "image", "asset": sha}]})
    assert r.status_code == 404 and r.json()["message"] == "Không có tệp này"
    own = _bulletin(other, "Của phường", "Tin phường")
    assert other.post(f"/playlists/{own}/items", data={"csrf_token": other.csrf, "asset": sha}).status_code == 404
    assert other.get(f"/library/{sha}/thumb.jpg").status_code == 404
