"""Faults a board meets in the field, made on loopback: a wrong server on the manager's port,
one that trickles, a full disk, a manager older than the board; and reading what the board and the
manager recorded."""
import email.utils
import errno
import http.server
import json
import os
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import requests
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from manager.api.http_errors import validation_message
from protocol.heartbeat import Heartbeat

DAY = 86400


class _Impostor(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _any(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        mode = self.server.mode
        if mode == "trickle":
            # 27 bytes in a minute and a half, as a broken proxy did in the field: never a whole answer.
            for byte in b"HTTP/1.1 200 OK\r\nContent-Le":
                if self.server.stopping.wait(3):
                    return
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    return  # the board gave up: good
            self.server.stopping.wait()
            return
        status, body = (503, b"Service Unavailable") if mode == "503" else (200, b'{"ok": true, "accepted": 30}')
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if status == 200 else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")  # once stopped, nothing of it lingers on a kept-alive socket
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    do_GET = do_POST = do_PUT = _any

    def date_time_string(self, timestamp=None):
        return email.utils.formatdate(time.time() + DAY, usegmt=True)  # a day ahead

    def log_message(self, *args):
        pass


class Impostor:
    """A server that is not the manager, on the manager's port: `mode` is '503' (with a `Date` a day
    ahead), 'junk' (200s with a body that proves nothing, same `Date`) or 'trickle'."""

    def __init__(self, port: int, mode: str):
        http.server.ThreadingHTTPServer.allow_reuse_address = True
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Impostor)
        self.server.daemon_threads = True
        self.server.mode = mode
        self.server.stopping = threading.Event()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.stopping.set()
        self.server.shutdown()
        self.server.server_close()


def outbox(data: Path, kind: str = "heartbeat") -> list[dict]:
    """The reports the board still holds, oldest first."""
    if not (data / "reports.db").exists():
        return []
    db = sqlite3.connect(f"file:{data / 'reports.db'}?mode=ro", uri=True)
    try:
        return [json.loads(r[0]) for r in db.execute("SELECT body FROM outbox WHERE kind = ? ORDER BY id", (kind,))]
    except sqlite3.OperationalError:
        return []
    finally:
        db.close()


def last_seq(data: Path) -> int:
    db = sqlite3.connect(f"file:{data / 'reports.db'}?mode=ro", uri=True)
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'heartbeat_seq'").fetchone()
        return int(row[0]) if row else -1
    finally:
        db.close()


def stored(manager, board_id: str) -> list[dict]:
    """The heartbeats the manager stored for the board, by seq, with where it placed them and its `late` verdict."""
    db = sqlite3.connect(f"file:{manager.db_path}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT payload, placed_at, received_at, late FROM heartbeats WHERE board_id = ? ORDER BY seq",
                          (board_id,)).fetchall()
    finally:
        db.close()
    return [{**json.loads(p), "placed_at": at, "received_at": rec, "late": bool(late)} for p, at, rec, late in rows]


def chain(manager, board_id: str) -> dict:
    r = manager.admin.get(f"/api/v1/reports/boards/{board_id}/chain")
    r.raise_for_status()
    return r.json()


class SmallDisk:
    """A tmpfs of `mb` megabytes (needs root, as CI runs); `fill` takes all its free space."""

    def __init__(self, path: Path, mb: int):
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        out = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={mb}m", "tmpfs", str(path)], capture_output=True)
        self.mounted = out.returncode == 0
        self.filler = path / "filler"

    def fill(self) -> None:
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            for size in (1 << 20, 1 << 16, 1 << 12, 1):  # down to the last byte
                try:
                    while True:
                        os.write(fd, bytes(size))
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
        finally:
            os.close(fd)

    def unfill(self) -> None:
        self.filler.unlink(missing_ok=True)

    def unmount(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.path)], capture_output=True)


class _BatchBeforeHeldS(BaseModel):
    """The heartbeat batch as managers from before `held_s` declared it."""

    model_config = ConfigDict(extra="forbid")
    heartbeats: list[Heartbeat] = Field(min_length=1, max_length=1000)


class _Older(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            _BatchBeforeHeldS.model_validate_json(body)
        except ValidationError as exc:  # refused as such a manager did: its bilingual 422
            errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
            vi, en = validation_message(errors)
            detail = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in errors]
            status, reply = 422, json.dumps({"error": "invalid", "message": vi, "message_en": en, "detail": detail}).encode()
        else:
            r = requests.post(self.server.target + self.path, data=body, timeout=30,
                              headers={"Authorization": self.headers["Authorization"], "Content-Type": "application/json"})
            status, reply = r.status_code, r.content
        self.server.answered.append(status)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


class OlderManager:
    """A manager from before `held_s`, made of the real one behind a proxy that validates heartbeat batches
    with the batch model of that time; `base_url` is the proxy's, `answered` its statuses in order."""

    def __init__(self, target: str):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Older)
        self.server.daemon_threads = True
        self.server.target, self.server.answered = target, []
        self.answered = self.server.answered
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
