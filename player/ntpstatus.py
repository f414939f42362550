"""Whether the board's own wall clock is kept by NTP, from the kernel.

systemd-timesyncd, chrony and ntpd all discipline the kernel's clock through
`adjtimex`, and clear `STA_UNSYNC` while they hold it; the kernel sets it
again when the clock is stepped (`settimeofday`) or when its error bound
grows past 16 s without an update. `timedatectl`'s `NTPSynchronized` reads
exactly this. So one read-only `adjtimex` call (no privilege, no tool, no
network) answers for whichever daemon the board runs, and a board with none
reads "not synchronised".
"""
import ctypes
import ctypes.util
import logging
import sys

from player import wallclock

log = logging.getLogger(__name__)

TIME_ERROR = 5  # adjtimex's answer when the clock is not synchronised
STA_UNSYNC = 0x0040
MAXERROR_LIMIT_US = 16_000_000  # the kernel's NTP_PHASE_LIMIT, as systemd checks it


class _Timex(ctypes.Structure):
    # <sys/timex.h>, with the default (native `long`) time fields the plain `adjtimex` symbol uses.
    _fields_ = [("modes", ctypes.c_uint), ("offset", ctypes.c_long), ("freq", ctypes.c_long),
                ("maxerror", ctypes.c_long), ("esterror", ctypes.c_long), ("status", ctypes.c_int),
                ("constant", ctypes.c_long), ("precision", ctypes.c_long), ("tolerance", ctypes.c_long),
                ("time_sec", ctypes.c_long), ("time_usec", ctypes.c_long), ("tick", ctypes.c_long),
                ("ppsfreq", ctypes.c_long), ("jitter", ctypes.c_long), ("shift", ctypes.c_int),
                ("stabil", ctypes.c_long), ("jitcnt", ctypes.c_long), ("calcnt", ctypes.c_long),
                ("errcnt", ctypes.c_long), ("stbcnt", ctypes.c_long), ("tai", ctypes.c_int),
                # The header's 11 reserved ints, and room to spare should a libc's layout be larger.
                ("_reserved", ctypes.c_int * 32)]


def _adjtimex():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.adjtimex
    except (OSError, AttributeError) as exc:
        log.info("no adjtimex here (%s): the board's wall clock is taken as not NTP-synchronised", exc)
        return None


_call = _adjtimex()


def kernel_synchronised() -> bool:
    """Whether the kernel says an NTP daemon holds the system clock (timedatectl's NTPSynchronized)."""
    if _call is None:
        return False
    tx = _Timex()  # modes 0: read only
    state = _call(ctypes.byref(tx))
    if state < 0:
        return False  # refused (a sandbox): unknown counts as not synchronised
    return state != TIME_ERROR and not tx.status & STA_UNSYNC and tx.maxerror < MAXERROR_LIMIT_US


def wall_clock_synchronised() -> bool:
    """Whether the wall clock the board reads (`player.wallclock`) is NTP's.

    The test hook's offset stands for a step of the clock, which the kernel answers by clearing
    its synchronised state: a stepped wall clock is not NTP's until NTP takes it back."""
    return not wallclock.stepped() and kernel_synchronised()
