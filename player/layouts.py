"""Layouts the board can use: the shipped ones, overridden by files in `<data_dir>/layouts`."""
import logging
from pathlib import Path

from layouts import builtin_layouts
from protocol.layout import Layout, load_layout

log = logging.getLogger(__name__)


def builtin_only() -> dict[str, Layout]:
    return builtin_layouts()


def load(folder: Path) -> dict[str, Layout]:
    """Built-in layouts plus valid local files; a broken file is logged and skipped."""
    layouts = builtin_layouts()
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            try:
                layout = load_layout(path)
            except (OSError, ValueError) as exc:
                log.error("layout %s ignored: %s", path.name, exc)
                continue
            layouts[layout.id] = layout
    return layouts
