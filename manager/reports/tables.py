"""Every table a report shows, built once: the page, CSV, XLSX and JSON all render these rows.

Percentages are rounded to two decimals here, so every output shows the same
number; None stays None and reads "không có dữ liệu" (no data), never 0 %.
"""
from dataclasses import dataclass
from datetime import datetime, timezone

from manager import indicators as ind
from manager.reports.build import BoardFigures, ProvinceReport
from manager.reports.chain import ChainStatus
from protocol.timebase import VN_TZ

NO_DATA = "không có dữ liệu"
NONE_SET = "–"  # no target or baseline set for that year: not the same as no data
MEASURE_VI = {"on_screen": "hiển thị", "connected": "kết nối"}
STATE_VI = {"offline": "mất liên lạc", "error": "lỗi hiển thị", "scheduled_off": "tắt trong giờ hoạt động", "on": "đang hiển thị"}


@dataclass
class Table:
    name: str
    title_vi: str
    columns: list[tuple[str, str]]  # (key, header)
    rows: list[dict]


def pct(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def local(ts: float | None) -> str:
    if ts is None:
        return ""
    return datetime.fromtimestamp(ts, timezone.utc).astimezone(VN_TZ).strftime("%Y-%m-%d %H:%M:%S")


def or_dash(value: float | None):
    return NONE_SET if value is None else value


def indicator_table(results: list[ind.IndicatorResult]) -> Table:
    rows = []
    for r in results:
        i = r.indicator
        rows.append(dict(
            id=i.id, number=i.number, form=i.form, title_vi=i.title_vi, measure=MEASURE_VI[i.measure],
            threshold_pct=i.threshold_pct, numerator=r.numerator, denominator=r.denominator,
            value_pct=pct(r.value_pct), target_pct=or_dash(r.target_pct),
            baseline_2022=or_dash(i.baselines.get(2022)), baseline_2023=or_dash(i.baselines.get(2023)),
            meets_target=NONE_SET if r.meets_target is None else ("đạt" if r.meets_target else "chưa đạt"),
        ))
    return Table("indicators", "Chỉ tiêu", [
        ("id", "Mã"), ("number", "Chỉ tiêu QĐ 184"), ("title_vi", "Nội dung"), ("measure", "Thước đo"),
        ("threshold_pct", "Ngưỡng (% thời gian hoạt động)"), ("numerator", "Số đơn vị đạt"),
        ("denominator", "Tổng số đơn vị"), ("value_pct", "Kết quả (%)"), ("target_pct", "Mục tiêu (%)"),
        ("baseline_2022", "Năm 2022 (%)"), ("baseline_2023", "Năm 2023 (%)"), ("meets_target", "Đánh giá"),
    ], rows)


def unit_table(results: list[ind.IndicatorResult]) -> Table:
    rows = []
    for r in results:
        for u in r.rows:
            rows.append(dict(
                indicator=r.indicator.id, code=u.code, name=u.name, kind=u.kind, boards=u.boards,
                boards_with_data=u.boards_with_data, best_board=u.best_board or "", best_pct=pct(u.best_pct),
                available="có" if u.available else ("không có dữ liệu" if u.boards and not u.boards_with_data else "không"),
            ))
    return Table("units", "Đơn vị theo chỉ tiêu", [
        ("indicator", "Chỉ tiêu"), ("code", "Mã đơn vị"), ("name", "Tên đơn vị"), ("kind", "Loại"),
        ("boards", "Số bảng tin"), ("boards_with_data", "Bảng tin có dữ liệu"), ("best_board", "Bảng tin tốt nhất"),
        ("best_pct", "Tỷ lệ tốt nhất (%)"), ("available", "Đạt"),
    ], rows)


def board_table(figures: list[BoardFigures], clocks: dict[str, dict], chains: dict[str, ChainStatus],
                tolerance_s: float) -> Table:
    rows = []
    for f in figures:
        a = f.availability
        clock = clocks.get(f.board["id"], {})
        offset = clock.get("max_offset_s")
        chain = chains.get(f.board["id"])
        rows.append(dict(
            id=f.board["id"], name=f.board["name"], unit_code=f.board["unit_code"], unit_name=f.unit_name,
            board_class=f.board["board_class"], on_screen_pct=pct(f.on_screen_pct), connected_pct=pct(f.connected_pct),
            operating_h=None if a is None else round(a.operating_s / 3600, 2),
            outages=None if a is None else len(a.outages),
            outage_h=None if a is None else round(sum(o.counted_s for o in a.outages) / 3600, 2),
            clock_offset_s=None if offset is None else round(offset, 1),
            clock_ok="" if offset is None else ("lệch giờ" if offset > tolerance_s else "đúng giờ"),
            displaced=clock.get("displaced", 0),
            chain="" if chain is None else chain.label_vi,
        ))
    return Table("boards", "Bảng tin", [
        ("id", "Mã bảng tin"), ("name", "Tên"), ("unit_code", "Mã đơn vị"), ("unit_name", "Đơn vị"),
        ("board_class", "Loại bảng"), ("on_screen_pct", "Hiển thị (%)"), ("connected_pct", "Kết nối (%)"),
        ("operating_h", "Giờ hoạt động"), ("outages", "Số lần gián đoạn"), ("outage_h", "Giờ gián đoạn"),
        ("clock_offset_s", "Lệch đồng hồ lớn nhất (giây)"), ("clock_ok", "Đồng hồ"),
        ("displaced", "Nhịp đặt theo giờ máy chủ"), ("chain", "Chuỗi băm"),
    ], rows)


def series_table(report: ProvinceReport) -> Table:
    columns = [("label", "Kỳ"), ("on_screen_pct", "Hiển thị TB (%)"), ("connected_pct", "Kết nối TB (%)")]
    columns += [(r.indicator.id, f"Chỉ tiêu {r.indicator.id} (%)") for r in report.results]
    rows = [{k: (pct(v) if k != "label" else v) for k, v in row.items()} for row in report.series]
    return Table("series", "Theo thời gian", columns, rows)


def outage_table(availability) -> Table:
    rows = [] if availability is None else [
        dict(start=local(o.start), end=local(o.end), state=STATE_VI.get(o.state, o.state),
             length_s=round(o.length), counted_s=round(o.counted_s))
        for o in availability.outages
    ]
    return Table("outages", "Các lần gián đoạn", [
        ("start", "Bắt đầu"), ("end", "Kết thúc"), ("state", "Tình trạng"),
        ("length_s", "Độ dài (giây)"), ("counted_s", "Trong giờ hoạt động (giây)"),
    ], rows)


def daily_table(rows: list[dict]) -> Table:
    return Table("daily", "Theo ngày/tháng", [
        ("label", "Kỳ"), ("on_screen_pct", "Hiển thị (%)"), ("connected_pct", "Kết nối (%)"),
    ], [dict(label=r["label"], on_screen_pct=pct(r["on_screen_pct"]), connected_pct=pct(r["connected_pct"])) for r in rows])


def as_json(table: Table) -> dict:
    return {"name": table.name, "title": table.title_vi, "columns": [k for k, _ in table.columns],
            "headers": [h for _, h in table.columns], "rows": table.rows}
