"""The title block every export carries, and the whole report as one XLSX workbook.

The title block says what the figures are (report, province, period with its
dates, when generated, definitions), so a file forwarded on its own still
reads right. A cell with no data stays empty (numbers stay numbers for Excel)
and the block says what an empty cell means.
"""
import io
import re
from datetime import datetime, timezone

from openpyxl import Workbook
from openpyxl.styles import Font

from manager import i18n, indicators as ind, vnformat
from manager.reports.period import Period
from manager.reports.tables import Table, indicator_label, indicator_title
from protocol.timebase import VN_TZ

SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def title_block(lang: str, report: str, period: Period, generated: float, province: str | None = None,
                definitions: list[str] | None = None) -> list[tuple[str, str]]:
    """(label, value) lines, in the report's language."""
    label = lambda key: i18n.text(lang, f"reports.title_block.{key}")
    lines = [(label("report"), report)]
    if province:
        lines.append((label("province"), province))
    lines += [
        (label("period"), period.label(lang)),
        (label("dates"), f"{period.first_day:%d/%m/%Y} – {period.last_day:%d/%m/%Y}"),
        (label("generated"), datetime.fromtimestamp(generated, timezone.utc).astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")),
    ]
    for line in definitions or []:
        lines.append((label("definitions"), line))
    lines.append((label("definitions"), i18n.text(lang, "reports.title_block.no_data_note")))
    return lines


def indicator_definitions(lang: str) -> list[str]:
    """Each indicator's number and title with its measure and threshold, the way the report counts it."""
    out = []
    for x in ind.load():
        measure = i18n.text(lang, f"reports.measure.{x.measure}")
        threshold = f"{x.threshold_pct:g}".replace(".", "," if lang != "en" else ".")
        out.append(f"{indicator_label(x, lang)}: {indicator_title(x, lang)}; {measure} ≥ {threshold} %")
    return out


def sheet_name(title: str, taken: set[str]) -> str:
    """A table's own (Vietnamese) title, within Excel's 31 characters and its forbidden characters, unique."""
    base = SHEET_FORBIDDEN.sub(" ", title).strip()[:31] or "Bảng"
    name, k = base, 2
    while name.lower() in taken:
        suffix = f" ({k})"
        name, k = base[:31 - len(suffix)] + suffix, k + 1
    taken.add(name.lower())
    return name


def write_title(ws, title: list[tuple[str, str]]) -> int:
    """The block at the top of an empty sheet, then an empty row; answers the row the table's header goes on."""
    for label, value in title:
        ws.append([label, value])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
    ws.append([])
    return len(title) + 2  # written from the sheet's first row


def write_table(ws, table: Table, header_row: int = 1) -> None:
    """Header (on `header_row`, the next free row) and rows; None stays an empty cell."""
    ws.append([h for _, h in table.columns])
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for row in table.rows:
        ws.append([vnformat.stamp_value(table.shown(row, k)) for k, _ in table.columns])
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":  # text that looks like a formula stays text
                cell.data_type = "s"
            elif cell.is_date:
                cell.number_format = "dd/mm/yyyy hh:mm:ss"
    if getattr(table, "note", None):  # the page's verification status and what each check covers travel with the figures
        ws.append([])
        for line in table.note:
            ws.append([line])
    for column in ws.iter_cols(min_row=header_row):
        width = max(len(str(c.value or "")) for c in column)
        ws.column_dimensions[column[0].column_letter].width = min(60, max(12, width + 2))
    ws.freeze_panes = ws.cell(header_row + 1, 1).coordinate


def workbook(tables: list[Table], title: list[tuple[str, str]], lang: str) -> bytes:
    """One file: a first sheet with the title block, then one sheet per table (each starting with the block too)."""
    wb = Workbook()
    about = wb.active
    taken: set[str] = set()
    about.title = sheet_name(i18n.text(lang, "reports.sheet.about"), taken)
    write_title(about, title)
    about.column_dimensions["A"].width, about.column_dimensions["B"].width = 22, 90
    for table in tables:
        ws = wb.create_sheet(sheet_name(table.title, taken))
        write_table(ws, table, write_title(ws, title))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
