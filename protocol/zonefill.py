"""Layouts follow their content: a zone with nothing to show gives its space to a neighbour.

A text-only notice takes the media zone's space as well as its own, an
image-only playlist takes the bulletin zone's, and an unused ticker band goes
to what is above it: no black or empty panel stays on screen for a whole item.
Used by the player (`player.programme`) and the console's preview alike.
"""
from protocol.layout import Layout, Zone, ZoneKind

GROWS = (ZoneKind.media, ZoneKind.bulletin)  # zones that can take a neighbour's space
GIVES = (ZoneKind.media, ZoneKind.bulletin, ZoneKind.ticker)  # zones that are empty without items
EPS = 1e-6


def _union(a: Zone, b: Zone) -> tuple[float, float, float, float] | None:
    """The rectangle a and b make together when they share a whole edge, else None."""
    same = lambda p, q: abs(p - q) < EPS  # noqa: E731
    if same(a.y, b.y) and same(a.h, b.h) and (same(a.x + a.w, b.x) or same(b.x + b.w, a.x)):
        x = min(a.x, b.x)
        return x, a.y, a.w + b.w, a.h
    if same(a.x, b.x) and same(a.w, b.w) and (same(a.y + a.h, b.y) or same(b.y + b.h, a.y)):
        y = min(a.y, b.y)
        return a.x, y, a.w, a.h + b.h
    return None


def fill_empty(layout: Layout, busy: set[str]) -> Layout:
    """The layout with each empty zone merged into a busy neighbour it makes a rectangle with."""
    zones = list(layout.zones)
    changed = True
    while changed:
        changed = False
        empty = sorted((z for z in zones if z.kind in GIVES and z.id not in busy), key=lambda z: -z.w * z.h)
        for gone in empty:
            for n, taker in enumerate(zones):
                if taker.kind not in GROWS or taker.id not in busy:
                    continue
                rect = _union(taker, gone)
                if rect is None:
                    continue
                x, y, w, h = rect
                zones[n] = taker.model_copy(update={"x": x, "y": y, "w": min(w, 1 - x), "h": min(h, 1 - y)})
                zones.remove(gone)
                changed = True
                break
            if changed:
                break
    if len(zones) == len(layout.zones):
        return layout
    return layout.model_copy(update={"zones": zones})
