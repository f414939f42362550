"""Reading the audit log: it names every unit's people and changes, so only admins and province-level auditors read it whole."""
import json

from manager import audit, units
from manager.auth import Principal
from manager.errors import NotFound
from manager.domain import db_of
from manager.domain.policy import allows, require_province_level

READERS = ("auditor",)  # besides admins; province-level only


def latest(x, principal: Principal, limit: int = 200, action: str | None = None) -> list[dict]:
    """Newest first, each row with `object_name` (the object's name now, when it still exists), `object_retired`
    (a deleted playlist, kept) and `detail_obj`."""
    db = db_of(x)
    require_province_level(db, principal, *READERS)
    rows = audit.latest(db, limit)
    rows = [r for r in rows if r["action"] == action] if action else rows
    names = audit.object_names(db, {(r["object_type"], r["object_id"]) for r in rows})
    catalogue = units.current_catalogue(db)
    unit_names: dict[str, str] = {}
    for row in rows:
        row["object_name"], row["object_retired"] = names.get((row["object_type"], row["object_id"]), (None, False))
        row["detail_obj"] = detail = json.loads(row["detail"] or "{}")
        if isinstance(detail.get("unit"), str):  # a unit by its name, as people know it
            code = detail["unit"]
            if code not in unit_names:
                try:
                    unit_names[code] = units.get(db, catalogue, code)["name"]
                except NotFound:  # a unit of an older catalogue: its code is all there is
                    unit_names[code] = code
            detail["unit"] = unit_names[code]
    return rows


def may_read(x, principal: Principal) -> bool:
    """Whether `latest` would answer this person (the console shows its menu link only then)."""
    return allows(require_province_level, db_of(x), principal, *READERS)
