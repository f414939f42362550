"""The report queue on real SQLite files: chained heartbeats across reopen, one screenshot, corrupt files."""
from protocol.heartbeat import DisplayState, chain_ok, Heartbeat
from protocol.playlog import PlayRecord
from protocol.timebase import utcnow
from player import heartbeat as hb
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
