"""An editor of one place cannot see or change another place's boards or content:
tried through the pages and through the API with the console's own session."""
import pytest
from playwright.sync_api import expect

from tests.console.board import BoardClient
from tests.console.conftest import HOME, login


@pytest.fixture(scope="module")
def home_world(manager, people):
    """A board, a playlist and an approved schedule in the home commune (made by the administrator)."""
    board = BoardClient(manager, HOME, "Bảng tin riêng của xã")
    r = manager.admin.post("/api/v1/playlists", json={"name": "Nội dung riêng của xã", "unit_code": HOME,
                                                        "items": [{"zone": "bulletin", "kind": "bulletin", "title": "Riêng"}]})
    r.raise_for_status()
    playlist = r.json()
    r = manager.admin.post("/api/v1/schedules", json={"playlist_id": playlist["id"], "target": {"kind": "unit", "id": HOME}})
    r.raise_for_status()
    schedule = r.json()
    manager.admin.post(f"/api/v1/schedules/{schedule['id']}/submit").raise_for_status()
    return board, playlist, schedule


def _status(manager, schedule_id: str) -> str:
    return manager.admin.get(f"/api/v1/schedules/{schedule_id}").json()["status"]


def test_other_province_editor_through_the_pages(manager, home_world, new_page):
    board, playlist, schedule = home_world
    page = new_page()
    login(page, manager, "c_other_editor")
    page.goto(manager.base_url + "/boards")
    expect(page.locator("h1")).to_have_text("Bảng tin")
    assert page.locator(f"[data-board='{board.id}']").count() == 0
    assert "Bảng tin riêng của xã" not in page.content()
    assert page.goto(manager.base_url + f"/boards/{board.id}").status == 404
    assert page.goto(manager.base_url + f"/boards/{board.id}/screenshot").status == 404
    assert page.goto(manager.base_url + f"/week?board={board.id}").status == 404
    response = page.goto(manager.base_url + f"/boards?unit={HOME}")
    assert response.status == 404  # outside one's scope answers like missing
    expect(page.locator("#error-message")).to_have_text("Đơn vị này nằm ngoài phạm vi của bạn")
    assert page.goto(manager.base_url + f"/playlists/{playlist['id']}").status == 404
    page.goto(manager.base_url + "/schedules")
    assert "Nội dung riêng của xã" not in page.content()
    page.goto(manager.base_url + "/playlists")
    assert "Nội dung riêng của xã" not in page.content()
    # Editors are not administrators or approvers.
    assert page.goto(manager.base_url + "/users").status == 403
    assert page.goto(manager.base_url + "/emergency").status == 403


def test_other_province_people_through_the_api_and_forms(manager, home_world, as_user):
    board, playlist, schedule = home_world
    other = as_user("c_other_editor")
    assert board.id not in [b["id"] for b in other.get("/api/v1/boards").json()]
    # Another unit's board answers exactly as a missing one: same status, same words.
    assert other.get(f"/api/v1/boards/{board.id}").status_code == 404
    assert other.get(f"/api/v1/boards/{board.id}").json()["message"] == f"Không có bảng tin {board.id}"
    assert other.get("/api/v1/boards/b-0000000000").json()["message"] == "Không có bảng tin b-0000000000"
    headers = {"X-CSRF-Token": other.csrf}
    assert other.patch(f"/api/v1/boards/{board.id}", json={"name": "Chiếm"}, headers=headers).status_code == 404
    assert other.post(f"/api/v1/boards/{board.id}/revoke", headers=headers).status_code == 404
    assert other.get(f"/api/v1/playlists/{playlist['id']}").status_code == 404
    assert other.put(f"/api/v1/playlists/{playlist['id']}", json={"name": "Chiếm", "items": []}, headers=headers).status_code == 404
    assert other.post(f"/api/v1/schedules/{schedule['id']}/withdraw", headers=headers).status_code == 404
    # Forms with a valid token, aimed at another province's unit: refused, nothing changed.
    form = {"csrf_token": other.csrf, "playlist_id": playlist["id"], "target_kind": "unit", "target_unit": HOME, "weekdays": "1"}
    assert other.post("/schedules", data=form).status_code == 404
    r = other.post("/boards/pair", data={"csrf_token": other.csrf, "code": "123456", "name": "x", "unit": HOME}, headers={"Accept": "text/html"})
    assert r.status_code == 404 and "ngoài phạm vi" in r.text
    assert other.post("/groups", data={"csrf_token": other.csrf, "name": "Nhóm lấn sân", "boards": board.id}).status_code == 404
    mine = as_user("c_editor")
    assert "Bảng tin riêng của xã" in mine.get(f"/boards?unit={HOME}").text
    assert mine.post("/groups", data={"csrf_token": mine.csrf, "name": "Nhóm xã Khao Mang", "boards": board.id}).status_code == 303
    assert "Nhóm xã Khao Mang" in mine.get("/schedules").text and "Nhóm xã Khao Mang" not in other.get("/schedules").text
    approver = as_user("c_other_approver")
    assert approver.post(f"/schedules/{schedule['id']}/approve", data={"csrf_token": approver.csrf}).status_code == 404
    r = approver.post("/emergency", data={"csrf_token": approver.csrf, "level": "4", "headline": "Giả mạo", "authority": "UBND xã",
                                           "units": HOME, "confirmed": "yes"})
    assert r.status_code == 404
    alert = manager.emergency(2, "Cảnh báo của xã", units=[HOME])
    assert approver.get(f"/api/v1/alerts/{alert['id']}").status_code == 404
    assert approver.post(f"/api/v1/alerts/{alert['id']}/withdraw", headers={"X-CSRF-Token": approver.csrf}).status_code == 404
    assert approver.post(f"/emergency/{alert['id']}/withdraw", data={"csrf_token": approver.csrf}).status_code == 404
    assert manager.admin.get(f"/api/v1/alerts/{alert['id']}").json()["withdrawn_at"] is None
    manager.admin.post(f"/api/v1/alerts/{alert['id']}/withdraw").raise_for_status()
    assert _status(manager, schedule["id"]) == "submitted"
    assert manager.admin.get(f"/api/v1/boards/{board.id}").json()["name"] == "Bảng tin riêng của xã"
    board.fetch()
    assert not [a for a in board.manifest["alerts"] if a["headline"] == "Giả mạo"]
    assert playlist["id"] not in board.manifest["playlists"]


def test_auditor_reads_reports_and_audit_only(manager, people, home_world, new_page):
    page = new_page()
    login(page, manager, "c_auditor")
    assert page.url.endswith("/reports")
    assert [a.inner_text() for a in page.locator("#mainnav a").all()] == ["Báo cáo", "Lượt phát", "Nhật ký"]
    for path in ("/boards", "/library", "/schedules", "/bulletins/new", "/emergency", "/users", "/inbox", "/sources"):
        assert page.goto(manager.base_url + path).status == 403, path
    assert page.goto(manager.base_url + "/audit").status == 200
