"""Screen layouts as data: named zones placed on the screen by fractions.

Layouts are JSON, never `.kv`, because a layout may come over the network and
`.kv` can run Python. Coordinates are fractions of the screen with the origin
at the top left, so one layout serves any resolution of its aspect.
"""
from enum import Enum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from protocol.text import NFCStr


class ZoneKind(str, Enum):
    media = "media"  # images and videos
    bulletin = "bulletin"  # text bulletins: title and body
    ticker = "ticker"  # one line of scrolling text
    clock = "clock"  # time and date in Vietnamese
    header = "header"  # the unit's name


class Fit(str, Enum):
    fit = "fit"  # whole picture visible, letterboxed
    fill = "fill"  # zone covered, picture cropped


class Zone(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,31}$")
    kind: ZoneKind
    x: float = Field(ge=0, le=1)
    y: float = Field(ge=0, le=1)
    w: float = Field(gt=0, le=1)
    h: float = Field(gt=0, le=1)
    fit: Fit = Fit.fit
    background: str = Field(default="#000000", pattern=r"^#[0-9a-fA-F]{6}$")
    foreground: str = Field(default="#ffffff", pattern=r"^#[0-9a-fA-F]{6}$")

    @model_validator(mode="after")
    def _inside_screen(self) -> "Zone":
        if self.x + self.w > 1.0001 or self.y + self.h > 1.0001:
            raise ValueError(f"zone {self.id!r} reaches outside the screen")
        return self


class Layout(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    name: NFCStr
    orientation: str = Field(pattern=r"^(landscape|portrait)$")
    # The design size; a board of another resolution scales the fractions.
    width: int = Field(gt=0, le=16384)
    height: int = Field(gt=0, le=16384)
    background: str = Field(default="#0b1f3a", pattern=r"^#[0-9a-fA-F]{6}$")
    zones: list[Zone] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_zone_ids(self) -> "Layout":
        ids = [z.id for z in self.zones]
        if len(ids) != len(set(ids)):
            raise ValueError("zone ids must be unique within a layout")
        return self

    def zone(self, zone_id: str) -> Zone | None:
        return next((z for z in self.zones if z.id == zone_id), None)

    def zones_of(self, kind: ZoneKind) -> list[Zone]:
        return [z for z in self.zones if z.kind == kind]


def load_layout(path: Path) -> Layout:
    return Layout.model_validate_json(path.read_bytes())


def load_layouts(folder: Path) -> dict[str, Layout]:
    """Every `*.json` layout in a folder, by id; a broken file raises with its name."""
    layouts: dict[str, Layout] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            layout = load_layout(path)
        except ValueError as exc:
            raise ValueError(f"{path.name}: {exc}") from exc
        layouts[layout.id] = layout
    return layouts
