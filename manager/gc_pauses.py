"""Python's garbage collector, kept from pausing the event loop while a warning goes out.

A manager holding the long-polls of 10,000 boards keeps about a million
objects alive (a request, a task and their futures per board), and Python's
full collection walks them all. Measured during a province alert at 10,000
boards: twelve full collections took 2.5 s of the event loop, the longest
0.55 s, each delaying every board still waiting for the warning. So:

* the objects made while starting (modules, routes, models) live as long as
  the process: once started, they are frozen and never walked again;
* while a change's answers are built and written (from the change until its
  boards are woken, and a moment for the loop to write them), collections
  wait. The objects of that moment are freed by reference counting all the
  same; only cycles wait for the collection that follows.
"""
import gc
import threading
import time

WRITE_GRACE_S = 1.0  # after the last board is woken: time for the event loop to write the answers

_lock = threading.Lock()
_holders = 0
_until = 0.0  # collections wait at least until then (monotonic)
_timer: threading.Timer | None = None


def settle() -> None:
    """Once the server has started: freeze what starting made."""
    gc.collect()
    gc.freeze()


def defer() -> None:
    """No collection until the matching `resume`."""
    global _holders
    with _lock:
        _holders += 1
        gc.disable()


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
    global _timer
    with _lock:
        _timer = None
        if _holders > 0:
            return  # its own resume starts the next timer
        wait = _until - time.monotonic()
        if wait > 0:
            _timer = _start(wait)
        else:
            gc.enable()
