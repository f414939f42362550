"""A notice from a Word file (.docx): its text in reading order, then recognised like pasted text.

Offices type notices in Word with the two-column header and the signer block
in borderless tables; each cell's lines are taken in turn, which is what the
parser in `protocol.notice` expects of a flattened header.
"""
import io
import zipfile

from manager.errors import BadInput
from protocol.notice import Notice, parse
from protocol.text import nfc

MAX_DOCX_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a notice's XML is a few hundred kB: more is a zip bomb


def _refuse() -> BadInput:
    return BadInput("Tệp không phải văn bản Word .docx đọc được. Tệp .doc cũ: mở bằng Word hoặc LibreOffice và lưu lại dạng .docx.",
                    "not a readable Word .docx file; save an old .doc as .docx first")


def docx_text(data: bytes) -> str:
    """The document's paragraphs and table cells, one line each, in the order they appear."""
    if len(data) > MAX_DOCX_BYTES:
        raise BadInput(f"Tệp Word quá lớn (tối đa {MAX_DOCX_BYTES // 1024 // 1024} MB)",
                       f"the Word file is too large (at most {MAX_DOCX_BYTES // 1024 // 1024} MB)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise BadInput("Tệp Word quá lớn khi giải nén", "the Word file is too large once unpacked")
            if "word/document.xml" not in archive.namelist():
                raise _refuse()
    except zipfile.BadZipFile as exc:
        raise _refuse() from exc
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise _refuse() from exc
    lines: list[str] = []

    def cell_lines(table: Table) -> None:
        for row in table.rows:
            seen = set()
            for cell in row.cells:
                if id(cell._tc) in seen:  # a merged cell appears once per column it spans
                    continue
                seen.add(id(cell._tc))
                for paragraph in cell.paragraphs:
                    lines.append(paragraph.text)
                for inner in cell.tables:
                    cell_lines(inner)

    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            cell_lines(Table(child, document))
    text = "\n".join(line.replace("\xa0", " ").replace("\u00ad", "").rstrip() for line in lines)
    return nfc(text)


def notice_from_docx(data: bytes) -> Notice:
    text = docx_text(data)
    if not text.strip():
        raise BadInput("Tệp Word không có chữ", "the Word file has no text")
    return parse(text)
