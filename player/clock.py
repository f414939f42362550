"""The board's clock, corrected by the manager's: `corrected_now = utcnow() - skew`.

Each HTTP response's `Date` header (one-second resolution) bounds the skew:
the server stamped it at some instant in [D, D+1) while the local clock read
between the request's send and receive times. Intersecting the bounds of
recent responses narrows the estimate well below a second; when they stop
agreeing (the local clock jumped), the older samples are dropped.
"""
import threading
from collections import deque
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from protocol.timebase import utcnow

WINDOW = 16


class SkewClock:
    def __init__(self, skew_s: float = 0.0):
        self._lock = threading.Lock()
        self._bounds: deque[tuple[float, float]] = deque(maxlen=WINDOW)
        self._skew = skew_s
        self.samples = 0

    @property
    def skew_s(self) -> float:
        """How far the local clock is ahead of the manager's, seconds."""
        with self._lock:
            return self._skew

    def now(self) -> datetime:
        return utcnow() - timedelta(seconds=self.skew_s)

    def observe(self, date_header: str | None, sent: datetime, received: datetime) -> float | None:
        """Fold in one response; returns the new estimate (None if the header is unusable)."""
        if not date_header:
            return None
        try:
            server = parsedate_to_datetime(date_header)
        except (TypeError, ValueError):
            return None
        if server.tzinfo is None:
            return None
        lo = (sent - server).total_seconds() - 1.0
        hi = (received - server).total_seconds()
        with self._lock:
            self._bounds.append((lo, hi))
            self._skew = _estimate(self._bounds)
            self.samples += 1
            return self._skew


def _estimate(bounds: deque[tuple[float, float]]) -> float:
    lo, hi = bounds[-1]
    # Walk back from the newest sample while the bounds still overlap.
    for b_lo, b_hi in reversed(list(bounds)[:-1]):
        n_lo, n_hi = max(lo, b_lo), min(hi, b_hi)
        if n_lo > n_hi:
            # Disagreement: the clock moved; forget the older samples.
            while len(bounds) > 1 and bounds[0] != (b_lo, b_hi):
                bounds.popleft()
            bounds.popleft()
            break
        lo, hi = n_lo, n_hi
    return round((lo + hi) / 2, 3)
