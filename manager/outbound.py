"""What the manager tells the provincial source system: boards' status, play log, indicators.

The same three documents are served on `GET /api/v1/source-link/...` (read
by the source system with its own token) and pushed by `Pusher` to a
configured address on a schedule. Builders are functions of (db, now).
"""
import json
import logging
import threading
from datetime import datetime, timezone

import requests
from sqlite_utils import Database

from manager import indicators as ind
from manager import uptime
from manager.reports import build, period as periods
from protocol.timebase import VN_TZ, iso

log = logging.getLogger("bangtin.manager.outbound")
PLAYLOG_PAGE = 5000


def _epoch_iso(value: float | None) -> str | None:
    return iso(datetime.fromtimestamp(value, timezone.utc)) if value is not None else None


def status(db: Database, now: datetime) -> dict:
    """Every board: where it is, when it last reported, what it shows, which alert it acknowledges."""
    out = []
    for b in db.query("SELECT * FROM boards WHERE revoked_at IS NULL ORDER BY id"):
        last = db.execute("SELECT payload FROM heartbeats WHERE board_id = ? ORDER BY seq DESC LIMIT 1", [b["id"]]).fetchone()
        alert = json.loads(last[0]).get("alert") if last else None
        online = uptime.is_online(b["last_seen_at"], b["heartbeat_interval_s"], now.timestamp())
        out.append({
            "id": b["id"], "name": b["name"], "unit_catalogue": b["unit_catalogue"], "unit_code": b["unit_code"],
            "board_class": b["board_class"], "is_test": bool(b["is_test"]), "lat": b["lat"], "lon": b["lon"],
            "online": online, "last_seen_at": _epoch_iso(b["last_seen_at"]), "display_state": b["display_state"],
            "manifest_version": b["applied_version"], "software_version": b["software_version"], "alert_on_screen": alert,
        })
    return {"generated_at": iso(now), "boards": out}


def pushes(db: Database, limit: int) -> list[dict]:
    """The scheduled pushes to the source system, newest first."""
    return list(db.query("SELECT * FROM source_link_pushes ORDER BY id DESC LIMIT ?", [limit]))


def playlog(db: Database, since: float = 0.0, limit: int = PLAYLOG_PAGE) -> dict:
    """Play records the manager received after `since` (epoch seconds of receipt), oldest first.

    `next_since` is the cursor for the next call: ask again with it until `records` is empty.
    """
    rows = list(db.query("SELECT * FROM playlog WHERE received_at > ? ORDER BY received_at, board_id, seq LIMIT ?", [since, limit]))
    records = [{
        "board_id": r["board_id"], "seq": r["seq"], "item": r["item"], "playlist": r["playlist"], "alert": r["alert"],
        "zone": r["zone"], "kind": r["kind"], "asset": r["asset"], "started_at": _epoch_iso(r["started_at"]),
        "duration_s": r["duration_s"], "outcome": r["outcome"], "error": r["error"]} for r in rows]
    # Records received in the same instant as the last one returned would be skipped by a plain cursor;
    # receipt times are float seconds per batch, so the page ends on a whole batch unless it is full.
    next_since = rows[-1]["received_at"] if rows else since
    return {"since": since, "next_since": next_since, "records": records}


def indicators(db: Database, now: datetime, period_text: str | None = None, province: str | None = None) -> dict:
    """Indicators 1.5, 1.6, 2.2 (and the two-tier forms) per province with boards, for a period (default: this month)."""
    local = now.astimezone(VN_TZ)
    period = periods.parse(period_text or f"{local.year:04d}-{local.month:02d}")
    loaded = ind.load()
    provinces = [r[0] for r in db.execute(
        "SELECT DISTINCT u.catalogue || '|' || u.province_code FROM boards b JOIN units u "
        "ON u.catalogue = b.unit_catalogue AND u.code = b.unit_code WHERE b.revoked_at IS NULL")]
    out = []
    for key in sorted(provinces):
        catalogue, code = key.split("|")
        if province and code != province:
            continue
        report = build.province_report(db, catalogue, code, period, now.timestamp(), loaded, series=False)
        out.append({"catalogue": catalogue, "province_code": code, "province_name": report.province.get("name"), "indicators": [{
            "id": r.indicator.id, "number": r.indicator.number, "title_vi": r.indicator.title_vi, "title_en": r.indicator.title_en,
            "numerator": r.numerator, "denominator": r.denominator, "value_pct": r.value_pct, "target_pct": r.target_pct,
            "meets_target": r.meets_target} for r in report.results]})
    return {"generated_at": iso(now), "period": period.key, "provinces": out}


class Pusher:
    """POSTs {status, playlog, indicators} to the source system every interval; a failure is logged and retried next time.

    The play log cursor is kept in `source_link_pushes`, so nothing is skipped across restarts
    and a failed push sends the same records again.
    """

    def __init__(self, db_store, clock, url: str, token: str, interval_s: int):
        self.store, self.clock, self.url, self.token, self.interval_s = db_store, clock, url, token, interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.session = requests.Session()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="source-link-push", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 15) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.session.close()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.push_once()

    def push_once(self) -> bool:
        now = self.clock.now()
        with self.store.read() as db:
            row = db.execute("SELECT playlog_until FROM source_link_pushes WHERE ok = 1 ORDER BY id DESC LIMIT 1").fetchone()
            since = row[0] if row else 0.0
            log_part = playlog(db, since)
            body = {"status": status(db, now), "playlog": log_part, "indicators": indicators(db, now)}
        error, code = None, None
        try:
            response = self.session.post(self.url, json=body, timeout=30, headers={"Authorization": f"Bearer {self.token}"})
            code = response.status_code
            if code >= 300:
                error = f"HTTP {code}"
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}: {exc}"
        with self.store.write() as db:
            db["source_link_pushes"].insert(dict(at=iso(now), url=self.url, ok=int(error is None), status_code=code, error=error,
                                                 records=len(log_part["records"]), playlog_until=log_part["next_since"] if error is None else since))
        if error:
            log.warning("push to source system %s failed: %s", self.url, error)
        return error is None
