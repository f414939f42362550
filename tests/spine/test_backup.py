"""A backup taken while boards write is whole, and a manager started on it serves the same files."""
import shutil
import subprocess
import sys
import threading


from tests.console.board import BoardClient
from tests.live_manager import ROOT, LiveManager
from tests.spine.media import jpeg_bytes


def _run_backup(db, to) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "manager", "backup", "--db", str(db), "--to", str(to)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_backup_while_running_then_restore(manager_factory, tmp_path):
    live = manager_factory()
    board = BoardClient(live, "00070", "Bảng sao lưu")
    board.fetch()
    asset = live.upload(jpeg_bytes((320, 180)), "áp phích.jpg")
    busy, stop = [], threading.Event()

    def keep_writing():  # a board reporting while the copy is taken
        while not stop.is_set():
            board.heartbeat()
            busy.append(board.seq)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        copy = tmp_path / "sao-luu" / "bangtin.db"
        done = _run_backup(live.db_path, copy)
    finally:
        stop.set()
        writer.join(10)
    assert done.returncode == 0, done.stderr
    assert "1 copied, 1 in all" in done.stdout
    assert busy, "the board kept writing during the backup"
    again = _run_backup(live.db_path, copy)
    assert "0 copied, 1 in all" in again.stdout, "files already in the copy are not copied again"

    # Restore: the copy becomes a new manager's database; the board, its token and the file are there.
    home = tmp_path / "restored"
    home.mkdir()
    shutil.copy(copy, home / "manager.db")
    shutil.copytree(copy.with_name(copy.name + ".assets"), home / "manager.db.assets")
    restored = LiveManager(home).start()
    try:
        served = restored.admin.get(f"/assets/{asset['sha256']}")
        assert served.status_code == 200 and served.content == jpeg_bytes((320, 180))
        board.http.base_url, board.etag = restored.base_url, None  # the same board, its same token
        assert board.fetch() and board.manifest["board"]["name"] == "Bảng sao lưu"
        chain = restored.admin.get(f"/api/v1/reports/boards/{board.id}/chain").json()
        assert chain["ok"] and chain["heartbeats"] >= 1, chain
    finally:
        restored.stop()


def test_damaged_file_is_named_and_the_rest_copied(manager_factory, tmp_path):
    live = manager_factory()
    good = live.upload(jpeg_bytes((64, 64)), "tot.jpg")
    bad = live.upload(jpeg_bytes((96, 64)), "hong.jpg")
    stored = live.db_path.with_name(live.db_path.name + ".assets") / bad["sha256"][:2] / bad["sha256"]
    stored.write_bytes(b"bit rot")
    done = _run_backup(live.db_path, tmp_path / "copy.db")
    assert done.returncode == 1 and bad["sha256"] in done.stderr
    copied = tmp_path / "copy.db.assets"
    assert (copied / good["sha256"][:2] / good["sha256"]).is_file()
    assert not (copied / bad["sha256"][:2] / bad["sha256"]).exists()
