"""Recorded-offline heartbeats are believed only within bounds (issue 11, finding 3)."""
import sqlite3
from datetime import datetime, timezone

from protocol.heartbeat import GENESIS_HASH, Heartbeat
from tests.uptime.uptime_helpers import Chain, payloads

PAIRED = datetime(2026, 12, 2, 1, 0, tzinfo=timezone.utc).timestamp()
NOVEMBER = "2026-11-01..2026-11-30"


def _post(live, board, token, beats):
    r = live.board_client(token).post(f"/api/v1/boards/{board}/heartbeats", json=payloads(beats))
    r.raise_for_status()
    return r.json()


def test_history_from_before_pairing_counts_nowhere(manager_factory):
    """A board paired on 2 December uploaded 'offline' heartbeats dated in November: 97.65% for November, chain OK."""
    live = manager_factory(fake_clock=PAIRED)
    board, token = live.pair_board(name="Bảng bịa lịch sử")
    live.set_clock(PAIRED + 3600)
    chain = Chain(30)
    forged = chain.run(datetime(2026, 11, 20, tzinfo=timezone.utc).timestamp(), datetime(2026, 11, 20, 5, tzinfo=timezone.utc).timestamp(),
                       offline=True)
    assert _post(live, board, token, forged)["accepted"] == len(forged), "kept, so the board's chain still links up"
    november = live.admin.get(f"/api/v1/reports/boards/{board}", params={"period": NOVEMBER}).json()
    assert not november["on_screen_pct"], november["on_screen_pct"]
    december = live.admin.get(f"/api/v1/reports/boards/{board}", params={"period": "2026-12-01..2026-12-31"}).json()
    assert december["clock"]["displaced"] >= len(forged), "shown as placed by the server"
    assert december["chain"]["ok"]


def test_history_older_than_the_queue_horizon_is_not_believed(manager_factory):
    live = manager_factory(fake_clock=PAIRED, extra_args=["--backfill-max-days", "2"])
    board, token = live.pair_board(name="Bảng ngoại tuyến lâu")
    live.set_clock(PAIRED + 10 * 86400)
    chain = Chain(600)
    old = chain.run(PAIRED + 86400, PAIRED + 86400 + 6 * 3600, offline=True)  # 9 days before arrival
    recent = chain.run(PAIRED + 9 * 86400, PAIRED + 9 * 86400 + 3600, offline=True)  # 1 day before
    _post(live, board, token, old + recent)
    with sqlite3.connect(live.db_path) as db:
        placed = [r[0] for r in db.execute("SELECT placed_at FROM heartbeats WHERE board_id = ? ORDER BY seq", [board])]
    horizon = PAIRED + 10 * 86400 - 2 * 86400
    assert all(p >= horizon for p in placed[:len(old)]), "nothing stands before the horizon"
    assert placed[len(old):] == [b.board_time.timestamp() for b in recent], "recent backfill keeps its own times"


def test_board_times_must_increase_with_seq(manager_factory):
    live = manager_factory(fake_clock=PAIRED)
    board, token = live.pair_board(name="Bảng thời gian lùi")
    live.set_clock(PAIRED + 86400)
    prev, beats = GENESIS_HASH, []
    times = [PAIRED + 7200, PAIRED + 7230, PAIRED + 3600, PAIRED + 7290]  # the third goes back an hour
    for seq, t in enumerate(times):
        hb = Heartbeat(seq=seq, board_time=datetime.fromtimestamp(t, timezone.utc), display_state="on", recorded_offline=True,
                       prev_hash=prev).sealed()
        prev = hb.hash
        beats.append(hb)
    _post(live, board, token, beats)
    with sqlite3.connect(live.db_path) as db:
        placed = [r[0] for r in db.execute("SELECT placed_at FROM heartbeats WHERE board_id = ? ORDER BY seq", [board])]
    assert placed == sorted(placed) and placed[2] == PAIRED + 7230, placed


def test_a_chain_cannot_start_before_pairing(manager_factory):
    live = manager_factory(fake_clock=PAIRED)
    board, token = live.pair_board(name="Bảng chuỗi quá khứ")
    live.set_clock(PAIRED + 60)
    first = Heartbeat(seq=0, board_time=datetime.fromtimestamp(PAIRED - 30 * 86400, timezone.utc), display_state="on",
                      recorded_offline=True, prev_hash=GENESIS_HASH).sealed()
    _post(live, board, token, [first])
    with sqlite3.connect(live.db_path) as db:
        placed = db.execute("SELECT placed_at FROM heartbeats WHERE board_id = ? AND seq = 0", [board]).fetchone()[0]
    assert placed >= PAIRED


def test_reports_show_how_much_arrived_late(manager_factory):
    live = manager_factory(fake_clock=PAIRED)
    board, token = live.pair_board(name="Bảng báo muộn")
    live.set_clock(PAIRED + 3 * 3600)
    chain = Chain(30)
    late = chain.run(PAIRED + 3600, PAIRED + 2 * 3600, offline=True)  # an hour recorded offline, sent now
    _post(live, board, token, late + [chain.beat(PAIRED + 3 * 3600)])  # then back online
    report = live.admin.get(f"/api/v1/reports/boards/{board}", params={"period": "2026-12-02..2026-12-02"}).json()
    assert report["late_pct"] is not None and report["late_pct"] > 90, report["late_pct"]
