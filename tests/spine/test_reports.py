"""Heartbeats, play log and screenshots as boards send them."""
from datetime import datetime, timedelta, timezone

from protocol.heartbeat import GENESIS_HASH, Heartbeat
from tests.spine.media import jpeg_bytes


def _chain(start: datetime, count: int, offline: bool):
    prev, out = GENESIS_HASH, []
    for seq in range(count):
        hb = Heartbeat(seq=seq, board_time=start + timedelta(seconds=30 * seq), display_state="on",
                       recorded_offline=offline, prev_hash=prev).sealed()
        prev = hb.hash
        out.append(hb.model_dump(mode="json"))
    return out


def test_backfilled_batch_sent_twice_is_stored_once(manager):
    board, token = manager.pair_board(name="Bảng mất mạng")
    me = manager.board_client(token)
    batch = {"heartbeats": _chain(datetime.now(timezone.utc) - timedelta(hours=2), 20, offline=True)}
    first = me.post(f"/api/v1/boards/{board}/heartbeats", json=batch).json()
    second = me.post(f"/api/v1/boards/{board}/heartbeats", json=batch).json()
    assert (first["accepted"], first["duplicates"]) == (20, 0)
    assert (second["accepted"], second["duplicates"]) == (0, 20)
    import sqlite3

    with sqlite3.connect(manager.db_path) as db:
        rows = db.execute("SELECT count(*), min(placed_at), max(placed_at) FROM heartbeats WHERE board_id = ?", [board]).fetchone()
    assert rows[0] == 20
    assert rows[2] - rows[1] == 19 * 30, "backfilled heartbeats keep their own (corrected) times"


def test_live_heartbeat_with_clock_far_off_placed_at_receipt(manager):
    board, token = manager.pair_board(name="Bảng lệch giờ")
    me = manager.board_client(token)
    wrong = datetime(2001, 1, 1, tzinfo=timezone.utc)
    me.post(f"/api/v1/boards/{board}/heartbeats", json={"heartbeats": _chain(wrong, 1, offline=False)}).raise_for_status()
    import sqlite3
    import time

    with sqlite3.connect(manager.db_path) as db:
        placed, board_time = db.execute("SELECT placed_at, board_time FROM heartbeats WHERE board_id = ?", [board]).fetchone()
        skew = db.execute("SELECT clock_skew_s FROM boards WHERE id = ?", [board]).fetchone()[0]
    assert abs(placed - time.time()) < 60 and board_time == wrong.timestamp()
    assert skew < -10 * 365 * 86400, "the board's clock error is recorded"
    state = manager.admin.get(f"/api/v1/boards/{board}").json()
    assert state["last_seq"] == 0 and state["display_state"] == "on"


def test_playlog_idempotent_and_screenshot_kept(manager):
    board, token = manager.pair_board(name="Bảng ghi phát")
    me = manager.board_client(token)
    now = datetime.now(timezone.utc).isoformat()
    records = {"records": [{"seq": n, "item": f"i-{n}", "zone": "main", "kind": "image", "started_at": now, "duration_s": 10} for n in range(5)]}
    ack = {"board_id": board, "seqs": [0, 1, 2, 3, 4]}  # the seqs held, named for the board (docs/protocol.md)
    assert me.post(f"/api/v1/boards/{board}/playlog", json=records).json() == {"accepted": 5, "duplicates": 0, **ack}
    assert me.post(f"/api/v1/boards/{board}/playlog", json=records).json() == {"accepted": 0, "duplicates": 5, **ack}

    shot = jpeg_bytes((160, 90))
    r = me.put(f"/api/v1/boards/{board}/screenshot", data=shot, headers={"Content-Type": "image/jpeg"})
    assert r.status_code == 204
    bad = me.put(f"/api/v1/boards/{board}/screenshot", data=b"<svg/>", headers={"Content-Type": "image/svg+xml"})
    assert bad.status_code == 415
    import sqlite3

    with sqlite3.connect(manager.db_path) as db:
        assert db.execute("SELECT content FROM screenshots WHERE board_id = ?", [board]).fetchone()[0] == shot


def test_naive_timestamps_refused(manager):
    board, token = manager.pair_board(name="Bảng giờ mơ hồ")
    r = manager.board_client(token).post(f"/api/v1/boards/{board}/heartbeats", json={"heartbeats": [
        {"seq": 0, "board_time": "2026-01-01T00:00:00", "display_state": "on"}]})
    assert r.status_code == 422 and "UTC" in r.json()["message"]
