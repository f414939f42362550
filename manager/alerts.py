"""Emergency warnings: on every targeted board's whole screen until they end.

An alert's area names units (with their catalogue), boards, or shapes
(polygons and circles, matched against boards' lat/lon by `manager.geo`).
A test alert reaches only boards marked as test boards.
"""
import json
import secrets
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlite_utils import Database

from manager import audit, geo
from manager.auth import Principal
from manager.errors import BadInput, NotFound
from protocol.manifest import Alert
from protocol.text import NFCStr
from protocol.timebase import UTCDateTime, iso, utcnow


class UnitRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str
    catalogue: str | None = None


class AlertIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: int = Field(ge=1, le=5)
    headline: NFCStr = Field(min_length=1, max_length=300)
    body: NFCStr = Field(default="", max_length=5000)
    # Who issued it (e.g. "Ban Chỉ huy PTDS tỉnh"): the boards show it as the warning's source. Required by the domain.
    authority: NFCStr = Field(default="", max_length=200)
    units: list[UnitRef] = Field(default_factory=list)
    boards: list[str] = Field(default_factory=list)
    starts_at: UTCDateTime | None = None
    ends_at: UTCDateTime | None = None
    test: bool = False


def _row_to_alert(row: dict) -> Alert:
    return Alert(id=row["id"], level=row["level"], headline=row["headline"], body=row["body"],
                 starts_at=row["starts_at"], ends_at=row["ends_at"], source=row["source"], test=bool(row["test"]))


def create(db: Database, *, level: int, headline: str, body: str, area: dict, starts_at: datetime,
           ends_at: datetime | None, source: str, test: bool = False, external_id: str | None = None,
           principal: Principal | None = None) -> dict:
    if not any(area.get(k) for k in ("units", "boards", "polygons", "circles")):
        raise BadInput("Cảnh báo cần có khu vực (đơn vị, bảng tin hoặc vùng bản đồ)", "an alert needs an area")
    if ends_at is not None and ends_at <= starts_at:
        raise BadInput("Thời điểm kết thúc phải sau thời điểm bắt đầu", "the end must come after the start")
    now = iso(utcnow())
    alert_id = "a-" + secrets.token_hex(6)
    db["alerts"].insert(dict(id=alert_id, level=level, headline=headline, body=body, starts_at=iso(starts_at),
                             ends_at=iso(ends_at) if ends_at else None, source=source, test=int(test),
                             area=json.dumps(area, ensure_ascii=False), external_id=external_id,
                             created_by=principal.user_id if principal else None, created_at=now, updated_at=now))
    audit.record(db, principal, "create", "alert", alert_id, level=level, headline=headline, source=source)
    return get(db, alert_id)


def update(db: Database, alert_id: str, principal: Principal | None = None, **fields) -> dict:
    get(db, alert_id)
    changes = {k: (iso(v) if isinstance(v, datetime) else v) for k, v in fields.items()}
    if "area" in changes:
        changes["area"] = json.dumps(changes["area"], ensure_ascii=False)
    changes["updated_at"] = iso(utcnow())
    db["alerts"].update(alert_id, changes)
    audit.record(db, principal, "update", "alert", alert_id, fields=sorted(fields))
    return get(db, alert_id)


def withdraw(db: Database, alert_id: str, principal: Principal | None = None, **why) -> dict:
    """`why` goes into the audit log (for a source's Cancel or all-clear: which message ended it)."""
    alert = get(db, alert_id)
    if not alert["withdrawn_at"]:
        db.execute("UPDATE alerts SET withdrawn_at = ?, updated_at = ? WHERE id = ?", [iso(utcnow()), iso(utcnow()), alert_id])
        audit.record(db, principal, "withdraw", "alert", alert_id, **why)
    return get(db, alert_id)


def get(db: Database, alert_id: str) -> dict:
    rows = list(db.query("SELECT * FROM alerts WHERE id = ?", [alert_id]))
    if not rows:
        raise NotFound(f"Không có cảnh báo {alert_id}", f"no alert {alert_id}")
    row = rows[0]
    row["area"] = json.loads(row["area"])
    row["acknowledged_by"] = [r[0] for r in db.execute("SELECT board_id FROM alert_acks WHERE alert_id = ? ORDER BY first_seen_at", [alert_id]).fetchall()]
    return row


def targets_board(area: dict, test: bool, board: dict, ancestry: list[str]) -> bool:
    """Whether an alert's area covers a board; `ancestry` is the board's unit and its parents."""
    if test and not board["is_test"]:
        return False
    if board["id"] in area.get("boards", []):
        return True
    for unit in area.get("units", []):
        if unit.get("catalogue") == board["unit_catalogue"] and unit.get("code") in ancestry:
            return True
    if (area.get("polygons") or area.get("circles")) and board["lat"] is not None and board["lon"] is not None:
        return geo.area_contains(area, board["lat"], board["lon"])
    return False


def live_ids(db: Database, now: datetime) -> list[str]:
    return [r[0] for r in db.execute("SELECT id FROM alerts WHERE withdrawn_at IS NULL AND (ends_at IS NULL OR ends_at > ?) ORDER BY starts_at DESC",
                                     [iso(now)]).fetchall()]


def for_board(db: Database, board: dict, ancestry: list[str], now: datetime) -> list[Alert]:
    """Alerts that have not ended or been withdrawn and that cover this board."""
    return [alert for row, alert in active(db, now) if targets_board(json.loads(row["area"]), bool(row["test"]), board, ancestry)]


def active(db: Database, now: datetime) -> list[tuple[dict, Alert]]:
    """Alerts that have not ended or been withdrawn, whatever they cover: (row, as boards get it)."""
    rows = db.query("SELECT * FROM alerts WHERE withdrawn_at IS NULL AND (ends_at IS NULL OR ends_at > ?) ORDER BY starts_at",
                    [iso(now)])
    return [(r, _row_to_alert(r)) for r in rows]
