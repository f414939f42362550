"""The board's wall clock, with a hook that lets tests step it.

`BANGTIN_WALL_OFFSET_FILE` names a file holding a number of seconds added to
the system clock; tests rewrite it to step the board's clock by an hour or a
day while the player runs (libfaketime breaks Python 3.11's `time.sleep`).
Without the variable this is `time.time()`. Nothing else reads the wall clock.
"""
import os
import time
from datetime import datetime, timezone


class _OffsetFile:
    """The test hook's file, read again only when it changes."""

    def __init__(self, path: str | None):
        self.path = path
        self._mtime = -1.0
        self._offset = 0.0

    def seconds(self) -> float:
        if self.path is None:
            return 0.0
        try:
            mtime = os.stat(self.path).st_mtime
            if mtime != self._mtime:
                with open(self.path) as fh:
                    text = fh.read().strip()
                if text:  # empty while being rewritten: read it again next time
                    self._offset, self._mtime = float(text), mtime
        except (OSError, ValueError):
            pass  # removed, or half written: keep the offset read last
        return self._offset


_offset = _OffsetFile(os.environ.get("BANGTIN_WALL_OFFSET_FILE"))


def stepped() -> bool:
    """Whether the test hook has stepped the clock away from the system's."""
    return _offset.seconds() != 0.0


def time_s() -> float:
    """Seconds since the epoch by the board's own (possibly wrong, possibly stepped) clock."""
    return time.time() + _offset.seconds()


def utcnow() -> datetime:
    return datetime.fromtimestamp(time_s(), timezone.utc)
