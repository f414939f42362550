"""What the bulletin editor previews: the pages a board will show, before anything is saved.

The pages come from `protocol.bulletin.pages`, the function the player itself
calls, on the zone the board will give the bulletin (after
`protocol.zonefill`), at the layout's own resolution and legibility floor.
"""
from layouts import builtin_layouts
from manager.errors import BadInput
from protocol.bulletin import padding, pages
from protocol.layout import ZoneKind
from protocol.manifest import Item, ItemKind
from protocol.notice import Notice
from protocol.legibility import min_line_height_px
from protocol.zonefill import fill_empty

ALWAYS_SHOWING = (ZoneKind.header, ZoneKind.clock)


def preview(layout_id: str, *, title: str = "", body: str = "", notice: Notice | None = None, duration_s: float = 20,
            has_media: bool = False, has_ticker: bool = False, min_line_px: int | None = None) -> dict:
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
    out = {"layout": {"id": layout.id, "width": layout.width, "height": layout.height, "background": layout.background,
                      "zones": [z.model_dump(mode="json") for z in shown.zones]},
           "bulletin_zone": bulletins[0].id, "pages": [], "page_count": 0, "reading_s": 0, "shown_s": 0,
           "slot_s": duration_s, "too_long": False, "floor_px": min_line_height_px(layout.height, min_line_px)}
    if not has_text:
        return out
    zone = shown.zone(bulletins[0].id)
    size = (zone.w * layout.width, zone.h * layout.height)
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
