"""The report queue on real SQLite files: chained heartbeats across reopen, one screenshot, corrupt files,
how long each heartbeat was held."""
import sqlite3
import time

from protocol.heartbeat import ClockState, DisplayState, chain_ok, Heartbeat
from protocol.playlog import PlayRecord
from protocol.timebase import utcnow
from player import heartbeat as hb, reports
from player.reports import ReportQueue, open_queue


def _beat(queue):
    status = hb.Status(DisplayState.on, {"main": "img0"})
    return queue.append_heartbeat(lambda seq, prev: hb.build(seq, prev, status, skew_s=0.2, offline=True, interval_s=30))


def test_chain_continues_across_reopen(tmp_path):
    path = tmp_path / "reports.db"
    q = ReportQueue(path)
    first = [_beat(q) for _ in range(3)]
    q.close()
    q = ReportQueue(path)
    more = [_beat(q) for _ in range(2)]
    beats = [Heartbeat.model_validate_json(body) for _, body in q.pending("heartbeat", 100)]
    assert [b.seq for b in beats] == [0, 1, 2, 3, 4]
    assert chain_ok(beats) == (True, None)
    assert more[0].prev_hash == first[-1].hash
    q.append_play(lambda seq: PlayRecord(seq=seq, item="i", zone="main", kind="image", started_at=utcnow(), duration_s=1))
    q.put_screenshot(b"\xff\xd8one")
    q.put_screenshot(b"\xff\xd8two")
    assert q.count("screenshot") == 1 and q.pending("screenshot", 5)[0][1] == b"\xff\xd8two"
    ids = [i for i, _ in q.pending("heartbeat", 2)]
    q.delete(ids)
    assert q.count("heartbeat") == 3
    q.reset("board-a")
    q.reset("board-b")  # paired as another board: old reports cannot be sent
    assert q.count() == 0
    assert _beat(q).seq == 0
    q.close()


def test_corrupt_queue_file_is_moved_aside(tmp_path):
    path = tmp_path / "reports.db"
    path.write_bytes(b"this is not a database" * 100)
    q = open_queue(path)
    assert _beat(q).seq == 0
    assert list(tmp_path.glob("reports.db.corrupt-*"))
    q.close()


def test_lost_queue_continues_the_managers_chain(manager, tmp_path):
    """The board's queue is lost but not its token (a corrupt reports.db moved aside): its new heartbeats
    under seqs the manager already holds are dropped, and the chain continues from the manager's head."""
    from player.state import Identity
    from player.uploader import Uploader
    from tests.player.faults import chain, stored

    board_id, token = manager.pair_board(name="Bảng mất hàng đợi")
    ident = Identity(board_id, token, manager.base_url)
    first = ReportQueue(tmp_path / "a.db")
    for _ in range(5):
        _beat(first)
    assert Uploader(first, manager.base_url, lambda: ident).flush(ident) == 5 and first.count("heartbeat") == 0

    again = ReportQueue(tmp_path / "b.db")  # a fresh queue, seq 0 again
    for _ in range(3):
        _beat(again)
    Uploader(again, manager.base_url, lambda: ident).flush(ident)
    assert again.count("heartbeat") == 0
    assert _beat(again).seq == 5, "continues after the manager's head"
    Uploader(again, manager.base_url, lambda: ident).flush(ident)
    assert [h["seq"] for h in stored(manager, board_id)] == [0, 1, 2, 3, 4, 5]
    assert chain(manager, board_id)["ok"]


def _recorded(queue, offline: bool):
    """A heartbeat as a board that rebooted with the manager away records it: its clock `unsynced`."""
    status = hb.Status(DisplayState.on, {"main": "img0"})
    return queue.append_heartbeat(lambda seq, prev: hb.build(seq, prev, status, skew_s=0.0, offline=offline,
                                                            interval_s=30, clock=ClockState.unsynced))


def test_queue_says_how_long_it_held_each_heartbeat(tmp_path, monkeypatch):
    """Held time by the monotonic clock of the boot that recorded the heartbeat; unknown (None) for one
    recorded in another boot or queued by a player from before the field (its row has no such time)."""
    path = tmp_path / "reports.db"
    old = sqlite3.connect(path)
    reports.MIGRATIONS[0](old)  # a queue left by a player from before held times
    old.execute("PRAGMA user_version = 1")
    old.execute("INSERT INTO outbox (kind, seq, body) VALUES ('heartbeat', 0, '{\"seq\": 0}')")
    old.execute("INSERT INTO meta (key, value) VALUES ('heartbeat_seq', '0')")
    old.commit()
    old.close()

    monkeypatch.setenv("BANGTIN_BOOT_ID", "boot-a")
    q = ReportQueue(path)
    _recorded(q, offline=True)
    time.sleep(0.3)
    _recorded(q, offline=False)
    held = [h for _, _, h in q.pending_heartbeats(10)]
    assert held[0] is None and 0.3 <= held[1] < 30 and 0 <= held[2] < held[1] - 0.25, held
    q.close()

    monkeypatch.setenv("BANGTIN_BOOT_ID", "boot-b")  # rebooted: the monotonic clock started again
    q = ReportQueue(path)
    _recorded(q, offline=True)
    rows = q.pending_heartbeats(10)
    assert [h is None for _, _, h in rows] == [True, True, True, False] and rows[3][2] < 5
    body = reports.heartbeat_bodies(rows)
    assert body["held_s"] == [h for _, _, h in rows] and [b["seq"] for b in body["heartbeats"]] == [0, 1, 2, 3]
    assert "held_s" not in reports.heartbeat_bodies(rows, with_held_s=False)
    q.close()


def test_a_board_that_rebooted_offline_is_judged_by_its_held_time_even_by_an_older_manager(manager, tmp_path, monkeypatch):
    """A board rebooted offline guesses every heartbeat offline and cannot vouch for its clock. Sent at once, the
    new manager counts them delivered (held under a second); one recorded before the reboot keeps the board's
    guess. A manager from before `held_s` refuses the field: the board sends the batch again without it and loses
    nothing (there the guesses stand, as that manager always did)."""
    from player.state import Identity
    from player.uploader import Uploader
    from tests.player.faults import OlderManager, stored

    board_id, token = manager.pair_board(name="Bảng khởi động lại ngoại tuyến")
    ident = Identity(board_id, token, manager.base_url)
    monkeypatch.setenv("BANGTIN_BOOT_ID", "boot-a")
    q = ReportQueue(tmp_path / "reports.db")
    _recorded(q, offline=True)
    q.close()
    monkeypatch.setenv("BANGTIN_BOOT_ID", "boot-b")
    q = ReportQueue(tmp_path / "reports.db")
    _recorded(q, offline=True)
    assert Uploader(q, manager.base_url, lambda: ident).flush(ident) == 2 and q.count("heartbeat") == 0
    assert [h["late"] for h in stored(manager, board_id)] == [True, False]

    older = OlderManager(manager.base_url)
    try:
        _recorded(q, offline=True)
        _recorded(q, offline=False)
        uploader = Uploader(q, older.base_url, lambda: ident)
        assert uploader.flush(ident) == 2 and q.count("heartbeat") == 0
        assert older.answered == [422, 200] and not uploader.sends_held_s
    finally:
        older.stop()
    assert [h["late"] for h in stored(manager, board_id)] == [True, False, True, False]
