"""Board groups on their own page: every board in scope (not one page of the wall), edit members, delete."""
import re

from playwright.sync_api import expect

from manager.auth import create_user
from manager.db import connect
from tests.console.board import BoardClient
from tests.console.conftest import HOME, PASSWORD, login

PROVINCE = "15"  # Lào Cai, around HOME
NEIGHBOURS = ("04456", "04492")  # Xã Mù Cang Chải, Xã Púng Luông


def _province_editor(manager) -> str:
    db = connect(manager.db_path)
    with db.atomic():
        if not db.execute("SELECT 1 FROM users WHERE username = 'g_tinh'").fetchone():
            create_user(db, "g_tinh", PASSWORD, "editor", None, PROVINCE, display_name="Biên tập viên tỉnh")
    db.close()
    return "g_tinh"


def _has_playlist(board: BoardClient, playlist_id: str) -> bool:
    board.fetch()
    return playlist_id in board.manifest["playlists"]


def test_group_across_communes_edited_and_deleted(manager, people, new_page):
    home = BoardClient(manager, HOME, "Bảng nhóm - Khao Mang")
    first = BoardClient(manager, NEIGHBOURS[0], "Bảng nhóm - Mù Cang Chải")
    second = BoardClient(manager, NEIGHBOURS[1], "Bảng nhóm - Púng Luông")
    page = new_page()
    login(page, manager, _province_editor(manager))
    page.goto(manager.base_url + "/boards")
    page.click("#groups-link")
    page.wait_for_url(re.compile(r"/groups$"))
    form = page.locator("#group-form")
    form.locator("input[name=name]").fill("Các xã vùng lũ quét")
    form.locator(f"input[value='{home.id}']").check()
    form.locator(f"input[value='{first.id}']").check()
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash.ok")).to_have_text("Đã tạo nhóm bảng tin")
    row = page.locator("#groups tr", has_text="Các xã vùng lũ quét")
    expect(row).to_contain_text("2 bảng tin")
    group_id = row.get_attribute("data-group")

    playlist, schedule = manager.publish([{"zone": "bulletin", "kind": "bulletin", "title": "Sơ tán", "body": "Theo hướng dẫn"}],
                                         target={"kind": "group", "id": group_id})
    assert _has_playlist(home, playlist["id"]) and _has_playlist(first, playlist["id"])
    assert not _has_playlist(second, playlist["id"])

    # Púng Luông replaces Khao Mang: the boards' manifests follow at once.
    row.locator("a").click()
    expect(form.locator(f"input[value='{home.id}']")).to_be_checked()
    form.locator(f"input[value='{home.id}']").uncheck()
    form.locator(f"input[value='{second.id}']").check()
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash.ok")).to_have_text("Đã lưu")
    assert not _has_playlist(home, playlist["id"])
    assert _has_playlist(first, playlist["id"]) and _has_playlist(second, playlist["id"])

    # Not deleted while its schedule stands; deleted once the schedule is withdrawn.
    page.goto(f"{manager.base_url}/groups/{group_id}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#group-delete button").click()
    expect(page.locator("#error-message")).to_contain_text("rút các lịch đó trước")
    manager.admin.post(f"/api/v1/schedules/{schedule['id']}/withdraw").raise_for_status()
    page.goto(f"{manager.base_url}/groups/{group_id}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#group-delete button").click()
    expect(page.locator(".flash.ok")).to_have_text("Đã xoá nhóm bảng tin")
    assert group_id not in [str(g["id"]) for g in manager.admin.get("/api/v1/groups").json()]


def test_group_api_checks_scope_and_input(manager, people, as_user):
    board = BoardClient(manager, HOME, "Bảng nhóm - phạm vi")
    mine, other = as_user("c_editor"), as_user("c_other_editor")
    r = mine.post("/api/v1/groups", json={"name": "Nhóm của xã", "boards": [board.id]}, headers={"X-CSRF-Token": mine.csrf})
    assert r.status_code == 201, r.text
    group = r.json()
    assert group["boards"] == [board.id] and group["schedules"] == 0
    assert group["id"] not in [g["id"] for g in other.get("/api/v1/groups").json()]
    headers = {"X-CSRF-Token": other.csrf}
    # Another unit's group reads as missing (404), exactly like one that does not exist.
    assert other.put(f"/api/v1/groups/{group['id']}", json={"name": "Chiếm", "boards": [board.id]}, headers=headers).status_code == 404
    assert other.delete(f"/api/v1/groups/{group['id']}", headers=headers).status_code == 404
    assert other.delete("/api/v1/groups/999999", headers=headers).json()["message"] == "Không có nhóm bảng tin 999999"
    assert other.delete(f"/api/v1/groups/{group['id']}", headers=headers).json()["message"] == f"Không có nhóm bảng tin {group['id']}"
    bad = mine.put(f"/api/v1/groups/{group['id']}", json={"name": "Trống", "boards": []}, headers={"X-CSRF-Token": mine.csrf})
    assert bad.status_code == 422 and "ít nhất một bảng tin" in bad.json()["message"]
    kept = [g for g in mine.get("/api/v1/groups").json() if g["id"] == group["id"]]
    assert kept == [group], "refused changes changed nothing"
