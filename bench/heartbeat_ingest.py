"""Heartbeat ingest and manifest 304 rate against one manager on loopback.

Usage: .venv/bin/python bench/heartbeat_ingest.py [--boards 1000 10000] [--seconds 20]
Needs `wrk` (apt-get install wrk). Prints a Markdown table for bench/README.md.
The manager runs as `python -m manager` (uvicorn, one process) on a fresh
SQLite file; wrk sends one heartbeat per request, boards in turn, over 64
connections; then each board asks for its manifest with the ETag it holds.
"""
import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from manager import boards, units  # noqa: E402
from manager.db import connect  # noqa: E402
from manager.migrations import migrate  # noqa: E402


def make_boards(db_path: Path, count: int) -> list[tuple[str, str]]:
    db = connect(db_path)
    migrate(db)
    units.import_current(db)
    communes = [r[0] for r in db.execute("SELECT code FROM units WHERE level = 3 ORDER BY code").fetchall()]
    made = []
    with db.atomic():
        for n in range(count):
            board = boards.create(db, name=f"Bảng {n}", unit_code=communes[n % len(communes)])
            made.append((board["id"], boards.issue_token(db, board["id"])))
    db.close()
    return made


def wait_up(url: str) -> None:
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "/openapi.json", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("manager did not start")


def run_wrk(script: str, lines: list[str], url: str, seconds: int, workdir: Path) -> dict:
    listing = workdir / f"{script}.txt"
    listing.write_text("\n".join(lines) + "\n")
    out = subprocess.run(["wrk", "-t1", "-c64", f"-d{seconds}s", "--latency", "-s", str(ROOT / "bench" / script), url],
                         env={**os.environ, "BANGTIN_BOARDS": str(listing)}, capture_output=True, text=True, check=True).stdout

    def latency(pct: str) -> str:
        m = re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M)
        return m.group(1) if m else "?"

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rate": rate, "p50": latency("50"), "p99": latency("99"), "errors": int(errors.group(1)) if errors else 0}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--boards", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print("| boards | heartbeats/s | p50 | p99 | non-2xx | manifest 304/s | p50 | p99 |")
    print("|---|---|---|---|---|---|---|---|")
    for count in args.boards:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            db_path = workdir / "bench.db"
            made = make_boards(db_path, count)
            port = 18000 + count % 1000
            url = f"http://127.0.0.1:{port}"
            server = subprocess.Popen([sys.executable, "-m", "manager", "--db", str(db_path), "--port", str(port),
                                       "--log-level", "warning"], cwd=ROOT)
            try:
                wait_up(url)
                hb = run_wrk("heartbeats.lua", [f"{b} {t}" for b, t in made], url, args.seconds, workdir)
                etags = []
                for board_id, token in made:
                    req = urllib.request.Request(f"{url}/api/v1/boards/{board_id}/manifest", headers={"Authorization": f"Bearer {token}"})
                    with urllib.request.urlopen(req) as r:
                        etags.append(f"{board_id} {token} {r.headers['ETag']}")
                m = run_wrk("manifest304.lua", etags, url, args.seconds, workdir)
            finally:
                server.terminate()
                server.wait()
            print(f"| {count:,} | {hb['rate']:,.0f} | {hb['p50']} | {hb['p99']} | {hb['errors']} | {m['rate']:,.0f} | {m['p50']} | {m['p99']} |")


if __name__ == "__main__":
    main()
