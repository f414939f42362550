"""A cache that proves what it shows: rotted files are never shown, and come back by themselves.

Player under Xvfb, real manager on loopback.
"""
import hashlib

from player.state import Identity, StateStore
from tests.player.conftest import close, grab, wait_for
from tests.player.media import jpeg_bytes, write_mp4

MEDIA = (205, 180)
BLUE = (30, 30, 220)
YELLOW = (230, 210, 20)


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _flip(path, at: int, n: int = 64) -> None:
    data = bytearray(path.read_bytes())
    for i in range(at, min(at + n, len(data))):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def _board(manager, data, name):
    board_id, token = manager.pair_board(name=name)
    StateStore(data).save_identity(Identity(board_id, token, manager.base_url))
    return board_id


def test_flipped_bytes_are_never_shown_and_are_fetched_again(manager, run_player, xdisplay, tmp_path):
    """64 bytes flipped in a cached JPEG and MP4 while the board is off: both are caught before they
    are shown and fetched again at once (the manager's manifest has not changed: it answers 304).
    A video that rots while the board runs is caught by the background check and fetched again."""
    data = tmp_path / "board"
    board_id = _board(manager, data, "Bảng bộ nhớ đệm hỏng")
    picture = manager.upload(jpeg_bytes(BLUE, size=(1280, 720)), "anh-hong.jpg")
    video = manager.upload(write_mp4(tmp_path / "v.mp4", seconds=1.0).read_bytes(), "phim-hong.mp4")
    manager.publish([{"zone": "main", "kind": "image", "asset": picture["sha256"], "duration_s": 2},
                     {"zone": "main", "kind": "video", "asset": video["sha256"]}],
                    target={"kind": "board", "id": board_id})
    args = ("--manager", manager.base_url, "--heartbeat-s", "2", "--check-every-h", "0.001")
    player = run_player(data, *args)
    cached_jpeg = data / "cache" / picture["sha256"][:2] / picture["sha256"]
    cached_mp4 = data / "cache" / video["sha256"][:2] / video["sha256"]
    wait_for(lambda: cached_jpeg.exists() and cached_mp4.exists(), 20, message="both assets cached")
    wait_for(lambda: close(grab(xdisplay).getpixel(MEDIA), BLUE), 15, message="the picture")
    player.stop()

    _flip(cached_jpeg, len(cached_jpeg.read_bytes()) // 2)
    _flip(cached_mp4, len(cached_mp4.read_bytes()) // 2)
    player = run_player(data, *args)
    wait_for(lambda: player.log().count("failed its sha256 check") >= 2, 20, message="both files caught at the start")
    # Fetched again at once, the same manifest still in force.
    wait_for(lambda: cached_jpeg.exists() and _sha(cached_jpeg) == picture["sha256"], 20, message="the picture fetched again")
    wait_for(lambda: cached_mp4.exists() and _sha(cached_mp4) == video["sha256"], 20, message="the video fetched again")
    # The whole picture is right: a corrupt JPEG decodes to blocks of garbage below the damage.
    def whole_picture_blue():
        shot = grab(xdisplay)
        return all(close(shot.getpixel((x, y)), BLUE) for x in (60, 205, 350) for y in (80, 180, 280))

    wait_for(whole_picture_blue, 20, interval=0.05, message="the sound picture on screen")

    # Rot while running: the periodic check (every 3.6 s here) finds it and it is fetched again.
    _flip(cached_mp4, 1000)
    wait_for(lambda: "changed on disk (found by the periodic check)" in player.log(), 30, message="the background check")
    wait_for(lambda: cached_mp4.exists() and _sha(cached_mp4) == video["sha256"], 20, message="the video fetched again")
    assert player.alive()


def test_picture_that_will_not_decode_is_removed_refetched_and_not_reported_played(manager, run_player, xdisplay, tmp_path):
    """The cached JPEG's header is zeroed while the board runs: the decode error is taken as corruption."""
    data = tmp_path / "board"
    board_id = _board(manager, data, "Bảng ảnh không giải mã được")
    blue = manager.upload(jpeg_bytes(BLUE), "xanh.jpg")
    yellow = manager.upload(jpeg_bytes(YELLOW), "vang.jpg")
    manager.publish([{"zone": "main", "kind": "image", "asset": blue["sha256"], "duration_s": 1},
                     {"zone": "main", "kind": "image", "asset": yellow["sha256"], "duration_s": 1}],
                    target={"kind": "board", "id": board_id})
    player = run_player(data, "--manager", manager.base_url, "--heartbeat-s", "1", "--crossfade-s", "0")
    cached = data / "cache" / yellow["sha256"][:2] / yellow["sha256"]
    wait_for(lambda: close(grab(xdisplay).getpixel(MEDIA), YELLOW), 20, interval=0.05, message="the yellow picture")

    cached.write_bytes(b"\0" * 64 + cached.read_bytes()[64:])
    wait_for(lambda: "failed to decode and its sha256 is wrong" in player.log(), 15, message="the decode error taken as corruption")
    wait_for(lambda: cached.exists() and _sha(cached) == yellow["sha256"], 20, message="the picture fetched again")
    wait_for(lambda: close(grab(xdisplay).getpixel(MEDIA), YELLOW), 15, interval=0.05, message="yellow again")
    log = player.log()
    assert log.count("failed to decode and its sha256 is wrong") == 1, "logged once"
    assert log.count("cannot decode image") == 1, "logged once"

    def manager_plays():
        import sqlite3
        db = sqlite3.connect(f"file:{manager.db_path}?mode=ro", uri=True)
        try:
            return db.execute("SELECT outcome, error FROM playlog WHERE board_id = ? AND asset = ?",
                              (board_id, yellow["sha256"])).fetchall()
        finally:
            db.close()

    failed = wait_for(lambda: [r for r in manager_plays() if r[0] == "failed"], 20, message="the failure in the play log")
    assert "cannot decode" in failed[0][1]
