"""Intervals kept up to date heartbeat by heartbeat equal a full recompute from the raw heartbeats."""
import random
import time

from manager import boards, heartbeats, units, uptime_store
from manager.db import Store
from manager.migrations import migrate
from protocol.heartbeat import GENESIS_HASH, Heartbeat
from datetime import datetime, timezone


def test_incremental_intervals_match_rebuild(tmp_path):
    rng = random.Random(7)
    store = Store(tmp_path / "m.db")
    migrate(store.db())
    with store.write() as db:
        units.import_current(db)
        board_id = boards.create(db, name="Bảng ngẫu nhiên", unit_code="00070")["id"]
    now = time.time()
    t = now - 3 * 3600
    prev, pending = GENESIS_HASH, []
    for seq in range(600):
        # Mostly steady 30 s beats; now and then a gap, a state change, an offline spell sent later.
        t += rng.choice([30] * 12 + [5, 90, 400])
        state = rng.choice(["on"] * 10 + ["error", "scheduled_off"])
        offline = rng.random() < 0.15
        hb = Heartbeat(seq=seq, board_time=datetime.fromtimestamp(t, timezone.utc), display_state=state,
                       recorded_offline=offline, prev_hash=prev).sealed()
        prev = hb.hash
        pending.append(hb)
        if not offline or rng.random() < 0.3:
            batch, pending = pending, []
            with store.write() as db:
                heartbeats.ingest(db, board_id, batch, max(now, t), 1e9)
    with store.read() as db:
        incremental = uptime_store.intervals(db, board_id, float("-inf"), float("inf"))
    with store.write() as db:
        db.execute("DELETE FROM board_intervals WHERE board_id = ?", [board_id])
        uptime_store.rebuild(db, board_id)
        rebuilt = uptime_store.intervals(db, board_id, float("-inf"), float("inf"))
    assert len(incremental) > 20
    assert [(round(i.start, 6), round(i.end, 6), i.state, i.connected) for i in incremental] == \
           [(round(i.start, 6), round(i.end, 6), i.state, i.connected) for i in rebuilt]
