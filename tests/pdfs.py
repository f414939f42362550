"""PDF documents made in the tests with pdfium itself (no downloads, no other PDF writer)."""
import ctypes
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw

A4 = (595, 842)  # points


@dataclass
class Page:
    size: tuple[float, float] = A4
    # (x, y from the bottom, width, height, (r, g, b)) in points
    rects: list[tuple] = field(default_factory=list)
    # (x, y of the baseline from the bottom, font size in points, text); Helvetica, so ASCII only
    texts: list[tuple] = field(default_factory=list)


def write_pdf(path: Path, pages: list[Page]) -> Path:
    pdf = pdfium.PdfDocument.new()
    try:
        for spec in pages:
            page = pdf.new_page(*spec.size)
            for x, y, w, h, rgb in spec.rects:
                rect = raw.FPDFPageObj_CreateNewRect(x, y, w, h)
                raw.FPDFPageObj_SetFillColor(rect, *rgb, 255)
                raw.FPDFPath_SetDrawMode(rect, raw.FPDF_FILLMODE_WINDING, False)
                raw.FPDFPage_InsertObject(page.raw, rect)
            for x, y, size, text in spec.texts:
                obj = raw.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", size)
                buf = ctypes.create_string_buffer((text + "\x00").encode("utf-16-le"))
                raw.FPDFText_SetText(obj, ctypes.cast(buf, ctypes.POINTER(raw.FPDF_WCHAR)))
                raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
                raw.FPDFPage_InsertObject(page.raw, obj)
            page.gen_content()
            page.close()
        pdf.save(str(path))
    finally:
        pdf.close()
    return path


def text_lines(top: float, bottom: float, size: float, words: str = "thong bao lich tiep cong dan") -> list[tuple]:
    """Lines of body text at `size` pt filling the band from `top` to `bottom` (points from the page's bottom)."""
    lines, y = [], top - size
    while y > bottom:
        lines.append((40, y, size, words))
        y -= size * 1.4
    return lines


def signed_stamp_pdf(path: Path) -> Path:
    """An A4 page whose only ink is a signature field's visible appearance (a red box, where an office's
    digital signature shows its stamp image), written by hand: pdfium itself cannot add one."""
    path.write_bytes(b"""%PDF-1.7
1 0 obj << /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [5 0 R] /SigFlags 3 >> >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [5 0 R] >> endobj
4 0 obj << /Type /XObject /Subtype /Form /BBox [0 0 200 100] /Length 29 >> stream
1 0 0 rg 0 0 200 100 re f
endstream endobj
5 0 obj << /Type /Annot /Subtype /Widget /FT /Sig /T (Ky so) /Rect [300 100 500 200] /F 4 /P 3 0 R /AP << /N 4 0 R >> >> endobj
trailer << /Root 1 0 R >>
%%EOF
""")
    return path
