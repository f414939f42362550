"""A real manager under uvicorn on loopback, on its own SQLite file, for tests."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from manager.auth import create_api_token, create_user
from manager.db import connect
from manager.migrations import migrate
from manager import units
from tests import processes

ROOT = Path(__file__).resolve().parents[1]
ADMIN_PASSWORD = "quantri-12345"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client(requests.Session):
    """requests with a base URL and a bearer token."""

    def __init__(self, base_url: str, token: str | None = None):
        super().__init__()
        self.base_url = base_url
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", 30)
        return super().request(method, self.base_url + url if url.startswith("/") else url, *args, **kwargs)


class LiveManager:
    def __init__(self, workdir: Path, fake_clock: float | None = None, extra_args: list[str] | None = None):
        self.workdir = workdir
        self.db_path = workdir / "manager.db"
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.clock_file = workdir / "clock.txt" if fake_clock is not None else None
        if self.clock_file:
            self.set_clock(fake_clock)
        self.extra_args = extra_args or []
        db = connect(self.db_path)
        migrate(db)
        if not db.execute("SELECT 1 FROM units LIMIT 1").fetchone():
            units.import_current(db)
        with db.atomic():
            row = db.execute("SELECT id FROM users WHERE username = 'admin'").fetchone()
            admin_id = row[0] if row else create_user(db, "admin", ADMIN_PASSWORD, "admin")
            self.admin_token = create_api_token(db, admin_id, "tests")
        db.close()
        self.admin = Client(self.base_url, self.admin_token)
        self.proc: subprocess.Popen | None = None
        self.log_path = workdir / "manager.log"

    def set_clock(self, epoch: float) -> None:
        tmp = self.clock_file.with_suffix(".tmp")
        tmp.write_text(repr(float(epoch)))
        os.replace(tmp, self.clock_file)

    def start(self) -> "LiveManager":
        cmd = [sys.executable, "-m", "manager", "--db", str(self.db_path), "--host", "127.0.0.1", "--port", str(self.port),
               "--log-level", "warning", "--pairing-requests-per-address", "10000", *self.extra_args]
        if self.clock_file:
            cmd += ["--fake-clock-file", str(self.clock_file)]
        self._log = self.log_path.open("ab")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"manager exited: {self.log_path.read_text()[-3000:]}")
            try:
                if requests.get(self.base_url + "/openapi.json", timeout=1).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("manager did not start in 30 s")

    def stop(self) -> None:
        if self.proc:
            processes.stop(self.proc)
            self._log.close()
        self.proc = None

    # Helpers that go through the HTTP API, as an editor's tools would.

    def pair_board(self, unit_code: str = "00070", name: str = "Bảng tin thử", **claim) -> tuple[str, str]:
        """Pairs a new board end to end over HTTP; returns (board_id, token)."""
        code = requests.post(self.base_url + "/api/v1/pair", json={"software_version": "test"}, timeout=10).json()
        r = self.admin.post(f"/api/v1/pairings/{code['code']}/claim", json={"name": name, "unit_code": unit_code, **claim})
        r.raise_for_status()
        status = requests.get(f"{self.base_url}/api/v1/pair/{code['code']}", headers={"X-Pairing-Secret": code["secret"]}, timeout=10).json()
        return status["board_id"], status["token"]

    def board_client(self, token: str) -> Client:
        return Client(self.base_url, token)

    def upload(self, data: bytes, filename: str) -> dict:
        r = self.admin.post("/api/v1/assets", params={"filename": filename}, data=data)
        r.raise_for_status()
        return r.json()

    def publish(self, items: list[dict], target: dict, layout: str = "landscape-16x9", **schedule) -> tuple[dict, dict]:
        """Creates a playlist and an approved schedule for it; returns both."""
        r = self.admin.post("/api/v1/playlists", json={"name": "Thử nghiệm", "layout": layout, "items": items})
        r.raise_for_status()
        playlist = r.json()
        r = self.admin.post("/api/v1/schedules", json={"playlist_id": playlist["id"], "target": target, **schedule})
        r.raise_for_status()
        return playlist, self.approve_own(r.json()["id"])

    def approve_own(self, schedule_id: str) -> dict:
        """Submit and approve a schedule the administrator drafted: separation of duties lets an
        administrator do that only with a reason, which the audit log keeps."""
        self.admin.post(f"/api/v1/schedules/{schedule_id}/submit").raise_for_status()
        r = self.admin.post(f"/api/v1/schedules/{schedule_id}/approve", json={"reason": "Kiểm thử tự động: quản trị viên tự duyệt"})
        r.raise_for_status()
        return r.json()

    def emergency(self, level: int, headline: str, *, units: list[str] = (), boards: list[str] = (), **extra) -> dict:
        extra.setdefault("authority", "Ban Chỉ huy Phòng thủ dân sự tỉnh")
        r = self.admin.post("/api/v1/alerts", json={"level": level, "headline": headline, "units": [{"code": u} for u in units],
                                                    "boards": list(boards), **extra})
        r.raise_for_status()
        return r.json()
