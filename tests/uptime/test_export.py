"""Exports: Vietnamese survives Excel, no data stays no data, and text never runs as a formula."""
import csv
import io

import openpyxl

from manager.reports import charts, export
from manager.reports.tables import Table

TABLE = Table("boards", "Bảng tin", [("name", "Tên"), ("pct", "Hiển thị (%)")], [
    {"name": "Bảng tin Phường Bình Một", "pct": 96.6},
    {"name": "=HYPERLINK(\"http://x\")", "pct": None},
])


def test_csv_has_bom_and_neutralises_formulas():
    body = export.to_csv(TABLE)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [["Tên", "Hiển thị (%)"], ["Bảng tin Phường Bình Một", "96.6"], ["'=HYPERLINK(\"http://x\")", "không có dữ liệu"]]


def test_xlsx_keeps_numbers_and_text():
    ws = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(TABLE))).active
    assert [c.value for c in ws[2]] == ["Bảng tin Phường Bình Một", 96.6]
    assert ws["A3"].value == "=HYPERLINK(\"http://x\")" and ws["A3"].data_type == "s"
    assert ws["B3"].value == "không có dữ liệu"


def test_chart_draws_gaps_for_no_data_and_escapes_labels():
    svg = charts.line_chart(["01/03", "02/03", "<03/03>"], [("Hiển thị", [90.0, None, 80.0])], "Thử & xem")
    assert svg.startswith("<svg") and "&lt;03/03&gt;" in svg and "Thử &amp; xem" in svg
    assert "<polyline" not in svg, "no line across a day without data"
    assert "Không có dữ liệu" in charts.line_chart(["a"], [("x", [None])], "t")
