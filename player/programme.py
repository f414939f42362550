"""From a manifest and an instant to what each zone plays: pure, no Kivy.

`protocol.schedule.select` decides which playlist (and which alerts) apply;
this module resolves the playlist's layout and splits its items by zone.
"""
from dataclasses import dataclass, field
from datetime import datetime

from layouts import default_layout_id
from protocol.layout import Layout, ZoneKind
from protocol.manifest import Alert, Item, Manifest
from protocol.schedule import Selection, select
from protocol.zonefill import fill_empty



@dataclass(frozen=True)
class Programme:
    operating: bool
    layout: Layout | None = None
    zones: dict[str, list[Item]] = field(default_factory=dict)
    alerts: list[Alert] = field(default_factory=list)
    playlist: str | None = None
    until: datetime | None = None

    @property
    def empty(self) -> bool:
        return not any(self.zones.values())


def choose_layout(wanted: str | None, manifest: Manifest | None, local: dict[str, Layout],
                  screen: tuple[int, int]) -> Layout:
    """The manifest's layout, else a local one, else the built-in one for the screen's shape."""
    sources = [manifest.layouts if manifest else {}, local]
    for source in sources:
        if wanted and wanted in source:
            return source[wanted]
    fallback = default_layout_id(screen[0], screen[1])
    for source in (local,):
        if fallback in source:
            return source[fallback]
    return next(iter(local.values()))


def build(manifest: Manifest | None, now: datetime, local_layouts: dict[str, Layout],
          screen: tuple[int, int], preferred_layout: str = "") -> Programme:
    if manifest is None:
        layout = choose_layout(preferred_layout, None, local_layouts, screen)
        return Programme(operating=True, layout=layout)
    sel: Selection = select(manifest, now)
    if not sel.operating:
        return Programme(operating=False, alerts=sel.alerts, until=sel.until)
    playlist = manifest.playlists.get(sel.playlist) if sel.playlist else None
    wanted = playlist.layout if playlist else (preferred_layout or manifest.board.layout)
    layout = choose_layout(wanted, manifest, local_layouts, screen)
    zones: dict[str, list[Item]] = {z.id: [] for z in layout.zones}
    by_kind = {z.kind: z.id for z in layout.zones}
    for item in playlist.items if playlist else []:
        zone = item.zone if item.zone in zones else _zone_for(item, by_kind)
        if zone is not None:
            zones[zone].append(item)
    if any(zones.values()):
        # A zone with nothing to show gives its space to a neighbour rather than stay an empty panel.
        layout = fill_empty(layout, {zid for zid, items in zones.items() if items})
        zones = {z.id: zones[z.id] for z in layout.zones}
    return Programme(True, layout, zones, sel.alerts, sel.playlist, sel.until)


def _zone_for(item: Item, by_kind: dict[ZoneKind, str]) -> str | None:
    """A zone the layout lacks: put the item in the first zone of a suitable kind."""
    kind = {"image": ZoneKind.media, "video": ZoneKind.media, "document": ZoneKind.media, "bulletin": ZoneKind.bulletin,
            "ticker": ZoneKind.ticker, "clock": ZoneKind.clock}[item.kind.value]
    return by_kind.get(kind)
