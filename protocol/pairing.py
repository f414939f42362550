"""Provisioning: an unpaired board shows a short code that an editor claims."""
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

from protocol.timebase import UTCDateTime


class PairingRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    software_version: str = Field(default="", max_length=64)
    width: int | None = Field(default=None, gt=0, le=16384)
    height: int | None = Field(default=None, gt=0, le=16384)


class PairingCode(BaseModel):
    code: str  # shown on screen, typed by an editor
    secret: str  # kept by the board; proves it is the one that asked
    expires_at: UTCDateTime
    poll_interval_s: int = 3


class PairingState(str, Enum):
    pending = "pending"
    claimed = "claimed"
    expired = "expired"


class PairingStatus(BaseModel):
    state: PairingState
    board_id: str | None = None
    token: str | None = None  # delivered once, when the board first sees the claim


class PairingClaim(BaseModel):
    """What an editor supplies when claiming a code."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    unit_code: str = Field(min_length=1, max_length=64)
    unit_catalogue: str | None = Field(default=None, max_length=64)  # default: the current catalogue
    board_class: str = Field(default="commune", pattern=r"^(commune|large)$")
    width: int | None = Field(default=None, gt=0, le=16384)
    height: int | None = Field(default=None, gt=0, le=16384)
    orientation: str | None = Field(default=None, pattern=r"^(landscape|portrait)$")
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    is_test: bool = False
