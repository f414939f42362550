"""Report actions beside the report views (`manager.reports.service`): a board's chain check, unit groupings."""
from manager.auth import Principal
from manager.domain import db_of
from manager.domain.policy import board_for, require_role
from manager.reports import chain, groupings


def board_chain(x, principal: Principal, board_id: str) -> dict:
    """Whether a board's heartbeat chain verifies: auditors of the board's unit (others: as if missing)."""
    db = db_of(x)
    require_role(principal, "auditor")
    board_for(db, principal, board_id)
    status = chain.verify(db, board_id)
    return {"board_id": board_id, "ok": status.ok, "check": status.checked, "heartbeats": status.heartbeats,
            "sealed": status.sealed, "first_bad_seq": status.first_bad_seq,
            "reason": status.reason.as_json() if status.reason else None}


def replace_grouping(x, principal: Principal, grouping: str, catalogue: str, province: str, groups: list[tuple]) -> int:
    require_role(principal, "admin")
    return groupings.replace(db_of(x), grouping, catalogue, province, groups)
