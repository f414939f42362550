"""Builds the board's heartbeats from a snapshot of what is on screen."""
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from player import __version__, wallclock
from protocol.heartbeat import ClockState, DisplayState, Heartbeat


@dataclass(frozen=True)
class Status:
    """What the screen shows now; taken on the main thread, cheap to copy."""

    display_state: DisplayState
    on_screen: dict[str, str] = field(default_factory=dict)
    alert: str | None = None
    manifest_version: str | None = None


def build(seq: int, prev_hash: str, status: Status, *, skew_s: float, offline: bool,
          interval_s: int, data_dir: Path | None = None, clock: ClockState | None = None,
          ntp_disagreement_s: float | None = None) -> Heartbeat:
    disk_free = None
    if data_dir is not None and data_dir.exists():
        disk_free = shutil.disk_usage(data_dir).free
    return Heartbeat(
        seq=seq,
        board_time=wallclock.utcnow(),
        clock_skew_s=skew_s,
        manifest_version=status.manifest_version,
        display_state=status.display_state,
        on_screen=status.on_screen,
        alert=status.alert,
        disk_free_bytes=disk_free,
        software_version=__version__,
        recorded_offline=offline,
        interval_s=interval_s,
        clock=clock,
        ntp_disagreement_s=ntp_disagreement_s,
        prev_hash=prev_hash,
    )
