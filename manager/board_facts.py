"""A board's facts with the dates they were in force: class, test flag, unit and operating hours.

The reports of a past period count a board with the facts it had then
(`manager/reports/build.py`), so changing a board's class, test flag, unit or
hours today leaves every earlier figure as it was. Every change adds a row
(table `board_facts`, migration m010) whose hash links to the board's row
before it (`manager.evidence.fact_hash`); the chain check compares the rows'
hashes, and the board's current record with its newest row, so an edit made
in the database around the manager shows.
"""
import json

from sqlite_utils import Database

from manager import evidence, uptime_store
from manager.reasons import Reason
from manager.reports.figures import Facts, facts_from_rows


def _newest(db: Database, board_id: str) -> dict | None:
    rows = list(db.query("SELECT * FROM board_facts WHERE board_id = ? ORDER BY from_at DESC LIMIT 1", [board_id]))
    return rows[0] if rows else None


def _same(board: dict, row: dict) -> bool:
    return (board["board_class"], int(board["is_test"]), board["unit_catalogue"], board["unit_code"]) == (
        row["board_class"], int(row["is_test"]), row["unit_catalogue"], row["unit_code"]) and \
        json.loads(board["operating_hours"] or "[]") == json.loads(row["hours"] or "[]")


def record(db: Database, board_id: str, at: float) -> bool:
    """The board's current facts in force from `at` on (same transaction as the change); False when nothing changed."""
    board = db["boards"].get(board_id)
    newest = _newest(db, board_id)
    if newest is not None and _same(board, newest):
        return False
    prev_hash = newest["hash"] if newest else evidence.GENESIS
    at = max(at, newest["from_at"]) if newest else at
    fact = dict(board_id=board_id, from_at=float(at), board_class=board["board_class"], is_test=int(board["is_test"]),
                unit_catalogue=board["unit_catalogue"], unit_code=board["unit_code"],
                hours=board["operating_hours"] or "[]", prev_hash=prev_hash)
    if newest is not None and newest["from_at"] == fact["from_at"]:
        # Two changes within the same instant: the later one replaces the earlier, still linked to the row before.
        db.execute("DELETE FROM board_facts WHERE board_id = ? AND from_at = ?", [board_id, fact["from_at"]])
        fact["prev_hash"] = newest["prev_hash"]
    fact["hash"] = evidence.fact_hash(fact["prev_hash"], fact)
    db["board_facts"].insert(fact)
    return True


def rows(db: Database, board_ids: list[str]) -> dict[str, list[dict]]:
    """The stored facts rows per board, in time order."""
    out: dict[str, list[dict]] = {b: [] for b in board_ids}
    for k in range(0, len(board_ids), 500):
        chunk = board_ids[k:k + 500]
        for row in db.query(f"SELECT * FROM board_facts WHERE board_id IN ({','.join('?' * len(chunk))}) "
                            "ORDER BY board_id, from_at", chunk):
            out[row["board_id"]].append(row)
    return out


def history(db: Database, boards: list[dict]) -> dict[str, list[Facts]]:
    """Per board, its facts in time order. A board with no recorded facts (rows written straight into
    `boards`, as the benchmark does) has had its current class, flag and unit all along, and its hours history."""
    stored = rows(db, [b["id"] for b in boards])
    missing = [b for b in boards if not stored[b["id"]]]
    hours = uptime_store.hours_history(db, [b["id"] for b in missing])
    out = {board_id: facts_from_rows(r) for board_id, r in stored.items() if r}
    for b in missing:
        out[b["id"]] = [Facts(from_at, b["board_class"], bool(b["is_test"]), b["unit_catalogue"], b["unit_code"], tuple(h))
                        for from_at, h in hours[b["id"]]]
    return out


def boards_ever_in(db: Database, catalogue: str, codes: list[str]) -> list[str]:
    """Ids of the boards attached to any of the units now or at any time recorded."""
    out: set[str] = set()
    for k in range(0, len(codes), 500):
        chunk = codes[k:k + 500]
        marks = ",".join("?" * len(chunk))
        for table, cat, code in (("boards", "unit_catalogue", "unit_code"), ("board_facts", "unit_catalogue", "unit_code")):
            col = "id" if table == "boards" else "board_id"
            out |= {r[0] for r in db.execute(f"SELECT DISTINCT {col} FROM {table} WHERE {cat} = ? AND {code} IN ({marks})",
                                             [catalogue, *chunk]).fetchall()}
    return sorted(out)


def check(db: Database, board: dict) -> Reason | None:
    """None when the board's facts rows link and match, and its record agrees with the newest; else what failed."""
    stored = rows(db, [board["id"]])[board["id"]]
    if not stored:
        # Every board gets a row when it is created (and at m010's upgrade): none left means they were deleted,
        # and the reports would then count the board with today's class, flag and unit all along.
        return Reason("facts_none")
    failed = evidence.check_facts(stored)
    if failed:
        return failed
    if not _same(board, stored[-1]):
        return Reason("facts_differ")
    return None
