"""Emergency warnings typed by people: who may send and end them, and the boards they wake."""
from manager import alerts, units
from manager.auth import Principal
from manager.domain import db_of, wake
from manager.domain.policy import alert_board_ids, alert_in_scope, board_for, board_visible, covered_boards, require_role, require_scope
from manager.errors import NotFound, OutOfScope
from protocol.timebase import utcnow


def _no_alert(alert_id: str) -> tuple[str, str]:
    return f"Không có cảnh báo {alert_id}", f"no alert {alert_id}"


def broadcast(x, principal: Principal, data: alerts.AlertIn) -> dict:
    """Every unit and board of the area must be the approver's."""
    db = db_of(x)
    require_role(principal, "approver")
    area_units = []
    for ref in data.units:
        catalogue = ref.catalogue or units.current_catalogue(db)
        units.get(db, catalogue, ref.code)
        require_scope(db, principal, catalogue, ref.code)
        area_units.append({"catalogue": catalogue, "code": ref.code})
    for board_id in data.boards:
        board_for(db, principal, board_id)
    alert = alerts.create(db, level=data.level, headline=data.headline, body=data.body,
                          area={"units": area_units, "boards": data.boards}, starts_at=data.starts_at or utcnow(),
                          ends_at=data.ends_at, source=f"console:{principal.username}", test=data.test, principal=principal)
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
