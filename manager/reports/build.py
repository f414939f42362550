"""Report data from the database: per-board availability, indicators per province, series for charts.

Reads only compacted intervals (`board_intervals`), units, boards and their
facts over time (`board_facts`); the figures themselves are computed by the
pure `manager.reports.figures.compute`, which `verify-evidence` runs on a bundle.
"""
from dataclasses import dataclass, field

from sqlite_utils import Database

from manager import board_facts, uptime, uptime_store
from manager import indicators as ind
from manager.reports import figures
from manager.reports.figures import sub_periods
from manager.reports.period import Period


@dataclass
class BoardFigures:
    board: dict  # with the facts in force over `segments`
    unit_name: str
    availability: uptime.Availability | None  # None: no data for the period
    key: str = ""
    segments: tuple = ()
    whole: bool = True  # the facts held over the whole period

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
    inputs: figures.Inputs | None = None  # what the figures were computed from (the evidence bundle writes it)

    @property
    def has_data(self) -> bool:
        return any(b.availability is not None and b.availability.operating_s > 0 for b in self.boards)


def catalogue_tiers(db: Database, catalogue: str) -> int:
    row = db.execute("SELECT 1 FROM units WHERE catalogue = ? AND level = 2 LIMIT 1", [catalogue]).fetchone()
    return 3 if row else 2


def province_units(db: Database, catalogue: str, province_code: str) -> dict[str, dict]:
    rows = db.query("SELECT * FROM units WHERE catalogue = ? AND province_code = ? ORDER BY code", [catalogue, province_code])
    return {r["code"]: r for r in rows}


def boards_by_id(db: Database, ids: list[str]) -> list[dict]:
    out = []
    for k in range(0, len(ids), 500):
        chunk = ids[k:k + 500]
        out += list(db.query(f"SELECT * FROM boards WHERE id IN ({','.join('?' * len(chunk))}) ORDER BY id", chunk))
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


def inputs(db: Database, catalogue: str, province_code: str, period: Period, now: float, indicators: list[ind.Indicator],
           grouping: str | None = None, series: bool = True) -> tuple[dict, figures.Inputs]:
    """(the province's unit row, everything its report is computed from) for the period."""
    units = province_units(db, catalogue, province_code)
    province = units.get(province_code) or {"code": province_code, "name": province_code, "kind": "province"}
    boards = boards_by_id(db, board_facts.boards_ever_in(db, catalogue, list(units)))
    ids = [b["id"] for b in boards]
    spans = uptime_store.monitored_span(db, ids)
    return province, figures.Inputs(
        catalogue=catalogue, period=period, now=now, tiers=catalogue_tiers(db, catalogue), units=units,
        boards=[{"id": b["id"], "name": b["name"]} for b in boards], facts=board_facts.history(db, boards),
        intervals=uptime_store.intervals_by_board(db, ids, period.start, min(period.end, now)),
        monitored_from={b: spans[b][0] if b in spans else None for b in ids},
        groups=unit_groups(db, catalogue, province_code, grouping), indicators=indicators, series=series)


def province_report(db: Database, catalogue: str, province_code: str, period: Period, now: float,
                    indicators: list[ind.Indicator], grouping: str | None = None, series: bool = True) -> ProvinceReport:
    province, inp = inputs(db, catalogue, province_code, period, now, indicators, grouping, series)
    return report_of(inp, province, grouping)


def report_of(inp: figures.Inputs, province: dict, grouping: str | None = None) -> ProvinceReport:
    """The report of computed figures (the manager's pages, and `verify-evidence` on a bundle)."""
    found = figures.compute(inp)
    boards = [BoardFigures(e.board, inp.units.get(e.board["unit_code"], {}).get("name", e.board["unit_code"]),
                           found.whole[e.key], e.key, e.segments, e.whole) for e in found.entries]
    return ProvinceReport(inp.catalogue, province, inp.period, inp.now, inp.tiers, inp.units, boards, found.results,
                          grouping, found.series, inp)


def board_availability(db: Database, board: dict, period: Period, now: float) -> tuple[uptime.Availability | None, list[dict]]:
    """A board's own figures over the period, whatever its facts (its page), and one row per sub-period."""
    facts = board_facts.history(db, [board])[board["id"]]
    span = uptime_store.monitored_span(db, [board["id"]]).get(board["id"])
    first = span[0] if span else None
    ivs = uptime_store.intervals(db, board["id"], period.start, min(period.end, now))
    whole = figures.measure(ivs, facts, None, first, period.start, period.end, now)
    daily = []
    for label, s, e in sub_periods(period):
        a = figures.measure(ivs, facts, None, first, s, e, now)
        daily.append({"label": label, "on_screen_pct": a.on_screen_pct if a else None,
                      "connected_pct": a.connected_pct if a else None})
    return whole, daily


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
