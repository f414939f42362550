"""A report table as CSV (UTF-8 with BOM, so Excel shows Vietnamese) or XLSX (openpyxl), in the table's language."""
import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from manager.errors import BadInput
from manager.reports.tables import Table, no_data

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


FORMULA_START = ("=", "+", "-", "@")  # a name typed by an editor must not run as a spreadsheet formula


def _cell(value, lang: str = "vi"):
    return no_data(lang) if value is None else value


def _csv_cell(value, lang: str = "vi"):
    value = _cell(value, lang)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([h for _, h in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(row.get(k), table.lang) for k, _ in table.columns])
    if table.note:  # the page's verification status and what each check covers travel with the figures
        writer.writerow([])
        for line in table.note:
            writer.writerow([_csv_cell(line, table.lang)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = table.name[:31]
    ws.append([h for _, h in table.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        ws.append([_cell(row.get(k), table.lang) for k, _ in table.columns])
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":  # text that looks like a formula stays text
                cell.data_type = "s"
    for column in ws.columns:
        width = max(len(str(c.value or "")) for c in column)
        ws.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    if table.note:  # the page's verification status and what each check covers travel with the figures
        ws.append([])
        for line in table.note:
            ws.append([line])
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def render(table: Table, fmt: str) -> tuple[bytes, str]:
    if fmt == "csv":
        return to_csv(table), MEDIA_TYPES["csv"]
    if fmt == "xlsx":
        return to_xlsx(table), MEDIA_TYPES["xlsx"]
    raise BadInput(f"Định dạng không hỗ trợ: {fmt}", f"unsupported format {fmt}; use csv or xlsx")
