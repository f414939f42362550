"""What the bulletin editor previews: the pages a board will show, before anything is saved.

The pages come from `protocol.bulletin.pages`, the function the player itself
calls, on the zone the board will give the bulletin (after
`protocol.zonefill`): at the layout's design resolution and the default
legibility floor, or on one board's screen with its own floor (`target`), or
on a screen size the editor picks.
"""
import re

from layouts import builtin_layouts
from manager import boards
from manager.auth import Principal, in_scope, require_scope
from manager.errors import BadInput
from protocol.bulletin import padding, pages
from protocol.layout import ZoneKind
from protocol.manifest import Item, ItemKind
from protocol.notice import Notice
from protocol.legibility import min_line_height_px
from protocol.zonefill import fill_empty

ALWAYS_SHOWING = (ZoneKind.header, ZoneKind.clock)
SCREENS = ((1920, 1080), (1280, 720), (1366, 768), (1080, 1920), (768, 384), (512, 256))  # offered beside the boards
_SIZE = re.compile(r"^(\d{2,5})x(\d{2,5})$")


def screen_of(value: str) -> tuple[int, int]:
    """A screen size written as the console offers it ("1280x720")."""
    m = _SIZE.match(value.strip())
    if not m or not all(64 <= int(n) <= 8192 for n in m.groups()):
        raise BadInput(f"Kích thước màn hình không hợp lệ: {value!r} (ví dụ 1280x720)", f"not a screen size: {value!r}")
    return int(m.group(1)), int(m.group(2))


def preview(layout_id: str, *, title: str = "", body: str = "", notice: Notice | None = None, duration_s: float = 20,
            has_media: bool = False, has_ticker: bool = False, min_line_px: int | None = None,
            screen: tuple[int, int] | None = None) -> dict:
    """The pages on `screen` (a board's width and height; the layout's own when None) at the floor of that
    screen, or `min_line_px` when the board sets a larger one, as the player computes them."""
    layout = builtin_layouts().get(layout_id)
    if layout is None:
        raise BadInput(f"Không có bố cục {layout_id!r}", f"no layout {layout_id!r}")
    bulletins = layout.zones_of(ZoneKind.bulletin)
    if not bulletins:
        raise BadInput(f"Bố cục {layout.name} không có vùng bản tin", f"layout {layout_id} has no bulletin zone")
    has_text = bool(title.strip() or body.strip() or (notice is not None and not notice.is_empty))
    busy = {z.id for z in layout.zones if z.kind in ALWAYS_SHOWING}
    busy |= {bulletins[0].id} if has_text else set()
    busy |= {z.id for z in layout.zones_of(ZoneKind.media)} if has_media else set()
    busy |= {z.id for z in layout.zones_of(ZoneKind.ticker)} if has_ticker else set()
    shown = fill_empty(layout, busy)
    width, height = screen or (layout.width, layout.height)  # zones are fractions of whatever screen the board has
    out = {"layout": {"id": layout.id, "width": width, "height": height, "background": layout.background,
                      "zones": [z.model_dump(mode="json") for z in shown.zones]},
           "bulletin_zone": bulletins[0].id, "pages": [], "page_count": 0, "reading_s": 0, "shown_s": 0,
           "slot_s": duration_s, "too_long": False, "floor_px": min_line_height_px(height, min_line_px),
           "screen_floor_px": min_line_height_px(height)}
    if not has_text:
        return out
    zone = shown.zone(bulletins[0].id)
    size = (zone.w * width, zone.h * height)
    item = Item(id="preview", zone=zone.id, kind=ItemKind.bulletin, title=title, body=body, notice=notice,
                duration_s=duration_s)
    result = pages(item, size, out["floor_px"])
    durations = result.durations(duration_s)
    out.update(
        pad=padding(*size), body_size=result.body_size, line_px=result.line_px, page_count=len(result.pages),
        reading_s=result.total_s, shown_s=round(sum(durations), 1), too_long=result.total_s > duration_s,
        pages=[{"number": p.number, "seconds": d, "lines": [
            {"text": line.text, "x": line.x, "y": line.y, "width": line.width, "height": line.height, "size": line.size,
             "weight": line.weight, "align": line.align, "role": line.role, "broken": line.broken} for line in p.lines]}
            for p, d in zip(result.pages, durations)])
    return out


def targets(db, principal: Principal) -> list[dict]:
    """What the editor may preview for: each board in their scope (its screen, its own floor), then screen sizes."""
    out = []
    for b in db.query("SELECT id, name, width, height, min_line_px, unit_catalogue, unit_code FROM boards "
                      "WHERE revoked_at IS NULL ORDER BY name"):
        if in_scope(db, principal, b["unit_catalogue"], b["unit_code"]):
            floor = min_line_height_px(b["height"], b["min_line_px"])
            out.append({"value": f"board:{b['id']}", "label": f"{b['name']} ({b['width']}x{b['height']}, dòng ≥ {floor} px)"})
    out += [{"value": f"{w}x{h}", "label": f"Màn hình {w}x{h} (dòng ≥ {min_line_height_px(h)} px)"} for w, h in SCREENS]
    return out


def target(db, principal: Principal, value: str) -> tuple[tuple[int, int] | None, int | None]:
    """The screen and the board's own floor of a preview target ("" is the layout's design resolution)."""
    value = (value or "").strip()
    if not value:
        return None, None
    if value.startswith("board:"):
        board = boards.get(db, value.removeprefix("board:"))
        require_scope(db, principal, board["unit_catalogue"], board["unit_code"])
        return (board["width"], board["height"]), board["min_line_px"]
    return screen_of(value), None
