"""Benchmark: one province (~150 units, 400 boards) over a year at 30 s heartbeats.

Measures (results in bench/README-uptime.md):
1. ingest: live heartbeats through `manager.heartbeats.ingest` (with the
   compaction hook) one per transaction, as boards send them;
2. the database size after a year: compacted intervals, one chain checkpoint
   per board and day, and one hour of raw heartbeats (what `seal-heartbeats
   --keep-hours 1` leaves);
3. the time to compute the indicator report for the year (and for a month),
   with and without the chart series.

A year of 30 s heartbeats is 420 million; pushing each through the ingest
would take days, so the year is built from a seeded behaviour model (runs of
heartbeats: on in operating hours, scheduled_off outside, dark outages,
network losses with backfill, error spells) turned straight into the intervals
the compaction produces. `check_model` proves the shortcut: for sample
board-weeks it expands the runs into real 30 s heartbeats and compares
`uptime.compact` with the shortcut, interval for interval.

    .venv/bin/python bench/uptime_report.py [--boards 400] [--days 365] [--db PATH]
"""
import argparse
import bisect
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from manager import evidence, heartbeats, indicators, uptime  # noqa: E402
from manager.db import connect  # noqa: E402
from manager.migrations import migrate  # noqa: E402
from manager.auth import Principal  # noqa: E402
from manager.db import Store  # noqa: E402
from manager.reports import service  # noqa: E402
from manager.reports import build, period as periods  # noqa: E402
from protocol.timebase import VN_TZ  # noqa: E402
from tests.uptime.uptime_helpers import Chain  # noqa: E402

STEP = 30
GRACE = uptime.GRACE_FACTOR * STEP
YEAR = 2025
CATALOGUE, PROVINCE = "bench", "99"


def local(d: date, hour: float = 0) -> float:
    return datetime(d.year, d.month, d.day, tzinfo=VN_TZ).timestamp() + hour * 3600


def board_runs(rng: random.Random, start: float, days: int, hours: tuple[float, float] | None):
    """Runs (a, b, state, live): the board sends a heartbeat every 30 s in [a, b) with that state."""
    end = start + days * 86400
    # Instants where the state changes: operating hours, then events laid over them.
    dark = []  # outages: no heartbeats at all
    offline = []  # network lost: heartbeats recorded offline, uploaded later
    error = []
    t = start
    while t < end:
        t += rng.expovariate(1 / (3 * 86400))  # about one outage every three days
        dark.append((t, t + rng.expovariate(1 / 2400)))
    t = start
    while t < end:
        t += rng.expovariate(1 / (5 * 86400))
        offline.append((t, t + rng.expovariate(1 / 7200)))
    t = start
    while t < end:
        t += rng.expovariate(1 / (20 * 86400))
        error.append((t, t + rng.expovariate(1 / 3600)))
    points = {start, end}
    day = datetime.fromtimestamp(start, VN_TZ).date()
    for k in range(days + 1):
        if hours:
            points.update((local(day + timedelta(days=k), hours[0]), local(day + timedelta(days=k), hours[1])))
    for spans in (dark, offline, error):
        for a, b in spans:
            points.update((a, b))
    cuts = sorted(p for p in points if start <= p <= end)

    def inside(spans, x):
        k = bisect.bisect_right(spans, (x, float("inf"))) - 1
        return k >= 0 and spans[k][0] <= x < spans[k][1]

    runs = []
    for a, b in zip(cuts, cuts[1:]):
        if b <= a:
            continue
        mid = (a + b) / 2
        if inside(dark, mid):
            continue
        if hours:
            h = (datetime.fromtimestamp(mid, VN_TZ) - datetime.fromtimestamp(mid, VN_TZ).replace(hour=0, minute=0, second=0, microsecond=0)).total_seconds() / 3600
            state = "on" if hours[0] <= h < hours[1] else "scheduled_off"
        else:
            state = "on"
        if state == "on" and inside(error, mid):
            state = "error"
        runs.append([a, b, state, not inside(offline, mid)])
    return runs


def beats_of(runs) -> list[uptime.Beat]:
    """The heartbeats a board following `runs` sends: every 30 s on a fixed grid while running."""
    out = []
    for a, b, state, live in runs:
        t = a + (-a) % STEP  # the board's 30 s grid
        while t < b:
            out.append(uptime.Beat(t, state, live, STEP))
            t += STEP
    return out


def intervals_of(runs) -> list[uptime.Interval]:
    """The shortcut: what `compact(beats_of(runs))` gives, computed from the run boundaries."""
    beats_per_run = []
    for a, b, state, live in runs:
        first = a + (-a) % STEP
        if first >= b:
            continue
        last = first + STEP * int((b - first - 1e-9) // STEP)
        beats_per_run.append((first, last, state, live))
    # Adjacent runs with a shared grid are contiguous; compact the boundary beats with their real spacing.
    boundary = []
    for first, last, state, live in beats_per_run:
        boundary.append(uptime.Beat(first, state, live, STEP))
        if last > first:
            # Stand-in for the 30 s beats in between: one beat whose grace reaches exactly to last + 75.
            span = last - first
            boundary[-1] = uptime.Beat(first, state, live, (span + GRACE) / uptime.GRACE_FACTOR)
            boundary.append(uptime.Beat(last, state, live, STEP))
    return uptime.compact(boundary)


def check_model(samples: int = 4) -> None:
    rng = random.Random(7)
    start = local(date(YEAR, 3, 1))
    for k in range(samples):
        runs = board_runs(rng, start, 7, (6, 22) if k % 2 else None)
        exact = uptime.compact(beats_of(runs))
        assert intervals_of(runs) == exact, "the shortcut must equal real compaction"
    print(f"model check: shortcut == compact(30 s heartbeats) on {samples} board-weeks")


def setup(db, boards: int) -> list[dict]:
    db["catalogues"].insert(dict(id=CATALOGUE, name="bench", version="1", source="bench", imported_at="x", is_current=0))
    units = [dict(catalogue=CATALOGUE, code=PROVINCE, name="Tỉnh Đo", kind="province", level=1, parent_code=None, province_code=PROVINCE)]
    kinds = ["commune"] * 100 + ["ward"] * 45 + ["special_zone"] * 5
    for k, kind in enumerate(kinds):
        units.append(dict(catalogue=CATALOGUE, code=f"99{k:03d}", name=f"Đơn vị {k}", kind=kind, level=3, parent_code=PROVINCE, province_code=PROVINCE))
    db["units"].insert_all(units)
    groups = [dict(grouping="huyen-cu", catalogue=CATALOGUE, province_code=PROVINCE, group_code=f"G{k % 10}",
                   group_name=f"Nhóm {k % 10}", unit_code=f"99{k:03d}") for k in range(150)]
    db["unit_groups"].insert_all(groups)
    rows = []
    for b in range(boards):
        large = b % 8 == 0
        rows.append(dict(id=f"b{b:04d}", name=f"Bảng {b}", unit_catalogue=CATALOGUE, unit_code=f"99{b % 150:03d}",
                         board_class="large" if large else "commune",
                         operating_hours=json.dumps([] if large else [{"weekdays": [1, 2, 3, 4, 5, 6, 7], "start": "06:00", "end": "22:00"}]),
                         heartbeat_interval_s=STEP, created_at="x"))
    db["boards"].insert_all(rows)
    # What the manager keeps for each board: its hours from the start, and (for one in ten) a change mid-year.
    history = [dict(board_id=r["id"], from_at=0, hours=r["operating_hours"]) for r in rows]
    history += [dict(board_id=r["id"], from_at=local(date(YEAR, 7, 1)), hours=r["operating_hours"]) for r in rows[::10]]
    db["board_hours"].insert_all(history)
    return rows


def fill_year(db, boards: list[dict], days: int) -> int:
    rng = random.Random(2025)
    start = local(date(YEAR, 1, 1))
    total = 0
    for row in boards:
        hours = None if row["board_class"] == "large" else (6, 22)
        ivs = intervals_of(board_runs(rng, start, days, hours))
        db.conn.executemany("INSERT INTO board_intervals VALUES (?, ?, ?, ?, ?)",
                            [(row["id"], iv.start, iv.end, iv.state, int(iv.connected)) for iv in ivs])
        seq = 0
        cps = []
        starts = [iv.start for iv in ivs]
        h2 = "0" * 64
        for d in range(days):
            count = 2880
            # Linked as sealing links them (each run's first prev_hash is the last hash before it), so the
            # chain checks walk every checkpoint of the year, as they do on a real record.
            h1, h2 = h2, hashlib.sha256(f"{row['id']}{d}b".encode()).hexdigest()
            # Each day's checkpoint spans from the previous one's last heartbeat, with its intervals' digest (issue 16).
            lo, hi = start + d * 86400 - 30 if d else start, start + (d + 1) * 86400 - 30
            near = ivs[max(0, bisect.bisect_right(starts, lo) - 1):bisect.bisect_left(starts, hi)]
            tail = json.dumps([[hi, "on", 1, STEP]])
            cps.append((row["id"], seq, seq + count - 1, count, h1, h2, start + d * 86400, hi,
                        1, None, None, rng.random() * 3, 0, start + (d + 1) * 86400, lo, hi,
                        evidence.interval_digest(near, lo, hi), tail))
            seq += count
        db.conn.executemany("INSERT INTO chain_checkpoints VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", cps)
        total += len(ivs)
    db.conn.commit()
    return total


def raw_hour(db, boards: list[dict], now: float) -> int:
    """One hour of raw heartbeats per board, as left by `seal-heartbeats --keep-hours 1`."""
    n = 0
    for row in boards:
        chain = Chain(STEP)
        chain.seq = 10_000_000
        hbs = [chain.beat(t) for t in range(int(now - 3600), int(now), STEP)]
        rows = [(row["id"], hb.seq, hb.board_time.timestamp(), hb.board_time.timestamp(), hb.board_time.timestamp(), 0.0,
                 "on", 0, STEP, None, hb.prev_hash, hb.hash, hb.model_dump_json()) for hb in hbs]
        db.conn.executemany("INSERT INTO heartbeats (board_id, seq, placed_at, board_time, received_at, clock_skew_s, display_state, "
                            "recorded_offline, interval_s, manifest_version, prev_hash, hash, payload) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        n += len(rows)
    db.conn.commit()
    return n


def bench_ingest(db, n: int = 2880) -> float:
    board = dict(id="ingest", name="x", unit_catalogue=CATALOGUE, unit_code="99000", created_at="x", last_seq=None)
    db["boards"].insert(board)
    chain = Chain(STEP)
    t0 = local(date(YEAR + 1, 2, 1))
    hbs = [chain.beat(t0 + k * STEP) for k in range(n)]
    started = time.perf_counter()
    for hb in hbs:
        with db.atomic():
            heartbeats.ingest(db, "ingest", [hb], hb.board_time.timestamp(), 120)
    elapsed = time.perf_counter() - started
    stored = db.execute("SELECT count(*) FROM board_intervals WHERE board_id = 'ingest'").fetchone()[0]
    assert stored == 1, "a day of regular heartbeats is one interval"
    db.execute("DELETE FROM heartbeats WHERE board_id = 'ingest'")
    db.execute("DELETE FROM board_intervals WHERE board_id = 'ingest'")
    db.execute("DELETE FROM boards WHERE id = 'ingest'")
    db.conn.commit()
    return n / elapsed


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boards", type=int, default=400)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    check_model()
    path = args.db or Path(tempfile.mkdtemp(prefix="uptime-bench-")) / "bench.db"
    if path.exists():
        path.unlink()
    db = connect(path)
    migrate(db)
    boards = setup(db, args.boards)
    rate = bench_ingest(db)
    print(f"ingest (live, one heartbeat per transaction, with compaction): {rate:.0f} heartbeats/s "
          f"(load of {args.boards} boards at 30 s: {args.boards / STEP:.1f}/s)")
    started = time.perf_counter()
    n_iv = fill_year(db, boards, args.days)
    now = local(date(YEAR, 1, 1)) + args.days * 86400
    n_raw = raw_hour(db, boards, now)
    print(f"built {args.days} days: {n_iv} intervals, {args.boards * args.days} checkpoints, {n_raw} raw heartbeats "
          f"in {time.perf_counter() - started:.0f} s")
    db.execute("ANALYZE")
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.execute("VACUUM")
    size = os.path.getsize(path)
    tables = {}
    for name in ("board_intervals", "chain_checkpoints", "heartbeats"):
        try:
            tables[name] = db.execute("SELECT sum(pgsize) FROM dbstat WHERE name = ?", [name]).fetchone()[0]
        except Exception:  # dbstat is optional in SQLite builds
            tables[name] = None
    print(f"database: {size / 1e6:.1f} MB " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in tables.items() if v))
    db.close()
    inds = indicators.load()
    for label, key, series in (("year", str(YEAR), False), ("year + chart series", str(YEAR), True),
                               ("month", f"{YEAR}-06", False), ("month + chart series (daily)", f"{YEAR}-06", True)):
        fresh = connect(path)  # a cold connection, as a request would use
        p = periods.parse(key)
        seconds, report = timed(lambda: build.province_report(fresh, CATALOGUE, PROVINCE, p, now, inds, series=series))
        values = ", ".join(f"{r.indicator.id} {r.value_pct:.1f}%" for r in report.results if r.value_pct is not None)
        print(f"indicator report, {label}: {seconds:.2f} s ({values})")
        fresh.close()
    # The whole page's data (indicators, series, board table with clock figures and quick chain checks).
    state = SimpleNamespace(store=Store(path), clock=SimpleNamespace(time=lambda: now),
                            settings=SimpleNamespace(clock_tolerance_s=120))
    admin = Principal(0, "admin", "admin", None, None)
    seconds, view = timed(lambda: service.province_view(state, admin, CATALOGUE, PROVINCE, str(YEAR)))
    print(f"auditor page data, year (tables, charts, clock, chain checks): {seconds:.2f} s")
    print(f"database file: {path}")


if __name__ == "__main__":
    main()
