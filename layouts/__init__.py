"""The layouts shipped with the system: JSON files beside this module."""
from pathlib import Path

from protocol.layout import Layout, load_layouts

LAYOUTS_DIR = Path(__file__).parent
DEFAULT_LAYOUT_ID = "landscape-16x9"
PORTRAIT_LAYOUT_ID = "portrait-9x16"


def default_layout_id(width: int, height: int) -> str:
    """The layout a screen gets when nobody chose one: portrait screens the portrait one. The one rule, for
    the manager (a board's manifest) and the player (a board with no manifest yet) alike."""
    return PORTRAIT_LAYOUT_ID if height > width else DEFAULT_LAYOUT_ID


def builtin_layouts() -> dict[str, Layout]:
    return load_layouts(LAYOUTS_DIR)
