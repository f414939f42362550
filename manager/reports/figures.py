"""A province report's figures from its inputs alone: pure, so the manager and `verify-evidence` compute them alike.

The inputs are what an evidence bundle holds (units, boards with their facts
over time, intervals, the indicator definitions, the period and the instant
the report was made at); `manager/reports/build.py` reads them from the
database, `manager/evidence_bundle.py` from a bundle.

A board counts with the facts in force at each moment (class, test flag,
unit, operating hours), the same way operating hours always did: a board
whose class or unit changed during the period is split into one entry per
set of facts, each measured over the time those facts were in force (its
operating time outside it is left out of that entry's denominator). Its key
is the board id, or `id#n` (n = 1, 2, … in time order) when it has several.
"""
import json
from dataclasses import dataclass, field

from manager import indicators as ind
from manager import uptime
from manager.reports.period import Period
from protocol.manifest import OperatingWindow

Segment = uptime.Segment


@dataclass(frozen=True)
class Facts:
    from_at: float
    board_class: str
    is_test: bool
    unit_catalogue: str
    unit_code: str
    hours: tuple  # OperatingWindow-like, Vietnam time; empty: around the clock

    @property
    def key(self) -> tuple:
        return (self.board_class, self.is_test, self.unit_catalogue, self.unit_code)


def facts_from_rows(rows: list[dict]) -> list[Facts]:
    """Facts from `board_facts` rows (the database's, or a bundle's), in time order."""
    return [Facts(r["from_at"], r["board_class"], bool(r["is_test"]), r["unit_catalogue"], r["unit_code"],
                  tuple(OperatingWindow.model_validate(w) for w in (json.loads(r["hours"] or "[]")
                                                                     if isinstance(r["hours"], str) else r["hours"])))
            for r in rows]


@dataclass(frozen=True)
class Entry:
    key: str
    board: dict  # id and name, with the facts in force: board_class, is_test, unit_catalogue, unit_code
    segments: tuple  # the parts of the period these facts were in force
    whole: bool  # in force over the whole period


@dataclass
class Inputs:
    catalogue: str
    period: Period
    now: float
    tiers: int
    units: dict[str, dict]
    boards: list[dict]  # at least id and name
    facts: dict[str, list[Facts]]
    intervals: dict[str, list[uptime.Interval]]  # over the period
    monitored_from: dict[str, float | None]  # each board's first heartbeat on record
    groups: dict[str, dict]
    indicators: list[ind.Indicator]
    series: bool = True


@dataclass
class Figures:
    entries: list[Entry]
    whole: dict[str, uptime.Availability | None]
    results: list[ind.IndicatorResult]
    series: list[dict] = field(default_factory=list)


def _in_force(facts: list[Facts], start: float, end: float) -> list[tuple[Facts, Segment]]:
    """Each facts row with the part of [start, end) it was in force (the first one also before it was recorded)."""
    out = []
    for k, f in enumerate(facts):
        lo = start if k == 0 else max(start, f.from_at)
        hi = min(end, facts[k + 1].from_at) if k + 1 < len(facts) else end
        if hi > lo:
            out.append((f, (lo, hi)))
    return out


def entries(inp: Inputs) -> list[Entry]:
    start, end = inp.period.start, inp.period.end
    out = []
    for board in sorted(inp.boards, key=lambda b: b["id"]):
        by_key: dict[tuple, list] = {}
        for f, seg in _in_force(inp.facts.get(board["id"], []), start, end):
            if f.is_test or f.unit_catalogue != inp.catalogue or f.unit_code not in inp.units:
                continue  # a test board, or one attached elsewhere then: not this province's figure for that time
            by_key.setdefault(f.key, [f, []])[1].append(seg)
        found = sorted(by_key.values(), key=lambda x: x[1][0][0])
        for n, (f, segs) in enumerate(found, 1):
            merged = tuple(uptime._union(segs))
            key = board["id"] if len(found) == 1 else f"{board['id']}#{n}"
            shown = {**board, "board_class": f.board_class, "is_test": int(f.is_test),
                     "unit_catalogue": f.unit_catalogue, "unit_code": f.unit_code}
            out.append(Entry(key, shown, merged, merged == ((start, end),)))
    return out


def _intersect(a: list[Segment], b: tuple) -> list[Segment]:
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if hi > lo:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def _window(ivs: list[uptime.Interval], lo: float, hi: float) -> list[uptime.Interval]:
    return [iv for iv in ivs if iv.end > lo and iv.start < hi]


def measure(intervals: list[uptime.Interval], facts: list[Facts], segments: tuple | None, first: float | None,
            s: float, e: float, now: float) -> uptime.Availability | None:
    """A board's availability over [s, e) (capped at now, from its first heartbeat), within `segments` if given."""
    lo, hi = max(s, first) if first is not None else s, min(e, now)
    if first is None or hi <= lo:
        return None
    ops = uptime.operating_segments_over([(f.from_at, f.hours) for f in facts], lo, hi)
    if segments is not None:
        ops = _intersect(ops, segments)
    return uptime.availability(_window(intervals, lo, hi), ops, (lo, hi))


def sub_periods(period: Period) -> list[tuple[str, float, float]]:
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


def _chain(units: dict[str, dict], code: str) -> list[str]:
    out = []
    while code and code in units and code not in out:
        out.append(code)
        code = units[code]["parent_code"]
    return out


def indicator_inputs(indicator: ind.Indicator, units: dict[str, dict], found: list[Entry],
                     groups: dict[str, dict]) -> list[ind.UnitInput]:
    """The indicator's subject units, each with its entries of the right class (in it or below it)."""
    by_unit: dict[str, list[str]] = {}
    for entry in found:
        if entry.board["board_class"] != indicator.board_class.value:
            continue
        for code in _chain(units, entry.board["unit_code"]):
            by_unit.setdefault(code, []).append(entry.key)
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


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def compute(inp: Inputs) -> Figures:
    found = entries(inp)
    period, now = inp.period, inp.now
    subs = sub_periods(period) if inp.series else []
    whole: dict[str, uptime.Availability | None] = {}
    parts: list[dict] = [{} for _ in subs]
    for entry in found:
        board_id = entry.board["id"]
        ivs, facts, first = inp.intervals.get(board_id, []), inp.facts.get(board_id, []), inp.monitored_from.get(board_id)
        segments = None if entry.whole else entry.segments
        for target, (_, s, e) in zip(parts, subs):
            target[entry.key] = measure(ivs, facts, segments, first, s, e, now)
        # Sub-periods partition the period: the whole is added up from them, as the page's figures always were.
        whole[entry.key] = (uptime.combine([t[entry.key] for t in parts]) if subs
                            else measure(ivs, facts, segments, first, period.start, period.end, now))
    chosen = applicable(inp.indicators, inp.tiers)
    inputs = {i.id: indicator_inputs(i, inp.units, found, inp.groups) for i in chosen}
    results = [ind.compute(i, inputs[i.id], whole, period.year) for i in chosen]
    rows = []
    for (label, _, _), avail in zip(subs, parts):
        row = {"label": label, "on_screen_pct": _mean(a.on_screen_pct for a in avail.values() if a),
               "connected_pct": _mean(a.connected_pct for a in avail.values() if a)}
        for i in chosen:
            row[i.id] = ind.compute(i, inputs[i.id], avail).value_pct
        rows.append(row)
    return Figures(found, whole, results, rows)



def record(found: Figures) -> dict:
    """The figures as plain data: what an evidence bundle states and `verify-evidence` recomputes, to the bit."""
    def avail(a: uptime.Availability | None) -> dict:
        if a is None:
            return {"has_data": False}
        return {"has_data": True, "operating_s": a.operating_s, "on_screen_s": a.on_screen_s, "connected_s": a.connected_s,
                "on_screen_pct": a.on_screen_pct, "connected_pct": a.connected_pct, "outages": len(a.outages),
                "outage_counted_s": sum(o.counted_s for o in a.outages)}

    return {
        "boards": [{"key": e.key, "id": e.board["id"], "board_class": e.board["board_class"],
                    "unit_catalogue": e.board["unit_catalogue"], "unit_code": e.board["unit_code"],
                    "in_force": [list(s) for s in e.segments], **avail(found.whole[e.key])} for e in found.entries],
        "indicators": [{"id": r.indicator.id, "numerator": r.numerator, "denominator": r.denominator,
                        "value_pct": r.value_pct, "target_pct": r.target_pct,
                        "units": [{"code": u.code, "boards": u.boards, "boards_with_data": u.boards_with_data,
                                   "best_board": u.best_board, "best_pct": u.best_pct, "available": u.available} for u in r.rows]}
                       for r in found.results],
        "series": found.series,
    }
