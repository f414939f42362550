"""A report table as CSV (UTF-8 with BOM, so Excel shows Vietnamese) or XLSX (openpyxl), in the table's language.

Both start with the report's title block (manager/reports/workbook.py) when given one; a cell with no data is
left empty (the block says so), so number columns hold only numbers.
"""
import csv
import io

from openpyxl import Workbook

from manager.errors import BadInput
from manager.reports import workbook
from manager.reports.tables import Table

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


FORMULA_START = ("=", "+", "-", "@")  # a name typed by an editor must not run as a spreadsheet formula


def _csv_cell(value, lang: str = "vi"):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(table: Table, title: list[tuple[str, str]] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    if title:
        writer.writerows([_csv_cell(label), _csv_cell(value)] for label, value in title)
        writer.writerow([])
    writer.writerow([h for _, h in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(table.shown(row, k), table.lang) for k, _ in table.columns])
    if table.note:  # the page's verification status and what each check covers travel with the figures
        writer.writerow([])
        for line in table.note:
            writer.writerow([_csv_cell(line, table.lang)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table, title: list[tuple[str, str]] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = workbook.sheet_name(table.title, set())
    workbook.write_table(ws, table, workbook.write_title(ws, title) if title else 1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def render(table: Table, fmt: str, title: list[tuple[str, str]] | None = None) -> tuple[bytes, str]:
    if fmt == "csv":
        return to_csv(table, title), MEDIA_TYPES["csv"]
    if fmt == "xlsx":
        return to_xlsx(table, title), MEDIA_TYPES["xlsx"]
    raise BadInput(f"Định dạng không hỗ trợ: {fmt}", f"unsupported format {fmt}; use csv or xlsx")
