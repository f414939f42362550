"""The notice format: recognising a pasted notice, its layout as blocks, and a Word file's text."""
import io
import zipfile

import pytest
from docx import Document

from manager.errors import BadInput
from manager.notice_import import docx_text, notice_from_docx
from protocol.notice import MOTTO, Notice, blocks, parse, text
from tests.notices.samples import ALL, LONG_EXTRA, MEDIUM_BODY, nfd


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_a_pasted_notice_is_recognised(form):
    pasted = ALL["1500"] if form == "NFC" else nfd(ALL["1500"])
    notice = parse(pasted)
    assert notice.issuer == "ỦY BAN NHÂN DÂN\nXÃ ĐỒNG TIẾN"
    assert notice.number == "Số: 125/TB-UBND"
    assert notice.place_date == "Đồng Tiến, ngày 02 tháng 12 năm 2026"
    assert notice.doc_type == "THÔNG BÁO"
    assert notice.summary == "Về việc tổ chức tiêm chủng mở rộng năm 2026"
    assert notice.body == MEDIUM_BODY
    assert notice.recipients == "Nơi nhận:\n- Các thôn, tổ dân phố;\n- Lưu: VT."
    assert notice.signer_title == "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n(Đã ký)"
    assert notice.signer_name == "Nguyễn Văn Bình"


def test_a_header_pasted_as_two_columns_on_each_line():
    pasted = ("UBND HUYỆN BẮC HÀ\tCỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
              "UBND XÃ NẬM MÒN        Độc lập – Tự do – Hạnh phúc\n"
              "__________\t______________\n"
              "Số:   07/TB-UBND\tNậm Mòn, ngày 3 tháng 12 năm 2026\n"
              "\n"
              "THÔNG BÁO\n"
              "Lịch cắt điện tuần 49\n"
              "\n"
              "Điện lực Bắc Hà cắt điện thôn Nậm Mòn từ 8 giờ đến 12 giờ ngày 06/12/2026.\n"
              "Nơi nhận:\t\tKT. CHỦ TỊCH\n"
              "- Các thôn;\tPHÓ CHỦ TỊCH\n"
              "- Lưu: VT.\n"
              "\t\tLò Văn Sinh\n")
    notice = parse(pasted)
    assert notice.issuer == "UBND HUYỆN BẮC HÀ\nUBND XÃ NẬM MÒN"
    assert notice.number == "Số: 07/TB-UBND"
    assert notice.place_date == "Nậm Mòn, ngày 3 tháng 12 năm 2026"
    assert notice.summary == "Lịch cắt điện tuần 49"
    assert notice.body == "Điện lực Bắc Hà cắt điện thôn Nậm Mòn từ 8 giờ đến 12 giờ ngày 06/12/2026."
    assert notice.recipients == "Nơi nhận:\n- Các thôn;\n- Lưu: VT."
    assert notice.signer_title == "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    assert notice.signer_name == "Lò Văn Sinh"


def test_text_without_a_header_stays_whole_in_the_body():
    pasted = "Chủ tịch UBND xã đề nghị các hộ dân dọn vệ sinh đường làng sáng Chủ nhật.\nTrân trọng."
    notice = parse(pasted)
    assert notice.body == pasted
    assert notice.signer_title == "" and notice.issuer == ""


def test_nothing_pasted_is_lost():
    for pasted in ALL.values():
        notice = parse(pasted)
        kept = text(notice).split()
        assert sorted(w for w in pasted.split() if w not in " ".join(MOTTO).split()) == \
            sorted(w for w in kept if w not in " ".join(MOTTO).split())


def test_lowercase_lines_are_text_not_rules():
    pasted = ("THÔNG BÁO\nlịch tiêm chủng tháng 12\n\nmang theo sổ tiêm chủng.\n"
              "Nơi nhận:\t\tTM. ỦY BAN NHÂN DÂN\n- các thôn;\tCHỦ TỊCH\n____\n\t\tHà Thị Mai")
    notice = parse(pasted)
    assert notice.summary == "lịch tiêm chủng tháng 12"
    assert notice.body == "mang theo sổ tiêm chủng."
    assert notice.recipients == "Nơi nhận:\n- các thôn;"
    assert notice.signer_name == "Hà Thị Mai"


def test_blocks_follow_the_decree_layout():
    notice = parse(ALL["3000"])
    laid = blocks(notice)
    header = [b for b in laid if b.row == 0]
    assert [b.text for b in header if b.column == "left"] == ["ỦY BAN NHÂN DÂN", "XÃ ĐỒNG TIẾN", "Số: 126/TB-UBND"]
    assert [b.text for b in header if b.column == "right"][:2] == list(MOTTO)
    doc_type = next(b for b in laid if b.text == "THÔNG BÁO")
    assert doc_type.style.align == "center" and doc_type.style.weight == "bold" and doc_type.keep_with_next
    signer = [b for b in laid if b.row == 1 and b.column == "right"]
    assert signer[-1].text == "Nguyễn Văn Bình"
    assert any(b.text.startswith("12.") or b.text.startswith("11.") for b in laid if b.row is None)


def make_docx(with_tables: bool = True) -> bytes:
    doc = Document()
    if with_tables:
        header = doc.add_table(rows=1, cols=2)
        header.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nXÃ ĐỒNG TIẾN\nSố: 140/TB-UBND"
        header.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nĐồng Tiến, ngày 10 tháng 12 năm 2026"
    doc.add_paragraph("THÔNG BÁO")
    doc.add_paragraph("Về việc thu gom rác thải cuối năm")
    doc.add_paragraph("")
    for line in LONG_EXTRA.split("\n")[:3]:
        doc.add_paragraph(line)
    if with_tables:
        tail = doc.add_table(rows=1, cols=2)
        tail.cell(0, 0).text = "Nơi nhận:\n- Các thôn;\n- Lưu: VT."
        tail.cell(0, 1).text = "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn\u00a0Văn Bình"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_a_word_file_becomes_a_notice():
    notice = notice_from_docx(make_docx())
    assert notice.issuer == "ỦY BAN NHÂN DÂN\nXÃ ĐỒNG TIẾN"
    assert notice.number == "Số: 140/TB-UBND"
    assert notice.place_date == "Đồng Tiến, ngày 10 tháng 12 năm 2026"
    assert notice.summary == "Về việc thu gom rác thải cuối năm"
    assert notice.body == "\n".join(LONG_EXTRA.split("\n")[:3])
    assert notice.signer_title == "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
    assert notice.signer_name == "Nguyễn Văn Bình"
    assert notice.recipients.startswith("Nơi nhận:")


def test_a_word_file_without_tables_still_gives_its_text():
    notice = notice_from_docx(make_docx(with_tables=False))
    assert notice.doc_type == "THÔNG BÁO" and notice.body.startswith("6. Phòng, chống dịch")


@pytest.mark.parametrize("data", [b"", b"not a word file", b"PK\x03\x04broken", b"\xd0\xcf\x11\xe0" + b"\0" * 600])
def test_what_is_not_a_docx_is_refused_clearly(data):
    with pytest.raises(BadInput) as refused:
        notice_from_docx(data)
    assert ".docx" in refused.value.message_vi and "Error" not in refused.value.message_vi


def test_a_zip_bomb_is_refused_as_too_large():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w/>" + b" " * (120 * 1024 * 1024))
    with pytest.raises(BadInput) as refused:
        docx_text(out.getvalue())
    assert "quá lớn" in refused.value.message_vi


def test_a_notice_checks_its_field_lengths():
    with pytest.raises(ValueError):
        Notice(issuer="X" * 301)
