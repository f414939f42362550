"""Emergency warnings typed by people: who may send and end them, and the boards they wake."""
from manager import alerts, units
from manager.auth import Principal
from manager.domain import db_of, wake
from manager.domain.policy import alert_board_ids, alert_in_scope, board_for, board_visible, covered_boards, require_role, require_scope
from manager.errors import BadInput, NotFound, OutOfScope
from protocol.timebase import utcnow


def _no_alert(alert_id: str) -> tuple[str, str]:
    return f"Không có cảnh báo {alert_id}", f"no alert {alert_id}"


def _area(db, principal: Principal, data: alerts.AlertIn) -> dict:
    """Every unit and board of the area must be the approver's."""
    area_units = []
    for ref in data.units:
        catalogue = ref.catalogue or units.current_catalogue(db)
        units.get(db, catalogue, ref.code)
        require_scope(db, principal, catalogue, ref.code)
        area_units.append({"catalogue": catalogue, "code": ref.code})
    for board_id in data.boards:
        board_for(db, principal, board_id)
    return {"units": area_units, "boards": data.boards}


def _authority(data: alerts.AlertIn) -> str:
    """Residents read who issued a warning on the screen; a console login name is not an authority."""
    authority = data.authority.strip()
    if not authority:
        raise BadInput("Hãy ghi cơ quan ban hành cảnh báo; tên này hiện trên bảng tin",
                       "name the issuing authority; the boards show it")
    return authority


def _reach(db, area: dict, test: bool) -> dict:
    """The area in words (unit names) and how many boards it covers, for the confirmation step."""
    names = [units.get(db, u["catalogue"], u["code"])["name"] for u in area["units"]]
    boards = covered_boards(db, {"area": area, "test": test})
    names += [b["name"] for b in boards if b["id"] in area.get("boards", [])]
    return {"units": names, "boards": len(boards)}


def preview(x, principal: Principal, data: alerts.AlertIn) -> dict:
    """What `broadcast` would reach, checked the same way, without sending anything."""
    db = db_of(x)
    require_role(principal, "approver")
    area = _area(db, principal, data)  # scope first: another unit's area answers "not found", whatever else is missing
    return {**_reach(db, area, data.test), "authority": _authority(data)}


def broadcast(x, principal: Principal, data: alerts.AlertIn) -> dict:
    db = db_of(x)
    require_role(principal, "approver")
    area = _area(db, principal, data)
    alert = alerts.create(db, level=data.level, headline=data.headline, body=data.body,
                          area=area, source=_authority(data), starts_at=data.starts_at or utcnow(),
                          ends_at=data.ends_at, test=data.test, principal=principal)
    wake(x, alert_board_ids(db, alert))
    return alert


def alert_for(x, principal: Principal, alert_id: str) -> dict:
    db = db_of(x)
    require_role(principal, "editor", "approver")
    try:
        alert = alerts.get(db, alert_id)
    except NotFound:
        raise NotFound(*_no_alert(alert_id)) from None
    if not alert_in_scope(db, principal, alert["area"]):
        raise OutOfScope(*_no_alert(alert_id))
    return alert


def withdraw(x, principal: Principal, alert_id: str) -> dict:
    db = db_of(x)
    require_role(principal, "approver")
    alert = alert_for(db, principal, alert_id)
    affected = alert_board_ids(db, alert)
    done = alerts.withdraw(db, alert_id, principal)
    wake(x, affected)
    return done


def withdraw_preview(x, principal: Principal, alert_id: str) -> dict:
    """The alert and what withdrawing it takes off the screens."""
    db = db_of(x)
    require_role(principal, "approver")
    alert = alert_for(db, principal, alert_id)
    return {**alert, **_reach(db, alert["area"], bool(alert["test"]))}


def active(x, principal: Principal, *, with_boards: bool = False) -> list[dict]:
    """Alerts on screens now that the person may see; with the boards each covers, when asked."""
    db = db_of(x)
    out = []
    for alert_id in alerts.live_ids(db, x.clock.now()):
        alert = alerts.get(db, alert_id)
        if alert_in_scope(db, principal, alert["area"]):
            if with_boards:  # other units' boards are counted, not named
                covered = covered_boards(db, alert)
                alert["covered"] = [b for b in covered if board_visible(db, principal, b)]
                alert["covered_elsewhere"] = len(covered) - len(alert["covered"])
                mine = {b["id"] for b in alert["covered"]}
                alert["acknowledged_by"] = [b for b in alert["acknowledged_by"] if b in mine]
            out.append(alert)
    return out
