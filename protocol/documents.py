"""How a document's pages (an office's signed PDF) are cut and timed for a board.

Pure rules, shared by the manager, which renders the parts, and the docs and
tests: a page is shown whole when its body text is readable at full-page
scale in the zone; otherwise in halves or thirds, top to bottom, each as wide
as the zone allows. Blank margins are left out first: what is cut and fitted
is the part of the page that holds ink. Each part stays long enough to read it.
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
# A cut between parts may move up or down by half this share of a part's height to fall between two
# lines of text (13 pt lines are 15-20 pt apart; half a page is ~400 pt), so no line is cut in two.
CUT_SLACK = 0.08
# White kept around the ink, as a fraction of the page's width, so that text never touches the edge.
MARGIN_KEPT = 0.03
# At most this much of the page's width is left out on either side: Decree 30's margins are 30-35 mm on
# the left and 15-20 mm on the right of 210 mm (up to 17%), and a page holding only a stamp or a line
# is not blown up to fill the screen.
MAX_SIDE_TRIM = 0.2
# Under each part, a strip for its page number ("Trang 2/4 · phần 1/2") one floor line high with padding:
# the part is drawn above it, so the number never covers the page's last line.
CAPTION_LINES = 1.4


@dataclass(frozen=True)
class Cut:
    parts: int  # 1: whole page; 2: halves; 3: thirds
    scale: float  # pixels per PDF point for every part
    line_px: float  # the body line height on screen at that scale
    readable: bool  # False: even the best cut stays below the floor (shown at its largest)


def scale_for(page_w: float, page_h: float, parts: int, box_w: int, box_h: int) -> float:
    """Pixels per point for one of `parts` horizontal bands of the page, fitted into the box; a band
    may be CUT_SLACK taller than an equal share, so that its cut can move to a gap between lines."""
    band = page_h / parts * (1 + CUT_SLACK if parts > 1 else 1)
    return min(box_w / page_w, box_h / band)


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


def inked(page_w: float, page_h: float, ink: tuple[float, float, float, float] | None) -> tuple[float, float, float, float]:
    """The part of the page to show (left, top, right, bottom in points from its top-left): its ink
    (`ink`, None for a blank page) with MARGIN_KEPT around it, never narrower than MAX_SIDE_TRIM allows.
    Blank space above and below is left out whole: a short notice's empty lower half is no part to show."""
    if ink is None:
        return 0.0, 0.0, page_w, page_h
    pad = MARGIN_KEPT * page_w
    left, top, right, bottom = ink
    return (min(max(0.0, left - pad), MAX_SIDE_TRIM * page_w), max(0.0, top - pad),
            max(min(page_w, right + pad), (1 - MAX_SIDE_TRIM) * page_w), min(page_h, bottom + pad))


def caption_strip_px(floor_px: int) -> int:
    """Height (px) of the page-number strip at the bottom of a zone showing a document."""
    return math.ceil(floor_px * CAPTION_LINES)


def picture_box(zone_w: int, zone_h: int, floor_px: int) -> tuple[int, int]:
    """The box a document's part is drawn in: the zone above its page-number strip."""
    return max(1, int(zone_w)), max(1, int(zone_h) - caption_strip_px(floor_px))


def cuts_between_lines(height: int, parts: int, blank_rows: list[bool]) -> list[int]:
    """Where to cut a picture `height` rows high into `parts`: the rows that start each part after the
    first, each nearest to the even cut within the slack where the rows on both sides of the cut are
    blank (`blank_rows[y]`: no ink), else the even cut (a picture or a dense scan has no gap to find)."""
    reach = int(height / parts * CUT_SLACK / 2)
    cuts = []
    for k in range(1, parts):
        even = round(height * k / parts)
        near = sorted(range(max(1, even - reach), min(height - 1, even + reach) + 1), key=lambda y: abs(y - even))
        cuts.append(next((y for y in near if blank_rows[y - 1] and blank_rows[y]), even))
    return cuts


def reading_time_s(chars: int, minimum_s: float) -> float:
    """Seconds to read `chars` characters from the street, and never less than `minimum_s` (the item's own)."""
    return max(minimum_s, math.ceil(chars / READING_CHARS_PER_S))
