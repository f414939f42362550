"""The layouts shipped with the system: JSON files beside this module."""
from pathlib import Path

from protocol.layout import Layout, load_layouts

LAYOUTS_DIR = Path(__file__).parent
DEFAULT_LAYOUT_ID = "landscape-16x9"


def builtin_layouts() -> dict[str, Layout]:
    return load_layouts(LAYOUTS_DIR)
