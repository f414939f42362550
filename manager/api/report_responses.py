"""What the auditors' JSON API answers (manager/api/report_api.py), as models.

As in responses.py: fields clients rely on (a central manager pulls the
indicators) typed and required, extra fields let through. A table's rows are
as wide as its `columns` say, so rows stay open objects.
"""
from typing import Any

from manager.api.responses import BoardOut, _Out


class TableOut(_Out):
    name: str
    title: str
    columns: list[str]
    headers: list[str]
    rows: list[dict[str, Any]]
    note: list[str]


class NamedUnit(_Out):
    code: str
    name: str


class PeriodOut(_Out):
    key: str
    label: str


class ProvincePeriod(PeriodOut):
    start: float
    end: float


class IndicatorFigure(_Out):
    id: str
    number: str
    form: str
    title_vi: str
    numerator: int
    denominator: int
    value_pct: float | None
    target_pct: float | None
    threshold_pct: float | None
    measure: str


class ProvinceReport(_Out):
    catalogue: str
    province: NamedUnit
    period: ProvincePeriod
    tiers: int
    grouping: str | None
    has_data: bool
    boards: int
    verification: dict[str, Any] | None
    indicators: list[IndicatorFigure]
    tables: dict[str, TableOut]


class ReportUnit(NamedUnit):
    kind: str


class UnitReport(_Out):
    unit: ReportUnit
    period: PeriodOut
    best_on_screen_pct: float | None
    best_connected_pct: float | None
    verification: dict[str, Any] | None
    tables: dict[str, TableOut]


class ChainOut(_Out):
    ok: bool
    check: str
    heartbeats: int
    sealed: int
    first_bad_seq: int | None
    reason: dict[str, Any] | None


class BoardChain(ChainOut):
    board_id: str


class BoardVerification(_Out):
    state: str
    failure: str | None
    failure_en: str | None
    note: list[str]


class BoardReport(_Out):
    board: BoardOut
    unit: NamedUnit
    period: PeriodOut
    has_data: bool
    on_screen_pct: float | None
    connected_pct: float | None
    operating_h: float | None
    late_pct: float | None
    clock: dict[str, Any]
    chain: ChainOut
    verification: BoardVerification
    tables: dict[str, TableOut]


class GroupingOut(_Out):
    grouping: str
    groups: int
    units: int


class NationalProvince(_Out):
    name: str
    url: str
    catalogue: str
    province: str
    ok: bool
    error: str | None
    indicators: list[dict[str, Any]]
    has_data: bool | None


class NationalReport(_Out):
    period: PeriodOut
    totals: list[dict[str, Any]]
    provinces: list[NationalProvince]
