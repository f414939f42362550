"""The approval flow through the console's forms: reject, approve, withdraw; only approved content reaches boards."""
import re

from tests.console.board import BoardClient
from tests.console.conftest import HOME


def _schedule(manager, schedule_id):
    return manager.admin.get(f"/api/v1/schedules/{schedule_id}").json()


def test_reject_approve_withdraw(manager, people, as_user):
    board = BoardClient(manager, HOME, "Bảng tin duyệt nội dung")
    board.fetch()
    editor, approver = as_user("c_editor"), as_user("c_approver")
    r = editor.post("/bulletins/new", data={"csrf_token": editor.csrf, "name": "Lịch cắt điện", "title": "Cắt điện thứ Tư",
                                            "body": "Từ 8 giờ đến 11 giờ.", "layout": "landscape-16x9"})
    playlist_id = re.search(r"/playlists/(p-[0-9a-f]+)", r.headers["location"]).group(1)
    r = editor.post("/schedules", data={"csrf_token": editor.csrf, "playlist_id": playlist_id, "target_kind": "board",
                                        "target_board": board.id, "weekdays": ["1", "2", "3", "4", "5"], "priority": "priority"})
    assert r.status_code == 303, r.text
    page = editor.get("/schedules").text
    schedule_id = re.search(r'data-schedule="(s-[0-9a-f]+)">\s*<td><a href="/playlists/' + playlist_id, page).group(1)
    assert _schedule(manager, schedule_id)["status"] == "draft"
    assert editor.post(f"/schedules/{schedule_id}/approve", data={"csrf_token": editor.csrf}, headers={"Accept": "text/html"}).status_code == 403
    assert editor.post(f"/schedules/{schedule_id}/submit", data={"csrf_token": editor.csrf}).status_code == 303
    assert approver.post(f"/schedules/{schedule_id}/reject", data={"csrf_token": approver.csrf}).status_code == 303
    assert _schedule(manager, schedule_id)["status"] == "draft"
    assert not board.fetch(), "drafts and rejected schedules do not reach boards"
    editor.post(f"/schedules/{schedule_id}/submit", data={"csrf_token": editor.csrf})
    approver.post(f"/schedules/{schedule_id}/approve", data={"csrf_token": approver.csrf})
    assert _schedule(manager, schedule_id)["status"] == "approved"
    assert board.fetch() and playlist_id in board.manifest["playlists"]
    r = editor.post(f"/schedules/{schedule_id}/approve", data={"csrf_token": approver.csrf}, headers={"Accept": "text/html"})
    assert r.status_code == 403, "one session's token does not work for another"
    assert editor.post(f"/schedules/{schedule_id}/withdraw", data={"csrf_token": editor.csrf}).status_code == 303
    assert _schedule(manager, schedule_id)["status"] == "withdrawn"
    assert board.fetch() and playlist_id not in board.manifest["playlists"]
    log = manager.admin.get("/api/v1/audit").json()
    steps = [(e["username"], e["action"]) for e in reversed(log) if e["object_id"] == schedule_id]
    assert steps == [("c_editor", "create"), ("c_editor", "submit"), ("c_approver", "reject"), ("c_editor", "submit"),
                     ("c_approver", "approve"), ("c_editor", "withdraw")]
