"""The largest font size at which a text fits a box, found by bisection."""
from kivy.core.text import Label as CoreLabel


def measure(text: str, font: str, size: float, width: float, line_height: float = 1.15) -> tuple[float, float]:
    label = CoreLabel(text=text, font_name=font, font_size=size, text_size=(width, None),
                      line_height=line_height, halign="left")
    # Lay the text out without drawing it: fitting tries several sizes, none is rendered.
    label.resolve_font_name()
    w, h = label.render()
    return w, h


def fit_font(text: str, font: str, box: tuple[float, float], lo: float = 8, hi: float | None = None,
             line_height: float = 1.15) -> float:
    """Largest size in [lo, hi] whose wrapped text fits `box`; `lo` if none does."""
    width, height = box
    if not text.strip() or width <= 1 or height <= 1:
        return lo
    hi = hi or max(lo, height)
    best = lo
    for _ in range(9):
        if hi - lo < 1:
            break
        mid = (lo + hi) / 2
        w, h = measure(text, font, mid, width, line_height)
        if h <= height and w <= width + 0.5:
            best, lo = mid, mid
        else:
            hi = mid
    return int(best)
