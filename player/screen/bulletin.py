"""The bulletin zone: text bulletins and official notices, page by page.

The lines, page breaks and reading times come from `protocol.pagination`, the
same function the console's preview calls, so the board shows the pages the
editor saw. This widget only draws the lines it is given and turns the pages.
"""
import logging

from kivy.clock import Clock
from kivy.uix.label import Label

from player.screen.context import Showing, ZoneContext
from player.screen.media import hex_rgba
from player.screen.textzones import TextZone
from protocol.bulletin import padding, pages
from protocol.layout import Zone
from protocol.manifest import Item
from protocol.legibility import min_line_height_px
from protocol.pagination import Pagination
from protocol.playlog import PlayOutcome

log = logging.getLogger(__name__)
FONT_FOR = {"regular": "BeVietnamPro", "bold": "BeVietnamProBold", "italic": "BeVietnamProItalic"}


class BulletinZone(TextZone):
    """One bulletin at a time, each page for its reading time, each item at least for its slot."""

    def __init__(self, zone: Zone, ctx: ZoneContext, **kwargs):
        super().__init__(zone, ctx, **kwargs)
        self.items: list[Item] = []
        self.index = -1
        self.page = 0
        self.pages: Pagination | None = None
        self.showing: Showing | None = None
        self._timer = None
        self._labels: list[Label] = []
        self._laid_for: tuple | None = None

    @property
    def current_id(self) -> str | None:
        return self.showing.item.id if self.showing else None

    def play(self, items: list[Item]) -> None:
        if [i.model_dump() for i in items] == [i.model_dump() for i in self.items]:
            self._refit()  # the same items, but perhaps a new floor from the manifest: laid out again if so
            return
        self.flush_report()
        self.items = list(items)
        self.index = -1
        self._next_item()

    def stop(self) -> None:
        self.play([])

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _next_item(self, *args) -> None:
        self._cancel()
        self.flush_report()
        if not self.items:
            self.pages, self._laid_for = None, None
            self._draw()
            return
        self.index = (self.index + 1) % len(self.items)
        self.page = 0
        self._laid_for = None
        self.showing = Showing(self.items[self.index], self.ctx.now())
        self._refit()  # on the next frame, once the zone has its size

    def _next_page(self, *args) -> None:
        self._timer = None
        if self.pages is None or self.page + 1 >= len(self.pages.pages):
            self._next_item()
            return
        self.page += 1
        self._draw()
        self._arm()

    def _arm(self) -> None:
        self._cancel()
        if self.pages is None or self.index < 0:
            return
        seconds = self.pages.durations(self.items[self.index].duration_s)[self.page]
        self._timer = Clock.schedule_once(self._next_page, seconds)

    def flush_report(self) -> None:
        if self.showing is not None:
            self.ctx.report(self.showing.item, self.zone.id, self.showing.started_at,
                            self.showing.elapsed(), PlayOutcome.played, None)
            self.showing = None

    def floor_px(self) -> int:
        from kivy.core.window import Window  # imported late: importing it opens the window

        return min_line_height_px(int(Window.height), self.ctx.min_line_px)

    def arrange(self, *args) -> None:
        if self.index < 0 or not self.items:
            return
        key = (self.index, (self.width, self.height), self.floor_px())
        if key == self._laid_for:
            return
        first = self._laid_for is None
        self._laid_for = key
        item = self.items[self.index]
        # Laying out a long notice takes a good part of a second on a small board: off the main thread,
        # while the screen keeps what it shows.
        future = self.ctx.decoder.submit(pages, item, key[1], key[2])
        future.add_done_callback(lambda done: Clock.schedule_once(lambda dt: self._laid(key, first, item, done)))

    def _laid(self, key: tuple, first: bool, item: Item, done) -> None:
        if key != self._laid_for:
            return  # the zone or the item changed meanwhile: a newer layout is on its way
        try:
            self.pages = done.result()
        except Exception as exc:  # a fault in laying out one item must not stop the zone: logged, reported, skipped
            log.exception("cannot lay out bulletin %s", item.id)
            self.showing = None
            self.ctx.report(item, self.zone.id, self.ctx.now(), 0.0, PlayOutcome.failed, f"layout: {exc}")
            self._timer = Clock.schedule_once(self._next_item, 1)
            return
        self.page = min(self.page, len(self.pages.pages) - 1)
        self._draw()
        if first or self._timer is None:
            self._arm()

    def _draw(self) -> None:
        for label in self._labels:
            self.remove_widget(label)
        self._labels = []
        if self.pages is None:
            return
        pad = padding(self.width, self.height)
        colour = hex_rgba(self.zone.foreground)
        for line in self.pages.pages[self.page].lines:
            label = Label(text=line.text, font_name=FONT_FOR[line.weight], font_size=line.size, color=colour,
                          markup=False, halign=line.align, valign="middle", size_hint=(None, None),
                          size=(line.width, line.height), text_size=(line.width, line.height),
                          pos=(self.x + pad + line.x, self.top - pad - line.y - line.height))
            self.add_widget(label)
            self._labels.append(label)
