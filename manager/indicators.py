"""Indicators as data: loaded from indicators/indicators.json, computed by a pure function.

An indicator is "the share of units of kind K that had at least one board of
class C available at least T % of operating time in the period". The file
holds the wording, baselines and targets of Decision 184/QĐ-BTTTT; adding an
indicator means adding an entry to it (see docs/indicators.md).
"""
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field, model_validator

from manager.uptime import Availability
from protocol.hours import BoardClass

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "indicators" / "indicators.json"


class UnitSelector(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tiers: Literal[2, 3]  # 3: a catalogue from before 1 July 2025 (with districts); 2: today's
    kinds: list[str] = Field(default_factory=list)
    grouping: bool = False  # the units are a grouping the province defines (unit_groups)

    @model_validator(mode="after")
    def _kinds_or_grouping(self):
        if not self.grouping and not self.kinds:
            raise ValueError("an indicator needs unit kinds, or grouping: true")
        return self


class Indicator(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[0-9A-Za-z.\-_]+$")
    number: str  # the number in the decision, e.g. "1.5"
    form: Literal["decision", "two-tier", "grouping"] = "decision"
    title_vi: str
    title_en: str
    source: str
    units: UnitSelector
    board_class: BoardClass
    measure: Literal["on_screen", "connected"]
    threshold_pct: float = Field(gt=0, le=100)
    baselines: dict[int, float | None] = Field(default_factory=dict)
    targets: dict[int, float] = Field(default_factory=dict)

    def target_for(self, year: int) -> float | None:
        return self.targets.get(year)


class IndicatorFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_: int = Field(alias="schema")
    note: str = ""
    indicators: list[Indicator]

    @model_validator(mode="after")
    def _unique_ids(self):
        ids = [i.id for i in self.indicators]
        if len(ids) != len(set(ids)):
            raise ValueError("indicator ids must be unique")
        return self


def load(path: Path | None = None) -> list[Indicator]:
    """Every indicator in the file; a file that does not validate raises (pydantic ValidationError)."""
    text = Path(path or DEFAULT_FILE).read_text(encoding="utf-8")
    return IndicatorFile.model_validate(json.loads(text)).indicators


@dataclass(frozen=True)
class UnitInput:
    code: str
    name: str
    kind: str
    boards: list[str]  # ids of the boards of the indicator's class in the unit (or below it)


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    kind: str
    boards: int
    boards_with_data: int
    best_board: str | None
    best_pct: float | None  # the best board's measure; None: no board has data
    available: bool


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    numerator: int
    denominator: int
    value_pct: float | None  # None: no units, or no board in scope has data for the period
    target_pct: float | None
    rows: list[UnitRow] = field(default_factory=list)

    @property
    def meets_target(self) -> bool | None:
        if self.value_pct is None or self.target_pct is None:
            return None
        return self.value_pct >= self.target_pct


def measure_of(indicator: Indicator, availability: Availability | None) -> float | None:
    if availability is None:
        return None
    return availability.on_screen_pct if indicator.measure == "on_screen" else availability.connected_pct


def compute(
    indicator: Indicator,
    units: Sequence[UnitInput],
    availability_by_board: Mapping[str, Availability | None],
    target_year: int | None = None,
    has_data: bool | None = None,
) -> IndicatorResult:
    """The indicator over `units`, each listing its boards of the indicator's class.

    A unit counts when at least one board's measure reaches the threshold. A
    board with no data for the period (None) never counts. When no board in
    `availability_by_board` (all the province's boards, of any class) has data
    for the period, the value is None ("no data") rather than 0 %: the system
    was not measuring then. `has_data` overrides that test.
    """
    if has_data is None:
        has_data = any(a is not None and a.operating_s > 0 for a in availability_by_board.values())
    rows = []
    for unit in units:
        best_board, best = None, None
        with_data = 0
        for board_id in unit.boards:
            pct = measure_of(indicator, availability_by_board.get(board_id))
            if pct is None:
                continue
            with_data += 1
            if best is None or pct > best:
                best_board, best = board_id, pct
        available = best is not None and best >= indicator.threshold_pct
        rows.append(UnitRow(unit.code, unit.name, unit.kind, len(unit.boards), with_data, best_board, best, available))
    numerator = sum(1 for r in rows if r.available)
    denominator = len(rows)
    value = 100.0 * numerator / denominator if denominator and has_data else None
    target = indicator.target_for(target_year) if target_year is not None else None
    return IndicatorResult(indicator, numerator, denominator, value, target, rows)
