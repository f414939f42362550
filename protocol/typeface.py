"""Be Vietnam Pro, the one typeface of boards and previews, and its measurements.

The font files come from the `fontpkg-be-vietnam-pro` package. Text is
measured here with Pillow (FreeType) so that the manager, which has no Kivy,
lays text out exactly as the board will: `protocol.pagination` decides every
line break and the board only draws the lines it is given.
"""
from functools import lru_cache
from pathlib import Path

import fontpkg_be_vietnam_pro
from PIL import ImageFont

FONT_DIR = Path(fontpkg_be_vietnam_pro.ROOT) / "files"
REGULAR = FONT_DIR / "BeVietnamPro-Regular.ttf"
BOLD = FONT_DIR / "BeVietnamPro-Bold.ttf"
SEMIBOLD = FONT_DIR / "BeVietnamPro-SemiBold.ttf"
ITALIC = FONT_DIR / "BeVietnamPro-Italic.ttf"
FILES = {"regular": REGULAR, "bold": BOLD, "italic": ITALIC}


@lru_cache(maxsize=64)
def _font(weight: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FILES[weight]), size)


@lru_cache(maxsize=65536)
def text_width(text: str, weight: str, size: int) -> float:
    """Advance width in pixels of `text` set at `size` px."""
    return _font(weight, size).getlength(text)
