"""The player against the real manager on loopback: pairing, publishing, emergencies, reports."""
import re
import sqlite3
import time

from player.state import Identity, StateStore
from tests.player.conftest import close, grab, wait_for
from tests.player.media import jpeg_bytes

MEDIA = (205, 180)
ORANGE = (255, 140, 0)


def _chain(manager, board_id):
    r = manager.admin.get(f"/api/v1/reports/boards/{board_id}/chain")
    r.raise_for_status()
    return r.json()


def test_pair_publish_and_emergency_within_two_seconds(manager, run_player, xdisplay, tmp_path):
    data = tmp_path / "board"
    player = run_player(data, "--manager", manager.base_url, "--heartbeat-s", "2", "--screenshot-s", "2")
    match = wait_for(lambda: re.search(r"pairing code (\d{6})", player.log()), 20, message="a pairing code")
    code = match.group(1)
    # The code is on screen, large, on the pairing view.
    wait_for(lambda: close(grab(xdisplay).getpixel((5, 5)), (10, 31, 59), 8), 10, message="the pairing screen")
    r = manager.admin.post(f"/api/v1/pairings/{code}/claim", json={"name": "Bảng tin thử player", "unit_code": "00070"})
    assert r.status_code == 201, r.text
    board_id = r.json()["id"]
    wait_for(lambda: StateStore(data).load_identity(manager.base_url), 15, message="the token to be saved")

    asset = manager.upload(jpeg_bytes((30, 30, 220)), "thong-bao.jpg")
    manager.publish([{"zone": "main", "kind": "image", "asset": asset["sha256"], "duration_s": 5},
                     {"zone": "ticker", "kind": "ticker", "text": "Thông báo của Ủy ban nhân dân xã"}],
                    target={"kind": "board", "id": board_id})
    wait_for(lambda: close(grab(xdisplay).getpixel(MEDIA), (30, 30, 220)), 20, message="the published image")

    alert = manager.emergency(3, "Lũ quét khẩn cấp", boards=[board_id], body="Sơ tán ngay khỏi vùng trũng thấp.")
    published = time.monotonic()
    wait_for(lambda: close(grab(xdisplay).getpixel((320, 10)), ORANGE, 40), 5, interval=0.05,
             message="the emergency overlay")
    assert time.monotonic() - published < 2.0

    # Withdrawn: the programme comes back; the alert's time on screen is in the play log.
    manager.admin.post(f"/api/v1/alerts/{alert['id']}/withdraw").raise_for_status()
    wait_for(lambda: close(grab(xdisplay).getpixel(MEDIA), (30, 30, 220)), 10, message="the programme after withdrawal")

    def manager_rows(sql):
        db = sqlite3.connect(f"file:{manager.db_path}?mode=ro", uri=True)
        try:
            return db.execute(sql, (board_id,)).fetchall()
        finally:
            db.close()

    wait_for(lambda: manager_rows("SELECT 1 FROM playlog WHERE board_id = ? AND zone = 'emergency'"), 15,
             message="the alert in the manager's play log")
    wait_for(lambda: manager_rows("SELECT 1 FROM playlog WHERE board_id = ? AND zone = 'main' AND outcome = 'played'"),
             15, message="the image in the manager's play log")
    shot = wait_for(lambda: manager_rows("SELECT content FROM screenshots WHERE board_id = ?"), 15,
                    message="a screenshot at the manager")
    from io import BytesIO

    from PIL import Image
    assert Image.open(BytesIO(shot[0][0])).format == "JPEG"

    # Heartbeats (with the alert on screen) reach the manager, chained.
    wait_for(lambda: _chain(manager, board_id)["heartbeats"] >= 2, 20, message="heartbeats at the manager")
    assert _chain(manager, board_id)["ok"]
    assert player.alive()


def test_report_queue_survives_kill_9(manager_factory, run_player, xdisplay, tmp_path):
    live = manager_factory()
    board_id, token = live.pair_board(name="Bảng mất điện")
    data = tmp_path / "board"
    StateStore(data).save_identity(Identity(board_id, token, live.base_url))
    live.stop()  # the network is down

    player = run_player(data, "--manager", live.base_url, "--heartbeat-s", "1")

    def queued():
        if not (data / "reports.db").exists():
            return 0
        db = sqlite3.connect(data / "reports.db")
        try:
            return db.execute("SELECT count(*) FROM outbox WHERE kind = 'heartbeat'").fetchone()[0]
        except sqlite3.OperationalError:
            return 0
        finally:
            db.close()

    wait_for(lambda: queued() >= 3, 20, message="heartbeats queued offline")
    player.kill9()  # a power cut
    kept = queued()
    assert kept >= 3

    live.start()
    player = run_player(data, "--manager", live.base_url, "--heartbeat-s", "1")
    wait_for(lambda: _chain(live, board_id)["heartbeats"] >= kept + 1, 30, message="the queue uploaded after restart")
    chain = _chain(live, board_id)
    assert chain["ok"], chain
    wait_for(lambda: queued() <= 1, 10, message="the queue to drain")
    db = sqlite3.connect(data / "reports.db")
    seq = int(db.execute("SELECT value FROM meta WHERE key = 'heartbeat_seq'").fetchone()[0])
    db.close()
    # Every heartbeat recorded, before and after the kill, arrived once: seq 0..n with no gap.
    final = _chain(live, board_id)["heartbeats"]
    assert final >= seq, (final, seq)


def test_new_manifest_is_reported_at_once(manager, run_player, xdisplay, tmp_path):
    """Editors watch "applied on N of M" and acknowledgements: a board reports at once, not at its next heartbeat."""
    board_id, token = manager.pair_board(name="Bảng báo ngay")
    data = tmp_path / "board"
    StateStore(data).save_identity(Identity(board_id, token, manager.base_url))
    player = run_player(data, "--manager", manager.base_url, "--heartbeat-s", "600", "--screenshot-s", "600")

    def manager_value(sql):
        db = sqlite3.connect(f"file:{manager.db_path}?mode=ro", uri=True)
        try:
            row = db.execute(sql, (board_id,)).fetchone()
            return row[0] if row else None
        finally:
            db.close()

    asset = manager.upload(jpeg_bytes((200, 40, 40)), "bao-ngay.jpg")
    manager.publish([{"zone": "main", "kind": "image", "asset": asset["sha256"], "duration_s": 5}],
                    target={"kind": "board", "id": board_id})
    wait_for(lambda: close(grab(xdisplay).getpixel(MEDIA), (200, 40, 40)), 20, message="the published image")
    current = manager.board_client(token).get(f"/api/v1/boards/{board_id}/manifest").json()["version"]
    wait_for(lambda: manager_value("SELECT applied_version FROM boards WHERE id = ?") == current, 5,
             message="the applied version at the manager")
    shot = wait_for(lambda: manager_value("SELECT content FROM screenshots WHERE board_id = ?"), 15,
                    message="a screenshot soon after the change")
    assert shot[:2] == b"\xff\xd8"

    # A warning's acknowledgement (the heartbeat naming it) does not wait for the interval either.
    alert = manager.emergency(2, "Triều cường", boards=[board_id])
    wait_for(lambda: board_id in manager.admin.get(f"/api/v1/alerts/{alert['id']}").json()["acknowledged_by"], 10,
             message="the board's acknowledgement")
    manager.admin.post(f"/api/v1/alerts/{alert['id']}/withdraw").raise_for_status()
    assert player.alive()
