"""Exports: Vietnamese survives Excel, no data stays an empty cell the title block explains, text never runs as a formula."""
import csv
import io

import openpyxl

from manager.reports import charts, export, period, workbook
from manager.reports.tables import Table

TABLE = Table("boards", "Bảng tin", [("name", "Tên"), ("pct", "Hiển thị (%)")], [
    {"name": "Bảng tin Phường Bình Một", "pct": 96.6},
    {"name": "=HYPERLINK(\"http://x\")", "pct": None},
])


def test_csv_has_bom_and_neutralises_formulas():
    body = export.to_csv(TABLE)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [["Tên", "Hiển thị (%)"], ["Bảng tin Phường Bình Một", "96.6"], ["'=HYPERLINK(\"http://x\")", ""]]


def test_xlsx_keeps_numbers_and_text():
    ws = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(TABLE))).active
    assert [c.value for c in ws[2]] == ["Bảng tin Phường Bình Một", 96.6]
    assert ws["A3"].value == "=HYPERLINK(\"http://x\")" and ws["A3"].data_type == "s"
    assert ws["B3"].value is None  # numbers columns hold numbers only; the title block says what empty means


def test_title_block_heads_csv_and_every_sheet_of_the_workbook():
    p = period.parse("2026-Q3")
    title = workbook.title_block("vi", "Tỉnh Thử: thời gian hoạt động", p, 1790000000.0, "Tỉnh Thử", ["1.5: định nghĩa"])
    rows = list(csv.reader(io.StringIO(export.to_csv(TABLE, title).decode("utf-8-sig"))))
    assert rows[:4] == [["Báo cáo", "Tỉnh Thử: thời gian hoạt động"], ["Tỉnh/thành phố", "Tỉnh Thử"],
                        ["Kỳ báo cáo", "Quý 3/2026"], ["Từ ngày – đến ngày", "01/07/2026 – 30/09/2026"]]
    assert rows[4][0] == "Thời điểm lập" and rows[4][1].endswith("2026") is False and "/2026 " in rows[4][1]
    assert ["Định nghĩa", "Ô trống: không có dữ liệu cho kỳ này (không phải 0)."] in rows
    header = rows.index(["Tên", "Hiển thị (%)"])
    assert rows[header - 1] == [] and rows[header + 2][1] == ""
    other = Table("units", "Đơn vị theo chỉ tiêu", [("code", "Mã")], [{"code": "04"}])
    book = openpyxl.load_workbook(io.BytesIO(workbook.workbook([TABLE, other], title, "vi")))
    assert book.sheetnames == ["Thông tin", "Bảng tin", "Đơn vị theo chỉ tiêu"]
    for ws in book.worksheets:
        assert ws["A3"].value == "Kỳ báo cáo" and ws["B3"].value == "Quý 3/2026"
    sheet = book["Bảng tin"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    at = values.index(["Tên", "Hiển thị (%)"])
    assert values[at + 1] == ["Bảng tin Phường Bình Một", 96.6] and values[at + 2][1] is None
    assert sheet.freeze_panes == f"A{at + 2}"


def test_chart_draws_gaps_for_no_data_and_escapes_labels():
    svg = charts.line_chart(["01/03", "02/03", "<03/03>"], [("Hiển thị", [90.0, None, 80.0])], "Thử & xem")
    assert svg.startswith("<svg") and "&lt;03/03&gt;" in svg and "Thử &amp; xem" in svg
    assert "<polyline" not in svg, "no line across a day without data"
    assert "Không có dữ liệu" in charts.line_chart(["a"], [("x", [None])], "t")
