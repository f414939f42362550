"""Manifest: ETag and 304, long-poll wake-up on publish, and what it holds."""
import contextlib
import threading
import time

import requests

from protocol.manifest import Manifest
from tests.spine.media import png_bytes


def test_etag_and_304(manager):
    board, token = manager.pair_board(name="Bảng ETag")
    me = manager.board_client(token)
    first = me.get(f"/api/v1/boards/{board}/manifest")
    assert first.status_code == 200
    manifest = Manifest.model_validate_json(first.content)
    assert first.headers["etag"] == f'"{manifest.version}"'
    assert manifest.board.id == board and manifest.board.unit_name

    again = me.get(f"/api/v1/boards/{board}/manifest", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and not again.content
    stale = me.get(f"/api/v1/boards/{board}/manifest", headers={"If-None-Match": '"old"'})
    assert stale.status_code == 200


def test_long_poll_wakes_within_a_second_of_publish(manager):
    board, token = manager.pair_board(unit_code="00070", name="Bảng chờ tin")
    me = manager.board_client(token)
    etag = me.get(f"/api/v1/boards/{board}/manifest").headers["etag"]
    result = {}

    def poll():
        r = me.get(f"/api/v1/boards/{board}/manifest", params={"wait": 30}, headers={"If-None-Match": etag})
        result["status"], result["at"], result["body"] = r.status_code, time.monotonic(), r.content

    thread = threading.Thread(target=poll)
    thread.start()
    time.sleep(1.0)
    assert "status" not in result, "the long-poll must hold while nothing changes"
    asset = manager.upload(png_bytes(), "thong-bao.png")
    published_at = time.monotonic()
    manager.publish([{"zone": "main", "kind": "image", "asset": asset["sha256"], "duration_s": 5}],
                    target={"kind": "board", "id": board})
    published_at = (published_at + time.monotonic()) / 2
    thread.join(10)
    assert result["status"] == 200
    assert result["at"] - published_at < 1.0
    manifest = Manifest.model_validate_json(result["body"])
    assert asset["sha256"] in manifest.assets
    assert manifest.assets[asset["sha256"]].url == f"/assets/{asset['sha256']}"


def test_long_poll_times_out_with_304(manager):
    board, token = manager.pair_board(name="Bảng yên tĩnh")
    me = manager.board_client(token)
    etag = me.get(f"/api/v1/boards/{board}/manifest").headers["etag"]
    t0 = time.monotonic()
    r = me.get(f"/api/v1/boards/{board}/manifest", params={"wait": 1}, headers={"If-None-Match": etag})
    assert r.status_code == 304 and 0.9 <= time.monotonic() - t0 < 5


def test_stops_promptly_while_boards_long_poll(manager_factory):
    """A restart must not wait out every board's minute-long poll (the demo's Ctrl+C, systemd's stop)."""
    live = manager_factory()
    board, token = live.pair_board(name="Bảng chờ lâu")
    me = live.board_client(token)
    etag = me.get(f"/api/v1/boards/{board}/manifest").headers["etag"]

    def hold():
        with contextlib.suppress(requests.RequestException):
            me.get(f"/api/v1/boards/{board}/manifest", params={"wait": 60}, headers={"If-None-Match": etag})

    def watch():  # a console page's live updates: a stream with no end of its own
        with contextlib.suppress(requests.RequestException):
            with live.admin.get("/live/events", stream=True) as r:
                for _ in r.iter_lines():
                    pass

    holding = threading.Thread(target=hold, daemon=True)
    watching = threading.Thread(target=watch, daemon=True)
    holding.start()
    watching.start()
    time.sleep(0.5)
    t0 = time.monotonic()
    live.proc.terminate()
    # uvicorn re-raises the SIGTERM it handled, so -15 is its clean exit.
    assert live.proc.wait(30) in (0, -15), "stopped long before the 60 s poll would have ended"
    assert time.monotonic() - t0 < 10, "open streams are cut at the shutdown bound, not waited out"
    holding.join(5)
    watching.join(5)
    assert not holding.is_alive(), "the board's connection was closed, so it polls again"
    assert not watching.is_alive(), "the page's stream ended with the server; its browser reconnects"


def test_only_approved_content_reaches_boards(manager):
    board, token = manager.pair_board(unit_code="00070", name="Bảng duyệt")
    me = manager.board_client(token)
    r = manager.admin.post("/api/v1/playlists", json={"name": "Bản nháp", "items": [
        {"zone": "bulletin", "kind": "bulletin", "title": "Chưa duyệt", "body": "..."}]})
    playlist = r.json()
    schedule = manager.admin.post("/api/v1/schedules", json={"playlist_id": playlist["id"], "target": {"kind": "board", "id": board}}).json()
    assert schedule["status"] == "draft"
    assert playlist["id"] not in Manifest.model_validate_json(me.get(f"/api/v1/boards/{board}/manifest").content).playlists
    manager.approve_own(schedule["id"])
    manifest = Manifest.model_validate_json(me.get(f"/api/v1/boards/{board}/manifest").content)
    assert playlist["id"] in manifest.playlists
    assert [r.id for r in manifest.schedule] == [schedule["id"]]
    manager.admin.post(f"/api/v1/schedules/{schedule['id']}/withdraw").raise_for_status()
    assert playlist["id"] not in Manifest.model_validate_json(me.get(f"/api/v1/boards/{board}/manifest").content).playlists


def test_unit_targets_reach_boards_below_and_alerts_too(manager):
    # Ward 31135 (Ninh Kiều) lies in city 92 (Cần Thơ), which no other test uses: the session's
    # manager is shared, and a province-wide warning would cover other tests' boards.
    board, token = manager.pair_board(unit_code="31135", name="Bảng dưới tỉnh")
    playlist, schedule = manager.publish([{"zone": "ticker", "kind": "ticker", "text": "Tin toàn thành phố"}],
                                         target={"kind": "unit", "id": "92"}, priority="priority")
    alert = manager.emergency(4, "Lũ quét", units=["92"])
    try:
        manifest = Manifest.model_validate_json(manager.board_client(token).get(f"/api/v1/boards/{board}/manifest").content)
        assert schedule["id"] in [r.id for r in manifest.schedule]
        assert manifest.schedule[0].priority.value == "priority"
        assert alert["id"] in [a.id for a in manifest.alerts]
    finally:
        manager.admin.post(f"/api/v1/alerts/{alert['id']}/withdraw").raise_for_status()
        manager.admin.post(f"/api/v1/schedules/{schedule['id']}/withdraw").raise_for_status()


def test_malformed_json_gets_readable_422(manager):
    board, token = manager.pair_board(name="Bảng lỗi")
    r = manager.board_client(token).post(f"/api/v1/boards/{board}/heartbeats", data=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert r.json()["message"].startswith("Dữ liệu gửi lên không hợp lệ")
    r = manager.admin.post("/api/v1/playlists", json={"name": "x", "items": [{"zone": "nope", "kind": "bulletin", "title": "t"}]})
    assert r.status_code == 422 and "vùng" in r.json()["message"]
