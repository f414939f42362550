"""Groupings a province defines over today's units (e.g. its former districts), for indicator 2.2."""
from sqlite_utils import Database

from manager import units
from manager.errors import BadInput
from protocol.text import nfc


def replace(db: Database, grouping: str, catalogue: str, province: str, groups: list[tuple[str, str, list[str]]]) -> int:
    """Replace the grouping; every member must be a unit of the province. Returns the member count."""
    units.get(db, catalogue, province)
    rows = []
    seen = set()
    for code, name, members in groups:
        for member in members:
            unit = units.get(db, catalogue, member)
            if unit["province_code"] != province:
                raise BadInput(f"Đơn vị {member} không thuộc tỉnh {province}", f"unit {member} is not in province {province}")
            if member in seen:
                raise BadInput(f"Đơn vị {member} nằm trong hai nhóm", f"unit {member} is in two groups")
            seen.add(member)
            rows.append(dict(grouping=grouping, catalogue=catalogue, province_code=province,
                             group_code=code, group_name=nfc(name), unit_code=member))
    db.execute("DELETE FROM unit_groups WHERE grouping = ? AND catalogue = ? AND province_code = ?", [grouping, catalogue, province])
    db["unit_groups"].insert_all(rows)
    return len(rows)
