"""The soak: a province of boards for ten minutes, heartbeats every 30 s, one publish a minute.

Usage: .venv/bin/python bench/fleet_soak.py [--boards 10000] [--minutes 10]
Goal (issue 15): no errors, and manager RSS flat (under 5% growth after the
first two minutes, the warm-up). Uses bench/fleet.py's boards: each holds its
long-poll on its own socket and polls again after every answer; heartbeats
(one per board every 30 s, spread evenly) go over a pool of 100 connections,
as a board's report thread uses a connection of its own. Each minute an alert
for the province is broadcast or withdrawn in turn.
"""
import argparse
import asyncio
import os
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import fleet as F

HEARTBEAT_EVERY_S = 30
HEARTBEAT_CONNECTIONS = 100


async def soak(fleet: list[F.Board], port: int, pid: int, province: str, admin: str, seconds: float) -> dict:
    url = f"http://127.0.0.1:{port}"
    await F._connect(fleet, port)
    errors: list[str] = []
    answers = waited_out = 0
    stop = time.monotonic() + seconds

    async def hold(b: F.Board):
        nonlocal answers, waited_out
        while time.monotonic() < stop:
            try:
                if await b.manifest(F.WAIT_S, unchanged_ok=True) is None:
                    waited_out += 1  # nothing changed within the wait: a 304, as a real board gets it
                else:
                    answers += 1
            except Exception as exc:  # counted and shown: the soak's verdict is "no errors"
                errors.append(f"{b.id} poll: {exc!r}")
                await asyncio.sleep(1)

    async def beat(conns: list[F.Conn], share: list[F.Board]):
        conn_boards = [F.Board(b.id, b.token, conns[i % len(conns)], seq=b.seq) for i, b in enumerate(share)]
        gap = HEARTBEAT_EVERY_S / max(1, len(conn_boards))
        next_at = time.monotonic() + random.random() * gap
        i = 0
        while time.monotonic() < stop:
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            next_at += gap
            b = conn_boards[i % len(conn_boards)]
            i += 1
            try:
                await b.heartbeat(None)
            except Exception as exc:
                errors.append(f"{b.id} heartbeat: {exc!r}")

    async def publish():
        alert = None
        while time.monotonic() < stop - 30:
            await asyncio.sleep(60)
            try:
                if alert is None:
                    alert = await asyncio.to_thread(F._http, f"{url}/api/v1/alerts", "POST",
                                                    {"level": 3, "headline": "Diễn tập", "authority": "Ban Chỉ huy PTDS tỉnh", "units": [{"code": province}]}, admin)
                else:
                    await asyncio.to_thread(F._http, f"{url}/api/v1/alerts/{alert['id']}/withdraw", "POST", {}, admin)
                    alert = None
            except Exception as exc:
                errors.append(f"publish: {exc!r}")

    rss: list[tuple[float, float]] = []

    async def sample():
        started = time.monotonic()
        while time.monotonic() < stop:
            rss.append((time.monotonic() - started, F._proc_rss_mb(pid)[0]))
            await asyncio.sleep(10)

    pool = [await F.Conn.open(port) for _ in range(HEARTBEAT_CONNECTIONS)]
    per = [fleet[i::HEARTBEAT_CONNECTIONS // 10] for i in range(HEARTBEAT_CONNECTIONS // 10)]
    tasks = [*(hold(b) for b in fleet), *(beat(pool[i * 10:(i + 1) * 10], share) for i, share in enumerate(per)), publish(), sample()]
    await asyncio.gather(*tasks)
    warm = [mb for at, mb in rss if at >= 120]
    return {"errors": errors, "answers": answers, "waited_out": waited_out, "rss": rss, "growth": (warm[-1] - warm[0]) / warm[0] if len(warm) > 1 else None}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--boards", type=int, default=10000)
    parser.add_argument("--minutes", type=float, default=10)
    args = parser.parse_args()
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    import uvloop

    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        fleet, province, admin = F.make_province(Path(tmp) / "bench.db", args.boards)
        port = 18900
        proc = F.start([sys.executable, "-m", "manager", "--db", str(Path(tmp) / "bench.db"), "--port", str(port),
                        "--log-level", "warning"], f"http://127.0.0.1:{port}")
        try:
            result = uvloop.run(soak(fleet, port, proc.pid, province, admin, args.minutes * 60))
        finally:
            proc.terminate()
            proc.wait()
    print(f"boards {args.boards:,}, {args.minutes:g} min: {len(result['errors'])} errors, {result['answers']:,} new manifests, "
          f"{result['waited_out']:,} long-polls waited out (304)")
    kinds = Counter(line.split(":")[0].split()[-1] for line in result["errors"])
    if kinds:
        print("errors by kind:", dict(kinds))
    for line in result["errors"][:20]:
        print("  ", line)
    print("RSS MB every 10 s:", " ".join(f"{mb:.0f}" for _, mb in result["rss"]))
    if result["growth"] is not None:
        print(f"RSS growth after the 2-minute warm-up: {result['growth']:+.1%}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
