"""GET /login latency while a bulk unit import holds the write lock and boards keep sending heartbeats.

Usage: .venv/bin/python bench/loop_latency.py [--seconds 15] [--units 20000] [--boards 200] [--root DIR]
`--root` runs the manager from another checkout (e.g. an older commit) for a before/after.
Prints a Markdown row for bench/README.md.

Issue 11: the heartbeat route waited for the database write lock on the event
loop, so while an import held it every request queued behind the heartbeat.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from manager import auth, boards, units  # noqa: E402
from manager.db import connect  # noqa: E402
from manager.migrations import migrate  # noqa: E402
from protocol.heartbeat import GENESIS_HASH, Heartbeat  # noqa: E402


def units_csv(count: int) -> bytes:
    """A three-tier catalogue of `count` units: one province, districts of 100 communes each."""
    lines = ["code,name,kind,parent_code", "99,Tỉnh Đo,province,"]
    districts = max(1, count // 100)
    for d in range(districts):
        lines.append(f"99{d:03d},Huyện {d},district,99")
        lines += [f"99{d:03d}{c:02d},Xã {d}-{c},commune,99{d:03d}" for c in range(100)]
    return ("\n".join(lines) + "\n").encode()


def prepare(db_path: Path, board_count: int) -> tuple[str, list[tuple[str, str]]]:
    db = connect(db_path)
    migrate(db)
    units.import_current(db)
    communes = [r[0] for r in db.execute("SELECT code FROM units WHERE level = 3 ORDER BY code").fetchall()]
    with db.atomic():
        admin = auth.create_user(db, "admin", "bench-password", "admin")
        token = auth.create_api_token(db, admin, "bench")
        made = []
        for n in range(board_count):
            board = boards.create(db, name=f"Bảng {n}", unit_code=communes[n % len(communes)])
            made.append((board["id"], boards.issue_token(db, board["id"])))
    db.close()
    return token, made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--units", type=int, default=20000)
    parser.add_argument("--boards", type=int, default=200)
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout to run the manager from")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-loop-"))
    token, made = prepare(work / "bench.db", args.boards)
    port = 18000 + os.getpid() % 1000
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(args.root)}
    server = subprocess.Popen([sys.executable, "-m", "manager", "--db", str(work / "bench.db"), "--port", str(port),
                               "--log-level", "warning"], cwd=args.root, env=env)
    try:
        for _ in range(100):
            try:
                if requests.get(base + "/login", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        stop = threading.Event()
        imports = []

        def importer():
            csv = units_csv(args.units)
            n = 0
            while not stop.is_set():
                t0 = time.monotonic()
                r = requests.post(base + "/api/v1/units/import-csv", params={"catalogue": f"bench-{n}", "name": "Đo", "version": "1"},
                                  data=csv, headers={"Authorization": f"Bearer {token}"}, timeout=120)
                r.raise_for_status()
                imports.append(time.monotonic() - t0)
                n += 1

        def heartbeats(mine):
            seqs = {board: 0 for board, _ in mine}
            session = requests.Session()
            while not stop.is_set():
                for board, tok in mine:
                    hb = Heartbeat(seq=seqs[board], board_time=datetime.now(timezone.utc), display_state="on",
                                   prev_hash=GENESIS_HASH).sealed()
                    seqs[board] += 1
                    session.post(f"{base}/api/v1/boards/{board}/heartbeats", json={"heartbeats": [hb.model_dump(mode="json")]},
                                 headers={"Authorization": f"Bearer {tok}"}, timeout=60)
                    if stop.is_set():
                        break

        workers = [threading.Thread(target=importer)] + [threading.Thread(target=heartbeats, args=(made[k::4],)) for k in range(4)]
        for w in workers:
            w.start()
        latencies = []
        session = requests.Session()
        deadline = time.monotonic() + args.seconds
        while time.monotonic() < deadline:
            t0 = time.monotonic()
            session.get(base + "/login", timeout=60).raise_for_status()
            latencies.append((time.monotonic() - t0) * 1000)
            time.sleep(0.05)
        stop.set()
        for w in workers:
            w.join(120)
        latencies.sort()
        p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
        print(f"| {args.root.name} | {len(imports)} imports of {args.units:,} units ({statistics.mean(imports):.2f} s each) | "
              f"{len(latencies)} | {p(0.5):.0f} ms | {p(0.95):.0f} ms | {latencies[-1]:.0f} ms |")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
