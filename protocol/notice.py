"""An official notice (thông báo) laid out as Decree 30/2020/NĐ-CP sets out an administrative document.

Header in two columns: the issuing body and the document's number/symbol on
the left; the national motto, then place and date, on the right. Below them
the document type and its summary, centred; the body with its numbered items;
at the end the recipients on the left and the signer on the right.

`Notice` travels in the manifest (an item of kind `bulletin` with a `notice`),
`blocks` turns it into paragraphs for `protocol.pagination`, and `parse`
recognises those parts in a notice pasted as plain text.
"""
import re

from pydantic import BaseModel, ConfigDict, Field

from protocol.pagination import Block, Style
from protocol.text import NFCStr, nfc

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
DOCUMENT_TYPES = ("THÔNG BÁO", "QUYẾT ĐỊNH", "KẾ HOẠCH", "BÁO CÁO", "GIẤY MỜI", "CHỈ THỊ", "NGHỊ QUYẾT", "HƯỚNG DẪN",
                  "THÔNG CÁO", "CHƯƠNG TRÌNH", "PHƯƠNG ÁN", "TỜ TRÌNH", "CÔNG VĂN", "LỊCH", "DANH SÁCH", "QUY CHẾ",
                  "THƯ NGỎ", "LỜI KÊU GỌI", "CÔNG ĐIỆN")


class Notice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    issuer: NFCStr = Field(default="", max_length=300)  # one line each, e.g. "ỦY BAN NHÂN DÂN\nXÃ ĐỒNG TIẾN"
    number: NFCStr = Field(default="", max_length=100)  # "Số: 125/TB-UBND"
    place_date: NFCStr = Field(default="", max_length=200)  # "Đồng Tiến, ngày 02 tháng 12 năm 2026"
    doc_type: NFCStr = Field(default="THÔNG BÁO", max_length=100)
    summary: NFCStr = Field(default="", max_length=500)  # "Về việc ..."
    body: NFCStr = Field(default="", max_length=20000)
    recipients: NFCStr = Field(default="", max_length=2000)  # "Nơi nhận:" and its lines
    signer_title: NFCStr = Field(default="", max_length=300)  # "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
    signer_name: NFCStr = Field(default="", max_length=200)

    @property
    def is_empty(self) -> bool:
        return not (self.body.strip() or self.summary.strip())


def _lines(text: str) -> list[str]:
    return [line.strip() for line in nfc(text).replace("\r\n", "\n").split("\n") if line.strip()]


def blocks(notice: Notice) -> list[Block]:
    """The notice as paragraphs for `protocol.pagination.paginate`."""
    bold_c, plain_c, italic_c = Style("bold", align="center"), Style(align="center"), Style("italic", align="center")
    out: list[Block] = []
    left = [Block(line, bold_c, "left", row=0) for line in _lines(notice.issuer)]
    left += [Block(line, plain_c, "left", row=0, space_before=0.3) for line in _lines(notice.number)]
    right = [Block(MOTTO[0], bold_c, "right", row=0), Block(MOTTO[1], bold_c, "right", row=0)]
    right += [Block(line, italic_c, "right", row=0, space_before=0.3) for line in _lines(notice.place_date)]
    out += left + right
    out.append(Block(notice.doc_type.strip().upper() or "THÔNG BÁO", Style("bold", 1.3, "center"), keep_with_next=True,
                     space_before=0.8))
    out += [Block(line, bold_c, keep_with_next=True) for line in _lines(notice.summary)]
    paragraphs = nfc(notice.body).replace("\r\n", "\n").strip("\n").split("\n")
    out += [Block(p.strip(), space_before=0.6 if n == 0 else 0.3) for n, p in enumerate(paragraphs)]
    signer = [Block(line, bold_c, "right", row=1) for line in _lines(notice.signer_title)]
    if notice.signer_name.strip():
        signer.append(Block(notice.signer_name.strip(), bold_c, "right", row=1, space_before=1.5))
    recipients = [Block(line, Style("italic" if n == 0 else "regular"), "left", row=1)
                  for n, line in enumerate(_lines(notice.recipients))]
    tail = recipients + signer
    if tail:
        tail[0] = Block(tail[0].text, tail[0].style, tail[0].column, 1, space_before=1.0)
    return out + tail


def text(notice: Notice) -> str:
    """The notice as plain text, in reading order (what `blocks` sets, one paragraph a line)."""
    return "\n".join(b.text for b in blocks(notice))


# Recognising a pasted notice.

_DASHES = re.escape("-–—‐")  # escaped: a bare "-" inside [...] would make a range of letters
_MOTTO_1 = re.compile(r"C[ỘO]NG\s+H(?:ÒA|OÀ|OA)\s+X[ÃA]\s+H[ỘO]I\s+CH[ỦU]\s+NGH[ĨI]A\s+VI[ỆE]T\s+NAM", re.I)
_MOTTO_2 = re.compile(rf"Độc\s+lập\s*[{_DASHES}]\s*Tự\s+do\s*[{_DASHES}]\s*Hạnh\s+phúc", re.I)
_NUMBER = re.compile(r"^(Số|So)\s*[:.]?\s*\S*\d*\s*/\s*[\wĐđ\-]+", re.I)
_SYMBOL = re.compile(r"\d+\s*/\s*[A-ZĐ]{1,8}(-[A-ZĐ0-9]{1,10})+")
_DATE = re.compile(r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}", re.I)
_RULE = re.compile(rf"^[\s_{_DASHES}=.*]+$")
_SIGNER = re.compile(r"^(TM|KT|TL|TUQ|Q|QUYỀN)\s*\.|^(PHÓ\s+)?(CHỦ\s+TỊCH|TRƯỞNG\s+BAN|GIÁM\s+ĐỐC|TRƯỞNG\s+CÔNG\s+AN|"
                     r"BÍ\s+THƯ|TRƯỞNG\s+THÔN|TRƯỞNG\s+ẤP|TỔ\s+TRƯỞNG)\b", re.I)
_SIGNED = re.compile(r"^\(.*(ký|dấu).*\)$", re.I)
_RECIPIENTS = re.compile(r"^Nơi\s+nhận\s*:?", re.I)


def _segments(line: str) -> list[str]:
    """A pasted line split where the two header columns met (a tab, a wide gap, or the motto itself)."""
    line = re.sub(r"^(Số|So)\s*[:.]?\s+(?=\S*\d)", "Số: ", line.strip(), flags=re.I)  # "Số:   07/TB-UBND" is one part
    parts = [p.strip() for p in re.split(r"\t+| {3,}", line) if p.strip()]
    out = []
    for part in parts:
        for rx in (_MOTTO_1, _MOTTO_2):
            m = rx.search(part)
            if m and (m.start() > 0 or m.end() < len(part)):
                out.extend(p.strip() for p in (part[:m.start()], m.group(), part[m.end():]) if p.strip())
                break
        else:
            out.append(part)
    # "Số: 12/TB-UBND   Đồng Tiến, ngày ..." pasted with one space: split before the place and date.
    final = []
    for part in out:
        m = _DATE.search(part)
        n = _SYMBOL.search(part)
        if m and n and n.end() < m.start():
            cut = part.rfind(" ", n.end(), m.start())
            comma = part.rfind(",", n.end(), m.start())
            head = part.rfind(" ", n.end(), comma) if comma > 0 else cut
            final.extend(p.strip() for p in (part[:head], part[head:]) if p.strip())
        else:
            final.append(part)
    return final


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _doc_type(text: str) -> bool:
    bare = " ".join(text.split()).upper()
    return _is_upper(text) and any(bare == t or bare.startswith(t + " ") for t in DOCUMENT_TYPES)


def parse(pasted: str) -> Notice:
    """The parts of a notice pasted as text; what is not recognised stays in the body, nothing is lost."""
    raw = nfc(pasted or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = raw.split("\n")
    issuer: list[str] = []
    number = place_date = ""
    summary: list[str] = []
    # The header: everything before the document type, within the first 20 lines.
    header_end = next((n for n, line in enumerate(lines[:20]) if _doc_type(line.strip())), None)
    if header_end is None:
        return Notice(doc_type="THÔNG BÁO", **_tail(lines))
    for line in lines[:header_end]:
        for seg in _segments(line):
            if _MOTTO_1.fullmatch(seg) or _MOTTO_2.fullmatch(seg) or _RULE.match(seg):
                continue
            if _DATE.search(seg) and not place_date:
                place_date = seg
            elif (_NUMBER.match(seg) or _SYMBOL.search(seg)) and not number:
                number = seg
            elif _MOTTO_1.search(seg) or _MOTTO_2.search(seg):
                continue
            else:
                issuer.append(seg)
    doc_type = " ".join(lines[header_end].split())
    i = header_end + 1
    following = []
    while i < len(lines) and lines[i].strip() and len(following) < 3:
        following.append(lines[i].strip())
        i += 1
    blank_after = i >= len(lines) or not lines[i].strip()
    if following and blank_after and len(following) <= 3 and not following[-1].endswith(":"):
        summary = following
    elif following and re.match(r"^(Về|V/v)\b", following[0], re.I):
        summary = [following[0]]
        i = header_end + 2
    else:
        i = header_end + 1
    summary = [s for s in summary if not _RULE.match(s)]
    rest = _tail(lines[i:])
    return Notice(issuer="\n".join(issuer), number=number, place_date=place_date, doc_type=doc_type,
                  summary="\n".join(summary), **rest)


def _tail(lines: list[str]) -> dict:
    """Body, recipients and signer from the lines after the summary."""
    lines = list(lines)
    while lines and not lines[-1].strip():
        lines.pop()
    recipients: list[str] = []
    signer: list[str] = []
    name = ""
    first = max(0, len(lines) - 20)
    start = next((n for n in range(first, len(lines)) if _RECIPIENTS.match(lines[n].strip()) or
                  any(_SIGNER.match(s) and _is_upper(s) for s in _segments(lines[n])[-1:])), None)
    if start is not None:
        for line in lines[start:]:
            segs = _segments(line)
            for n, seg in enumerate(segs):
                is_left = len(segs) > 1 and n == 0 or seg.startswith(("-", "+", "•")) or _RECIPIENTS.match(seg)
                if _RULE.match(seg):
                    continue
                if is_left and not _SIGNER.match(seg):
                    recipients.append(seg)
                else:
                    signer.append(seg)
        # The last signer line that is a person's name, not a title or "(Đã ký)".
        for n in range(len(signer) - 1, -1, -1):
            if not _is_upper(signer[n]) and not _SIGNED.match(signer[n]) and not _SIGNER.match(signer[n]):
                name = signer.pop(n)
                break
        body_lines = lines[:start]
    else:
        body_lines = lines
    body = "\n".join(line.strip() for line in body_lines).strip("\n")
    body = re.sub(r"\n{3,}", "\n\n", body)
    return {"body": body, "recipients": "\n".join(recipients), "signer_title": "\n".join(signer), "signer_name": name}
