"""The board's wall clock, with a hook that lets tests step it.

`BANGTIN_WALL_OFFSET_FILE` names a file holding a number of seconds added to
the system clock; tests rewrite it to step the board's clock by an hour or a
day while the player runs (libfaketime breaks Python 3.11's `time.sleep`).
Without the variable this is `time.time()`. Nothing else reads the wall clock.
"""
import os
import time
from datetime import datetime, timezone

_FILE = os.environ.get("BANGTIN_WALL_OFFSET_FILE")
_seen: tuple[float, float] = (-1.0, 0.0)  # (mtime of the file, offset read from it)


def _offset() -> float:
    global _seen
    try:
        mtime = os.stat(_FILE).st_mtime
        if mtime != _seen[0]:
            with open(_FILE) as fh:
                _seen = (mtime, float(fh.read().strip() or 0))
    except (OSError, ValueError):
        return _seen[1]
    return _seen[1]


def time_s() -> float:
    """Seconds since the epoch by the board's own (possibly wrong, possibly stepped) clock."""
    return time.time() + _offset() if _FILE else time.time()


def utcnow() -> datetime:
    return datetime.fromtimestamp(time_s(), timezone.utc)
