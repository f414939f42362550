"""The board's clock: the manager's time, carried on CLOCK_MONOTONIC.

The manager's time is measured on short requests only (the heartbeat
upload), never on a held long-poll, and only from an answer that proves it
came from the manager: a valid acknowledgement of the batch sent, for the
board of the token (see `player.uploader`). For each such answer,

    offset = server_time - (t_sent + t_received) / 2      (monotonic seconds)

is right to within half the round trip. Of the last few samples the one with
the shortest round trip wins, as in NTP's clock filter. The time is then
`monotonic() + offset`: a step of the board's wall clock (an operator, a bad
RTC, NTP) moves nothing, and `skew_s`, what heartbeats report, is simply
`wall - that time`.

The offset is kept in `clock.json` with the boot id: a player restarted in
the same boot (CLOCK_MONOTONIC runs on) keeps it, offline or not. After a
reboot the monotonic clock starts again, so the board falls back to its
wall clock corrected by the last skew it knew, and says `unsynced` until
the manager answers.
"""
import json
import logging
import threading
import time
from collections import deque
from datetime import datetime, timezone
from pathlib import Path

from player import wallclock
from player.state import atomic_write
from protocol.heartbeat import ClockState

log = logging.getLogger(__name__)

SAMPLES = 8  # the clock filter's window
MAX_RTT_S = 5.0  # an answer slower than this bounds the time too loosely to use
FRESH_S = 3600.0  # a measurement this recent makes the clock `synced`; older, `held`
SAVE_EVERY_S = 600.0  # the offset goes to disk this often (and whenever it moves by a second)


def boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""  # not Linux: every start is treated as a new boot


class BoardClock:
    """Thread-safe; `observe` from the uploader thread, `now` from anywhere."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self._lock = threading.Lock()
        self._samples: deque[tuple[float, float, float]] = deque(maxlen=SAMPLES)  # (rtt, offset, at)
        self._offset: float | None = None  # manager epoch seconds minus monotonic seconds
        self._measured_at: float | None = None  # monotonic time of the sample in use
        self._fallback_skew = 0.0  # wall minus manager, when there is no offset to use
        self._saved: tuple[float, float] | None = None  # (monotonic time, offset) last written
        self.samples = 0
        if path is not None:
            self._load()

    # Reading.
    def time_s(self) -> float:
        with self._lock:
            if self._offset is None:
                return wallclock.time_s() - self._fallback_skew
            return time.monotonic() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time_s(), timezone.utc)

    @property
    def skew_s(self) -> float:
        """How far the board's wall clock is ahead of the manager's, seconds."""
        return round(wallclock.time_s() - self.time_s(), 3)

    @property
    def state(self) -> ClockState:
        with self._lock:
            if self._offset is None:
                return ClockState.unsynced
            if self._measured_at is not None and time.monotonic() - self._measured_at < FRESH_S:
                return ClockState.synced
            return ClockState.held

    # Measuring.
    def observe(self, server_time: datetime, sent: float, received: float) -> float | None:
        """Fold in one authenticated answer; `sent` and `received` are `time.monotonic()` readings.

        Returns the offset now in use, or None if the sample was unusable."""
        rtt = received - sent
        if server_time.tzinfo is None or not 0 <= rtt <= MAX_RTT_S:
            return None
        offset = server_time.timestamp() - (sent + received) / 2
        with self._lock:
            self._samples.append((rtt, offset, received))
            best_rtt, best, at = min(self._samples)
            moved = self._offset is None or abs(best - self._offset) > 1.0
            self._offset, self._measured_at = best, at
            self.samples += 1
            due = moved or self._saved is None or received - self._saved[0] > SAVE_EVERY_S
        if moved:
            log.info("clock measured against the manager: board is %+.3f s off (round trip %.0f ms)",
                     self.skew_s, best_rtt * 1000)
        if due and self.path is not None:
            self._save(best, received)
        return best

    # On disk.
    def _save(self, offset: float, mono: float) -> None:
        record = {"offset": offset, "monotonic": mono, "boot_id": boot_id(),
                  "skew_s": wallclock.time_s() - (time.monotonic() + offset)}
        try:
            atomic_write(self.path, json.dumps(record).encode())
            self._saved = (mono, offset)
        except OSError as exc:
            log.warning("cannot keep the clock offset on disk (%s)", exc)

    def _load(self) -> None:
        try:
            record = json.loads(self.path.read_text())
            offset, mono, saved_boot = float(record["offset"]), float(record["monotonic"]), record["boot_id"]
            skew = float(record["skew_s"])
        except FileNotFoundError:
            return
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("clock file %s unreadable (%s); starting on the board's own clock", self.path, exc)
            return
        if saved_boot and saved_boot == boot_id() and mono <= time.monotonic():
            self._offset, self._saved = offset, (mono, offset)
            log.info("clock: keeping the offset measured %.0f s ago in this boot", time.monotonic() - mono)
        else:
            # A new boot: the monotonic clock started again. The wall clock corrected by the last skew
            # known is the best guess (right if the RTC kept time), but nothing vouches for it.
            self._fallback_skew = skew
            log.info("clock: new boot; wall clock corrected by the last known skew %+.1f s until the manager answers", skew)
