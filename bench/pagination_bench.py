"""How long laying out a notice takes: `protocol.bulletin.pages` for the test notices on the four screens.

The board does it off its main thread when an item starts (and when the zone
changes size); the console does it for every preview. First run cold (font
files opened, no cached widths), then the median of warm runs.

    PYTHONPATH=. .venv/bin/python bench/pagination_bench.py
"""
import statistics
import time

from layouts import builtin_layouts
from protocol.bulletin import pages
from protocol.layout import ZoneKind
from protocol.manifest import Item, ItemKind
from protocol.notice import parse
from protocol.legibility import min_line_height_px
from protocol.typeface import text_width
from protocol.zonefill import fill_empty
from tests.notices.samples import ALL

SCREENS = {(1920, 1080): "landscape-16x9", (1280, 720): "landscape-16x9", (1080, 1920): "portrait-9x16",
           (768, 384): "led-768x384"}


def main() -> None:
    print("| screen | notice | zone | pages | cold ms | warm ms (median of 5) |")
    print("|---|---|---|---|---|---|")
    for screen, layout_id in SCREENS.items():
        layout = builtin_layouts()[layout_id]
        zone = fill_empty(layout, {"header", "clock", "bulletin"}).zone(layout.zones_of(ZoneKind.bulletin)[0].id)
        size = (zone.w * screen[0], zone.h * screen[1])
        for name, text in ALL.items():
            item = Item(id="n", zone=zone.id, kind=ItemKind.bulletin, notice=parse(text))
            floor = min_line_height_px(screen[1])
            text_width.cache_clear()
            t0 = time.perf_counter()
            result = pages(item, size, floor)
            cold = (time.perf_counter() - t0) * 1000
            warm = []
            for _ in range(5):
                t0 = time.perf_counter()
                pages(item, size, floor)
                warm.append((time.perf_counter() - t0) * 1000)
            print(f"| {screen[0]}x{screen[1]} | {name} | {size[0]:.0f}x{size[1]:.0f} | {len(result.pages)} | {cold:.0f} | "
                  f"{statistics.median(warm):.0f} |")


if __name__ == "__main__":
    main()
