"""The inbox of the source link: who may read, accept and reject which item.

A CAP warning targets units (or shapes on the map). Reading it needs one of
those units to touch the person's scope; accepting or rejecting it decides
for every targeted unit, so each must be inside the person's scope (shapes:
province level). The single-item view names only the caller's boards.
"""
from manager import alerts, cap
from manager.auth import Principal
from manager.domain import db_of, wake
from manager.domain.policy import (alert_in_scope, board_visible, in_scope, province_level, require_role,
                                   unit_overlaps)
from manager.errors import NotFound, OutOfScope
from manager.sources import inbox

READERS = ("editor", "approver", "auditor")
DECIDERS = ("editor", "approver")


def _no_item(inbox_id) -> tuple[str, str]:
    return f"Không có mục {inbox_id} trong hộp thư nguồn", f"no inbox item {inbox_id}"


def area_of(item: dict) -> dict | None:
    """The area a CAP item targets, read from the message it came in; None for news and for unreadable messages."""
    if item["kind"] != "cap":
        return None
    try:
        info = cap.choose_info(cap.parse_cap((item["payload"].get("cap_xml") or "").encode()))
    except cap.CapError:
        return {}
    return cap.target_area(info) if info is not None else {}


def _visible(db, principal: Principal, item: dict) -> bool:
    if principal.is_admin:
        return True
    area = area_of(item)
    if area is None or (not area and item["status"] == "refused") or (area and cap.area_is_empty(area)):
        # News carries no area: any editor may put it in a playlist of their own. A document nobody could read
        # names no unit either, and every reader needs to know the link lost something. A warning that only
        # names its area (no code, no shape) has no unit yet: whoever publishes it chooses them (in their scope).
        return True
    if item["alert_id"]:
        try:
            if alert_in_scope(db, principal, alerts.get(db, item["alert_id"])["area"]):
                return True
        except NotFound:
            pass
    if any(unit_overlaps(db, principal, u["catalogue"], u["code"]) for u in area.get("units", [])):
        return True
    return bool(area.get("polygons") or area.get("circles")) and alert_in_scope(db, principal, area)  # a shape over a board of theirs


def _may_decide(db, principal: Principal, item: dict) -> bool:
    """Publishing or turning down a warning decides for every unit it targets: each must be the person's;
    a shape may cross any border, so it also needs province level."""
    area = area_of(item)
    if principal.is_admin or area is None:
        return True
    targeted = area.get("units", [])
    if not all(in_scope(db, principal, u["catalogue"], u["code"]) for u in targeted):
        return False
    if area.get("polygons") or area.get("circles") or not targeted:
        return province_level(db, principal)  # a shape, or names only: it may cross any border
    return True


def item_for(x, principal: Principal, inbox_id: int) -> dict:
    db = db_of(x)
    require_role(principal, *READERS)
    item = inbox.get(db, inbox_id)
    if not _visible(db, principal, item):
        raise OutOfScope(*_no_item(inbox_id))
    return item


def list_items(x, principal: Principal, status: str | None = None, source_id: int | None = None, limit: int = 200) -> list[dict]:
    db = db_of(x)
    require_role(principal, *READERS)
    found = []
    offset = 0
    while len(found) < limit:
        batch = inbox.list_items(db, status, source_id, limit, offset, full=True)
        for item in batch:
            if _visible(db, principal, item):
                item["may_decide"] = item["status"] == "pending" and _may_decide(db, principal, item)
                found.append(inbox.summary_of(item))
        if len(batch) < limit:
            break
        offset += limit
    return found[:limit]


def get_item(x, principal: Principal, inbox_id: int) -> dict:
    """The item, and for a published warning, the delivery to the caller's own boards."""
    db = db_of(x)
    item = item_for(db, principal, inbox_id)
    item["may_decide"] = item["status"] == "pending" and _may_decide(db, principal, item) and (
        principal.is_admin or principal.role in DECIDERS)
    if item["alert_id"]:
        item["delivery"] = [d for d in inbox.delivery(db, item["alert_id"])
                            if board_visible(db, principal, {"unit_catalogue": d["unit_catalogue"], "unit_code": d["unit_code"]})]
    return item


def _decidable(db, principal: Principal, inbox_id: int) -> dict:
    """The role first (warnings: approvers only), then the scope of every targeted unit."""
    require_role(principal, *DECIDERS)
    if inbox.get(db, inbox_id)["kind"] == "cap":
        require_role(principal, "approver")
    item = item_for(db, principal, inbox_id)
    if not _may_decide(db, principal, item):
        raise OutOfScope(*_no_item(inbox_id))
    return item


def accept(x, principal: Principal, inbox_id: int, body: inbox.AcceptIn) -> dict:
    db = db_of(x)
    _decidable(db, principal, inbox_id)
    row, changed = inbox.accept(db, principal, inbox_id, body, x.clock.now())
    if changed:
        wake(x, None)  # an Update may have moved the area: the boards before and after both need it
    return row


def reject(x, principal: Principal, inbox_id: int, body: inbox.RejectIn) -> dict:
    db = db_of(x)
    _decidable(db, principal, inbox_id)
    return inbox.reject(db, principal, inbox_id, body)


def pending_count(x, principal: Principal) -> int:
    return len(list_items(x, principal, "pending", None, 1000))
