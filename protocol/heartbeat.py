"""Heartbeats: a board's status every interval, chained by hash.

Each heartbeat carries the hash of the one before it, so a record that is
edited or thinned after the fact no longer verifies (see `chain_ok`).
"""
import hashlib
import json
from enum import Enum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from protocol.bounds import SEQ_MAX, SQLITE_INT_MAX, Id
from protocol.text import NFCStr
from protocol.timebase import UTCDateTime

GENESIS_HASH = "0" * 64
# How often a board reports unless told otherwise: the one default, for the manager's settings, new boards and the
# player. Here, not in the manifest's module (which re-exports it), so the manager's settings and with them
# `python -m manager verify-evidence` do not pull in the typeface (fonts, Pillow) through the manifest's notices.
DEFAULT_HEARTBEAT_INTERVAL_S = 30


class DisplayState(str, Enum):
    on = "on"  # showing content
    scheduled_off = "scheduled_off"  # outside operating hours: not downtime
    error = "error"  # meant to show content but cannot


class ClockState(str, Enum):
    """How far the board's idea of the time can be trusted (docs/player.md, "The clock")."""

    synced = "synced"  # measured against the manager within the last hour: within 1 s
    held = "held"  # carried on the monotonic clock from an older measurement (restart, manager away)
    unsynced = "unsynced"  # never measured since boot: the board's own wall clock, which may be anything


# Fields added after boards were in the field: left out of the hash while unset, so the chains
# of heartbeats stored before them still verify.
_LATER_FIELDS = ("clock", "disk_low", "ntp_disagreement_s")


class Heartbeat(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seq: int = Field(ge=0, le=SEQ_MAX)
    # The board's own clock when it recorded this, and its estimate of how far
    # that clock is ahead of the manager's (seconds; negative when behind; at most ~30 years).
    board_time: UTCDateTime
    clock_skew_s: float = Field(default=0.0, ge=-1e9, le=1e9, allow_inf_nan=False)
    manifest_version: Id | None = None
    display_state: DisplayState
    on_screen: dict[Id, Annotated[NFCStr, Field(max_length=128)]] = Field(default_factory=dict, max_length=64)  # zone id -> item id
    alert: Id | None = None  # the emergency alert on screen, if any
    disk_free_bytes: int | None = Field(default=None, ge=0, le=SQLITE_INT_MAX)
    software_version: str = Field(default="", max_length=64)
    # The board's guess when recording that this will not reach the manager within its interval. The manager
    # decides from when it arrives; the guess stands only for an unsynced clock (docs/protocol.md, Heartbeats).
    recorded_offline: bool = False
    interval_s: int = Field(default=30, ge=1, le=3600)
    clock: ClockState | None = None
    # The board is short of disk space: its queue is living on its reserve (docs/player.md).
    disk_low: bool | None = None
    # Set only when the board's wall clock is NTP-synchronised and disagrees with the manager's
    # measured time by more than a second: that wall clock minus the manager's time (docs/player.md).
    ntp_disagreement_s: float | None = Field(default=None, ge=-1e9, le=1e9, allow_inf_nan=False)
    prev_hash: str = Field(default=GENESIS_HASH, pattern=r"^[0-9a-f]{64}$")
    hash: str = Field(default="", pattern=r"^([0-9a-f]{64})?$")

    def sealed(self) -> "Heartbeat":
        return self.model_copy(update={"hash": heartbeat_hash(self)})


def heartbeat_hash(hb: Heartbeat) -> str:
    unset = {name for name in _LATER_FIELDS if getattr(hb, name) is None}
    body = hb.model_dump(mode="json", exclude={"hash", *unset})
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def chain_ok(heartbeats: list[Heartbeat]) -> tuple[bool, int | None]:
    """Whether consecutive heartbeats link up; on failure, the first bad seq."""
    previous: Heartbeat | None = None
    for hb in heartbeats:
        if hb.hash != heartbeat_hash(hb):
            return False, hb.seq
        if previous is not None and (hb.seq != previous.seq + 1 or hb.prev_hash != previous.hash):
            return False, hb.seq
        previous = hb
    return True, None


# How long a board held a heartbeat before sending it, by its monotonic clock (seconds, at most ~30 years).
HeldS = Annotated[float, Field(ge=0, le=1e9, allow_inf_nan=False)]


class HeartbeatBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # A player sends 500 a batch; 1000 of them stay well under the route's 1 MB body limit.
    heartbeats: list[Heartbeat] = Field(min_length=1, max_length=1000)
    # Per heartbeat, in the same order: seconds from its recording to this sending, or null when the board
    # cannot tell (recorded before a reboot: the monotonic clock started again). Outside the hash, since it
    # changes with every attempt; it decides whether the heartbeat was late (docs/protocol.md, Heartbeats).
    held_s: list[HeldS | None] | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _one_held_s_per_heartbeat(self) -> "HeartbeatBatch":
        if self.held_s is not None and len(self.held_s) != len(self.heartbeats):
            raise ValueError(f"held_s has {len(self.held_s)} entries for {len(self.heartbeats)} heartbeats")
        return self


class HeartbeatAck(BaseModel):
    """The manager's proof that it stored a batch: a board deletes from its queue only the seqs
    named here, and only when the chain head echoed back is one it sent (docs/protocol.md)."""

    accepted: int
    duplicates: int
    # When the manager handled the batch, to the microsecond: the board's clock is measured on it.
    server_time: UTCDateTime
    manifest_version: str | None = None  # the version the manager would serve now
    board_id: str | None = None  # the board of the token the batch came with
    seqs: list[int] = Field(default_factory=list)  # the batch's seqs now stored with the hash sent
    head_seq: int | None = None  # the newest heartbeat the manager holds for the board
    head_hash: str | None = None
