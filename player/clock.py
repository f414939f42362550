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

Where the board's OS keeps its wall clock by NTP (`player.ntpstatus`), the
measured offset is checked against it. Within `NTP_TOLERANCE_S` they agree
and nothing changes. Beyond it, the disagreement is reported in heartbeats
(`ntp_disagreement_s`) and logged once, and the board trusts:
- the NTP clock when it lies within the manager measurement's own error
  bound (half its round trip, plus the crystal's drift since) widened by the
  tolerance: the measurement cannot contradict it, and NTP is the finer one;
- the manager otherwise: a gap no round trip explains means one of the two
  references is wrong, and the manager's is the one the schedules, the
  other boards and the report trail share (and the one authenticated).
A wall clock that is not NTP's (or a board with no NTP) changes nothing.
"""
import json
import logging
import os
import threading
import time
from collections import deque
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from player import ntpstatus, wallclock
from player.state import atomic_write
from protocol.heartbeat import ClockState

log = logging.getLogger(__name__)

SAMPLES = 8  # the clock filter's window
MAX_RTT_S = 5.0  # an answer slower than this bounds the time too loosely to use
FRESH_S = 3600.0  # a measurement this recent makes the clock `synced`; older, `held`
SAVE_EVERY_S = 600.0  # the offset goes to disk this often (and whenever it moves by a second)
NTP_TOLERANCE_S = 1.0  # an NTP-synchronised wall clock this close to the manager's time agrees with it
NTP_CHECK_S = 1.0  # how often the NTP status is read again (one syscall)
DRIFT = 50e-6  # a board crystal's worst drift, seconds a second: an old measurement's bound grows by it


def boot_id() -> str:
    # A test hook like `wallclock`'s: a player started with another BANGTIN_BOOT_ID acts as after a reboot.
    if faked := os.environ.get("BANGTIN_BOOT_ID"):
        return faked
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""  # not Linux: every start is treated as a new boot


class BoardClock:
    """Thread-safe; `observe` from the uploader thread, `now` from anywhere."""

    def __init__(self, path: Path | None = None,
                 ntp_synchronised: Callable[[], bool] = ntpstatus.wall_clock_synchronised):
        self.path = path
        self._ntp_synchronised = ntp_synchronised  # injectable: tests say what the OS would
        self._lock = threading.Lock()
        self._samples: deque[tuple[float, float, float]] = deque(maxlen=SAMPLES)  # (rtt, offset, at)
        self._offset: float | None = None  # manager epoch seconds minus monotonic seconds
        self._measured_at: float | None = None  # monotonic time of the sample in use
        self._bound_s = 0.0  # the error bound of the sample in use when measured: half its round trip
        self._bound_at: float | None = None  # monotonic time from which its drift is counted
        self._trust_wall = False  # the NTP-synchronised wall clock is used instead of the offset
        self._wall_limit_s = 0.0  # ...while it stays this close to the measured time
        self._checked_at: float | None = None  # monotonic time of the last NTP check
        self.ntp_disagreement_s: float | None = None  # NTP wall minus the manager's time, when beyond tolerance
        self._fallback_skew = 0.0  # wall minus manager, when there is no offset to use
        self._saved: tuple[float, float] | None = None  # (monotonic time, offset) last written
        self.samples = 0
        if path is not None:
            self._load()

    # Reading.
    def time_s(self) -> float:
        mono = time.monotonic()
        if self._checked_at is None or mono - self._checked_at >= NTP_CHECK_S:
            self.check_ntp()
        with self._lock:
            if self._offset is None:
                return wallclock.time_s() - self._fallback_skew
            measured = time.monotonic() + self._offset
            if self._trust_wall:
                wall = wallclock.time_s()
                # A step of the wall clock between two checks (which also ends NTP's hold) moves nothing.
                if abs(wall - measured) <= self._wall_limit_s:
                    return wall
            return measured

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

    # Checking against NTP.
    def check_ntp(self) -> None:
        """Compare the offset in use with the wall clock, if NTP keeps it, and apply the rule above."""
        synchronised = self._ntp_synchronised()
        with self._lock:
            mono = time.monotonic()
            self._checked_at = mono
            disagreement, trust_wall = None, False
            if synchronised and self._offset is not None:
                gap = wallclock.time_s() - (mono + self._offset)
                if abs(gap) > NTP_TOLERANCE_S:
                    disagreement = round(gap, 3)
                    age = mono - self._bound_at if self._bound_at is not None else 0.0
                    limit = self._bound_s + DRIFT * max(age, 0.0) + NTP_TOLERANCE_S
                    trust_wall = abs(gap) <= limit
                    self._wall_limit_s = limit
            changed = (disagreement is None) != (self.ntp_disagreement_s is None) or trust_wall != self._trust_wall
            self.ntp_disagreement_s, self._trust_wall = disagreement, trust_wall
        if not changed:
            return
        if disagreement is None:
            log.info("clock: the NTP-synchronised wall clock and the manager agree again (or NTP is gone)")
        elif trust_wall:
            log.warning("clock: the NTP-synchronised wall clock is %+.3f s from the manager's time, within the "
                        "manager measurement's error bound: following NTP", disagreement)
        else:
            log.warning("clock: the NTP-synchronised wall clock is %+.3f s from the manager's time, more than "
                        "a round trip explains: following the manager (one of the two is wrong)", disagreement)

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
            self._bound_s, self._bound_at = best_rtt / 2, at
            self.samples += 1
            due = moved or self._saved is None or received - self._saved[0] > SAVE_EVERY_S
        if moved:
            log.info("clock measured against the manager: board is %+.3f s off (round trip %.0f ms)",
                     self.skew_s, best_rtt * 1000)
        if due and self.path is not None:
            self._save(best, received, best_rtt)
        self.check_ntp()
        return best

    # On disk.
    def _save(self, offset: float, mono: float, rtt: float) -> None:
        record = {"offset": offset, "monotonic": mono, "boot_id": boot_id(), "rtt": rtt,
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
            rtt = float(record.get("rtt", 0.0))  # files from before the NTP check: no bound known
        except FileNotFoundError:
            return
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("clock file %s unreadable (%s); starting on the board's own clock", self.path, exc)
            return
        if saved_boot and saved_boot == boot_id() and mono <= time.monotonic():
            self._offset, self._saved = offset, (mono, offset)
            self._bound_s, self._bound_at = rtt / 2, mono
            log.info("clock: keeping the offset measured %.0f s ago in this boot", time.monotonic() - mono)
        else:
            # A new boot: the monotonic clock started again. The wall clock corrected by the last skew
            # known is the best guess (right if the RTC kept time), but nothing vouches for it.
            self._fallback_skew = skew
            log.info("clock: new boot; wall clock corrected by the last known skew %+.1f s until the manager answers", skew)
