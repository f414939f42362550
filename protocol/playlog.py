"""Proof of play: what a board showed, in which zone, when and for how long."""
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

from protocol.manifest import ItemKind
from protocol.text import NFCStr
from protocol.timebase import UTCDateTime


class PlayOutcome(str, Enum):
    played = "played"
    failed = "failed"  # the item could not be shown (missing or broken asset) and was skipped


class PlayRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seq: int = Field(ge=0)
    item: str
    playlist: str | None = None
    alert: str | None = None
    zone: str
    kind: ItemKind
    asset: str | None = None
    started_at: UTCDateTime  # corrected for the board's clock skew
    duration_s: float = Field(ge=0)
    outcome: PlayOutcome = PlayOutcome.played
    error: NFCStr | None = None


class PlayLogBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    records: list[PlayRecord] = Field(min_length=1, max_length=5000)


class PlayLogAck(BaseModel):
    accepted: int
    duplicates: int
    board_id: str | None = None  # the board of the token the batch came with
    seqs: list[int] = Field(default_factory=list)  # the batch's seqs the manager now holds
