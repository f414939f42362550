"""Every table a report shows, built once: the page, CSV, XLSX and JSON all render these rows.

Percentages are rounded to two decimals here, so every output shows the same
number; None stays None and reads "không có dữ liệu" (no data), never 0 %.
Titles, headers and words come from manager/i18n.py in the asked language;
Vietnamese is the default, so the JSON API and plain exports stay Vietnamese.
"""
from dataclasses import dataclass, field
from datetime import datetime, timezone

from manager import i18n, indicators as ind, units
from manager.reports.build import BoardFigures, ProvinceReport
from protocol.timebase import VN_TZ

NONE_SET = "–"  # no target or baseline set for that year: not the same as no data
STATES = ("offline", "error", "scheduled_off", "on")


def no_data(lang: str = "vi") -> str:
    return i18n.text(lang, "reports.no_data")


NO_DATA = no_data("vi")


@dataclass
class Table:
    name: str
    title: str
    columns: list[tuple[str, str]]  # (key, header)
    rows: list[dict]
    lang: str = "vi"  # the language of the title, headers and words in the rows
    note: list[str] = field(default_factory=list)  # lines every rendering carries below the table (verification status)
    # Columns holding a stored word (a board's class): people read it in the table's language, in the page and in
    # the files; the JSON API keeps the word as stored. Column key -> message prefix.
    terms: dict[str, str] = field(default_factory=dict)

    def shown(self, row: dict, key: str):
        """A cell as people read it: a stored word by its name, anything else as it is."""
        value = row.get(key)
        if key in self.terms and isinstance(value, str) and i18n.has(self.terms[key] + value):
            return i18n.text(self.lang, self.terms[key] + value)
        return value


def titled(name: str, columns: list[tuple[str, str]], rows: list[dict], lang: str,
           values: dict[str, dict] | None = None) -> Table:
    """A table titled by message `reports.t.<name>`, each column (key, message) headed by `reports.col.<message>`.

    `values` fills a header's placeholders, by column key.
    """
    values = values or {}
    return Table(name, i18n.text(lang, f"reports.t.{name}"),
                 [(key, i18n.text(lang, f"reports.col.{message}", **values.get(key, {}))) for key, message in columns],
                 rows, lang)


def pct(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def local(ts: float | None) -> str:
    if ts is None:
        return ""
    return datetime.fromtimestamp(ts, timezone.utc).astimezone(VN_TZ).strftime("%Y-%m-%d %H:%M:%S")


def or_dash(value: float | None):
    return NONE_SET if value is None else value


def indicator_title(indicator, lang: str = "vi") -> str:
    return indicator.title_en if lang == "en" and indicator.title_en else indicator.title_vi


def indicator_code(indicator, lang: str = "vi") -> str:
    """The number as Decision 184 writes it, with the form when it is not the decision's own: "1.5 (mô hình hai
    cấp)" rather than the file's id "1.5-2t"."""
    return indicator.number if indicator.form == "decision" else f"{indicator.number} ({i18n.text(lang, f'reports.form.{indicator.form}')})"


def indicator_label(indicator, lang: str = "vi") -> str:
    """"Chỉ tiêu 1.5 (mô hình hai cấp)"."""
    return i18n.text(lang, "reports.indicator", id=indicator_code(indicator, lang))


def indicator_table(results: list[ind.IndicatorResult], lang: str = "vi") -> Table:
    t = lambda key: i18n.text(lang, key)  # noqa: E731
    title = "title_en" if lang == "en" else "title_vi"
    rows = []
    for r in results:
        i = r.indicator
        rows.append({
            "id": i.id, "code": indicator_code(i, lang), "number": i.number, "form": i.form, title: indicator_title(i, lang),
            "measure": t(f"reports.measure.{i.measure}"),
            "threshold_pct": i.threshold_pct, "numerator": r.numerator, "denominator": r.denominator,
            "value_pct": pct(r.value_pct), "target_pct": or_dash(r.target_pct),
            "baseline_2022": or_dash(i.baselines.get(2022)), "baseline_2023": or_dash(i.baselines.get(2023)),
            "meets_target": NONE_SET if r.meets_target is None else t("reports.met" if r.meets_target else "reports.not_met"),
        })
    return titled("indicators", [
        ("code", "code"), ("number", "number"), (title, "title"), ("measure", "measure"),
        ("threshold_pct", "threshold"), ("numerator", "numerator"),
        ("denominator", "denominator"), ("value_pct", "value"), ("target_pct", "target"),
        ("baseline_2022", "baseline"), ("baseline_2023", "baseline"), ("meets_target", "meets"),
    ], rows, lang, {"baseline_2022": {"year": 2022}, "baseline_2023": {"year": 2023}})


def unit_table(results: list[ind.IndicatorResult], lang: str = "vi") -> Table:
    t = lambda key: i18n.text(lang, key)  # noqa: E731
    rows = []
    for r in results:
        for u in r.rows:
            rows.append(dict(
                indicator=indicator_label(r.indicator, lang), code=u.code, name=u.name,
                kind=units.KIND_NAMES_VI.get(u.kind, u.kind) if lang != "en" else u.kind.replace("_", " "), boards=u.boards,
                boards_with_data=u.boards_with_data, best_board=u.best_board or "", best_pct=pct(u.best_pct),
                available=t("reports.yes") if u.available else (no_data(lang) if u.boards and not u.boards_with_data else t("reports.no")),
            ))
    return titled("units", [
        ("indicator", "indicator"), ("code", "unit_code"), ("name", "unit_name"), ("kind", "kind"),
        ("boards", "boards"), ("boards_with_data", "boards_with_data"), ("best_board", "best_board"),
        ("best_pct", "best_pct"), ("available", "available"),
    ], rows, lang)


def in_force(f: BoardFigures) -> str:
    """Empty when the board's facts held over the whole period, else the parts they were in force."""
    return "" if f.whole else "; ".join(f"{local(s)[:16]} → {local(e)[:16]}" for s, e in f.segments)


def board_table(figures: list[BoardFigures], clocks: dict[str, dict], checks: dict, tolerance_s: float,
                lang: str = "vi") -> Table:
    """`checks`: per board id, its verification (manager.reports.verification.BoardCheck)."""
    rows = []
    for f in figures:
        a = f.availability
        clock = clocks.get(f.board["id"], {})
        offset = clock.get("max_offset_s")
        check = checks.get(f.board["id"])
        rows.append(dict(
            id=f.board["id"], key=f.key or f.board["id"], in_force=in_force(f),
            name=f.board["name"], unit_code=f.board["unit_code"], unit_name=f.unit_name,
            board_class=f.board["board_class"], on_screen_pct=pct(f.on_screen_pct), connected_pct=pct(f.connected_pct),
            operating_h=None if a is None else round(a.operating_s / 3600, 2),
            outages=None if a is None else len(a.outages),
            outage_h=None if a is None else round(sum(o.counted_s for o in a.outages) / 3600, 2),
            clock_offset_s=None if offset is None else round(offset, 1),
            clock_ok="" if offset is None else i18n.text(lang, "reports.clock_off" if offset > tolerance_s else "reports.clock_ok"),
            displaced=clock.get("displaced", 0),
            chain="" if check is None else check.quick.label(lang),
            full_check="" if check is None else check.full_label(lang),
            verified="" if check is None else check.state_label(lang),
        ))
    table = titled("boards", [
        ("id", "board_id"), ("in_force", "in_force"), ("name", "name"), ("unit_code", "unit_code"), ("unit_name", "unit"),
        ("board_class", "board_class"), ("on_screen_pct", "on_screen"), ("connected_pct", "connected"),
        ("operating_h", "operating_h"), ("outages", "outages"), ("outage_h", "outage_h"),
        ("clock_offset_s", "clock_offset"), ("clock_ok", "clock"),
        ("displaced", "displaced"), ("chain", "chain"), ("full_check", "full_check"), ("verified", "verified"),
    ], rows, lang)
    table.terms = {"board_class": "boards.class_"}
    return table


def series_table(report: ProvinceReport, lang: str = "vi") -> Table:
    columns = [("label", "period"), ("on_screen_pct", "on_screen_mean"), ("connected_pct", "connected_mean")]
    columns += [(r.indicator.id, "indicator_pct") for r in report.results]
    rows = [{k: (pct(v) if k != "label" else v) for k, v in row.items()} for row in report.series]
    return titled("series", columns, rows, lang, {r.indicator.id: {"id": indicator_code(r.indicator, lang)} for r in report.results})


def outage_table(availability, lang: str = "vi") -> Table:
    rows = [] if availability is None else [
        dict(start=local(o.start), end=local(o.end),
             state=i18n.text(lang, f"reports.state.{o.state}") if o.state in STATES else o.state,
             length_s=round(o.length), counted_s=round(o.counted_s))
        for o in availability.outages
    ]
    return titled("outages", [
        ("start", "start"), ("end", "end"), ("state", "state"), ("length_s", "length"), ("counted_s", "counted"),
    ], rows, lang)


def daily_table(rows: list[dict], lang: str = "vi") -> Table:
    return titled("daily", [
        ("label", "period"), ("on_screen_pct", "on_screen"), ("connected_pct", "connected"),
    ], [dict(label=r["label"], on_screen_pct=pct(r["on_screen_pct"]), connected_pct=pct(r["connected_pct"])) for r in rows], lang)


def as_json(table: Table) -> dict:
    return {"name": table.name, "title": table.title, "columns": [k for k, _ in table.columns],
            "headers": [h for _, h in table.columns], "rows": table.rows, "note": table.note}
