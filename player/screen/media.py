"""The media zone: images, videos and documents' pages in turn, the next one ready before the current ends.

Two slots are stacked: the one on screen and the one being prepared. The new
slot fades in over the old one and the old one is released only once the new
one is fully opaque, so there is never a black frame between items. A broken
item is reported once and skipped; the current picture stays until a good one
is ready. A document plays as its parts (whole pages, or halves and thirds
rendered by the manager for this board), each captioned with its page number.
"""
import logging
from pathlib import Path

from kivy.animation import Animation
from kivy.clock import Clock
from kivy.graphics import Color, Rectangle
from kivy.graphics.texture import Texture
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from player.screen.context import Showing, ZoneContext
from player.screen.decode import Decoded, decode
from player.screen.video import VideoStream
from protocol.layout import Fit, Zone
from protocol.legibility import min_line_height_px
from protocol.manifest import Item, ItemKind
from protocol.playlog import PlayOutcome

log = logging.getLogger(__name__)
RETRY_ALL_FAILED_S = 15
STILL_KINDS = (ItemKind.image, ItemKind.document)  # shown as a decoded picture for their duration


def hex_rgba(value: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    v = value.lstrip("#")
    return (int(v[0:2], 16) / 255, int(v[2:4], 16) / 255, int(v[4:6], 16) / 255, alpha)


def place(src: tuple[int, int], box: tuple[float, float], fit: Fit) -> tuple[tuple[float, float], tuple[float, float], tuple]:
    """Offset, size and texture coordinates drawing `src` into `box` (fit: letterbox, fill: crop)."""
    sw, sh = src
    bw, bh = box
    if sw <= 0 or sh <= 0 or bw <= 0 or bh <= 0:
        return (0, 0), (0, 0), (0, 0, 1, 0, 1, 1, 0, 1)
    if fit == Fit.fit:
        scale = min(bw / sw, bh / sh)
        w, h = sw * scale, sh * scale
        return ((bw - w) / 2, (bh - h) / 2), (w, h), (0, 0, 1, 0, 1, 1, 0, 1)
    scale = max(bw / sw, bh / sh)
    u = (bw / scale) / sw
    v = (bh / scale) / sh
    u0, v0 = (1 - u) / 2, (1 - v) / 2
    return (0, 0), (bw, bh), (u0, v0, u0 + u, v0, u0 + u, v0 + v, u0, v0 + v)


class Slot(Widget):
    """One item's picture, drawn in the zone's rectangle."""

    def __init__(self, item: Item, fit: Fit, screen_height: int = 1080, **kwargs):
        super().__init__(**kwargs)
        self.item = item
        self.fit = fit
        self.screen_height = screen_height  # for the caption's size: the screen's legibility floor
        self.texture: Texture | None = None
        self.video: VideoStream | None = None
        self.swap_on_first_frame = True  # False while preloaded: it waits for its turn
        self.animation: Path | None = None  # an animated GIF, played from its first frame once on screen
        self.flipped = False  # video frames arrive upside down
        self.caption: Label | None = None
        with self.canvas:
            self._color = Color(1, 1, 1, 1)
            self._rect = Rectangle()
        self.bind(pos=self._redraw, size=self._redraw)
        if item.kind == ItemKind.document and item.parts:
            self._add_caption(item)

    def _add_caption(self, item: Item) -> None:
        """'Trang 2/4' (and the half or third), so a page break is always seen from the street."""
        part = item.parts[0]
        text = f"Trang {part.page}/{part.pages}"
        if part.parts > 1:
            text += f" · phần {part.part}/{part.parts}"
        self.caption = Label(text=text, font_name="BeVietnamPro", color=(1, 1, 1, 1), size_hint=(None, None))
        with self.caption.canvas.before:
            Color(0, 0, 0, 0.6)
            self._caption_bg = Rectangle()
        self.add_widget(self.caption)

    def show_texture(self, texture: Texture, flipped: bool = False) -> None:
        self.texture = texture
        self.flipped = flipped
        self._rect.texture = texture
        self._redraw()

    def _redraw(self, *args) -> None:
        if self.caption is not None:
            # At the legibility floor of the screen: the page number is read from as far as the page.
            self.caption.font_size = min_line_height_px(self.screen_height) * 0.8
            self.caption.texture_update()
            w, h = self.caption.texture_size
            pad = self.caption.font_size * 0.4
            self.caption.size = (w + 2 * pad, h + pad)
            self.caption.pos = (self.right - self.caption.width, self.y)
            self._caption_bg.pos, self._caption_bg.size = self.caption.pos, self.caption.size
        if self.texture is None:
            return
        offset, size, uv = place(self.texture.size, self.size, self.fit)
        self._rect.pos = (self.x + offset[0], self.y + offset[1])
        self._rect.size = size
        if self.flipped:
            # Video textures are flipped: map the crop rectangle upside down.
            u0, v0, u1, _, _, v1, _, _ = uv
            uv = (u0, v1, u1, v1, u1, v0, u0, v0)
        self._rect.tex_coords = uv

    def release(self) -> None:
        if self.video is not None:
            self.video.stop()
            self.video = None
        self._rect.texture = None
        self.texture = None


class MediaZone(Widget):
    def __init__(self, zone: Zone, ctx: ZoneContext, **kwargs):
        super().__init__(**kwargs)
        self.zone = zone
        self.ctx = ctx
        self.items: list[Item] = []
        self.index = -1
        self.current: Slot | None = None
        self.incoming: Slot | None = None
        self.showing: Showing | None = None
        self.failed_once: set[str] = set()
        self._fails_in_row = 0
        self._timer = None
        self._waiting = False  # the current item's time is up; swap as soon as the next is ready
        self._generation = 0  # bumps when the item list changes; stale callbacks check it
        with self.canvas.before:
            Color(*hex_rgba(zone.background))
            self._bg = Rectangle()
        self.bind(pos=self._layout, size=self._layout)

    def _layout(self, *args) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size
        for slot in (self.current, self.incoming):
            if slot is not None:
                slot.pos, slot.size = self.pos, self.size

    @property
    def current_id(self) -> str | None:
        return self.current.item.id if self.current is not None else None

    def play(self, items: list[Item]) -> None:
        items = expand_documents(items)
        if _signature(items) == _signature(self.items):
            return
        self.items = list(items)
        self._generation += 1
        self._cancel_timer()
        self._drop_incoming()
        self._fails_in_row = 0
        self._waiting = False
        if not items:
            self.flush_report()
            old, self.current = self.current, None
            self._retire(old)
            return
        self.index = -1
        self._advance()

    def stop(self) -> None:
        self.play([])

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _drop_incoming(self) -> None:
        if self.incoming is not None:
            self.remove_widget(self.incoming)
            self.incoming.release()
            self.incoming = None

    def _advance(self, *args) -> None:
        """Prepare the next item; it replaces the current one when ready."""
        self._cancel_timer()
        if not self.items:
            return
        if len(self.items) == 1 and self.current is not None and self.current.item is self.items[0]:
            return  # a single item stays (a single video loops by itself)
        if self.incoming is not None and self.incoming.texture is not None:
            self._swap(self.incoming)
            return
        if self.incoming is not None:
            self._waiting = True  # still preparing; it swaps itself in when ready
            return
        self.index = (self.index + 1) % len(self.items)
        self._prepare(self.items[self.index], swap_when_ready=True)

    def _prepare(self, item: Item, swap_when_ready: bool) -> None:
        generation = self._generation
        fit = item.fit or self.zone.fit
        window = self.get_root_window()  # importing kivy's Window instead would open one at import
        slot = Slot(item, fit, window.height if window else self.height, pos=self.pos, size=self.size, opacity=0)
        self.incoming = slot
        path, ref = self.ctx.resolve(item.asset)
        if path is None:
            Clock.schedule_once(lambda dt: self._failed(slot, generation, "asset missing from cache"))
            return
        if item.kind == ItemKind.video:
            self._stream(slot, generation, path, fit, muted=item.muted, loop=len(self.items) == 1)
            return
        if item.kind not in STILL_KINDS:
            Clock.schedule_once(lambda dt: self._failed(slot, generation, f"{item.kind.value} cannot play in a media zone"))
            return
        box = (max(1, int(self.width)), max(1, int(self.height)))
        future = self.ctx.decoder.submit(decode, path, box, fit)

        def done(fut):
            exc = fut.exception()
            if exc is not None:
                Clock.schedule_once(lambda dt: self._failed(slot, generation, f"cannot decode image: {exc}"))
            else:
                if fut.result().animated:  # it loops for the item's duration, like a picture
                    slot.animation = path
                Clock.schedule_once(lambda dt: self._decoded(slot, generation, fut.result(), swap_when_ready))

        future.add_done_callback(done)

    def _stream(self, slot: Slot, generation: int, path, fit: Fit, muted: bool, loop: bool) -> None:
        """Play `path` in `slot`; it swaps in on its first frame."""
        if generation != self._generation or slot is not self.incoming:
            return
        slot.video = VideoStream(
            path, muted=muted, loop=loop,
            on_frame=lambda tex: self._video_frame(slot, generation, tex),
            on_eof=lambda: self._video_ended(slot, generation),
            on_error=lambda msg: self._failed(slot, generation, msg),
            box=(max(2, int(self.width)), max(2, int(self.height))), cover=fit == Fit.fill)
        self.add_widget(slot, index=len(self.children))  # below the current slot

    def _decoded(self, slot: Slot, generation: int, img: Decoded, swap_when_ready: bool) -> None:
        if generation != self._generation or slot is not self.incoming:
            return
        tex = Texture.create(size=(img.width, img.height), colorfmt=img.mode)
        tex.blit_buffer(img.pixels, colorfmt=img.mode, bufferfmt="ubyte")
        slot.show_texture(tex)
        if swap_when_ready or self._waiting:
            self._swap(slot)

    def _animate(self, slot: Slot) -> None:
        """Start an animated GIF that is now on screen; its first frame is already there, decoded by Pillow.
        Started any earlier, while preloaded, it would come on screen at whatever frame it had reached."""
        generation = self._generation
        slot.video = VideoStream(
            slot.animation, muted=True, loop=True,
            on_frame=lambda tex: self._video_frame(slot, generation, tex),
            on_eof=lambda: None,
            on_error=lambda msg: log.warning("zone %s: animation of %s stays still: %s", self.zone.id, slot.item.id, msg),
            box=(max(2, int(self.width)), max(2, int(self.height))), cover=slot.fit == Fit.fill)

    def _video_frame(self, slot: Slot, generation: int, tex: Texture) -> None:
        if generation != self._generation:
            return
        first = slot.texture is None
        slot.show_texture(tex, flipped=True)
        if first and slot is self.incoming and (slot.swap_on_first_frame or self._waiting):
            self._swap(slot)

    def _video_ended(self, slot: Slot, generation: int) -> None:
        if generation == self._generation and slot is self.current:
            self._advance()

    def _swap(self, slot: Slot) -> None:
        """Fade `slot` in over the current one; release the old one when covered."""
        self.incoming = None
        self._waiting = False
        self._fails_in_row = 0
        old, old_showing = self.current, self.showing
        if slot.parent is None:
            self.add_widget(slot)
        else:
            self.remove_widget(slot)
            self.add_widget(slot)  # on top
        self.current = slot
        self.showing = Showing(slot.item, self.ctx.now())
        if slot.animation is not None and slot.video is None:
            self._animate(slot)
        if old_showing is not None:
            self._report(old_showing, PlayOutcome.played)
        fade = self.ctx.crossfade_s if old is not None else 0
        if fade > 0:
            anim = Animation(opacity=1, d=fade)
            anim.bind(on_complete=lambda *a: self._retire(old))
            anim.start(slot)
        else:
            slot.opacity = 1
            self._retire(old)
        item = slot.item
        if len(self.items) == 1:
            # One item stays on screen: each of its periods is one play in the log.
            self._timer = Clock.schedule_once(self._relog, self._period(item))
        elif item.kind in STILL_KINDS:
            self._timer = Clock.schedule_once(self._advance, item.duration_s)
            self._preload_next()
        elif item.kind == ItemKind.video and slot.video is not None:
            # A safety net: a video that never reports its end still gives way.
            self._timer = Clock.schedule_once(self._advance, self._period(item) + 30)

    def _period(self, item: Item) -> float:
        if item.kind == ItemKind.video:
            _, ref = self.ctx.resolve(item.asset)
            if ref is not None and ref.duration_s:
                return max(1.0, ref.duration_s)
        return item.duration_s

    def _relog(self, *args) -> None:
        if self.current is None or self.showing is None or len(self.items) != 1:
            return
        self._report(self.showing, PlayOutcome.played)
        self.showing = Showing(self.current.item, self.ctx.now())
        self._timer = Clock.schedule_once(self._relog, self._period(self.current.item))

    def _preload_next(self) -> None:
        nxt = self.items[(self.index + 1) % len(self.items)]
        if nxt.kind in STILL_KINDS:
            self.index = (self.index + 1) % len(self.items)
            self._prepare(nxt, swap_when_ready=False)

    def _retire(self, slot: Slot | None) -> None:
        if slot is None or slot is self.current:
            return
        self.remove_widget(slot)
        slot.release()

    def _failed(self, slot: Slot, generation: int, message: str) -> None:
        if generation != self._generation or slot is not self.incoming:
            return
        item = slot.item
        self.remove_widget(slot)
        slot.release()
        self.incoming = None
        key = f"{item.id}:{item.asset}"
        if key not in self.failed_once:
            self.failed_once.add(key)
            log.error("zone %s: item %s skipped: %s", self.zone.id, item.id, message)
            self._report(Showing(item, self.ctx.now()), PlayOutcome.failed, message, asset_failed=True)
        self._fails_in_row += 1
        if self._fails_in_row >= len(self.items):
            # Nothing playable: keep what is on screen and try again later.
            self._fails_in_row = 0
            self._timer = Clock.schedule_once(self._advance, RETRY_ALL_FAILED_S)
        elif self.current is None or self._waiting or self.current.item.kind == ItemKind.video:
            self._waiting = False
            self._advance()
        else:
            # The current image keeps its time; the item after the broken one is preloaded.
            self._preload_next()

    def _report(self, showing: Showing, outcome: PlayOutcome, error: str | None = None,
                asset_failed: bool = False) -> None:
        self.ctx.report(showing.item, self.zone.id, showing.started_at,
                        0.0 if outcome == PlayOutcome.failed else showing.elapsed(), outcome, error,
                        asset_failed=asset_failed)

    def flush_report(self) -> None:
        """Log what is on screen now (used when the programme changes)."""
        if self.showing is not None:
            self._report(self.showing, PlayOutcome.played)
            self.showing = None


def expand_documents(items: list[Item]) -> list[Item]:
    """Each document item becomes one item per part: that part's image, for that part's time, always
    letterboxed (cropping would cut text). They keep the document's id, so the play log names it."""
    out = []
    for item in items:
        if item.kind != ItemKind.document:
            out.append(item)
            continue
        out.extend(item.model_copy(update={"asset": part.asset, "duration_s": part.duration_s, "fit": Fit.fit, "parts": [part]})
                   for part in item.parts)
    return out


def _signature(items: list[Item]) -> list[tuple]:
    return [(i.id, i.asset, i.duration_s, i.fit, i.muted, i.kind) for i in items]
