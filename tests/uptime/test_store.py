"""Compacted intervals kept up to date on ingest, sealing of old heartbeats, and chain checks, on real SQLite."""
from datetime import datetime

import pytest
from sqlite_utils import Database

from manager import board_facts, heartbeats, migrations, uptime, uptime_store
from manager.reports import chain
from protocol.timebase import VN_TZ

from tests.uptime.uptime_helpers import Chain

T0 = datetime(2026, 3, 2, 0, 0, tzinfo=VN_TZ).timestamp()


@pytest.fixture
def db(tmp_path):
    db = Database(tmp_path / "t.db")
    migrations.migrate(db)
    db["catalogues"].insert(dict(id="c", name="c", version="1", source="t", imported_at="x", is_current=1))
    db["units"].insert(dict(catalogue="c", code="01", name="P", kind="province", level=1, parent_code=None, province_code="01"))
    db["boards"].insert(dict(id="b1", name="B", unit_catalogue="c", unit_code="01", created_at="x", last_seq=None))
    board_facts.record(db, "b1", 0)  # as boards.create does: a board without facts rows fails the chain check
    return db


def send(db, hbs, received_at):
    with db.atomic():
        ack, _, _ = heartbeats.ingest(db, "b1", hbs, received_at, 120)
    return ack


def test_incremental_intervals_equal_a_full_recompute(db):
    c = Chain()
    live1 = c.run(T0, T0 + 600)
    for hb in live1:
        send(db, [hb], hb.board_time.timestamp())
    # The board loses the network for ten minutes but keeps showing; then it uploads the backlog.
    backlog = c.run(T0 + 600, T0 + 1200, offline=True)
    live2 = c.run(T0 + 1200, T0 + 1500)
    send(db, [live2[0]], T0 + 1200)
    send(db, backlog, T0 + 1201)
    for hb in live2[1:]:
        send(db, [hb], hb.board_time.timestamp())
    stored = uptime_store.intervals(db, "b1", T0 - 1, T0 + 10_000)
    rows = db.execute("SELECT placed_at, display_state, late, interval_s FROM heartbeats ORDER BY placed_at").fetchall()
    expected = uptime.compact([uptime.Beat(r[0], r[1], not r[2], r[3]) for r in rows])
    assert stored == expected
    assert [(iv.start - T0, iv.end - T0, iv.connected) for iv in stored] == [
        (0, 570 + 75, True), (645, 1200, False), (1200, 1470 + 75, True)]


def test_seal_prunes_raw_heartbeats_and_the_chain_still_verifies(db):
    c = Chain()
    send(db, c.run(T0, T0 + 3600, offline=True), T0 + 3600)  # recorded offline, uploaded later
    before = uptime_store.intervals(db, "b1", T0 - 1, T0 + 10_000)
    send(db, c.run(T0 + 3600, T0 + 7200, offline=True), T0 + 7200)
    with db.atomic():
        result = uptime_store.seal(db, "b1", T0 + 3600, T0 + 7200)
    assert result.pruned == 120 and result.checkpoints == 1
    assert db["heartbeats"].count == 120
    assert chain.verify(db, "b1").ok
    assert chain.quick(db, ["b1"])["b1"].ok
    after = uptime_store.intervals(db, "b1", T0 - 1, T0 + 3600)
    assert uptime.clip(after, T0, T0 + 3600) == uptime.clip(before, T0, T0 + 3600) == [uptime.Interval(T0, T0 + 3600, "on", False)]
    # A rebuild from what raw is left keeps the sealed part.
    with db.atomic():
        uptime_store.rebuild(db, "b1")
    assert uptime_store.intervals(db, "b1", T0 - 1, T0 + 3600)[0].start == T0


def test_thinned_or_edited_chain_fails(db):
    c = Chain()
    send(db, c.run(T0, T0 + 3000), T0 + 3000)
    assert chain.verify(db, "b1").ok
    db.execute("DELETE FROM heartbeats WHERE board_id = 'b1' AND seq = 40")
    full, quick = chain.verify(db, "b1"), chain.quick(db, ["b1"])["b1"]
    assert not full.ok and full.first_bad_seq == 40
    assert not quick.ok and quick.first_bad_seq == 40
    db.execute("UPDATE heartbeats SET display_state = 'on', payload = replace(payload, '\"on\"', '\"error\"') WHERE seq = 10")
    assert chain.verify(db, "b1").first_bad_seq == 10


def test_thinning_before_sealing_is_kept_in_the_checkpoint(db):
    c = Chain()
    send(db, c.run(T0, T0 + 3000), T0 + 3000)
    db.execute("DELETE FROM heartbeats WHERE board_id = 'b1' AND seq = 7")
    with db.atomic():
        uptime_store.seal(db, "b1", T0 + 2000, T0 + 3000)
    status = chain.verify(db, "b1")
    assert not status.ok and status.first_bad_seq == 7


def test_hourly_seals_of_one_day_share_a_checkpoint(db):
    c = Chain()
    send(db, c.run(T0 + 3600, T0 + 4 * 3600, offline=True), T0 + 5 * 3600)
    for hour in (2, 3, 4):
        with db.atomic():
            uptime_store.seal(db, "b1", T0 + hour * 3600, T0 + hour * 3600)
    rows = db.execute("SELECT first_seq, last_seq, count, ok FROM chain_checkpoints").fetchall()
    assert rows == [(0, 359, 360, 1)]
    assert db["heartbeats"].count == 0 and chain.verify(db, "b1").ok


def test_seal_command_prunes_and_verify_command_reports(db, capsys):
    from manager.reports import cli

    c = Chain()
    send(db, c.run(T0, T0 + 600, offline=True), T0 + 600)
    assert cli.seal(db, keep_hours=1, now=T0 + 600 + 3600) == 0
    assert db["heartbeats"].count == 0
    assert cli.verify(db, None) == 0
    assert "b1: OK (full check: 0 raw heartbeats hashed, 20 sealed in checkpoints; intervals and board facts match)" in capsys.readouterr().out


def test_a_batch_sent_again_after_sealing_is_a_duplicate(db):
    c = Chain()
    batch = c.run(T0, T0 + 600, offline=True)
    send(db, batch, T0 + 600)
    with db.atomic():
        uptime_store.seal(db, "b1", T0 + 600, T0 + 4000)
    ack = send(db, batch, T0 + 4000)
    assert (ack.accepted, ack.duplicates) == (0, 20)
    assert db["heartbeats"].count == 0 and chain.verify(db, "b1").ok
    send(db, c.run(T0 + 600, T0 + 900), T0 + 900)
    assert chain.verify(db, "b1").ok
