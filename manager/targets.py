"""Which boards a change can reach, so that only those boards are woken.

The domain layer asks these after a commit and passes the answer to
`ChangeFeed.bump(board_ids)`. Each answers for one kind of object: an alert
by its area, a schedule by its target, a playlist by the schedules that play
it. Revoked boards are included: they cannot poll, and waking them costs
nothing. No FastAPI here.
"""
import json

from sqlite_utils import Database

from manager import geo


def in_units(db: Database, catalogue: str, codes: list[str]) -> set[str]:
    """Boards in any of the units, or in any unit under them."""
    if not codes:
        return set()
    marks = ",".join("?" * len(codes))
    rows = db.execute(
        f"""WITH RECURSIVE within(code) AS (
                SELECT code FROM units WHERE catalogue = ? AND code IN ({marks})
                UNION SELECT u.code FROM units u JOIN within w ON u.catalogue = ? AND u.parent_code = w.code)
            SELECT b.id FROM boards b JOIN within w ON b.unit_catalogue = ? AND b.unit_code = w.code""",
        [catalogue, *codes, catalogue, catalogue]).fetchall()
    return {r[0] for r in rows}


def for_area(db: Database, area: dict, test: bool = False) -> set[str]:
    """Boards an alert with this area covers (`alerts.targets_board` decides; this finds them without a scan where it can)."""
    found = {b for b in area.get("boards", []) if db.execute("SELECT 1 FROM boards WHERE id = ?", [b]).fetchone()}
    by_catalogue: dict[str, list[str]] = {}
    for unit in area.get("units", []):
        by_catalogue.setdefault(unit.get("catalogue"), []).append(unit.get("code"))
    for catalogue, codes in by_catalogue.items():
        found |= in_units(db, catalogue, codes)
    if area.get("polygons") or area.get("circles"):
        found |= {r[0] for r in db.execute("SELECT id, lat, lon FROM boards WHERE lat IS NOT NULL AND lon IS NOT NULL").fetchall()
                  if geo.area_contains(area, r[1], r[2])}
    if test:
        marks = ",".join("?" * len(found))
        found = {r[0] for r in db.execute(f"SELECT id FROM boards WHERE is_test = 1 AND id IN ({marks})", list(found)).fetchall()} if found else set()
    return found


def for_alert(db: Database, alert_id: str, earlier_area: dict | None = None) -> set[str]:
    """Boards an alert covers; with the area it had before an edit, those it covered too (they must drop it)."""
    row = db.execute("SELECT area, test FROM alerts WHERE id = ?", [alert_id]).fetchone()
    if row is None:
        return set()
    found = for_area(db, json.loads(row[0]), bool(row[1]))
    if earlier_area is not None:
        found |= for_area(db, earlier_area, bool(row[1]))
    return found


def for_target(db: Database, kind: str, target_id: str) -> set[str]:
    """Boards a schedule target names: one board, a unit with every unit under it, or a group."""
    if kind == "board":
        return {r[0] for r in db.execute("SELECT id FROM boards WHERE id = ?", [target_id]).fetchall()}
    if kind == "unit":
        catalogue, code = target_id.split(":", 1)
        return in_units(db, catalogue, [code])
    if kind == "group":
        return {r[0] for r in db.execute("SELECT board_id FROM board_group_members WHERE group_id = ?", [target_id]).fetchall()}
    raise ValueError(f"unknown target kind {kind!r}")


def for_schedule(db: Database, schedule_id: str) -> set[str]:
    row = db.execute("SELECT target_kind, target_id FROM schedules WHERE id = ?", [schedule_id]).fetchone()
    return for_target(db, row[0], row[1]) if row else set()


def for_playlist(db: Database, playlist_id: str) -> set[str]:
    """Boards of every schedule that plays the playlist (a content edit reaches exactly these)."""
    found: set[str] = set()
    for kind, target_id in db.execute("SELECT DISTINCT target_kind, target_id FROM schedules WHERE playlist_id = ?", [playlist_id]).fetchall():
        found |= for_target(db, kind, target_id)
    return found
