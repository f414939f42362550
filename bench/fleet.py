"""A province of boards against one manager: alert fan-out, schedule change, assets, heartbeats.

Usage: .venv/bin/python bench/fleet.py --boards 1000 5000 10000 [--ingest-seconds 15]
Diagnostics (not for the tables): --no-acks (boards do not acknowledge the
alert), --servers manager (no floor, no ratios).
Needs `wrk` for the heartbeat ingest (apt-get install wrk) and a file limit
above twice the boards (ulimit -n). Prints Markdown tables for bench/README.md.

For each N, on a fresh SQLite file: N boards spread over the communes of one
province, one `python -m manager` process, and a client in this process with
one raw socket per board (asyncio + uvloop, a few dozen lines of HTTP/1.1, so
that the client costs little beside the server). Each board:

1. fetches its manifest, then long-polls with its ETag (`wait=55`);
2. an alert for the province is broadcast: the answer times, from just before
   the broadcast request, are the alert's first/p50/p95/last; each board then
   sends the heartbeat that reports the alert on screen, and the time of its
   acknowledgement is the alert's time to acknowledgement;
3. long-polls again; a schedule with a new picture is approved for the
   province: the answer times, then each board fetches the picture in two
   Range requests (the time the last byte arrives is "assets");
4. long-polls again while wrk sends heartbeats over 64 connections.

The manager's CPU time (user + system, from /proc) covers steps 2 and 3, its
RSS is read at the end. Then the same runs against `bench/fleet_floor.py`,
the no-op floor on the same uvicorn, and the ratios are printed.
"""
import argparse
import asyncio
import io
import json
import os
import platform
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from manager import boards, units  # noqa: E402
from manager.auth import create_api_token, create_user  # noqa: E402
from manager.db import connect  # noqa: E402
from manager.migrations import migrate  # noqa: E402

WAIT_S = 55
ASSET_DOWNLOADS_AT_ONCE = 2000
TICK = os.sysconf("SC_CLK_TCK")


# --- the boards' side: HTTP/1.1 on raw sockets ---------------------------------------------

class Conn:
    """One board's keep-alive connection; reopened, as a board would, when the server closed it while idle."""

    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.reopened = 0

    @classmethod
    async def open(cls, port: int) -> "Conn":
        conn = cls(port)
        conn.reader, conn.writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
        return conn

    async def request(self, method: str, path: str, headers: dict, body: bytes = b"") -> tuple[int, dict, bytes]:
        try:
            return await self._request(method, path, headers, body)
        except (asyncio.IncompleteReadError, ConnectionResetError, BrokenPipeError):
            # uvicorn closes a keep-alive connection idle for 5 s: a board simply connects again.
            self.writer.close()
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port, limit=1 << 20)
            self.reopened += 1
            return await self._request(method, path, headers, body)

    async def _request(self, method: str, path: str, headers: dict, body: bytes = b"") -> tuple[int, dict, bytes]:
        lines = [f"{method} {path} HTTP/1.1", "Host: bench", *(f"{k}: {v}" for k, v in headers.items())]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split(" ", 2)[1])
        got = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:] if line)}
        length = int(got.get("content-length", 0))
        return status, got, (await self.reader.readexactly(length) if length else b"")

    def close(self) -> None:
        self.writer.close()


@dataclass
class Board:
    id: str
    token: str
    conn: Conn | None = None
    etag: str = ""
    seq: int = 0
    marks: dict = field(default_factory=dict)

    @property
    def auth(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    async def manifest(self, wait: int = 0, unchanged_ok: bool = False) -> bytes | None:
        """The new manifest; None for a 304 when `unchanged_ok` (a long-poll that waited out `wait`)."""
        headers = {**self.auth, **({"If-None-Match": self.etag} if self.etag else {})}
        status, got, body = await self.conn.request("GET", f"/api/v1/boards/{self.id}/manifest" + (f"?wait={wait}" if wait else ""), headers)
        if status == 304 and unchanged_ok:
            return None
        if status != 200:
            raise RuntimeError(f"{self.id}: manifest answered {status}")
        self.etag = got["etag"]
        return body

    async def heartbeat(self, alert: str | None) -> None:
        self.seq += 1
        hb = {"seq": self.seq, "board_time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "display_state": "on",
              "interval_s": 30, "software_version": "bench", "alert": alert}
        status, _, _ = await self.conn.request("POST", f"/api/v1/boards/{self.id}/heartbeats",
                                               {**self.auth, "Content-Type": "application/json"}, json.dumps({"heartbeats": [hb]}).encode())
        if status != 200:
            raise RuntimeError(f"{self.id}: heartbeat answered {status}")

    async def fetch_asset(self, url: str, size: int) -> None:
        half = size // 2
        for first, last in ((0, half - 1), (half, size - 1)):
            status, _, body = await self.conn.request("GET", url, {**self.auth, "Range": f"bytes={first}-{last}"})
            if status != 206 or len(body) != last - first + 1:
                raise RuntimeError(f"{self.id}: asset range answered {status} with {len(body)} bytes")


async def _limited(coros, limit: int = 400) -> list:
    gate = asyncio.Semaphore(limit)

    async def one(c):
        async with gate:
            return await c
    return await asyncio.gather(*(one(c) for c in coros))


async def _connect(fleet: list[Board], port: int) -> None:
    async def one(b: Board):
        b.conn = await Conn.open(port)
        b.etag = ""
        await b.manifest()
    await _limited([one(b) for b in fleet])


async def _settled(pid: int, quiet_share: float = 0.05, window_s: float = 0.5, at_most_s: float = 120) -> None:
    """Returns once the server has been (nearly) idle for a window: on a shared machine a fixed pause is
    sometimes too short, and a publish sent while polls still queue measures the queue."""
    await asyncio.sleep(1)
    deadline = time.monotonic() + at_most_s
    while time.monotonic() < deadline:
        before = _proc_cpu(pid)
        await asyncio.sleep(window_s)
        if _proc_cpu(pid) - before <= quiet_share * window_s:
            return
    raise RuntimeError(f"the server did not settle within {at_most_s:.0f} s")


async def _fan_out(fleet: list[Board], publish, after_answer, name: str, pid: int) -> dict:
    """Every board long-polls; `publish()` runs; answer and follow-up times from just before it."""
    async def hold(b: Board):
        body = await b.manifest(WAIT_S)
        b.marks[name] = time.perf_counter()
        await after_answer(b, body)
        b.marks[name + "+"] = time.perf_counter()

    polls = [asyncio.ensure_future(hold(b)) for b in fleet]
    await _settled(pid)  # every poll has reached the server and is held
    if any(p.done() for p in polls):
        raise RuntimeError("a poll was answered before anything changed")
    t0 = time.perf_counter()
    await publish()
    published = time.perf_counter() - t0
    await asyncio.wait_for(asyncio.gather(*polls), WAIT_S * 5)  # answers come within the wait; follow-ups may take longer
    answers = sorted(b.marks[name] - t0 for b in fleet)
    follow = sorted(b.marks[name + "+"] - t0 for b in fleet)
    return {"published": published, "first": answers[0], "p50": statistics.median(answers), "p95": answers[int(len(answers) * 0.95) - 1],
            "last": answers[-1], "then_p50": statistics.median(follow), "then_p95": follow[int(len(follow) * 0.95) - 1],
            "then_last": follow[-1]}


# --- the servers -----------------------------------------------------------------------------

def _proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def _proc_rss_mb(pid: int) -> tuple[float, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    kb = lambda key: int(re.search(rf"^{key}:\s+(\d+)", status, re.M).group(1))  # noqa: E731
    return kb("VmRSS") / 1024, kb("VmHWM") / 1024


def _http(url: str, method: str = "GET", body: dict | None = None, token: str | None = None) -> dict:
    req = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read() or b"{}")


def _wait_up(url: str) -> None:
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/openapi.json", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not start")


def _png(side: int = 181) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buf, "PNG")
    return buf.getvalue()


def make_province(db_path: Path, count: int) -> tuple[list[Board], str, str]:
    """N boards over the communes of the province with the most; returns them, the province code, an admin token."""
    db = connect(db_path)
    migrate(db)
    units.import_current(db)
    province = db.execute("SELECT province_code FROM units WHERE level = 3 GROUP BY province_code ORDER BY COUNT(*) DESC LIMIT 1").fetchone()[0]
    communes = [r[0] for r in db.execute("SELECT code FROM units WHERE level = 3 AND province_code = ? ORDER BY code", [province])]
    fleet = []
    with db.atomic():
        for n in range(count):
            board = boards.create(db, name=f"Bảng {n}", unit_code=communes[n % len(communes)])
            fleet.append(Board(board["id"], boards.issue_token(db, board["id"])))
        token = create_api_token(db, create_user(db, "bench", None, "admin"), "bench")
    db.close()
    return fleet, province, token


def run_wrk(fleet: list[Board], url: str, seconds: int, workdir: Path) -> float:
    listing = workdir / "boards.txt"
    listing.write_text("".join(f"{b.id} {b.token}\n" for b in fleet))
    out = subprocess.run(["wrk", "-t1", "-c64", f"-d{seconds}s", "-s", str(ROOT / "bench" / "heartbeats.lua"), url],
                         env={**os.environ, "BANGTIN_BOARDS": str(listing), "BANGTIN_FIRST_SEQ": "999"}, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"wrk: {errors.group(1)} heartbeats refused")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


async def run_against(server: str, fleet: list[Board], port: int, pid: int, province: str, admin: str, asset: bytes,
                      ingest_s: int, workdir: Path, sizes: dict, acks: bool = True) -> dict:
    """`sizes`: the manager's answer sizes, which the floor then answers with; `acks`: False to leave out the
    heartbeats that acknowledge the alert (a diagnostic: what the alert's answers cost without them)."""
    url = f"http://127.0.0.1:{port}"
    await _connect(fleet, port)
    cpu0 = _proc_cpu(pid)
    if server == "manager":
        async def publish_alert():
            await asyncio.to_thread(_http, f"{url}/api/v1/alerts", "POST",
                                    {"level": 5, "headline": "Sơ tán khẩn cấp", "authority": "Ban Chỉ huy PTDS tỉnh", "units": [{"code": province}]}, admin)

        async def ack(b: Board, body: bytes):
            alerts = json.loads(body)["alerts"]
            if not alerts:
                raise RuntimeError(f"{b.id}: answered without the alert")
            sizes["alert"] = len(body)
            if acks:
                await b.heartbeat(alerts[0]["id"])
    else:
        async def publish_alert():
            await asyncio.to_thread(_http, f"{url}/signal?size={sizes['alert']}", "POST", {})

        async def ack(b: Board, body: bytes):
            if acks:
                await b.heartbeat("a-floor")
    alert = await _fan_out(fleet, publish_alert, ack, "alert", pid)

    if server == "manager":
        sha = await asyncio.to_thread(_upload, url, admin, asset)
        playlist = await asyncio.to_thread(_http, f"{url}/api/v1/playlists", "POST", {"name": "Lịch mới", "items": [
            {"zone": "main", "kind": "image", "asset": sha, "duration_s": 10}]}, admin)
        schedule = await asyncio.to_thread(_http, f"{url}/api/v1/schedules", "POST", {
            "playlist_id": playlist["id"], "target": {"kind": "unit", "id": province}}, admin)
        await asyncio.to_thread(_http, f"{url}/api/v1/schedules/{schedule['id']}/submit", "POST", {}, admin)

        async def publish_schedule():
            await asyncio.to_thread(_http, f"{url}/api/v1/schedules/{schedule['id']}/approve", "POST",
                                    {"reason": "bench: one administrator plays every role"}, admin)
    else:
        sha = "f" * 64

        async def publish_schedule():
            await asyncio.to_thread(_http, f"{url}/signal?size={sizes['schedule']}", "POST", {})

    # At most this many downloads at once: each open file is a descriptor beside the boards' sockets,
    # and 10,000 of each exceed the 20,000 descriptors a process may hold here (a board retries; nginx
    # in front serves the bytes in production).
    downloads = asyncio.Semaphore(ASSET_DOWNLOADS_AT_ONCE)

    async def fetch(b: Board, body: bytes):
        if server == "manager":
            sizes["schedule"] = len(body)
        async with downloads:
            await b.fetch_asset(f"/assets/{sha}", len(asset))
    schedule_change = await _fan_out(fleet, publish_schedule, fetch, "schedule", pid)
    cpu = _proc_cpu(pid) - cpu0

    holding = [asyncio.ensure_future(b.manifest(WAIT_S)) for b in fleet]  # boards keep polling while heartbeats pour in
    await _settled(pid)
    rate = await asyncio.to_thread(run_wrk, fleet, url, ingest_s, workdir)
    rss, peak = _proc_rss_mb(pid)
    for poll in holding:
        poll.cancel()
    for b in fleet:
        b.conn.close()
    return {"alert": alert, "schedule": schedule_change, "cpu": cpu, "rss": rss, "peak": peak, "heartbeats": rate}


def _upload(url: str, token: str, data: bytes) -> str:
    req = urllib.request.Request(f"{url}/api/v1/assets?filename=bench.png", data=data, method="POST",
                                 headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())["sha256"]


def start(cmd: list[str], url: str) -> subprocess.Popen:
    port = int(url.rsplit(":", 1)[1])
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: the last run's closed sockets do not count
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:  # else the bench would measure whatever holds it, and fail on its tokens
            raise SystemExit(f"port {port} is taken (another bench?): choose others with --port") from None
    proc = subprocess.Popen(cmd, cwd=ROOT)
    _wait_up(url)
    return proc


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--boards", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--ingest-seconds", type=int, default=15)
    parser.add_argument("--no-acks", action="store_true", help="diagnostic: boards do not acknowledge the alert")
    parser.add_argument("--servers", nargs="+", choices=("manager", "floor"), default=["manager", "floor"],
                        help="diagnostic: run only these (the ratios need both)")
    parser.add_argument("--port", type=int, default=18600, help="the manager's port, the floor's the next one "
                        "(two benches at once on one machine need ports of their own, and measure each other)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < max(args.boards) + 100:
        raise SystemExit(f"the file limit ({hard}) is below the boards: raise ulimit -n")
    import uvloop

    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average before: {os.getloadavg()[0]:.2f}")
    rows = []
    for count in args.boards:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            fleet, province, admin = make_province(workdir / "bench.db", count)
            asset = _png()
            results, sizes = {}, {}
            for server in args.servers:
                port = args.port + (0 if server == "manager" else 1)
                url = f"http://127.0.0.1:{port}"
                cmd = ([sys.executable, "-m", "manager", "--db", str(workdir / "bench.db"), "--port", str(port), "--log-level", "warning"]
                       if server == "manager" else [sys.executable, str(ROOT / "bench" / "fleet_floor.py"), "--port", str(port),
                                                    "--asset-bytes", str(len(asset))])
                proc = start(cmd, url)
                try:
                    results[server] = uvloop.run(run_against(server, fleet, port, proc.pid, province, admin, asset,
                                                             args.ingest_seconds, workdir, sizes, not args.no_acks))
                finally:
                    proc.terminate()
                    proc.wait()
            rows.append((count, results, os.getloadavg()[0]))
            _print_rows(rows)


def _print_rows(rows) -> None:
    """Times from just before the publishing request; "request" is that request's own answer time."""
    print("\n| boards | server | alert: request | first | p50 | p95 | last | acknowledged p95 | last | schedule: request | first "
          "| p50 | p95 | last | assets fetched (last) | CPU s | RSS MB (peak) | heartbeats/s |")
    print("|" + "---|" * 18)
    for count, results, load in rows:
        for server, r in results.items():
            a, s = r["alert"], r["schedule"]
            print(f"| {count:,} | {server} | {ms(a['published'])} | {ms(a['first'])} | {ms(a['p50'])} | {ms(a['p95'])} | {ms(a['last'])} "
                  f"| {ms(a['then_p95'])} | {ms(a['then_last'])} | {ms(s['published'])} | {ms(s['first'])} | {ms(s['p50'])} "
                  f"| {ms(s['p95'])} | {ms(s['last'])} | {ms(s['then_last'])} | {r['cpu']:.1f} | {r['rss']:.0f} ({r['peak']:.0f}) "
                  f"| {r['heartbeats']:,.0f} |")
        if len(results) == 2:
            m, f = results["manager"], results["floor"]
            ratios = " | ".join(f"{m[phase][key] / f[phase][key]:.1f}x" for phase, keys in (
                ("alert", ("published", "first", "p50", "p95", "last", "then_p95", "then_last")),
                ("schedule", ("published", "first", "p50", "p95", "last", "then_last"))) for key in keys)
            print(f"| {count:,} | manager / floor | {ratios} | {m['cpu'] / f['cpu']:.1f}x | | {m['heartbeats'] / f['heartbeats']:.2f} |")
        print(f"(load average at the end of the {count:,} run: {load:.2f})")


if __name__ == "__main__":
    main()
