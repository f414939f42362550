"""The manager's offset checked against the board's NTP, where the OS keeps the wall clock by it.

The NTP status is injected (what `timedatectl`'s NTPSynchronized would say); the kernel read itself
is exercised on whatever this machine's kernel answers.
"""
import logging
import time
from datetime import datetime, timezone

from player import ntpstatus, wallclock
from player.clock import BoardClock
from player.heartbeat import Status, build
from protocol.heartbeat import GENESIS_HASH, ClockState, DisplayState, chain_ok, heartbeat_hash


def _answer(clock: BoardClock, manager_minus_wall: float, rtt: float) -> None:
    """One proven answer from a manager whose time is `manager_minus_wall` s off the board's wall clock."""
    received = time.monotonic()
    sent = received - rtt
    wall_at_midpoint = wallclock.time_s() - rtt / 2
    clock.observe(datetime.fromtimestamp(wall_at_midpoint + manager_minus_wall, timezone.utc), sent, received)


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "player.clock" and r.levelno == logging.WARNING]


def test_synchronised_and_agreeing_flags_nothing():
    clock = BoardClock(ntp_synchronised=lambda: True)
    _answer(clock, 0.3, rtt=0.02)
    assert clock.ntp_disagreement_s is None
    assert abs(clock.time_s() - (wallclock.time_s() + 0.3)) < 0.05, "the manager's offset, as before"
    hb = build(0, GENESIS_HASH, Status(DisplayState.on), skew_s=clock.skew_s, offline=False, interval_s=30,
               clock=clock.state, ntp_disagreement_s=clock.ntp_disagreement_s)
    assert hb.ntp_disagreement_s is None
    assert hb.model_copy(update={"hash": ""}).sealed().hash == heartbeat_hash(hb), "left out of the hash while unset"


def test_a_gap_no_round_trip_explains_is_reported_and_the_manager_kept(caplog):
    caplog.set_level(logging.INFO, logger="player.clock")
    clock = BoardClock(ntp_synchronised=lambda: True)
    _answer(clock, 60.0, rtt=0.02)  # a manager a minute ahead of an NTP-kept wall clock
    assert abs(clock.ntp_disagreement_s + 60.0) < 0.05
    assert abs(clock.time_s() - (wallclock.time_s() + 60.0)) < 0.05, "the manager's time is followed"
    assert abs(clock.skew_s + 60.0) < 0.05 and clock.state == ClockState.synced
    for _ in range(3):
        _answer(clock, 60.0, rtt=0.02)
        clock.check_ntp()
    assert len(_warnings(caplog)) == 1, "logged once, not at every check"
    hb = build(7, GENESIS_HASH, Status(DisplayState.on), skew_s=clock.skew_s, offline=False, interval_s=30,
               clock=clock.state, ntp_disagreement_s=clock.ntp_disagreement_s).sealed()
    assert hb.ntp_disagreement_s == clock.ntp_disagreement_s and chain_ok([hb]) == (True, None)
    unset = hb.model_copy(update={"ntp_disagreement_s": None})
    assert heartbeat_hash(unset) != hb.hash, "the hash covers the field once it is set"


def test_a_loose_measurement_gives_way_to_ntp_but_not_to_a_step(tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="player.clock")
    clock = BoardClock(ntp_synchronised=lambda: True)
    # A 4 s round trip bounds the manager's time only to ±2 s: a 2.5 s gap is within that and the tolerance.
    _answer(clock, 2.5, rtt=4.0)
    assert abs(clock.ntp_disagreement_s + 2.5) < 0.05
    assert abs(clock.time_s() - wallclock.time_s()) < 0.05, "the NTP-kept wall clock is followed"
    assert abs(clock.skew_s) < 0.05
    assert "following NTP" in _warnings(caplog)[-1]
    # The wall clock stepped by an hour before the next NTP check (the injected status still says
    # synchronised): the time stays on the measurement, not on the step.
    hook = tmp_path / "wall-offset"
    hook.write_text("3600")
    monkeypatch.setattr(wallclock, "_offset", wallclock._OffsetFile(str(hook)))
    assert abs(clock.time_s() - (time.time() + 2.5)) < 0.1
    # A quick answer now contradicts the wall clock beyond any round trip: the manager is followed.
    _answer(clock, 2.5 - 3600, rtt=0.02)
    assert abs(clock.time_s() - (time.time() + 2.5)) < 0.1 and abs(clock.ntp_disagreement_s - 3597.5) < 0.1


def test_unsynchronised_or_no_ntp_keeps_the_managers_offset():
    clock = BoardClock(ntp_synchronised=lambda: False)  # no NTP daemon, or one that has not synchronised
    _answer(clock, 2.5, rtt=4.0)
    assert abs(clock.time_s() - (wallclock.time_s() + 2.5)) < 0.05, "not the wall clock, loose as the answer is"
    _answer(clock, -86400.0, rtt=0.02)
    assert clock.ntp_disagreement_s is None
    assert abs(clock.time_s() - (wallclock.time_s() - 86400.0)) < 0.05


def test_the_kernel_is_asked_without_a_tool(tmp_path, monkeypatch):
    assert isinstance(ntpstatus.kernel_synchronised(), bool)  # whatever this machine's kernel says
    monkeypatch.setattr(ntpstatus, "kernel_synchronised", lambda: True)
    assert ntpstatus.wall_clock_synchronised()
    hook = tmp_path / "wall-offset"
    hook.write_text("-3600")
    monkeypatch.setattr(wallclock, "_offset", wallclock._OffsetFile(str(hook)))
    assert not ntpstatus.wall_clock_synchronised(), "a stepped clock is not NTP's, as the kernel says after a step"
