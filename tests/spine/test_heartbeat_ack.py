"""The heartbeat acknowledgement proves what the manager stored (docs/protocol.md, Heartbeats)."""
import json
import sqlite3
from datetime import datetime, timedelta, timezone

from protocol.heartbeat import GENESIS_HASH, ClockState, DisplayState, Heartbeat, HeartbeatAck


def _sealed(rows: list[dict]) -> list[Heartbeat]:
    """Heartbeats from seq 0 with these fields each, chained by hash."""
    prev, out = GENESIS_HASH, []
    for seq, fields in enumerate(rows):
        hb = Heartbeat(seq=seq, display_state="on", prev_hash=prev, **fields).sealed()
        prev = hb.hash
        out.append(hb)
    return out


def _chain(start: datetime, count: int, **fields) -> list[Heartbeat]:
    return _sealed([dict(board_time=start + timedelta(seconds=30 * seq), **fields) for seq in range(count)])


def _post(client, board, beats):
    r = client.post(f"/api/v1/boards/{board}/heartbeats", json={"heartbeats": [hb.model_dump(mode="json") for hb in beats]})
    r.raise_for_status()
    return HeartbeatAck.model_validate_json(r.content)


def test_ack_names_the_seqs_held_and_the_chain_head(manager):
    board, token = manager.pair_board(name="Bảng xác nhận")
    me = manager.board_client(token)
    beats = _chain(datetime.now(timezone.utc) - timedelta(minutes=5), 6, clock=ClockState.synced)
    ack = _post(me, board, beats[:4])
    assert (ack.board_id, ack.seqs, ack.head_seq, ack.head_hash) == (board, [0, 1, 2, 3], 3, beats[3].hash)
    # Sent again with the rest: the old ones are held (duplicates), all six are named.
    ack = _post(me, board, beats)
    assert (ack.accepted, ack.duplicates, ack.seqs, ack.head_hash) == (2, 4, list(range(6)), beats[5].hash)
    # A heartbeat under a stored seq but with other content is not acknowledged as stored.
    forged = beats[5].model_copy(update={"display_state": DisplayState.error}).sealed()
    ack = _post(me, board, [forged])
    assert ack.seqs == [] and ack.head_hash == beats[5].hash


def test_late_heartbeat_of_a_board_that_vouches_for_its_clock_stands_where_recorded(manager_factory):
    """Sent 10 minutes late though not flagged offline: its corrected time is trusted (`clock: held`)."""
    paired = datetime(2026, 12, 2, 1, 0, tzinfo=timezone.utc)
    manager = manager_factory(fake_clock=paired.timestamp())
    board, token = manager.pair_board(name="Bảng gửi muộn")
    manager.set_clock((paired + timedelta(minutes=20)).timestamp())  # recorded after pairing, sent 10 minutes late
    me = manager.board_client(token)
    recorded = paired + timedelta(minutes=10)
    vouched = _chain(recorded, 1, clock=ClockState.held)
    _post(me, board, vouched)
    with sqlite3.connect(manager.db_path) as db:
        placed, received = db.execute("SELECT placed_at, received_at FROM heartbeats WHERE board_id = ?", [board]).fetchone()
    assert abs(placed - recorded.timestamp()) < 0.01 and received - placed > 500


def test_recorded_offline_is_what_the_manager_saw_not_what_the_board_guessed(manager_factory):
    """A heartbeat is recorded offline (`late`) exactly when it reached the manager more than its interval after
    it was recorded; the board's own `recorded_offline` (a guess, under the hash) stands only when the board does
    not vouch for its clock. The reports' connected and late time follow, and the chain still verifies."""
    paired = datetime(2026, 12, 2, 1, 0, tzinfo=timezone.utc)
    manager = manager_factory(fake_clock=paired.timestamp())
    board, token = manager.pair_board(name="Bảng báo đúng mất kết nối")
    me = manager.board_client(token)
    t0 = paired + timedelta(hours=1)
    beats = _sealed([dict(board_time=t0 + timedelta(seconds=after_s), interval_s=30, recorded_offline=guessed_offline,
                          clock=clock) for after_s, guessed_offline, clock in [
        (0, True, ClockState.synced),  # guessed offline (no answer yet), got through at once
        (30, False, ClockState.synced),  # guessed live, its POST got through only 3 intervals later
        (100, True, ClockState.held),  # guessed offline, delivered 20 s after recording: within its interval
        (120, True, ClockState.unsynced)]])  # a clock nothing vouches for: the board's word stands
    manager.set_clock(t0.timestamp() + 2)
    _post(me, board, beats[:1])
    manager.set_clock(t0.timestamp() + 120)
    _post(me, board, beats[1:])
    with sqlite3.connect(manager.db_path) as db:
        late = dict(db.execute("SELECT seq, late FROM heartbeats WHERE board_id = ?", [board]).fetchall())
        connected = db.execute("SELECT start_at, end_at, connected FROM board_intervals WHERE board_id = ? ORDER BY start_at",
                               [board]).fetchall()
    assert late == {0: 0, 1: 1, 2: 0, 3: 1}
    t = t0.timestamp()
    assert [(s - t, e - t, c) for s, e, c in connected] == [(0, 75, 1), (75, 100, 0), (100, 175, 1), (175, 195, 0)]
    report = manager.admin.get(f"/api/v1/reports/boards/{board}", params={"period": "2026-12-02..2026-12-02"}).json()
    assert report["chain"]["ok"] and report["chain"]["check"] == "full", report["chain"]
    assert report["late_pct"] is not None and 0 < report["late_pct"] < 30, report["late_pct"]


def test_held_s_decides_late_even_for_a_clock_nothing_vouches_for(manager_factory):
    """A board that rebooted offline (`unsynced`, its wall clock a day ahead) says how long it held each heartbeat
    by its monotonic clock: that decides `late` whatever its own guess; without it (recorded before the reboot:
    null) the guess stands. It decides before the receive time too, for a clock that vouches for itself."""
    paired = datetime(2026, 12, 2, 1, 0, tzinfo=timezone.utc)
    manager = manager_factory(fake_clock=paired.timestamp())
    board, token = manager.pair_board(name="Bảng khởi động lại khi mất mạng")
    me = manager.board_client(token)
    t0 = paired + timedelta(hours=1)
    beats = _sealed([dict(board_time=t0 + timedelta(days=1, seconds=30 * seq), interval_s=30, recorded_offline=guessed_offline,
                          clock=clock) for seq, (guessed_offline, clock) in enumerate([
        (True, ClockState.unsynced), (False, ClockState.unsynced), (True, ClockState.unsynced),
        (False, ClockState.unsynced), (False, ClockState.synced)])])
    beats[-1] = beats[-1].model_copy(update={"board_time": t0 + timedelta(seconds=60)}).sealed()  # 3 intervals before it arrives
    manager.set_clock(t0.timestamp() + 150)
    r = me.post(f"/api/v1/boards/{board}/heartbeats", json={
        "heartbeats": [hb.model_dump(mode="json") for hb in beats],
        "held_s": [1.0, 90.0, None, None, 2.5]})
    r.raise_for_status()
    assert HeartbeatAck.model_validate_json(r.content).seqs == [0, 1, 2, 3, 4]
    with sqlite3.connect(manager.db_path) as db:
        late = dict(db.execute("SELECT seq, late FROM heartbeats WHERE board_id = ?", [board]).fetchall())
    # 0: guessed offline, held 1 s; 1: guessed live, held 3 intervals; 2, 3: unknown, the guess; 4: held beats the clock.
    assert late == {0: 0, 1: 1, 2: 1, 3: 0, 4: 0}


def test_held_s_is_checked_at_the_edge(manager):
    """One finite, non-negative number (or null) per heartbeat; anything else is a bilingual 422, and nothing is stored."""
    board, token = manager.pair_board(name="Bảng gửi held_s sai")
    me = manager.board_client(token)
    beats = [hb.model_dump(mode="json") for hb in _chain(datetime.now(timezone.utc), 2, clock=ClockState.synced)]
    url = f"/api/v1/boards/{board}/heartbeats"
    for held in ([1.0], [1.0, 2.0, 3.0], [1.0, -0.5], [1.0, "NaN"], [1.0, "Infinity"], [1.0, 2e9]):
        r = me.post(url, json={"heartbeats": beats, "held_s": held})
        body = r.json()
        assert r.status_code == 422 and "held_s" in body["message_en"], (held, r.text)
        assert body["message"].startswith("Dữ liệu gửi lên không hợp lệ"), body["message"]
    raw = '{"heartbeats": %s, "held_s": [NaN, 0]}' % json.dumps(beats)  # the bare token Python's json writes
    r = me.post(url, data=raw.encode(), headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert _post(me, board, _chain(datetime.now(timezone.utc), 1, clock=ClockState.synced)).accepted == 1, "nothing stored before"
