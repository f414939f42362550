"""Text zones: the clock and date, the header (bulletins are in `player.screen.bulletin`)."""
from kivy.clock import Clock
from kivy.graphics import Color, Rectangle
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from player.screen.context import ZoneContext
from player.screen.fonts import shown
from player.screen.media import hex_rgba
from player.screen.textfit import fit_font
from player.vntime import clock_text, date_text
from protocol.layout import Zone
from protocol.manifest import Item


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
