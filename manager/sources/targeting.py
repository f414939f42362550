"""Where a mapped CAP message goes, once the catalogue is at hand: names become units, doubts hold it.

`manager.cap.map_alert` is pure; what needs the database is decided here:
a message whose only area is a name (`<areaDesc>`) is matched to units
(`area_names`), and a message the manager is not sure about (a name that
matches no unit or several, a shape with latitude and longitude swapped) is
*held*: it waits in the inbox, whatever the source's mode, with the reason
and the candidate units, until an approver chooses.
"""
from sqlite_utils import Database

from manager import units
from manager.cap import Mapped, area_is_empty
from manager.errors import BadInput
from manager.sources import area_names


def settle(db: Database, mapped: Mapped, has_live_targets: bool) -> list[dict]:
    """Fill the area from names when they are sure, add holds when they are not; returns the names'
    matches (for the inbox item, empty when the message did not need them)."""
    if mapped.action not in ("publish", "update") or not mapped.area_names or not area_is_empty(mapped.fields["area"]):
        return []
    resolution = area_names.resolve(db, units.current_catalogue(db), mapped.area_names)
    if resolution.sure:
        mapped.fields["area"]["units"] = resolution.units
        names = ", ".join(n.name for n in resolution.names)
        mapped.problems.append((f"Nhắm theo tên địa bàn: {names}", f"targeted by area name: {names}"))
    elif not (mapped.action == "update" and has_live_targets):  # an Update without a usable area keeps the boards it had
        unsure = "; ".join(n.name for n in resolution.names if not n.sure)
        mapped.holds.append((f"Tên địa bàn chưa xác định được đơn vị ({unsure}): người duyệt chọn đơn vị",
                             f"area name does not match one unit ({unsure}): an approver chooses the units"))
    return resolution.as_json()


def choose_units(db: Database, mapped: Mapped, matches: list[dict], chosen: list[dict]) -> None:
    """An approver's choice of units for a message targeted by name only; the names that were sure
    (`matches`, from `settle`) keep their units beside the ones chosen for the others."""
    if not mapped.area_names or not area_is_empty({**mapped.fields.get("area", {}), "units": []}):
        raise BadInput("Bản tin đã có vùng nhắm của bên gửi; chỉ chọn đơn vị cho bản tin chỉ ghi tên địa bàn",
                       "the message has its sender's own area; units are chosen only for messages that only name the area")
    sure = [c for m in matches if m["sure"] for c in m["candidates"]]
    picked = []
    for unit in sure + chosen:
        units.get(db, unit["catalogue"], unit["code"])  # NotFound for a unit the catalogue lacks
        ref = {"catalogue": unit["catalogue"], "code": unit["code"]}
        if ref not in picked:
            picked.append(ref)
    mapped.fields["area"]["units"] = picked
    mapped.holds[:] = [h for h in mapped.holds if not h[1].startswith("area name")]
