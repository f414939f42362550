"""A full disk and a kill -9 mid-upload (issue 11, finding 5): nothing acknowledged is lost, nothing half-written served.

The disk-full test mounts a small tmpfs for the manager's database and files
(the tests run as root in CI); it is skipped, saying why, only where mounting
is impossible.
"""
import hashlib
import os
import socket
import subprocess
import time
from datetime import datetime, timezone

import pytest
import requests

from tests.console.conftest import post_login
from tests.live_manager import ADMIN_PASSWORD, LiveManager
from tests.spine.media import jpeg_bytes, png_bytes
from tests.uptime.uptime_helpers import Chain, payloads


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(mount)], capture_output=True, text=True, timeout=20)
    except FileNotFoundError:
        pytest.skip("no mount command here: cannot make a small disk")
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False, timeout=20)


def _fill(path) -> None:
    """Writes zeros until the filesystem refuses: the disk is then full."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 20, 4096, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                continue
    finally:
        os.close(fd)


def _stored_seqs(live, board) -> set[int]:
    import sqlite3

    with sqlite3.connect(live.db_path) as db:
        return {r[0] for r in db.execute("SELECT seq FROM heartbeats WHERE board_id = ?", [board])}


def test_disk_full_gives_507_keeps_reads_and_recovers(small_disk, tmp_path):
    live = LiveManager(small_disk)
    live.log_path = tmp_path / "manager.log"  # the log is not on the full disk
    live.start()
    try:
        reserve = small_disk / "manager.db.reserve"
        assert reserve.stat().st_blocks * 512 >= 8 << 20, "the reserve is held from the start"
        board, token = live.pair_board(name="Bảng đĩa đầy")
        me = live.board_client(token)
        kept_bytes = jpeg_bytes((200, 100))
        kept = live.upload(kept_bytes, "truoc.jpg")["sha256"]
        live.publish([{"zone": "main", "kind": "image", "asset": kept, "duration_s": 5}], {"kind": "board", "id": board})
        chain = Chain(30)
        now = datetime.now(timezone.utc).timestamp()
        acked: set[int] = set()

        def send(n: int) -> list[int]:
            statuses = []
            for _ in range(n):
                hb = chain.beat(now)
                r = me.post(f"/api/v1/boards/{board}/heartbeats", json=payloads([hb]))
                statuses.append(r.status_code)
                if r.status_code == 200:
                    acked.add(hb.seq)
                else:
                    assert r.status_code == 507, r.text
                    assert "hết dung lượng" in r.json()["message"] and r.json()["message_en"]
                    chain.seq, chain.prev = hb.seq, hb.prev_hash  # the board sends the same one again later
            return statuses

        assert set(send(5)) == {200}
        _fill(small_disk / "filler")
        # Heartbeats keep being stored and acknowledged: the first one to find the disk full spends the reserve.
        assert set(send(200)) == {200}, "a full disk does not make the board look offline"
        assert not reserve.exists()
        assert acked <= _stored_seqs(live, board) and len(_stored_seqs(live, board)) == len(acked)
        # So do logins; people can still sign in to see what is wrong.
        assert post_login(requests.Session(), live.base_url, "admin", ADMIN_PASSWORD).status_code == 303

        # Content: the upload fails with 507 before it is read, and leaves no temporary behind; other writes too.
        r = live.admin.post("/api/v1/assets", params={"filename": "day.png"}, data=png_bytes((800, 600), colour=(5, 6, 7)) * 3)
        assert r.status_code == 507 and "hết dung lượng" in r.json()["message"], r.text
        assert not list((small_disk / "manager.db.assets" / "tmp").iterdir())
        r = live.admin.post("/api/v1/playlists", json={"name": "Không lưu được", "items": []})
        assert r.status_code == 507 and "hết dung lượng" in r.json()["message"], r.text

        # Reads keep working: the manifest, an asset, the login page.
        assert me.get(f"/api/v1/boards/{board}/manifest").status_code == 200
        served = me.get(f"/assets/{kept}")
        assert served.status_code == 200 and served.content == kept_bytes
        assert requests.get(live.base_url + "/login", timeout=10).status_code == 200

        # Space freed: it works again by itself, the reserve is held again, nothing acknowledged was lost.
        os.remove(small_disk / "filler")
        assert set(send(3)) == {200}
        assert acked <= _stored_seqs(live, board)
        again = live.upload(png_bytes((64, 64), colour=(9, 9, 9)), "sau.png")
        assert me.get(f"/assets/{kept}").content == kept_bytes and again["size"] > 0
        assert reserve.stat().st_blocks * 512 >= 8 << 20
    finally:
        live.stop()


def test_kill_9_mid_upload_then_restart(manager_factory):
    live = manager_factory()
    board, token = live.pair_board(name="Bảng mất điện")
    me = live.board_client(token)
    chain = Chain(30)
    beats = chain.run(time.time() - 300, time.time() - 10)
    assert me.post(f"/api/v1/boards/{board}/heartbeats", json=payloads(beats)).json()["accepted"] == len(beats)
    done_bytes = jpeg_bytes((160, 90))
    done = live.upload(done_bytes, "xong.jpg")["sha256"]
    tmp_dir = live.db_path.with_name(live.db_path.name + ".assets") / "tmp"

    partial = png_bytes((1200, 900), colour=(1, 2, 3))
    with socket.create_connection(("127.0.0.1", live.port), timeout=10) as s:
        s.sendall((f"POST /api/v1/assets?filename=nua-chung.png HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {live.admin_token}\r\n"
                   f"Content-Length: {len(partial) * 4}\r\n\r\n").encode() + partial)
        deadline = time.monotonic() + 10
        while not any(p.stat().st_size for p in tmp_dir.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert any(tmp_dir.iterdir()), "the upload was under way"
        live.proc.kill()  # kill -9 mid-upload
        live.proc.wait()
    live._log.close()
    live.proc = None

    live.start()
    assert not list(tmp_dir.iterdir()), "the half-written upload is swept at start"
    assert set(range(len(beats))) <= _stored_seqs(live, board), "nothing acknowledged is lost"
    listed = {a["sha256"] for a in live.admin.get("/api/v1/assets").json()}
    assert done in listed and hashlib.sha256(partial * 4).hexdigest() not in listed
    assert me.get(f"/assets/{done}").status_code in (200, 403)  # drafts go to editors: fetch as one
    assert live.admin.get(f"/assets/{done}").content == done_bytes
