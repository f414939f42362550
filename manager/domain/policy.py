"""Who may: a role, and the unit scope of the object and of every target it reaches.

Built on the two primitives in `manager.auth` (`require_role`, `in_scope`).
Anything outside a person's scope is reported as not found (`OutOfScope`,
answered 404), with the same words as a missing object.
"""
from sqlite_utils import Database

from manager import alerts, targets, units
from manager.auth import Principal, in_scope, require_role, require_scope
from manager.errors import NotFound, OutOfScope

CONTENT = ("editor", "approver")  # who writes content (admins always may)
__all__ = ["CONTENT", "Principal", "in_scope", "require_role", "require_scope", "province_level", "require_province_level",
           "boards_in_scope", "board_visible", "board_for", "target_units", "target_board_ids", "target_in_scope",
           "target_touches_scope", "alert_in_scope", "alert_board_ids", "covered_boards", "unit_overlaps", "allows"]


def province_level(db: Database, principal: Principal) -> bool:
    """Admins, and people whose unit is a province or centrally run city."""
    if principal.is_admin:
        return True
    if not principal.unit_code:
        return False
    row = db.execute("SELECT level FROM units WHERE catalogue = ? AND code = ?", [principal.unit_catalogue, principal.unit_code]).fetchone()
    return bool(row) and row[0] == 1


def require_province_level(db: Database, principal: Principal, *roles: str) -> None:
    from manager.errors import NotAllowed

    require_role(principal, *roles)
    if not province_level(db, principal):
        raise NotAllowed("Chỉ quản trị viên và cán bộ cấp tỉnh được xem mục này", "only administrators and province-level staff may see this")


def allows(check, *args) -> bool:
    """Whether a `require_*` check passes, without raising: to show a person only what they may open
    (the console's menu) by the very rule the domain enforces when they open it."""
    from manager.errors import NotAllowed

    try:
        check(*args)
    except NotAllowed:
        return False
    return True


def unit_overlaps(db: Database, principal: Principal, catalogue: str, code: str) -> bool:
    """The unit is inside the person's scope, or the person's unit is inside it (a province-wide warning reaches a commune)."""
    if in_scope(db, principal, catalogue, code):
        return True
    return bool(principal.unit_code and principal.unit_catalogue == catalogue and units.is_within(db, catalogue, principal.unit_code, code))


# Boards ---------------------------------------------------------------------------------------------

def boards_in_scope(db: Database, principal: Principal, unit_code: str | None = None, *, revoked: bool = False) -> list[dict]:
    """The boards a person may see, optionally only under `unit_code`; revoked boards only when asked for
    (the one definition: the boards wall, groups, the week view and the API list all use it)."""
    sql = "SELECT * FROM boards" + ("" if revoked else " WHERE revoked_at IS NULL") + " ORDER BY unit_code, name"
    out = []
    for row in db.query(sql):
        if not in_scope(db, principal, row["unit_catalogue"], row["unit_code"]):
            continue
        if unit_code and not units.is_within(db, row["unit_catalogue"], row["unit_code"], unit_code):
            continue
        out.append(row)
    return out


def _no_board(board_id: str) -> tuple[str, str]:
    return f"Không có bảng tin {board_id}", f"no board {board_id}"


def board_visible(db: Database, principal: Principal, board: dict) -> bool:
    return in_scope(db, principal, board["unit_catalogue"], board["unit_code"])


def board_for(db: Database, principal: Principal, board_id: str) -> dict:
    """The board, if it exists and is the person's; otherwise NotFound, the same either way."""
    rows = list(db.query("SELECT * FROM boards WHERE id = ?", [board_id]))
    if not rows:
        raise NotFound(*_no_board(board_id))
    if not board_visible(db, principal, rows[0]):
        raise OutOfScope(*_no_board(board_id))
    return rows[0]


# Schedule targets -----------------------------------------------------------------------------------

def target_units(db: Database, kind: str, target_id: str) -> list[tuple[str, str]]:
    """Every (catalogue, unit) a target reaches: a board's unit, the unit itself, each member board's unit and the group's owner."""
    if kind == "board":
        row = db.execute("SELECT unit_catalogue, unit_code FROM boards WHERE id = ?", [target_id]).fetchone()
        return [tuple(row)] if row else []
    if kind == "unit":
        catalogue, code = target_id.split(":", 1)
        return [(catalogue, code)]
    found = [tuple(r) for r in db.execute(
        "SELECT DISTINCT b.unit_catalogue, b.unit_code FROM board_group_members m JOIN boards b ON b.id = m.board_id WHERE m.group_id = ?",
        [target_id]).fetchall()]
    owner = db.execute("SELECT unit_catalogue, unit_code FROM board_groups WHERE id = ?", [target_id]).fetchone()
    if owner and owner[1]:
        found.append(tuple(owner))
    return found


def target_in_scope(db: Database, principal: Principal, kind: str, target_id: str) -> bool:
    """Every unit the target reaches lies in the person's scope (a group owned by an admin: admins only)."""
    if principal.is_admin:
        return True
    if kind == "group":
        owner = db.execute("SELECT unit_code FROM board_groups WHERE id = ?", [target_id]).fetchone()
        if owner is None or not owner[0]:
            return False
    reached = target_units(db, kind, target_id)
    return bool(reached) and all(in_scope(db, principal, c, u) for c, u in reached)


def target_touches_scope(db: Database, principal: Principal, kind: str, target_id: str) -> bool:
    """Some unit the target reaches is in the person's scope: they may see the schedule (not necessarily act on it)."""
    return principal.is_admin or any(in_scope(db, principal, c, u) for c, u in target_units(db, kind, target_id))


def target_board_ids(db: Database, kind: str, target_id: str) -> list[str]:
    """The boards a schedule's target puts content on now: the boards to wake when it changes.

    One query (`targets.for_target`): walking each board's units up to the target took three per board,
    a few hundred milliseconds for a province of boards, inside the approval's transaction."""
    return sorted(targets.for_target(db, kind, target_id))


# Alerts ---------------------------------------------------------------------------------------------

def covered_boards(db: Database, alert: dict) -> list[dict]:
    """Boards (not revoked) that an alert's area covers: `manager.alerts.targets_board` is the rule."""
    out = []
    for board in db.query("SELECT * FROM boards WHERE revoked_at IS NULL ORDER BY name"):
        ancestry = units.ancestors(db, board["unit_catalogue"], board["unit_code"])
        if alerts.targets_board(alert["area"], bool(alert["test"]), board, ancestry):
            out.append(board)
    return out


def alert_board_ids(db: Database, alert: dict) -> list[str]:
    """The boards to wake for an alert: found by its area in a query or two (`targets.for_area`, revoked boards
    too, which costs nothing), not by walking every board's units as `covered_boards` does (three queries a
    board: about 0.15 s for 10,000 boards, inside the broadcast's transaction, before the first board is woken)."""
    return sorted(targets.for_area(db, alert["area"], bool(alert["test"])))


def alert_in_scope(db: Database, principal: Principal, area: dict) -> bool:
    """An alert is a person's to see or end when its area names a unit or board in their scope, or covers
    (by `manager.alerts.targets_board`, the one coverage rule) a board of theirs."""
    if principal.is_admin:
        return True
    if any(in_scope(db, principal, u.get("catalogue"), u.get("code")) for u in area.get("units", [])):
        return True
    for board in boards_in_scope(db, principal):
        if alerts.targets_board(area, False, board, units.ancestors(db, board["unit_catalogue"], board["unit_code"])):
            return True
    return False
