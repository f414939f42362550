"""Collections wait while a change's answers go out (manager/gc_pauses.py): the real gc module, real timers."""
import gc
import time

import pytest

from manager import gc_pauses


def _settled():
    """Until no change another test made in this process (an in-process fan-out) still holds collections back."""
    deadline = time.monotonic() + 5
    while (gc_pauses._holders or gc_pauses._timer is not None) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert gc.isenabled()


@pytest.fixture(autouse=True)
def collections_on_around():
    _settled()
    yield
    _settled()


def test_collections_wait_until_every_change_is_delivered_and_written():
    gc_pauses.defer()
    gc_pauses.defer()  # two changes under way at once
    assert not gc.isenabled()
    gc_pauses.resume(0.1)
    time.sleep(0.25)
    assert not gc.isenabled()  # the other still goes out
    gc_pauses.resume(0.3)
    time.sleep(0.05)
    assert not gc.isenabled()  # its answers are still being written
    _settled()


def test_a_change_during_the_grace_keeps_collections_waiting():
    gc_pauses.defer()
    gc_pauses.resume(0.05)
    gc_pauses.defer()
    time.sleep(0.15)
    assert not gc.isenabled()
    gc_pauses.resume(0.05)
    _settled()


def test_once_started_what_starting_made_is_frozen_and_young_collections_run_less_often():
    thresholds = gc.get_threshold()
    gc.unfreeze()
    gc_pauses.settle()
    try:
        assert gc.get_freeze_count() > 1000  # the modules and objects this process made to start
        assert gc.get_threshold() == (7_000, 10, 100)
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def test_changes_without_end_never_keep_collections_away_past_the_bound(monkeypatch):
    monkeypatch.setattr(gc_pauses, "HELD_AT_MOST_S", 0.2)
    gc_pauses.defer()
    assert not gc.isenabled()
    time.sleep(0.3)
    gc_pauses.resume(0.05)
    gc_pauses.defer()  # the next change comes before the last one's grace is over
    assert gc.isenabled()  # held long enough: collections run while it goes out
    gc_pauses.resume(0.05)
    _settled()
    gc_pauses.defer()  # once released, a change holds them back again
    assert not gc.isenabled()
    gc_pauses.resume(0.05)
