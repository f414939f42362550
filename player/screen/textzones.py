"""Text zones: bulletins with a fitted font, the clock and date, the header."""
from kivy.clock import Clock
from kivy.graphics import Color, Rectangle
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from player.screen.context import Showing, ZoneContext
from player.screen.fonts import shown
from player.screen.media import hex_rgba
from player.screen.textfit import fit_font
from player.vntime import clock_text, date_text
from protocol.layout import Zone
from protocol.manifest import Item
from protocol.playlog import PlayOutcome


class TextZone(Widget):
    """A zone with a background and labels placed by `arrange`."""

    def __init__(self, zone: Zone, ctx: ZoneContext, **kwargs):
        super().__init__(**kwargs)
        self.zone = zone
        self.ctx = ctx
        with self.canvas.before:
            Color(*hex_rgba(zone.background))
            self._bg = Rectangle()
        self._refit = Clock.create_trigger(self.arrange, 0)
        self.bind(pos=self._moved, size=self._moved)

    def label(self, font: str, **kwargs) -> Label:
        lab = Label(font_name=font, color=hex_rgba(self.zone.foreground), markup=False, **kwargs)
        self.add_widget(lab)
        return lab

    def _moved(self, *args) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size
        self._refit()

    def arrange(self, *args) -> None:
        raise NotImplementedError

    def play(self, items: list[Item]) -> None:
        pass

    def stop(self) -> None:
        pass

    def flush_report(self) -> None:
        pass

    current_id = None


class BulletinZone(TextZone):
    """Title and body of one bulletin at a time, each item for its duration."""

    def __init__(self, zone: Zone, ctx: ZoneContext, **kwargs):
        super().__init__(zone, ctx, **kwargs)
        self.items: list[Item] = []
        self.index = 0
        self.showing: Showing | None = None
        self._timer = None
        self.title = self.label(ctx.font_bold, halign="left", valign="top")
        self.body = self.label(ctx.font, halign="left", valign="top", line_height=1.15)

    @property
    def current_id(self) -> str | None:
        return self.showing.item.id if self.showing else None

    def play(self, items: list[Item]) -> None:
        if [(i.id, i.title, i.body, i.duration_s) for i in items] == \
                [(i.id, i.title, i.body, i.duration_s) for i in self.items]:
            return
        self.flush_report()
        self.items = list(items)
        self.index = -1
        self._next()

    def stop(self) -> None:
        self.play([])

    def _next(self, *args) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.flush_report()
        if not self.items:
            self.title.text = self.body.text = ""
            return
        self.index = (self.index + 1) % len(self.items)
        item = self.items[self.index]
        if self.title.text == shown(item.title) and self.body.text == shown(item.body or item.text):
            self.showing = Showing(item, self.ctx.now())
            self._timer = Clock.schedule_once(self._next, item.duration_s)
            return
        self.title.text = shown(item.title)
        self.body.text = shown(item.body or item.text)
        self.showing = Showing(item, self.ctx.now())
        self.arrange()
        # Several items take turns; a single one is re-logged once per its duration.
        self._timer = Clock.schedule_once(self._next, item.duration_s)

    def flush_report(self) -> None:
        if self.showing is not None:
            self.ctx.report(self.showing.item, self.zone.id, self.showing.started_at,
                            self.showing.elapsed(), PlayOutcome.played, None)
            self.showing = None

    def arrange(self, *args) -> None:
        pad = max(4.0, min(self.width, self.height) * 0.05)
        inner_w = max(1.0, self.width - 2 * pad)
        inner_h = max(1.0, self.height - 2 * pad)
        title_h = 0.0
        if self.title.text:
            size = fit_font(self.title.text, self.ctx.font_bold, (inner_w, inner_h * 0.3), hi=inner_h / 7)
            self.title.font_size = size
            self.title.text_size = (inner_w, None)
            self.title.texture_update()
            title_h = self.title.texture_size[1]
        gap = pad * 0.6 if self.title.text else 0
        body_h = max(1.0, inner_h - title_h - gap)
        if self.body.text:
            cap = (self.title.font_size * 0.85) if self.title.text else inner_h / 6
            self.body.font_size = fit_font(self.body.text, self.ctx.font, (inner_w, body_h), hi=cap)
        self.title.text_size = (inner_w, title_h or 1)
        self.title.size = (inner_w, title_h)
        self.title.pos = (self.x + pad, self.top - pad - title_h)
        self.body.text_size = (inner_w, body_h)
        self.body.size = (inner_w, body_h)
        self.body.pos = (self.x + pad, self.y + pad)


class ClockZone(TextZone):
    """'10:30' above 'Thứ Sáu, 27/11/2026', Vietnam time, corrected for clock skew."""

    def __init__(self, zone: Zone, ctx: ZoneContext, **kwargs):
        super().__init__(zone, ctx, **kwargs)
        self.time = self.label(ctx.font_bold, halign="center", valign="middle")
        self.date = self.label(ctx.font, halign="center", valign="middle")
        self._tick = Clock.schedule_interval(self.update, 1)
        self.update()

    def update(self, *args) -> None:
        now = self.ctx.now()
        self.time.text = clock_text(now)
        self.date.text = date_text(now)

    def arrange(self, *args) -> None:
        w, h = self.width, self.height
        self.time.size = (w, h * 0.6)
        self.time.pos = (self.x, self.y + h * 0.4)
        self.date.size = (w, h * 0.4)
        self.date.pos = (self.x, self.y)
        self.time.font_size = min(h * 0.48, w / 4.2)
        self.date.font_size = min(h * 0.26, w / 13)
        for lab in (self.time, self.date):
            lab.text_size = lab.size

    def stop(self) -> None:
        self._tick.cancel()


class HeaderZone(TextZone):
    """The unit's name, as large as fits."""

    def __init__(self, zone: Zone, ctx: ZoneContext, title: str = "", **kwargs):
        super().__init__(zone, ctx, **kwargs)
        self.name = self.label(ctx.font_bold, halign="left", valign="middle")
        self.set_title(title)

    def set_title(self, title: str) -> None:
        self.name.text = shown(title)
        self._refit()

    def arrange(self, *args) -> None:
        pad = self.height * 0.18
        box = (max(1, self.width - 2 * pad), max(1, self.height - pad))
        self.name.font_size = fit_font(self.name.text, self.ctx.font_bold, box, hi=self.height * 0.55)
        self.name.size = box
        self.name.text_size = box
        self.name.pos = (self.x + pad, self.y + pad / 2)
