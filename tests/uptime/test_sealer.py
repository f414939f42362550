"""The manager seals old raw heartbeats by itself; the chain still verifies afterwards."""
import time
from datetime import datetime, timedelta, timezone

from manager import boards, heartbeats, units
from manager.clock import Clock
from manager.db import Store
from manager.migrations import migrate
from manager.reports import chain
from manager.sealing import Sealer
from protocol.heartbeat import GENESIS_HASH, Heartbeat


def test_sealer_prunes_old_raw_heartbeats_and_keeps_the_chain(tmp_path):
    store = Store(tmp_path / "m.db")
    migrate(store.db())
    with store.write() as db:
        units.import_current(db)
        board = boards.create(db, name="Bảng niêm phong", unit_code="00070")
    start = datetime.now(timezone.utc) - timedelta(hours=10)
    prev, beats = GENESIS_HASH, []
    for seq in range(1200):  # 10 hours at 30 s
        hb = Heartbeat(seq=seq, board_time=start + timedelta(seconds=30 * seq), display_state="on",
                       recorded_offline=True, prev_hash=prev).sealed()
        prev = hb.hash
        beats.append(hb)
    with store.write() as db:
        heartbeats.ingest(db, board["id"], beats, time.time(), 120)

    sealed = Sealer(store, Clock(), keep_hours=6).seal_once()
    with store.read() as db:
        raw = db.execute("SELECT count(*), min(placed_at) FROM heartbeats WHERE board_id = ?", [board["id"]]).fetchone()
        status = chain.verify(db, board["id"])
    assert sealed > 0 and raw[0] == 1200 - sealed
    assert raw[1] >= time.time() - 6 * 3600 - 60, "only heartbeats older than the retention are sealed"
    assert status.ok and status.heartbeats == raw[0] and status.sealed == sealed, "raw rows hashed, sealed ones counted apart"
