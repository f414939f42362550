"""Boards and groups of boards: who may see, pair, change and revoke them, and which boards to wake."""
from manager import audit, board_facts, boards, pairing, units, uptime_store
from manager.auth import Principal, in_scope
from manager.domain import db_of, refuse_after_commit, tokens_changed, wake
from manager.domain.policy import CONTENT, board_for, boards_in_scope, require_role, require_scope
from manager.errors import Invalid, NotFound, OutOfScope
from protocol.pairing import PairingClaim

__all__ = ["board_for", "boards_in_scope", "list_boards", "get_board", "claim", "update_board", "revoke_board", "screenshot",
           "group_for", "list_groups", "get_group", "create_group", "update_group", "delete_group", "recent_changes"]


def list_boards(x, principal: Principal) -> list[dict]:
    """Every board in scope, revoked ones included (their page says when they were revoked)."""
    require_role(principal, *CONTENT)
    return [boards.public(r) for r in boards_in_scope(db_of(x), principal, revoked=True)]


def get_board(x, principal: Principal, board_id: str) -> dict:
    require_role(principal, *CONTENT)
    return boards.public(board_for(db_of(x), principal, board_id))


def claim(x, principal: Principal, code: str, body: PairingClaim) -> dict:
    """An editor types the code a new board shows: the board joins their unit (or one under it).

    Claims are limited per person and per code (manager.pairing); a wrong code counts, across restarts."""
    db = db_of(x)
    require_role(principal, *CONTENT)
    catalogue = body.unit_catalogue or units.current_catalogue(db)
    units.get(db, catalogue, body.unit_code)
    require_scope(db, principal, catalogue, body.unit_code)
    board = pairing.claim(db, code, body, x.clock.time(), x.settings.heartbeat_interval_s, user_id=principal.user_id)
    if board is None:
        return refuse_after_commit(x, pairing.no_such_code(code))
    audit.record(db, principal, "pair", "board", board["id"], code=code, unit=body.unit_code)
    wake(x, None)  # the new board's pairing long-poll is not yet a board's
    return boards.public(board)


def update_board(x, principal: Principal, board_id: str, changes: dict) -> dict:
    db = db_of(x)
    require_role(principal, *CONTENT)
    before = board_for(db, principal, board_id)
    changes = boards.validate_changes(changes)
    boards.update(db, board_id, changes)
    if "operating_hours" in changes and changes["operating_hours"] != before["operating_hours"]:
        uptime_store.record_hours(db, board_id, x.clock.time(), changes["operating_hours"])
    board_facts.record(db, board_id, x.clock.time())  # class, test flag, unit, hours: kept with their date
    audit.record(db, principal, "update", "board", board_id, fields=sorted(changes),
                 before={k: before[k] for k in changes}, after=changes)
    wake(x, [board_id])
    return boards.public(boards.get(db, board_id))


def revoke_board(x, principal: Principal, board_id: str) -> dict:
    db = db_of(x)
    require_role(principal, *CONTENT)
    board_for(db, principal, board_id)
    boards.revoke(db, board_id)
    audit.record(db, principal, "revoke", "board", board_id)
    wake(x, [board_id])
    tokens_changed(x, [board_id])
    return {"revoked": board_id}


def screenshot(x, principal: Principal, board_id: str) -> tuple[str, bytes]:
    db = db_of(x)
    require_role(principal, *CONTENT)
    board_for(db, principal, board_id)
    found = boards.screenshot(db, board_id)
    if found is None:
        raise NotFound("Chưa có ảnh màn hình", "no screenshot yet")
    return found


def recent_changes(x, principal: Principal, board_id: str, limit: int = 20) -> list[dict]:
    db = db_of(x)
    require_role(principal, *CONTENT)
    board_for(db, principal, board_id)
    return audit.for_object(db, "board", board_id, limit)


# Groups --------------------------------------------------------------------------------------------

def _no_group(group_id) -> tuple[str, str]:
    return f"Không có nhóm bảng tin {group_id}", f"no board group {group_id}"


def _group_visible(db, principal: Principal, group: dict) -> bool:
    """Groups belong to the unit of whoever made them; admins' groups (no unit) only to admins."""
    return principal.is_admin or bool(group["unit_code"] and in_scope(db, principal, group["unit_catalogue"], group["unit_code"]))


def group_for(x, principal: Principal, group_id: int | str) -> dict:
    db = db_of(x)
    group = boards.group_row(db, group_id)
    if group is None:
        raise NotFound(*_no_group(group_id))
    if not _group_visible(db, principal, group):
        raise OutOfScope(*_no_group(group_id))
    return group


def list_groups(x, principal: Principal) -> list[dict]:
    db = db_of(x)
    require_role(principal, *CONTENT)
    return [boards.group_public(db, g) for g in boards.group_rows(db) if _group_visible(db, principal, g)]


def get_group(x, principal: Principal, group_id: int | str) -> dict:
    db = db_of(x)
    require_role(principal, *CONTENT)
    return boards.group_public(db, group_for(db, principal, group_id))


def _checked(db, principal: Principal, name, board_ids) -> tuple[str, list[str]]:
    if not isinstance(name, str) or not name.strip() or not isinstance(board_ids, list) or not all(isinstance(b, str) for b in board_ids):
        raise Invalid("Nhóm cần tên và danh sách bảng tin", "a group needs a name and a list of boards")
    if not board_ids:
        raise Invalid("Hãy chọn ít nhất một bảng tin cho nhóm", "pick at least one board for the group")
    for board_id in board_ids:
        board_for(db, principal, board_id)
    return name.strip(), board_ids


def create_group(x, principal: Principal, name, board_ids) -> dict:
    db = db_of(x)
    require_role(principal, *CONTENT)
    name, board_ids = _checked(db, principal, name, board_ids)
    group_id = boards.create_group(db, name, board_ids, principal.unit_catalogue, principal.unit_code)
    audit.record(db, principal, "create", "group", str(group_id), name=name, boards=board_ids)
    return get_group(db, principal, group_id)


def update_group(x, principal: Principal, group_id: int, name, board_ids) -> dict:
    """New name and members; boards that join or leave a group some schedule targets get their manifests at once."""
    db = db_of(x)
    require_role(principal, *CONTENT)
    before = group_for(db, principal, group_id)
    name, board_ids = _checked(db, principal, name, board_ids)
    old_members = boards.member_ids(db, group_id)
    boards.update_group(db, group_id, name, board_ids)
    audit.record(db, principal, "update", "group", str(group_id), before={"name": before["name"], "boards": old_members},
                 after={"name": name, "boards": board_ids})
    if boards.group_public(db, before)["schedules"]:
        wake(x, set(old_members) | set(board_ids))
    return get_group(db, principal, group_id)


def delete_group(x, principal: Principal, group_id: int) -> None:
    db = db_of(x)
    require_role(principal, *CONTENT)
    group = group_for(db, principal, group_id)
    boards.delete_group(db, group)
    audit.record(db, principal, "delete", "group", str(group_id), name=group["name"])
