"""The heartbeat acknowledgement proves what the manager stored (docs/protocol.md, Heartbeats)."""
import sqlite3
from datetime import datetime, timedelta, timezone

from protocol.heartbeat import GENESIS_HASH, ClockState, DisplayState, Heartbeat, HeartbeatAck


def _chain(start: datetime, count: int, **fields) -> list[Heartbeat]:
    prev, out = GENESIS_HASH, []
    for seq in range(count):
        hb = Heartbeat(seq=seq, board_time=start + timedelta(seconds=30 * seq), display_state="on",
                       prev_hash=prev, **fields).sealed()
        prev = hb.hash
        out.append(hb)
    return out


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


def test_late_heartbeat_of_a_board_that_vouches_for_its_clock_stands_where_recorded(manager):
    """Sent 10 minutes late though not flagged offline: its corrected time is trusted (`clock: held`)."""
    board, token = manager.pair_board(name="Bảng gửi muộn")
    me = manager.board_client(token)
    recorded = datetime.now(timezone.utc) - timedelta(minutes=10)
    vouched = _chain(recorded, 1, clock=ClockState.held)
    _post(me, board, vouched)
    with sqlite3.connect(manager.db_path) as db:
        placed, received = db.execute("SELECT placed_at, received_at FROM heartbeats WHERE board_id = ?", [board]).fetchone()
    assert abs(placed - recorded.timestamp()) < 0.01 and received - placed > 500
