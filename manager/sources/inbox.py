"""The inbox: every item a source offered, once, with what became of it.

Statuses: `pending` (waits for an editor), `published` (became or changed an
alert), `accepted` (news put into a playlist), `rejected` (by an editor),
`refused` (unreadable, expired, no area...: `reason` says why), `skipped`
(nothing to do, e.g. a Cancel for an alert we never had), `superseded` (a
later Update or Cancel replaced it while pending).

`receive` and `accept` return whether boards may see a change, so the
caller wakes long-polls after its transaction commits.
"""
import json
import logging
import secrets
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlite_utils import Database

from layouts import builtin_layouts
from manager import alerts, audit, content, units
from manager.domain import content as dcontent
from manager.auth import Principal, in_scope, require_role
from manager.cap import CapError, Mapped, area_is_empty, map_alert, parse_cap
from manager.errors import AppError, BadInput, Conflict, NotFound
from manager.sources import targeting
from manager.sources.base import InboundItem
from manager.sources.store import record_event
from protocol.manifest import ItemKind
from protocol.timebase import iso, utcnow

log = logging.getLogger("bangtin.manager.sources")


class UnitChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    catalogue: str = Field(min_length=1, max_length=50)
    code: str = Field(min_length=1, max_length=20)


class AcceptIn(BaseModel):
    """News: the playlist (scheduled as normal or priority) that gets the bulletin. CAP targeted by an
    area name that matched no single unit: the units the approver chose (`units`)."""

    model_config = ConfigDict(extra="forbid")

    units: list[UnitChoice] = Field(default_factory=list, max_length=500)

    playlist_id: str | None = None
    zone: str | None = None  # default: the layout's first bulletin zone
    duration_s: float = Field(default=20, gt=0, le=3600)


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=500)


def system_principal(source: dict) -> Principal:
    """Who acts when a source's rule publishes by itself (recorded as such in the audit log)."""
    return Principal(user_id=None, username=f"source:{source['name']}", role="admin", unit_catalogue=None, unit_code=None)


def _public(row: dict) -> dict:
    row = dict(row)
    row["payload"] = json.loads(row["payload"])
    row["test"] = bool(row["test"])
    return row


def _summary(row: dict) -> dict:
    return summary_of(_public(row))


def summary_of(item: dict) -> dict:
    """A list's row: the message's XML stays out (a list of 2,000 items would carry megabytes); `GET
    /api/v1/inbox/{id}` has it."""
    payload = dict(item["payload"])
    xml = payload.pop("cap_xml", None)
    payload["cap_xml_chars"] = len(xml) if xml else 0
    return {**item, "payload": payload}


def get(db: Database, inbox_id: int) -> dict:
    rows = list(db.query("SELECT * FROM inbox WHERE id = ?", [inbox_id]))
    if not rows:
        raise NotFound(f"Không có mục {inbox_id} trong hộp thư nguồn", f"no inbox item {inbox_id}")
    return _public(rows[0])


def list_items(db: Database, status: str | None = None, source_id: int | None = None, limit: int = 200, offset: int = 0,
               full: bool = False) -> list[dict]:
    """Newest first; `full` keeps each message's XML (the domain reads the area from it, then shows the summary)."""
    where, args = [], []
    if status:
        where.append("status = ?")
        args.append(status)
    if source_id is not None:
        where.append("source_id = ?")
        args.append(source_id)
    sql = "SELECT * FROM inbox" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id DESC LIMIT ? OFFSET ?"
    return [(_public if full else _summary)(r) for r in db.query(sql, args + [limit, offset])]


def _set(db: Database, inbox_id: int, **changes) -> None:
    db["inbox"].update(inbox_id, changes)


REFUSED_KEEP_CHARS = 65536
SETTLED = ("refused", "rejected", "skipped", "superseded")  # nothing on any board depends on these


def _refuse(db: Database, inbox_id: int, source: dict, exc: CapError) -> None:
    row = get(db, inbox_id)
    payload = {**row["payload"], "error": exc.code, "reason_en": exc.message_en, **({"element": exc.element} if exc.element else {})}
    if len(payload.get("cap_xml") or "") > REFUSED_KEEP_CHARS:
        # The reason is what an editor needs; a broken sender repeating a 5 MB document must not fill the disk.
        payload["cap_xml"] = payload["cap_xml"][:REFUSED_KEEP_CHARS] + "\n<!-- … cắt bớt / truncated -->"
    _set(db, inbox_id, status="refused", reason=exc.message_vi, payload=json.dumps(payload, ensure_ascii=False))
    log.warning("source %s (%s): refused %s: %s", source["id"], source["name"], row["external_id"] or "?", exc.message_en)


def prune(db: Database, before: datetime) -> int:
    """Delete settled items and source problems received before `before`; returns how many items went.
    Published and accepted items stay: they are the record of what reached the boards."""
    marks = ",".join("?" * len(SETTLED))
    gone = db.execute(f"DELETE FROM inbox WHERE status IN ({marks}) AND received_at < ?", [*SETTLED, iso(before)]).rowcount
    db.execute("DELETE FROM source_events WHERE at < ?", [iso(before)])
    return gone


def receive(db: Database, source: dict, item: InboundItem, now: datetime) -> tuple[dict, bool]:
    """Store one item (once per source and external id) and act on it per the source's mode."""
    external_id = item.external_id or f"unreadable:{iso(now)}:{secrets.token_hex(3)}"  # several may come in one second
    seen = list(db.query("SELECT * FROM inbox WHERE source_id = ? AND external_id = ?", [source["id"], external_id]))
    if seen:
        return _public(seen[0]), False
    payload = ({"cap_xml": item.cap_xml} if item.cap_xml is not None else {"document": item.document}) if item.kind == "cap" else {}
    inbox_id = db["inbox"].insert(dict(
        source_id=source["id"], external_id=external_id, kind=item.kind, title=item.title[:500], body=item.body[:20000],
        link=item.link, published_at=iso(item.published_at) if item.published_at and item.published_at.tzinfo else None,
        received_at=iso(now), status="pending", payload=json.dumps(payload, ensure_ascii=False))).last_pk
    if item.error is not None:
        _refuse(db, inbox_id, source, item.error)
        return get(db, inbox_id), False
    changed = False
    if item.kind == "cap":
        earlier = _same_message(db, source, external_id, item)
        if earlier is not None and earlier["status"] == "pending" and source["mode"] == "auto":
            # A copy waiting for a person elsewhere must not hold back the source that may publish at once.
            _set(db, earlier["id"], status="superseded", reason=f"Cùng bản tin đã nhận từ nguồn {source['name']} (mục #{inbox_id})",
                 decided_at=iso(now))
            earlier = None
        if earlier is not None:
            _set(db, inbox_id, status="skipped", reason=f"Cùng bản tin đã nhận từ nguồn {earlier['source_name']} (mục #{earlier['id']})",
                 alert_id=earlier["alert_id"], payload=json.dumps({**payload, "same_as": earlier["id"]}, ensure_ascii=False), decided_at=iso(now))
            return get(db, inbox_id), False
        try:
            mapped = map_alert(item.cap, now)
        except CapError as exc:
            _refuse(db, inbox_id, source, exc)
            return get(db, inbox_id), False
        matches = targeting.settle(db, mapped, bool(_referenced_alerts(db, mapped)))
        _set(db, inbox_id, level=mapped.fields.get("level"), test=int(bool(mapped.fields.get("test"))),
             payload=json.dumps({**payload, **({"area_names": matches} if matches else {}),
                                 **({"holds": [en for _, en in mapped.holds]} if mapped.holds else {})}, ensure_ascii=False))
        for vi, en in mapped.problems:
            record_event(db, source["id"], "warning", f"{external_id}: {vi}", f"{external_id}: {en}")
            log.warning("source %s (%s): %s: %s", source["id"], source["name"], external_id, en)
        _supersede(db, mapped)
        if mapped.holds:
            # Never shown without a person: a name we could not place, a shape that looks swapped.
            _set(db, inbox_id, reason="Chờ người duyệt: " + "; ".join(vi for vi, _ in mapped.holds))
            log.warning("source %s (%s): held %s: %s", source["id"], source["name"], external_id, "; ".join(en for _, en in mapped.holds))
        elif source["mode"] == "auto":
            changed = _apply_safely(db, inbox_id, source, mapped, system_principal(source))
    elif source["mode"] == "auto" and source["config"].get("playlist_id"):
        _accept_news(db, inbox_id, system_principal(source), AcceptIn(playlist_id=source["config"]["playlist_id"]))
        changed = True
    log.info("source %s (%s): received %s -> %s", source["id"], source["name"], external_id, get(db, inbox_id)["status"])
    return get(db, inbox_id), changed


def _same_message(db: Database, source: dict, external_id: str, item: InboundItem) -> dict | None:
    """The same message (sender, identifier and sent) brought earlier by another source, unless that
    one was refused or superseded: one message is one alert, whichever source brought it."""
    if item.cap is None:
        return None
    rows = list(db.query(
        "SELECT i.id, i.alert_id, i.status, s.name AS source_name FROM inbox i JOIN sources s ON s.id = i.source_id "
        "WHERE i.external_id = ? AND i.published_at = ? AND i.source_id != ? AND i.status NOT IN ('refused', 'superseded') "
        "ORDER BY i.id LIMIT 1",
        [external_id, iso(item.cap.sent), source["id"]]))
    return rows[0] if rows else None


def _ref_keys(mapped: Mapped) -> list[str]:
    return [f"{r.sender},{r.identifier}" for r in mapped.references]


def _supersede(db: Database, mapped: Mapped) -> None:
    keys = _ref_keys(mapped)
    if keys:
        marks = ",".join("?" * len(keys))
        db.execute(f"UPDATE inbox SET status = 'superseded' WHERE status = 'pending' AND external_id IN ({marks})", keys)


def _referenced_alerts(db: Database, mapped: Mapped) -> list[str]:
    keys = _ref_keys(mapped)
    if not keys:
        return []
    marks = ",".join("?" * len(keys))
    ids = [r[0] for r in db.execute(f"SELECT alert_id FROM inbox WHERE alert_id IS NOT NULL AND external_id IN ({marks})", keys)]
    ids += [r[0] for r in db.execute(f"SELECT id FROM alerts WHERE external_id IN ({marks})", keys)]
    live = []
    for alert_id in dict.fromkeys(ids):
        row = db.execute("SELECT withdrawn_at FROM alerts WHERE id = ?", [alert_id]).fetchone()
        if row is not None and row[0] is None:
            live.append(alert_id)
    return live


def _apply_cap(db: Database, inbox_id: int, mapped: Mapped, principal: Principal) -> bool:
    """Publish, update or withdraw; returns whether any alert changed."""
    row = get(db, inbox_id)
    targets = _referenced_alerts(db, mapped)
    now = iso(utcnow())
    if mapped.action in ("cancel", "allclear"):
        # Whatever the severity of its own <info>: an all-clear is not a warning, it ends them.
        for alert_id in targets:
            alerts.withdraw(db, alert_id, principal, ended_by=row["external_id"], ended_by_inbox=inbox_id, why=mapped.action)
        if not targets:
            _set(db, inbox_id, status="skipped", reason="Không có cảnh báo đang hiển thị nào để kết thúc", decided_at=now)
            return False
        what = "Hết cảnh báo (AllClear)" if mapped.action == "allclear" else "Đã gỡ cảnh báo"
        _set(db, inbox_id, status="published", alert_id=targets[0], reason=f"{what}: {', '.join(targets)}",
             decided_by=principal.user_id, decided_at=now)
        return True
    fields = dict(mapped.fields)
    if mapped.action == "update" and targets:
        for alert_id in targets:
            changes = dict(fields)
            if area_is_empty(changes["area"]):
                changes.pop("area")  # an Update without its own area keeps the boards it had
            alerts.update(db, alert_id, principal, **changes)
        _set(db, inbox_id, status="published", alert_id=targets[0], reason=f"Đã cập nhật cảnh báo: {', '.join(targets)}",
             decided_by=principal.user_id, decided_at=now)
        return True
    if mapped.action == "update" and area_is_empty(fields["area"]):
        _set(db, inbox_id, status="skipped", reason="Không có cảnh báo nào để cập nhật, và bản tin không có vùng nhắm", decided_at=now)
        return False
    existing = db.execute("SELECT id FROM alerts WHERE external_id = ? AND withdrawn_at IS NULL", [row["external_id"]]).fetchone()
    if existing:  # the same message accepted again from another source's inbox: still one alert
        _set(db, inbox_id, status="published", alert_id=existing[0], reason="Cảnh báo này đã được phát", decided_by=principal.user_id, decided_at=now)
        return False
    created = alerts.create(db, external_id=row["external_id"], principal=principal, **fields)
    _set(db, inbox_id, status="published", alert_id=created["id"], decided_by=principal.user_id, decided_at=now)
    return True


def _apply_safely(db: Database, inbox_id: int, source: dict, mapped: Mapped, principal: Principal) -> bool:
    """`_apply_cap`, with a refusal recorded on the item instead of undoing the whole transaction."""
    try:
        return _apply_cap(db, inbox_id, mapped, principal)
    except AppError as exc:
        _refuse(db, inbox_id, source, CapError("not_applied", exc.message_vi, exc.message_en))
        return False


def _check_alert_scope(db: Database, principal: Principal, mapped: Mapped) -> None:
    if principal.is_admin:
        return
    area = mapped.fields.get("area") or {}
    if area.get("polygons") or area.get("circles"):
        # A shape may cross any unit's border: only a province-level approver may publish it.
        if principal.unit_code and units.get(db, principal.unit_catalogue, principal.unit_code)["level"] == 1:
            return
        raise BadInput("Cảnh báo theo vùng bản đồ cần người duyệt cấp tỉnh", "shape-targeted alerts need a province-level approver")
    for unit in area.get("units", []):
        if not in_scope(db, principal, unit["catalogue"], unit["code"]):
            raise BadInput(f"Đơn vị {unit['code']} nằm ngoài phạm vi của bạn", f"unit {unit['code']} is outside your scope")


def accept(db: Database, principal: Principal, inbox_id: int, data: AcceptIn, now: datetime) -> tuple[dict, bool]:
    """An editor's yes. A CAP message is mapped again at `now`: one that expired while waiting is refused."""
    row = get(db, inbox_id)
    if row["status"] != "pending":
        raise Conflict(f"Mục đã được xử lý ({row['status']})", f"item already handled ({row['status']})")
    if row["kind"] == "cap":
        require_role(principal, "approver")
        try:
            mapped = map_alert(parse_cap((row["payload"].get("cap_xml") or "").encode()), now)
        except CapError as exc:
            source = db["sources"].get(row["source_id"])
            _refuse(db, inbox_id, source, exc)
            return get(db, inbox_id), False
        matches = targeting.settle(db, mapped, bool(_referenced_alerts(db, mapped)))
        if data.units:
            targeting.choose_units(db, mapped, matches, [u.model_dump() for u in data.units])
        if any(en.startswith("area name") for _, en in mapped.holds):
            raise BadInput("Chọn đơn vị nhận cảnh báo: tên địa bàn trong bản tin không khớp đúng một đơn vị",
                           "choose the units: the message's area name does not match exactly one unit")
        _check_alert_scope(db, principal, mapped)
        source = db["sources"].get(row["source_id"])
        changed = _apply_safely(db, inbox_id, source, mapped, principal)
        audit.record(db, principal, "accept", "inbox", str(inbox_id), cap_action=mapped.action,
                     **({"units": mapped.fields["area"]["units"]} if data.units else {}))
        return get(db, inbox_id), changed
    require_role(principal, "editor", "approver")
    _accept_news(db, inbox_id, principal, data)
    audit.record(db, principal, "accept", "inbox", str(inbox_id), playlist=data.playlist_id)
    return get(db, inbox_id), True


def _accept_news(db: Database, inbox_id: int, principal: Principal, data: AcceptIn) -> None:
    row = get(db, inbox_id)
    if not data.playlist_id:
        raise BadInput("Chọn danh sách phát để đưa tin vào", "choose a playlist for the item")
    playlist = dcontent.get_playlist(db, principal, data.playlist_id)
    layout = builtin_layouts()[playlist["layout"]]
    zone = data.zone or next((z.id for z in layout.zones if z.kind.value == "bulletin"), None)
    if zone is None:
        raise BadInput("Bố cục của danh sách phát không có vùng bản tin", "the playlist's layout has no bulletin zone")
    items = [content.item_in(i) for i in playlist["items"]]
    items.append(content.ItemIn(zone=zone, kind=ItemKind.bulletin, title=row["title"][:500], body=row["body"], duration_s=data.duration_s))
    # A new revision of the playlist: on screens once an approver approves it (manager.domain.content).
    dcontent.update_playlist(db, principal, data.playlist_id, content.PlaylistIn(
        name=playlist["name"], layout=playlist["layout"], unit_code=playlist["unit_code"], items=items))
    _set(db, inbox_id, status="accepted", reason=f"Đã đưa vào danh sách phát {data.playlist_id}",
         decided_by=principal.user_id, decided_at=iso(utcnow()))


def reject(db: Database, principal: Principal, inbox_id: int, data: RejectIn) -> dict:
    row = get(db, inbox_id)
    require_role(principal, "approver" if row["kind"] == "cap" else "editor", "approver")
    if row["status"] != "pending":
        raise Conflict(f"Mục đã được xử lý ({row['status']})", f"item already handled ({row['status']})")
    _set(db, inbox_id, status="rejected", reason=data.reason or "Bị từ chối", decided_by=principal.user_id,
         decided_at=iso(utcnow()))
    audit.record(db, principal, "reject", "inbox", str(inbox_id), reason=data.reason)
    return get(db, inbox_id)


def delivery(db: Database, alert_id: str) -> list[dict]:
    """Every board the alert targets, with when it first reported the alert on screen (None: not yet)."""
    alert = alerts.get(db, alert_id)
    acks = dict(db.execute("SELECT board_id, first_seen_at FROM alert_acks WHERE alert_id = ?", [alert_id]).fetchall())
    out = []
    for board in db.query("SELECT * FROM boards WHERE revoked_at IS NULL ORDER BY id"):
        ancestry = units.ancestors(db, board["unit_catalogue"], board["unit_code"])
        if alerts.targets_board(alert["area"], bool(alert["test"]), board, ancestry):
            seen = acks.get(board["id"])
            out.append({"board_id": board["id"], "name": board["name"], "unit_catalogue": board["unit_catalogue"], "unit_code": board["unit_code"],
                        "is_test": bool(board["is_test"]), "last_seen_at": board["last_seen_at"],
                        "acknowledged_at": seen})
    return out
