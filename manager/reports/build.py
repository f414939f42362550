"""Report data from the database: per-board availability, indicators per province, series for charts.

Reads only compacted intervals (`board_intervals`), units and boards; the
indicator arithmetic is `manager.indicators.compute`, the uptime arithmetic
`manager.uptime.availability`.
"""
import bisect
from dataclasses import dataclass, field

from sqlite_utils import Database

from manager import indicators as ind
from manager import uptime, uptime_store
from manager.reports.period import Period


@dataclass
class BoardFigures:
    board: dict
    unit_name: str
    availability: uptime.Availability | None  # None: no data for the period

    @property
    def on_screen_pct(self) -> float | None:
        return self.availability.on_screen_pct if self.availability else None

    @property
    def connected_pct(self) -> float | None:
        return self.availability.connected_pct if self.availability else None


@dataclass
class ProvinceReport:
    catalogue: str
    province: dict
    period: Period
    now: float
    tiers: int
    units: dict[str, dict]
    boards: list[BoardFigures]
    results: list[ind.IndicatorResult]
    grouping: str | None = None
    series: list[dict] = field(default_factory=list)  # per sub-period: label, on-screen, connected, indicator values

    @property
    def has_data(self) -> bool:
        return any(b.availability is not None and b.availability.operating_s > 0 for b in self.boards)


def catalogue_tiers(db: Database, catalogue: str) -> int:
    row = db.execute("SELECT 1 FROM units WHERE catalogue = ? AND level = 2 LIMIT 1", [catalogue]).fetchone()
    return 3 if row else 2


def province_units(db: Database, catalogue: str, province_code: str) -> dict[str, dict]:
    rows = db.query("SELECT * FROM units WHERE catalogue = ? AND province_code = ? ORDER BY code", [catalogue, province_code])
    return {r["code"]: r for r in rows}


def boards_in(db: Database, catalogue: str, codes: list[str]) -> list[dict]:
    """Boards (test boards left out) attached to any of the units."""
    out = []
    for k in range(0, len(codes), 500):
        chunk = codes[k:k + 500]
        marks = ",".join("?" * len(chunk))
        out += list(db.query(
            f"SELECT * FROM boards WHERE unit_catalogue = ? AND unit_code IN ({marks}) AND is_test = 0 ORDER BY id",
            [catalogue, *chunk]))
    return out


class _Slicer:
    """A board's intervals, sliced to sub-periods without scanning all of them each time."""

    def __init__(self, intervals: list[uptime.Interval]):
        self.intervals = intervals
        self.starts = [iv.start for iv in intervals]

    def window(self, start: float, end: float) -> list[uptime.Interval]:
        lo = max(0, bisect.bisect_right(self.starts, start) - 1)
        hi = bisect.bisect_left(self.starts, end)
        return self.intervals[lo:hi]


def availabilities(db: Database, boards: list[dict], start: float, end: float, now: float,
                   sub_periods: list[tuple[float, float]] = ()) -> tuple[dict, list[dict]]:
    """Availability per board over [start, end) (capped at `now`), and per sub-period.

    A board is measured from its first heartbeat on; a period it has no data
    for (before it first reported, or in the future) is None, not 0 %.
    """
    ids = [b["id"] for b in boards]
    history = uptime_store.hours_history(db, ids)
    spans = uptime_store.monitored_span(db, ids)
    stored = uptime_store.intervals_by_board(db, ids, start, min(end, now))
    whole: dict[str, uptime.Availability | None] = {}
    parts: list[dict] = [{} for _ in sub_periods]
    # Sub-periods that partition the period are measured once, and the whole added up from them.
    partition = bool(sub_periods) and sub_periods[0][0] == start and sub_periods[-1][1] == end and all(
        a[1] == b[0] for a, b in zip(sub_periods, sub_periods[1:]))
    for board in boards:
        span = spans.get(board["id"])
        slicer = _Slicer(stored[board["id"]])
        hours = history[board["id"]]

        def measure(s: float, e: float) -> uptime.Availability | None:
            lo, hi = max(s, span[0]) if span else s, min(e, now)
            if span is None or hi <= lo:
                return None
            return uptime.availability(slicer.window(lo, hi), uptime.operating_segments_over(hours, lo, hi), (lo, hi))

        for target, (s, e) in zip(parts, sub_periods):
            target[board["id"]] = measure(s, e)
        if partition:
            whole[board["id"]] = uptime.combine([target[board["id"]] for target in parts])
        else:
            whole[board["id"]] = measure(start, end)
    return whole, parts


def _chain(units: dict[str, dict], code: str) -> list[str]:
    out = []
    while code and code in units and code not in out:
        out.append(code)
        code = units[code]["parent_code"]
    return out


def unit_groups(db: Database, catalogue: str, province_code: str, grouping: str | None) -> dict[str, dict]:
    """group code -> {name, members}; the province's grouping (or the only one it has)."""
    rows = list(db.query(
        "SELECT * FROM unit_groups WHERE catalogue = ? AND province_code = ? ORDER BY grouping, group_code, unit_code",
        [catalogue, province_code]))
    names = sorted({r["grouping"] for r in rows})
    if grouping is None:
        grouping = names[0] if len(names) == 1 else None
    groups: dict[str, dict] = {}
    for r in rows:
        if r["grouping"] == grouping:
            groups.setdefault(r["group_code"], {"name": r["group_name"], "members": []})["members"].append(r["unit_code"])
    return groups


def indicator_inputs(indicator: ind.Indicator, units: dict[str, dict], boards: list[dict],
                     groups: dict[str, dict]) -> list[ind.UnitInput]:
    """The indicator's subject units, each with its boards of the right class (in it or below it)."""
    by_unit: dict[str, list[str]] = {}
    for b in boards:
        if b["board_class"] != indicator.board_class.value:
            continue
        for code in _chain(units, b["unit_code"]):
            by_unit.setdefault(code, []).append(b["id"])
    if indicator.units.grouping:
        out = []
        for code, g in sorted(groups.items()):
            ids = sorted({bid for m in g["members"] for bid in by_unit.get(m, [])})
            out.append(ind.UnitInput(code, g["name"], "group", ids))
        return out
    kinds = set(indicator.units.kinds)
    return [ind.UnitInput(u["code"], u["name"], u["kind"], by_unit.get(u["code"], []))
            for u in units.values() if u["kind"] in kinds]


def applicable(indicators: list[ind.Indicator], tiers: int) -> list[ind.Indicator]:
    return [i for i in indicators if i.units.tiers == tiers]


def province_report(db: Database, catalogue: str, province_code: str, period: Period, now: float,
                    indicators: list[ind.Indicator], grouping: str | None = None, series: bool = True) -> ProvinceReport:
    units = province_units(db, catalogue, province_code)
    province = units.get(province_code) or {"code": province_code, "name": province_code, "kind": "province"}
    tiers = catalogue_tiers(db, catalogue)
    boards = boards_in(db, catalogue, list(units))
    subs = _sub_periods(period) if series else []
    whole, parts = availabilities(db, boards, period.start, period.end, now, [(s, e) for _, s, e in subs])
    groups = unit_groups(db, catalogue, province_code, grouping)
    chosen = applicable(indicators, tiers)
    inputs = {i.id: indicator_inputs(i, units, boards, groups) for i in chosen}
    results = [ind.compute(i, inputs[i.id], whole, period.year) for i in chosen]
    figures = [BoardFigures(b, units.get(b["unit_code"], {}).get("name", b["unit_code"]), whole[b["id"]]) for b in boards]
    rows = []
    for (label, _, _), avail in zip(subs, parts):
        row = {"label": label, "on_screen_pct": _mean(a.on_screen_pct for a in avail.values() if a),
               "connected_pct": _mean(a.connected_pct for a in avail.values() if a)}
        for i in chosen:
            row[i.id] = ind.compute(i, inputs[i.id], avail).value_pct
        rows.append(row)
    return ProvinceReport(catalogue, province, period, now, tiers, units, figures, results, grouping, rows)


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _sub_periods(period: Period) -> list[tuple[str, float, float]]:
    """Days for a period up to two months, months beyond."""
    days = period.days()
    if len(days) <= 62:
        out = []
        for d in days:
            p = Period(d.isoformat(), f"{d:%d/%m}", d, d)
            out.append((p.label_vi, p.start, p.end))
        return out
    # Months, the first and last cut to the period (a custom period need not start on the 1st).
    return [(m.key, max(m.start, period.start), min(m.end, period.end)) for m in period.months()]


def board_daily(db: Database, board: dict, period: Period, now: float) -> list[dict]:
    """One row per sub-period (day or month) of a board's on-screen and connected %."""
    subs = _sub_periods(period)
    _, parts = availabilities(db, [board], period.start, period.end, now, [(s, e) for _, s, e in subs])
    out = []
    for (label, _, _), avail in zip(subs, parts):
        a = avail[board["id"]]
        out.append({"label": label, "on_screen_pct": a.on_screen_pct if a else None,
                    "connected_pct": a.connected_pct if a else None})
    return out


def clock_figures(db: Database, board_ids: list[str], start: float, end: float) -> dict[str, dict]:
    """Per board: the largest clock offset (board time minus placed time) and how many heartbeats the server placed."""
    out = {b: {"max_offset_s": None, "displaced": 0} for b in board_ids}
    for k in range(0, len(board_ids), 500):
        chunk = board_ids[k:k + 500]
        marks = ",".join("?" * len(chunk))
        for table, offset, displaced, lo, hi in (
            ("heartbeats", "max(abs(board_time - placed_at))",
             f"sum(abs(placed_at - (board_time - clock_skew_s)) > {uptime_store.CLOCK_DISPLACED_S})", "placed_at", "placed_at"),
            ("chain_checkpoints", "max(max_clock_offset_s)", "sum(displaced)", "last_placed_at", "first_placed_at"),
        ):
            for board_id, off, disp in db.execute(
                f"SELECT board_id, {offset}, {displaced} FROM {table} WHERE board_id IN ({marks}) "
                f"AND {lo} >= ? AND {hi} < ? GROUP BY board_id", [*chunk, start, end]).fetchall():
                if off is not None:
                    prev = out[board_id]["max_offset_s"]
                    out[board_id]["max_offset_s"] = off if prev is None else max(prev, off)
                out[board_id]["displaced"] += disp or 0
    return out
