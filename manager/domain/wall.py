"""What people see about their boards: status, versions, uptime (the boards wall and the dashboard).

Online means a heartbeat within 2.5 heartbeat intervals (the uptime rule);
"applied" compares the version a board last reported with the version the
manifest service gives that board now.
"""
from dataclasses import dataclass

from sqlite_utils import Database

from manager import units, uptime, uptime_store
from manager.auth import Principal, require_role
from manager.domain import db_of
from manager.domain.policy import CONTENT, boards_in_scope, board_for

WEEK_S = 7 * 86400
# The board's wall clock this far from the manager's, by the board's NTP, is worth a look (docs/player.md, "Time"):
# beyond any round trip, so one of the two references is wrong.
NTP_WARN_S = 2.0


@dataclass
class BoardStatus:
    board: dict
    unit_name: str
    online: bool
    current_version: str
    applied: bool
    uptime_pct: float | None
    has_screenshot: bool

    @property
    def clock_warning(self) -> bool:
        """The board's newest heartbeat says its time is untrusted, or far from its NTP's."""
        gap = self.board.get("ntp_disagreement_s")
        return self.board.get("clock_state") == "unsynced" or (gap is not None and abs(gap) > NTP_WARN_S)


@dataclass
class Wall:
    """One page of the wall; the counts are over every board in scope, not only the page."""
    boards: list[BoardStatus]
    total: int
    applied: int
    online: int
    page: int = 1
    pages: int = 1


PAGE_SIZE = 60


def is_online(board: dict, now: float) -> bool:
    seen = board["last_seen_at"]
    return uptime.is_online(seen, board["heartbeat_interval_s"], now)


def uptime_7d(db: Database, board: dict, now: float) -> float | None:
    """Share of operating time on screen over the last 7 days (manager.uptime's availability)."""
    start = max(now - WEEK_S, _first_seen(db, board["id"]) or now)
    if now - start < 1:
        return None
    hours = uptime_store.hours_history(db, [board["id"]])[board["id"]]
    found = uptime.availability(uptime_store.intervals(db, board["id"], start, now),
                                uptime.operating_segments_over(hours, start, now), (start, now))
    return found.on_screen_pct


def _first_seen(db: Database, board_id: str) -> float | None:
    row = db.execute("SELECT min(start_at) FROM board_intervals WHERE board_id = ?", [board_id]).fetchone()
    return row[0] if row else None


def _status(x, db: Database, board: dict, now: float) -> BoardStatus:
    online = is_online(board, now)
    current = x.manifests.version(board["id"])
    unit = db.execute("SELECT name FROM units WHERE catalogue = ? AND code = ?", [board["unit_catalogue"], board["unit_code"]]).fetchone()
    shot = db.execute("SELECT 1 FROM screenshots WHERE board_id = ?", [board["id"]]).fetchone()
    return BoardStatus(board, unit[0] if unit else board["unit_code"], online, current, board["applied_version"] == current,
                       uptime_7d(db, board, now), bool(shot))


def board_status(x, principal: Principal, board_id: str) -> BoardStatus:
    db = db_of(x)
    require_role(principal, *CONTENT)
    return _status(x, db, board_for(db, principal, board_id), x.clock.time())


def wall(x, principal: Principal, unit_code: str | None, page: int = 1, per_page: int | None = None) -> Wall:
    """The boards in scope: full status (uptime, screenshot) for one page only; online and applied counted over all.

    `per_page=None` puts every board on one page (the dashboard lists the ones that need attention).
    """
    db = db_of(x)
    require_role(principal, *CONTENT)
    if unit_code:
        require_unit(db, principal, unit_code)
    now = x.clock.time()
    rows = boards_in_scope(db, principal, unit_code)
    online = sum(1 for b in rows if is_online(b, now))
    applied = sum(1 for b in rows if b["applied_version"] == x.manifests.version(b["id"]))
    size = len(rows) if per_page is None else per_page
    pages = max(1, -(-len(rows) // size)) if size else 1
    page = min(max(1, page), pages)
    shown = rows[(page - 1) * size:page * size]
    return Wall([_status(x, db, b, now) for b in shown], len(rows), applied, online, page, pages)


def require_unit(db: Database, principal: Principal, unit_code: str) -> None:
    """A unit asked for by code (a filter): it must be in the person's scope."""
    from manager.auth import require_scope

    require_scope(db, principal, principal.unit_catalogue or units.current_catalogue(db), unit_code)


def board_choices(x, principal: Principal, unit_code: str | None = None) -> list[dict]:
    """Every board (not revoked) the person may pick, e.g. as a target or a group member."""
    db = db_of(x)
    if unit_code:
        require_unit(db, principal, unit_code)
    return boards_in_scope(db, principal, unit_code)


def scope_units(x, principal: Principal) -> list[dict]:
    """Units a person can target: their own and every unit under it (admins: the whole current catalogue)."""
    db = db_of(x)
    catalogue = principal.unit_catalogue or units.current_catalogue(db)
    if principal.is_admin:
        # The whole catalogue: the first board of a commune with none yet must be pairable (and its editor creatable).
        out = list(db.query("SELECT * FROM units WHERE catalogue = ? ORDER BY province_code, level, code", [catalogue]))
    else:
        own = units.get(db, catalogue, principal.unit_code)
        out, frontier = [own], [own["code"]]
        while frontier:
            children = [c for code in frontier for c in units.children(db, catalogue, code)]
            out += children
            frontier = [c["code"] for c in children]
    provinces = {u["code"]: u["name"] for u in out if u["parent_code"] is None}
    for u in out:  # a commune's name alone is ambiguous across provinces
        u["province_name"] = provinces.get(u["province_code"]) if u["parent_code"] is not None else None
    return out


def scope_name(x, principal: Principal) -> str:
    db = db_of(x)
    if principal.unit_code is None:
        return ""
    unit = units.get(db, principal.unit_catalogue, principal.unit_code)
    return unit["name"]

