"""What zones need from the rest of the player, passed in rather than imported."""
import time
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from protocol.manifest import AssetRef, Item


@dataclass
class ZoneContext:
    resolve: Callable[[str | None], tuple[Path | None, AssetRef | None]]  # asset sha256 -> file
    report: Callable[..., None]  # report(item, zone_id, started_at, duration_s, outcome, error)
    now: Callable[[], datetime]  # corrected UTC now
    decoder: Executor  # Pillow decoding off the main thread
    crossfade_s: float = 0.6
    ticker_speed: float = 160.0  # px/s at 1080 px screen height
    font: str = "BeVietnamPro"
    font_bold: str = "BeVietnamProBold"
    min_line_px: int | None = None  # the board's own legibility floor, from the manifest


class Showing:
    """Bookkeeping for the play log: one item on screen since when."""

    def __init__(self, item: Item, started_at: datetime):
        self.item = item
        self.started_at = started_at
        self._t0 = time.monotonic()

    def elapsed(self) -> float:
        return round(time.monotonic() - self._t0, 3)
