"""What a report request needs, for the JSON API and the auditor pages alike.

Checks the caller (auditor or admin, within the unit asked for), reads the
database once, and returns plain data: tables, charts, figures.
"""
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

from manager import auth, boards as boards_mod, i18n, indicators as ind, units as units_mod
from manager.auth import Principal
from manager.domain.policy import board_for
from manager.errors import NotFound
from manager.reports import build, chain, charts, period as periods, tables
from manager.reports import verification as checks
from manager.reports.tables import Table
from protocol.timebase import VN_TZ


@dataclass
class ProvinceView:
    report: build.ProvinceReport
    tables: dict[str, Table]
    charts: dict[str, str] = field(default_factory=dict)
    verification: checks.PeriodCheck | None = None

    def summary(self) -> dict:
        """The figures the central roll-up pulls."""
        r = self.report
        return {
            "catalogue": r.catalogue, "province": {"code": r.province["code"], "name": r.province["name"]},
            "period": {"key": r.period.key, "label": r.period.label_vi, "start": r.period.start, "end": r.period.end},
            "tiers": r.tiers, "grouping": r.grouping, "has_data": r.has_data, "boards": len(r.boards),
            "verification": self.verification.as_json() if self.verification else None,
            "indicators": [
                {"id": x.indicator.id, "number": x.indicator.number, "form": x.indicator.form,
                 "title_vi": x.indicator.title_vi, "numerator": x.numerator, "denominator": x.denominator,
                 "value_pct": tables.pct(x.value_pct), "target_pct": x.target_pct,
                 "threshold_pct": x.indicator.threshold_pct, "measure": x.indicator.measure}
                for x in r.results
            ],
        }

    def as_json(self) -> dict:
        return {**self.summary(), "tables": {name: tables.as_json(t) for name, t in self.tables.items()}}


def default_period(now: float) -> str:
    return datetime.fromtimestamp(now, timezone.utc).astimezone(VN_TZ).strftime("%Y-%m")


def index(state, principal: Principal, catalogue: str | None) -> dict:
    """The reports' front page: the catalogues, and the provinces of one (the person's own by default) they may open."""
    with state.store.read() as db:
        auth.require_role(principal, "auditor")
        catalogue = catalogue or (principal.unit_catalogue if not principal.is_admin else None) or units_mod.current_catalogue(db)
        provinces = [p for p in units_mod.children(db, catalogue, None) if auth.in_scope(db, principal, catalogue, p["code"])]
        return {"catalogue": catalogue, "provinces": provinces, "catalogues": units_mod.catalogues(db)}


def national(state, principal: Principal, period_text: str | None):
    """Central mode: each provincial manager's `central.National` indicators and figures (auditors and admins)."""
    from manager import central  # it imports this module's default_period

    auth.require_role(principal, "auditor")
    return central.roll_up(state, period_text)


def _allowed(db, principal: Principal, catalogue: str, unit_code: str) -> None:
    auth.require_role(principal, "auditor")
    auth.require_scope(db, principal, catalogue, unit_code)


def _must_be_province(db, catalogue: str, province: str) -> None:
    if units_mod.get(db, catalogue, province)["level"] != 1:
        raise NotFound(f"{province} không phải là tỉnh, thành phố", f"{province} is not a province")


def province_view(state, principal: Principal, catalogue: str, province: str, period_text: str | None,
                  grouping: str | None = None, with_charts: bool = True, lang: str = "vi",
                  scope_unit: str | None = None) -> ProvinceView:
    """`scope_unit`: the unit actually shown (its own report): an auditor of that unit may read it
    without seeing the rest of the province."""
    now = state.clock.time()
    period = periods.parse(period_text or default_period(now))
    with state.store.read() as db:
        _must_be_province(db, catalogue, province)
        _allowed(db, principal, catalogue, scope_unit or province)
        report = build.province_report(db, catalogue, province, period, now, ind.load(), grouping, series=with_charts)
        ids = list(dict.fromkeys(b.board["id"] for b in report.boards))
        clocks = build.clock_figures(db, ids, period.start, period.end)
        checked = checks.check(db, ids, period.start, period.end, now)
    view = ProvinceView(report, {
        "indicators": tables.indicator_table(report.results, lang),
        "units": tables.unit_table(report.results, lang),
        "boards": tables.board_table(report.boards, clocks, checked.boards, state.settings.clock_tolerance_s, lang),
        "series": tables.series_table(report, lang),
    }, verification=checked)
    for table in view.tables.values():
        table.note = checked.note(lang)
    if with_charts:
        t = lambda key, **values: i18n.text(lang, key, **values)  # noqa: E731
        labels = [row["label"] for row in report.series]
        view.charts["availability"] = charts.line_chart(labels, [
            (t("reports.on_screen_mean"), [row["on_screen_pct"] for row in report.series]),
            (t("reports.connected_mean"), [row["connected_pct"] for row in report.series]),
        ], t("reports.chart_availability"), lang=lang)
        view.charts["indicators"] = charts.line_chart(labels, [
            (tables.indicator_label(r.indicator, lang), [row[r.indicator.id] for row in report.series]) for r in report.results
        ], t("reports.chart_indicators"), lang=lang)
    return view


def unit_boards(view: ProvinceView, unit_code: str) -> Table:
    """The province's board table narrowed to one unit and the units below it."""
    units = view.report.units
    if unit_code not in units:
        raise NotFound(f"Không có đơn vị {unit_code} trong tỉnh này", f"no unit {unit_code} in this province")

    def within(code: str) -> bool:
        seen = set()
        while code and code not in seen:
            if code == unit_code:
                return True
            seen.add(code)
            code = units.get(code, {}).get("parent_code")
        return False

    t = view.tables["boards"]
    return replace(t, rows=[r for r in t.rows if within(r["unit_code"])])


def unit_json(view: ProvinceView, unit_code: str) -> dict:
    """A unit's boards and its best figures (the unit has a working board when one of them does)."""
    boards = unit_boards(view, unit_code)
    unit = view.report.units[unit_code]

    def best(key: str) -> float | None:
        values = [r[key] for r in boards.rows if r[key] is not None]
        return max(values) if values else None

    return {"unit": {"code": unit["code"], "name": unit["name"], "kind": unit["kind"]},
            "period": {"key": view.report.period.key, "label": view.report.period.label_vi},
            "best_on_screen_pct": best("on_screen_pct"), "best_connected_pct": best("connected_pct"),
            "verification": view.verification.as_json() if view.verification else None,
            "tables": {"boards": tables.as_json(boards)}}


def board_view(state, principal: Principal, board_id: str, period_text: str | None, lang: str = "vi") -> dict:
    now = state.clock.time()
    period = periods.parse(period_text or default_period(now))
    with state.store.read() as db:
        auth.require_role(principal, "auditor")
        board = board_for(db, principal, board_id)  # another unit's board reads as missing
        unit = units_mod.get(db, board["unit_catalogue"], board["unit_code"])
        province = units_mod.get(db, board["unit_catalogue"], unit["province_code"])
        a, daily = build.board_availability(db, board, period, now)
        clock = build.clock_figures(db, [board_id], period.start, period.end)[board_id]
        status = chain.verify(db, board_id)
        check = checks.BoardCheck(board_id, status, chain.last_full(db, [board_id]).get(board_id))
    daily_t = tables.daily_table(daily, lang)
    note = [i18n.text(lang, "reports.verification_board", state=check.state_label(lang), at=tables.local(now),
                      full=check.full_label(lang))] + ([check.failure(lang)] if check.failure(lang) else []) + [
        i18n.text(lang, "reports.chain_note")]
    outages_t = tables.outage_table(a, lang)
    outages_t.note = daily_t.note = note
    return {
        "board": boards_mod.public(board), "unit": unit, "province": province, "period": period, "availability": a,
        "on_screen_pct": tables.pct(a.on_screen_pct) if a else None,
        "connected_pct": tables.pct(a.connected_pct) if a else None,
        "late_pct": tables.pct(a.late_pct) if a else None,
        "operating_h": round(a.operating_s / 3600, 2) if a else None,
        "clock": clock, "clock_tolerance_s": state.settings.clock_tolerance_s,
        "chain": status, "check": check, "note": note,
        "tables": {"outages": outages_t, "daily": daily_t},
        "chart": charts.line_chart([r["label"] for r in daily_t.rows], [
            (i18n.text(lang, "reports.on_screen"), [r["on_screen_pct"] for r in daily_t.rows]),
            (i18n.text(lang, "reports.connected"), [r["connected_pct"] for r in daily_t.rows]),
        ], i18n.text(lang, "reports.chart_board"), lang=lang),
    }


def board_json(view: dict) -> dict:
    status = view["chain"]
    return {
        "board": view["board"], "unit": {"code": view["unit"]["code"], "name": view["unit"]["name"]},
        "period": {"key": view["period"].key, "label": view["period"].label_vi},
        "has_data": view["availability"] is not None,
        "on_screen_pct": view["on_screen_pct"], "connected_pct": view["connected_pct"], "operating_h": view["operating_h"],
        "late_pct": view["late_pct"], "clock": view["clock"],
        "chain": {"ok": status.ok, "check": status.checked, "heartbeats": status.heartbeats, "sealed": status.sealed,
                  "first_bad_seq": status.first_bad_seq, "reason": status.reason.as_json() if status.reason else None},
        "verification": {"state": view["check"].state, "failure": view["check"].failure("vi"), "failure_en": view["check"].failure("en"), "note": view["note"]},
        "tables": {name: tables.as_json(t) for name, t in view["tables"].items()},
    }


def evidence(state, principal: Principal, catalogue: str, province: str, period_text: str | None) -> tuple[str, bytes]:
    """A province's evidence bundle for a period (the central manager fetches those of closed periods)."""
    from manager import evidence_bundle

    now = state.clock.time()
    period = periods.parse(period_text or default_period(now))
    with state.store.read() as db:
        _must_be_province(db, catalogue, province)
        _allowed(db, principal, catalogue, province)
        with db.atomic():  # one snapshot: a seal running meanwhile cannot split the bundle
            files = evidence_bundle.build_files(db, catalogue, province, period, now)
    return f"evidence-{province}-{period.key}.zip", evidence_bundle.archive(files)
