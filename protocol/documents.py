"""How a document's pages (an office's signed PDF) are cut and timed for a board.

Pure rules, shared by the manager, which renders the parts, and the docs and
tests: a page is shown whole when its body text is readable at full-page
scale in the zone; otherwise in halves or thirds, top to bottom, each as wide
as the zone allows. Each part stays long enough to read it.
"""
import math
from dataclasses import dataclass

MAX_PARTS = 3  # halves or thirds; more would show a page as unreadable strips
SPLIT_GAIN = 1.1  # an unreadable page is split only when that makes its text at least 10% larger
# Reading a notice standing in the street, in Vietnamese (about 3.5 syllables a second).
READING_CHARS_PER_S = 12.0
# A page with no text layer (a scan of the signed paper) is read as if it held this much text.
SCANNED_PAGE_CHARS = 1800
# Body text of an administrative document is 13-14 pt (Decree 30/2020/NĐ-CP): its line, ~1.2 of that.
SCANNED_LINE_PT = 16.0


@dataclass(frozen=True)
class Cut:
    parts: int  # 1: whole page; 2: halves; 3: thirds
    scale: float  # pixels per PDF point for every part
    line_px: float  # the body line height on screen at that scale
    readable: bool  # False: even the best cut stays below the floor (shown at its largest)


def scale_for(page_w: float, page_h: float, parts: int, box_w: int, box_h: int) -> float:
    """Pixels per point for one of `parts` horizontal bands of the page, fitted into the box."""
    return min(box_w / page_w, box_h / (page_h / parts))


def cut(page_w: float, page_h: float, line_pt: float, box_w: int, box_h: int, floor_px: int) -> Cut:
    """The fewest parts whose body lines reach `floor_px`; if none do, the fewest that give (nearly) the
    largest text. A zone narrower than the page limits every cut alike: then more parts would only
    show the same text in more steps, so a split must enlarge the text by more than SPLIT_GAIN."""
    options = [(n, scale_for(page_w, page_h, n, box_w, box_h)) for n in range(1, MAX_PARTS + 1)]
    for n, scale in options:
        if line_pt * scale >= floor_px:
            return Cut(n, scale, line_pt * scale, True)
    best = max(scale for _, scale in options)
    n, scale = next((n, s) for n, s in options if s * SPLIT_GAIN >= best)
    return Cut(n, scale, line_pt * scale, False)


def part_bounds(page_h: float, parts: int, part: int) -> tuple[float, float]:
    """Top and bottom (points from the page's top) of part `part` (1-based) of `parts`."""
    return page_h * (part - 1) / parts, page_h * part / parts


def reading_time_s(chars: int, minimum_s: float) -> float:
    """Seconds to read `chars` characters from the street, and never less than `minimum_s` (the item's own)."""
    return max(minimum_s, math.ceil(chars / READING_CHARS_PER_S))
