"""Python's garbage collector, kept from pausing the event loop, above all while a warning goes out.

A manager holding the long-polls of 10,000 boards keeps about a million
objects alive (a request, a task and their futures per board), and Python's
full collection walks them all. Measured with `bench/fleet.py` at 10,000
boards (about two minutes: an alert, its acknowledgements, a schedule change,
the pictures, heartbeats), Python's default thresholds ran 54-62 full
collections, 22-28 s of the event loop, up to 0.9 s each: one in five
seconds, during the alert too. So:

* the objects made while starting (modules, routes, models) live as long as
  the process: once started, they are frozen and never walked again;
* young collections run every 7,000 allocations, not 700: a request's objects
  then mostly die before one looks at them, instead of being promoted with
  those of the requests still open; a full collection waits for 100 middle
  ones, not 10. The same run then made 3 full collections (0.16 s), and the
  manager's CPU fell by about a tenth;
* from a change until its boards are woken, and a moment for the loop to
  write their answers, no collection runs at all: the objects of that moment
  are freed by reference counting all the same; only cycles wait (30 s at
  most, however many changes follow one another).
"""
import gc
import threading
import time

YOUNG_AFTER, MIDDLE_AFTER, FULL_AFTER = 7_000, 10, 100  # Python's defaults: 700, 10, 10
WRITE_GRACE_S = 1.0  # after the last board is woken: time for the event loop to write the answers
HELD_AT_MOST_S = 30.0  # changes one after another never keep the collector away longer

_lock = threading.Lock()
_holders = 0
_until = 0.0  # collections wait at least until then (monotonic)
_timer: threading.Timer | None = None
_held_since: float | None = None  # when collections were last turned off (monotonic)


def settle() -> None:
    """Once the server has started: freeze what starting made, and set the thresholds."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_AFTER, MIDDLE_AFTER, FULL_AFTER)


def defer() -> None:
    """No collection until the matching `resume`; unless changes have kept collections away for
    `HELD_AT_MOST_S` already (changes without end, an import's), then collections run meanwhile."""
    global _holders, _held_since
    with _lock:
        _holders += 1
        now = time.monotonic()
        if _held_since is None:
            _held_since = now
        if now - _held_since < HELD_AT_MOST_S:
            gc.disable()
        else:
            gc.enable()


def resume(after_s: float = WRITE_GRACE_S) -> None:
    """Ends one `defer`; collections run again `after_s` from now if none holds then (one timer, however many)."""
    global _holders, _until, _timer
    with _lock:
        _holders -= 1
        _until = max(_until, time.monotonic() + after_s)
        if _timer is None:
            _timer = _start(after_s)


def _start(after_s: float) -> threading.Timer:
    timer = threading.Timer(after_s, _release)
    timer.daemon = True
    timer.start()
    return timer


def _release() -> None:
    global _timer, _held_since
    with _lock:
        _timer = None
        if _holders > 0:
            return  # its own resume starts the next timer
        wait = _until - time.monotonic()
        if wait > 0:
            _timer = _start(wait)
        else:
            _held_since = None
            gc.enable()
