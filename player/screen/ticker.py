"""The ticker: one line scrolling right to left at a constant speed.

The position is a function of elapsed time (`offset = speed * t`), not a sum
of per-frame steps, so a slow frame never makes the text lag or jump
backwards; the text is rendered once into textures and only moved.
"""
import time

from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Rectangle
from kivy.graphics.scissor_instructions import ScissorPop, ScissorPush
from kivy.uix.widget import Widget

from player.screen.context import ZoneContext
from player.screen.fonts import shown
from player.screen.media import hex_rgba
from protocol.layout import Zone
from protocol.manifest import Item
from protocol.playlog import PlayOutcome

SEPARATOR = "   •   "
PIECE_CHARS = 120  # long texts are rendered in pieces: one texture may not exceed the GPU limit


class TickerZone(Widget):
    def __init__(self, zone: Zone, ctx: ZoneContext, **kwargs):
        super().__init__(**kwargs)
        self.zone = zone
        self.ctx = ctx
        self.items: list[Item] = []
        self.pieces: list = []  # textures, left to right
        self.strip_width = 0.0
        self.t0 = time.monotonic()
        self.offset = 0.0
        self.cycles = 0
        self._cycle_started = None
        with self.canvas.before:
            Color(*hex_rgba(zone.background))
            self._bg = Rectangle()
        with self.canvas.before:
            # A scissor, not a stencil: far cheaper on software GL (llvmpipe).
            self._scissor = ScissorPush(x=0, y=0, width=1, height=1)
        with self.canvas:
            self._color = Color(*hex_rgba(zone.foreground))
        with self.canvas.after:
            ScissorPop()
        self._rects: list[Rectangle] = []
        self._render = Clock.create_trigger(self.render_text, 0)
        self.bind(pos=self._moved, size=self._moved)
        self._frame = Clock.schedule_interval(self.step, 0)

    @property
    def speed(self) -> float:
        from kivy.core.window import Window  # imported late: importing it opens the window

        return self.ctx.ticker_speed * (Window.height / 1080.0)

    @property
    def current_id(self) -> str | None:
        return self.items[0].id if self.items else None

    def _moved(self, *args) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size
        self._scissor.x, self._scissor.y = int(self.x), int(self.y)
        self._scissor.width, self._scissor.height = int(self.width), int(self.height)
        self._render()

    def play(self, items: list[Item]) -> None:
        if [(i.id, i.text) for i in items] == [(i.id, i.text) for i in self.items]:
            return
        self.flush_report()
        self.items = list(items)
        self.t0 = time.monotonic()
        self._cycle_started = self.ctx.now() if items else None
        self.cycles = 0
        self._render()

    def stop(self) -> None:
        self.play([])

    def text(self) -> str:
        return SEPARATOR.join(shown(i.text or i.title or i.body).strip() for i in self.items if (i.text or i.title or i.body).strip())

    def render_text(self, *args) -> None:
        text = self.text()
        self.pieces = []
        for rect in self._rects:
            self.canvas.remove(rect)
        self._rects = []
        self.strip_width = 0.0
        if not text or self.height <= 1:
            return
        font_size = self.height * 0.55
        for chunk in _chunks(text + SEPARATOR, PIECE_CHARS):
            label = CoreLabel(text=chunk, font_name=self.ctx.font, font_size=font_size)
            label.refresh()
            tex = label.texture
            self.pieces.append(tex)
            self.strip_width += tex.width
        self.step(0)

    def step(self, dt) -> None:
        """Place the pieces for this instant; copies of the strip follow each other."""
        if not self.pieces or self.strip_width <= 0:
            return
        elapsed = time.monotonic() - self.t0
        travelled = elapsed * self.speed
        # The strip first enters from the right edge, then loops seamlessly.
        period = self.strip_width
        start = self.right - travelled
        if start < self.x:
            cycles, rem = divmod(self.x - start, period)
            start = self.x - rem
            if int(cycles) > self.cycles:
                self.cycles = int(cycles)
                self._cycle_done()
        self.offset = travelled
        needed = []
        x = start
        while x < self.right:
            for tex in self.pieces:
                if x + tex.width > self.x and x < self.right:
                    needed.append((x, tex))
                x += tex.width
                if x >= self.right:
                    break
        while len(self._rects) < len(needed):
            rect = Rectangle()
            self.canvas.add(rect)
            self._rects.append(rect)
        y_mid = self.y + self.height / 2
        for rect, (x, tex) in zip(self._rects, needed):
            rect.texture = tex
            rect.size = tex.size
            rect.pos = (x, y_mid - tex.height / 2)
        for rect in self._rects[len(needed):]:
            rect.size = (0, 0)

    def _cycle_done(self) -> None:
        self.flush_report()
        self._cycle_started = self.ctx.now()

    def flush_report(self) -> None:
        if self._cycle_started is None or not self.items:
            return
        duration = max(0.0, (self.ctx.now() - self._cycle_started).total_seconds())
        for item in self.items:
            self.ctx.report(item, self.zone.id, self._cycle_started, round(duration, 3), PlayOutcome.played, None)
        self._cycle_started = None

    def halt(self) -> None:
        self._frame.cancel()


def _chunks(text: str, size: int) -> list[str]:
    """Split at spaces into pieces of about `size` characters."""
    pieces, current = [], ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if len(candidate) > size and current:
            pieces.append(current + " ")
            current = word
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces
