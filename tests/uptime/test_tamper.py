"""Tampering with the figures' evidence in the database: each edit is caught by verify-chain and marks the report not verified.

One board over two days on real SQLite: the first day sealed (its intervals
bound to checkpoint digests), the second still raw. The edits are those a
database editor could make to move a figure.
"""
import shutil
import subprocess
import sys
import warnings
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from manager import board_facts, boards, heartbeats, migrations, uptime_store
from manager.reports import chain, cli, verification
from protocol.timebase import VN_TZ

from tests.uptime.uptime_helpers import Chain

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 2, 0, 0, tzinfo=VN_TZ).timestamp()
DAY = 86400
NOW = T0 + 2 * DAY


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("tamper") / "t.db"
    db = Database(path)
    migrations.migrate(db)
    db["catalogues"].insert(dict(id="c", name="c", version="1", source="t", imported_at="x", is_current=1))
    db["units"].insert(dict(catalogue="c", code="01", name="P", kind="province", level=1, parent_code=None, province_code="01"))
    db["units"].insert(dict(catalogue="c", code="0101", name="X", kind="commune", level=2, parent_code="01", province_code="01"))
    with db.atomic():
        board = boards.create(db, name="B", unit_code="0101", unit_catalogue="c")
    c = Chain(600)
    # Day 1: on, an error spell 10:00-12:00, silent 15:00-16:00; day 2: on, an error spell 10:00-11:00.
    day1 = [(t, "error" if T0 + 10 * 3600 <= t < T0 + 12 * 3600 else "on") for t in range(int(T0), int(T0 + DAY), 600)
            if not T0 + 15 * 3600 <= t < T0 + 16 * 3600]
    day2 = [(t, "error" if T0 + DAY + 10 * 3600 <= t < T0 + DAY + 11 * 3600 else "on") for t in range(int(T0 + DAY), int(NOW), 600)]
    for t, state in day1 + day2:
        with db.atomic():
            heartbeats.ingest(db, board["id"], [c.beat(t, state=state)], t, 120)
    with db.atomic():
        uptime_store.seal(db, board["id"], T0 + DAY, NOW)
    db.close()
    return path, board["id"]


@pytest.fixture
def db(template, tmp_path):
    """A fresh copy of the template database for each test (each one tampers with it)."""
    path, board_id = template
    shutil.copy(path, tmp_path / "t.db")
    db = Database(tmp_path / "t.db")
    db.board_id = board_id
    return db


def report_state(db) -> str:
    return verification.check(db, [db.board_id], T0, NOW, NOW).state


def test_an_untouched_record_verifies_fully(db, capsys):
    status = chain.verify(db, db.board_id)
    assert status.ok and status.sealed == 138 and status.heartbeats == 144, "raw rows hashed, sealed ones counted apart"
    assert chain.quick(db, [db.board_id], T0, NOW)[db.board_id].ok
    assert report_state(db) == verification.QUICK_ONLY
    assert cli.verify(db, None, now=NOW) == 0
    assert "OK (full check: 144 raw heartbeats hashed, 138 sealed in checkpoints" in capsys.readouterr().out
    assert report_state(db) == verification.VERIFIED


SEALED_ERROR = f"state = 'error' AND start_at < {T0 + DAY}"
RAW = f"state = 'error' AND start_at >= {T0 + DAY}"
TAMPERING = {
    "edit an interval (sealed day)": f"UPDATE board_intervals SET state = 'on' WHERE {SEALED_ERROR}",
    "edit an interval (raw day)": f"UPDATE board_intervals SET connected = 0 WHERE {RAW}",
    "delete an interval (sealed day)": f"DELETE FROM board_intervals WHERE {SEALED_ERROR}",
    "delete an interval (raw day)": f"DELETE FROM board_intervals WHERE {RAW}",
    "shift an interval's end (sealed day)": f"UPDATE board_intervals SET end_at = end_at + 60 WHERE {SEALED_ERROR}",
    "shift an interval's end (raw day)": f"UPDATE board_intervals SET end_at = end_at - 60 WHERE {RAW}",
    "fill an outage": f"INSERT INTO board_intervals VALUES ('{{b}}', {T0 + 15 * 3600 + 100}, {T0 + 16 * 3600}, 'on', 1)",
    "edit a checkpoint's digest": "UPDATE chain_checkpoints SET intervals_digest = '" + "0" * 64 + "'",
    "edit a checkpoint's span": "UPDATE chain_checkpoints SET span_end = span_end - 600",
    "cut the chain at its end (raw day)":
        f"DELETE FROM heartbeats WHERE placed_at >= {T0 + DAY + 12 * 3600}; "
        f"DELETE FROM board_intervals WHERE start_at >= {T0 + DAY + 12 * 3600}",
    "edit a board's class directly": "UPDATE boards SET board_class = 'large'",
    "edit a board's recorded facts": "UPDATE board_facts SET board_class = 'large'",
    "delete a board's facts rows and change its class": "DELETE FROM board_facts; UPDATE boards SET board_class = 'large'",
}


@pytest.mark.parametrize("name", TAMPERING)
def test_each_tampering_is_caught_and_the_report_says_not_verified(db, name):
    assert cli.verify(db, None, now=NOW) == 0 and report_state(db) == verification.VERIFIED
    db.conn.executescript(TAMPERING[name].format(b=db.board_id))
    status = chain.verify(db, db.board_id)
    assert not status.ok and status.reason, name
    # Verify-chain records the failure; from then on the report is not verified, whatever the quick check sees.
    assert cli.verify(db, None, now=NOW + 60) == 1
    check = verification.check(db, [db.board_id], T0, NOW, NOW + 120)
    assert check.state == verification.FAILED and check.failures()[0][0] == db.board_id
    assert any("Không khớp" in line for line in check.note("vi"))
    if "raw day" not in name:  # sealed time, and the facts: the quick check each page runs already sees it
        assert not chain.quick(db, [db.board_id], T0, NOW)[db.board_id].ok


def test_an_edited_checkpoint_is_reported_at_its_own_seq(db, capsys):
    db.execute("UPDATE chain_checkpoints SET count = count + 1 WHERE first_seq = 0")
    status = chain.verify(db, db.board_id)
    assert not status.ok and status.first_bad_seq == 0, "not 'seq 1': a previous seq of 0 is not a missing one"
    cli.verify(db, None, now=NOW)
    assert "BROKEN at seq 0: checkpoint's count does not match its seqs" in capsys.readouterr().out


def test_heartbeats_checked_counts_the_rows_hashed_before_the_failure(db, capsys):
    first_raw = db.execute("SELECT min(seq) FROM heartbeats").fetchone()[0]
    db.execute("UPDATE heartbeats SET payload = replace(payload, '\"on\"', '\"error\"') WHERE seq = ?", [first_raw + 10])
    status = chain.verify(db, db.board_id)
    assert not status.ok and status.first_bad_seq == first_raw + 10 and status.heartbeats == 10


def test_a_late_heartbeat_leaves_sealed_time_as_sealed(db):
    """Sealed time is final: a backfilled heartbeat placed inside it does not rewrite intervals under a digest."""
    last = db.execute("SELECT max(seq) FROM heartbeats").fetchone()[0]
    assert last is not None
    c = Chain(600)
    c.seq = last + 1
    c.prev = db.execute("SELECT hash FROM heartbeats WHERE seq = ?", [last]).fetchone()[0]
    with db.atomic():
        heartbeats.ingest(db, db.board_id, [c.beat(T0 + 15 * 3600 + 30, offline=True)], NOW, 120)
    assert chain.quick(db, [db.board_id], T0, NOW)[db.board_id].ok


def test_facts_record_only_changes_and_link(db):
    at = NOW + 10
    assert not board_facts.record(db, db.board_id, at), "nothing changed"
    db.execute("UPDATE boards SET is_test = 1 WHERE id = ?", [db.board_id])
    assert board_facts.record(db, db.board_id, at)
    rows = board_facts.rows(db, [db.board_id])[db.board_id]
    assert [(r["from_at"], r["is_test"]) for r in rows] == [(0.0, 0), (at, 1)] and rows[1]["prev_hash"] == rows[0]["hash"]
    assert board_facts.check(db, db["boards"].get(db.board_id)) is None


def test_an_older_database_gets_digests_and_facts_on_upgrade(tmp_path):
    """m010 on a database sealed before it: each checkpoint gets its span and digest, each board its facts rows."""
    db = Database(tmp_path / "old.db")
    migrations.migrate(db, [m for m in migrations.MIGRATIONS if m.__name__ < "m010"])
    db["catalogues"].insert(dict(id="c", name="c", version="1", source="t", imported_at="x", is_current=1))
    db["units"].insert(dict(catalogue="c", code="01", name="P", kind="province", level=1, parent_code=None, province_code="01"))
    hours = '[{"weekdays": [1], "start": "06:00", "end": "22:00"}]'
    db["boards"].insert(dict(id="b1", name="B", unit_catalogue="c", unit_code="01", created_at="x", board_class="large",
                             operating_hours=hours))
    db["board_hours"].insert_all([dict(board_id="b1", from_at=0, hours="[]"), dict(board_id="b1", from_at=T0, hours=hours)])
    db.execute("INSERT INTO board_intervals VALUES ('b1', ?, ?, 'on', 1)", [T0, T0 + 3600])
    for first, start in ((0, T0), (120, T0 + 3600)):
        db.execute("INSERT INTO chain_checkpoints (board_id, first_seq, last_seq, count, first_prev_hash, last_hash, "
                   "first_placed_at, last_placed_at, ok, sealed_at) VALUES ('b1', ?, ?, 120, ?, ?, ?, ?, 1, 0)",
                   [first, first + 119, "a" * 64 if first else "0" * 64, "a" * 64 if not first else "b" * 64,
                    start, start + 3570])
    assert "m010_evidence" in migrations.migrate(db)
    spans = db.execute("SELECT span_start, span_end FROM chain_checkpoints ORDER BY first_seq").fetchall()
    assert spans == [(T0, T0 + 3570), (T0 + 3570, T0 + 3600 + 3570)], "spans join"
    assert [(r["from_at"], r["board_class"]) for r in board_facts.rows(db, ["b1"])["b1"]] == [(0.0, "large"), (T0, "large")]
    assert chain.quick(db, ["b1"])["b1"].ok
    db.execute("UPDATE board_intervals SET end_at = end_at - 1")
    assert not chain.quick(db, ["b1"])["b1"].ok


def test_after_sealing_the_ingest_continues_from_the_sealed_tail(tmp_path):
    """A backlog recorded offline right after a sealed live heartbeat: the live one still vouches for the link
    (connected) up to 2.5 intervals, as if it had never been sealed; the full check's recomputation agrees."""
    db = Database(tmp_path / "tail.db")
    migrations.migrate(db)
    db["catalogues"].insert(dict(id="c", name="c", version="1", source="t", imported_at="x", is_current=1))
    db["units"].insert(dict(catalogue="c", code="01", name="P", kind="province", level=1, parent_code=None, province_code="01"))
    with db.atomic():
        board = boards.create(db, name="B", unit_code="01", unit_catalogue="c")
    c = Chain(600)
    for t in range(int(T0), int(T0 + 3600), 600):
        with db.atomic():
            heartbeats.ingest(db, board["id"], [c.beat(t)], t, 120)
    with db.atomic():
        uptime_store.seal(db, board["id"], T0 + 3600, T0 + 7200)
    assert db["heartbeats"].count == 0
    backlog = [c.beat(t, offline=True) for t in range(int(T0 + 3600), int(T0 + 7200), 600)]
    with db.atomic():
        heartbeats.ingest(db, board["id"], backlog, T0 + 7300, 120)
    stored = uptime_store.intervals(db, board["id"], T0, T0 + 10_000)
    assert [(iv.start - T0, iv.end - T0, iv.connected) for iv in stored] == [(0, 3000 + 1500, True), (4500, 6600 + 1500, False)]
    assert chain.verify(db, board["id"]).ok


def test_a_bundle_holding_a_file_twice_is_refused(db, tmp_path):
    """unzip shows the first copy of a name, a dict keeps the last: a forged report.json put first must not pass."""
    from manager import evidence_bundle, evidence_verify
    from manager.reports.period import parse

    bundle = evidence_bundle.export(db, "c", "01", parse("2026-03"), NOW, tmp_path / "b.zip")
    assert evidence_verify.verify(bundle).ok
    with zipfile.ZipFile(bundle) as z:
        files = {i.filename: z.read(i) for i in z.infolist()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about the duplicate name it is told to write
        with zipfile.ZipFile(tmp_path / "dup.zip", "w") as z:
            z.writestr("report.json", files["report.json"].replace(b'"figures"', b'"figures_forged"'))
            for name, body in files.items():
                z.writestr(name, body)
    result = evidence_verify.verify(tmp_path / "dup.zip")
    assert not result.ok and "report.json more than once" in result.problems[0]


def test_verify_evidence_needs_only_pydantic_beyond_the_standard_library(db, tmp_path):
    """An auditor's copy needs the project's `manager/` and `protocol/` and pydantic: not the font files, Pillow,
    the database or the web stack (the manifest's module used to pull in the typeface)."""
    from manager import evidence_bundle
    from manager.reports.period import parse

    bundle = evidence_bundle.export(db, "c", "01", parse("2026-03"), NOW, tmp_path / "b.zip")
    blocked = ["PIL", "fontTools", "fontpkg_be_vietnam_pro", "sqlite3", "sqlite_utils", "fastapi", "starlette",
               "httpx", "kivy", "openpyxl", "jinja2"]
    code = (f"import sys; sys.modules.update(dict.fromkeys({blocked!r})); "
            "from manager.__main__ import main; sys.exit(main(['verify-evidence', sys.argv[1]]))")
    run = subprocess.run([sys.executable, "-c", code, str(bundle)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "OK: every file matches" in run.stdout, run.stdout + run.stderr


def test_a_chain_cut_at_its_end_is_reported_at_the_first_missing_seq(db):
    """Deleting the newest heartbeats leaves a chain that links; the newest seq received, kept on the board, does not."""
    last = db.execute("SELECT max(seq) FROM heartbeats").fetchone()[0]
    db.execute("DELETE FROM heartbeats WHERE seq > ?", [last - 10])
    status = chain.verify(db, db.board_id)
    assert not status.ok and status.first_bad_seq == last - 9 and f"newest one received was seq {last}" in str(status.reason)
    assert f"nhịp tim mới nhất đã nhận là seq {last}" in status.reason.text("vi")
