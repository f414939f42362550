"""The stage: the layout's zones, with the full-screen views stacked above it."""
from kivy.uix.floatlayout import FloatLayout

from player.screen.context import ZoneContext
from player.screen.media import MediaZone, hex_rgba
from player.screen.overlays import DownloadIndicator, EmergencyOverlay, IdleView, PairingView
from player.screen.bulletin import BulletinZone
from player.screen.textzones import ClockZone, HeaderZone
from player.screen.ticker import TickerZone
from protocol.layout import Layout, ZoneKind

ZONE_CLASSES = {
    ZoneKind.media: MediaZone,
    ZoneKind.bulletin: BulletinZone,
    ZoneKind.ticker: TickerZone,
    ZoneKind.clock: ClockZone,
    ZoneKind.header: HeaderZone,
}


class LayoutView(FloatLayout):
    """One widget per zone, placed by the layout's fractions (origin top-left)."""

    def __init__(self, layout: Layout, ctx: ZoneContext, title: str, **kwargs):
        super().__init__(**kwargs)
        from kivy.graphics import Color, Rectangle

        self.layout = layout
        self.zones: dict[str, object] = {}
        with self.canvas.before:
            # Skipped when the zones tile the whole screen: one full-screen fill less per frame.
            covered = sum(z.w * z.h for z in layout.zones) >= 0.999
            Color(*hex_rgba(layout.background, 0 if covered else 1))
            self._bg = Rectangle(pos=self.pos, size=(0, 0) if covered else self.size)
        self._covered = covered
        self.bind(pos=lambda *a: setattr(self._bg, "pos", self.pos),
                  size=lambda *a: setattr(self._bg, "size", (0, 0) if self._covered else self.size))
        for zone in layout.zones:
            cls = ZONE_CLASSES[zone.kind]
            extra = {"title": title} if zone.kind == ZoneKind.header else {}
            widget = cls(zone, ctx, size_hint=(zone.w, zone.h),
                         pos_hint={"x": zone.x, "top": 1 - zone.y}, **extra)
            self.zones[zone.id] = widget
            self.add_widget(widget)

    def set_title(self, title: str) -> None:
        for widget in self.zones.values():
            if isinstance(widget, HeaderZone):
                widget.set_title(title)

    def on_screen(self) -> dict[str, str]:
        return {zid: w.current_id for zid, w in self.zones.items() if getattr(w, "current_id", None)}

    def dispose(self) -> None:
        for widget in self.zones.values():
            widget.flush_report()
            widget.stop()
            if isinstance(widget, TickerZone):
                widget.halt()


class Stage(FloatLayout):
    """Content at the bottom; idle, dark, pairing and emergency views above it."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        from kivy.graphics import Color, Rectangle
        from kivy.uix.widget import Widget

        self.content: LayoutView | None = None
        self.idle = IdleView()
        self.dark = Widget()
        with self.dark.canvas:
            Color(0, 0, 0, 1)
            dark_rect = Rectangle()
        self.dark.bind(pos=lambda w, v: setattr(dark_rect, "pos", v), size=lambda w, v: setattr(dark_rect, "size", v))
        self.pairing = PairingView()
        self.emergency = EmergencyOverlay()
        self.download = DownloadIndicator()
        self.add_widget(self.idle)
        self.add_widget(self.download)
        self._order = [self.idle, self.dark, self.pairing, self.emergency, self.download]
        self.visible = {self.idle, self.download}

    def set_content(self, view: LayoutView | None) -> None:
        if self.content is not None:
            self.remove_widget(self.content)
            self.content.dispose()
        self.content = view
        if view is not None:
            self.add_widget(view, index=len(self.children))  # at the bottom

    def show(self, view, on: bool) -> None:
        """Add or remove one of the stacked views, keeping their order."""
        if on and view not in self.visible:
            self.visible.add(view)
            above = [v for v in self._order[self._order.index(view) + 1:] if v in self.visible]
            index = max(self.children.index(v) for v in above) + 1 if above else 0
            self.add_widget(view, index=index)
        elif not on and view in self.visible:
            self.visible.discard(view)
            self.remove_widget(view)
