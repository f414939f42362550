"""Vietnamese everywhere: no English-only string on any page when the language is Vietnamese, one spelling
convention, names instead of ids and short hashes in the audit log, Vietnamese numbers and dates."""
import csv
import io
import re
from html.parser import HTMLParser

import openpyxl

from manager import i18n, indicators
from tests.console.board import BoardClient
from tests.console.conftest import HOME
from tests.live_manager import Client

PAGES = ["/", "/boards", "/library", "/bulletins/new", "/playlists", "/schedules", "/week", "/emergency", "/inbox",
         "/sources", "/users", "/audit", "/reports", "/reports/province/vn-2025/15?kind=quarter&quarter=2026-Q3&lang=vi"]
PAGES += ["/proof-of-play"]
# Old-style tone placement (khóa, hủy): the console writes the new style (khoá, huỷ) throughout.
OLD_STYLE = re.compile(r"\w*(?:[óòỏõọ][ae]|[úùủũụ]y)(?![\w])", re.IGNORECASE)


class _Visible(HTMLParser):
    """Text a person reads: element text and the attributes browsers show (title, placeholder, labels)."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def english_only() -> dict[str, str]:
    """Each message's English fragments (between placeholders) that no Vietnamese message also uses."""
    vietnamese = " ".join(vi for vi, _ in i18n.MESSAGES.values())
    found = {}
    for key, (vi, en) in i18n.MESSAGES.items():
        if en == vi:
            continue
        for fragment in re.split(r"\{[^}]*\}", en):
            fragment = fragment.strip(" .,:;()-–→←/%")
            if len(fragment) >= 4 and re.search(r"[A-Za-z]{3}", fragment) and fragment not in vietnamese:
                found[fragment] = key
    return found


def test_no_page_shows_an_english_only_string(manager, people):
    board = BoardClient(manager, HOME, "Bảng tin kiểm tra tiếng Việt")
    board.apply()
    manager.emergency(3, "Mưa lớn diện rộng", units=[HOME])
    english = english_only()
    assert "Applied on" in english and "Log out" in english  # the scan has teeth
    _, schedule = manager.publish([{"zone": "bulletin", "kind": "bulletin", "title": "Họp dân", "body": "Tối thứ Sáu"}],
                                  target={"kind": "board", "id": board.id})
    pages = PAGES + [f"/boards/{board.id}", f"/boards/{board.id}/settings", f"/schedules/{schedule['id']}"]
    problems = {}
    for path in pages:
        r = manager.admin.get(path, params={"lang": "vi"} if "?" not in path else None)
        assert r.status_code == 200, (path, r.status_code)
        text = visible(r.text)
        hits = sorted({f"{fragment} ({key})" for fragment, key in english.items()
                       if re.search(r"(?<![\w])" + re.escape(fragment) + r"(?![\w])", text)})
        if hits:
            problems[path] = hits
    assert not problems, problems
    english_page = visible(Client(manager.base_url, manager.admin_token).get("/boards", params={"lang": "en"}).text)
    assert "Log out" in english_page  # and the switch still gives English to who asks


def test_one_spelling_convention_in_every_message():
    """The console's own words; place names keep their official spelling (Thanh Hóa)."""
    old = {key: OLD_STYLE.findall(vi) for key, (vi, _) in i18n.MESSAGES.items() if OLD_STYLE.search(vi)}
    assert not old, old


def test_audit_log_speaks_vietnamese_with_names_and_short_hashes(manager, people):
    r = manager.admin.post("/api/v1/playlists", json={"name": "Chương trình kiểm tra nhật ký", "items": []})
    r.raise_for_status()
    page = manager.admin.get("/audit", params={"lang": "vi"}).text
    row = next(tr for tr in re.findall(r"<tr>.*?</tr>", page, re.S) if "Chương trình kiểm tra nhật ký" in tr)
    assert 'data-action="create"' in row and ">Tạo mới<" in row and "Danh sách phát:" in visible(row)
    shown = re.sub(r"<[^>]*>", " ", page)  # text, not attributes: the whole hash stays in the tooltip
    assert not re.search(r"[0-9a-f]{64}", shown), "whole SHA-256 hashes are shortened"
    assert not re.search(r"đơn vị: \d{5}\b", shown), "units by name, not by code"
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d", visible(row))


def test_reports_and_their_files_name_indicators_and_board_classes(manager, people):
    """Finding 9: indicators by their number as Decision 184 writes it (never the file's id "1.5-2t"), board classes
    by name in the page, the CSV and the workbook (the JSON API keeps the stored words)."""
    BoardClient(manager, HOME, "Bảng tin loại bảng tiếng Việt")
    ids = {i.id for i in indicators.load() if i.id != i.number}
    stored_classes = {"commune", "large", "ward"}
    base = "/reports/province/vn-2025/15"
    page = visible(manager.admin.get(base, params={"lang": "vi"}).text)
    assert "Chỉ tiêu 1.5 (mô hình hai cấp)" in page and "Bảng tin cấp xã" in page
    assert not [i for i in ids if re.search(r"(?<![\w.])" + re.escape(i) + r"(?![\w])", page)], "no indicator ids on the page"
    boards = list(csv.reader(io.StringIO(manager.admin.get(base + "/export/boards.csv", params={"lang": "vi"}).content.decode("utf-8-sig"))))
    header = next(k for k, row in enumerate(boards) if "Loại bảng" in row)
    classes = {row[boards[header].index("Loại bảng")] for row in boards[header + 1:] if len(row) > 1}
    assert "Bảng tin cấp xã" in classes and not classes & stored_classes
    book = openpyxl.load_workbook(io.BytesIO(manager.admin.get(base + "/workbook.xlsx", params={"lang": "vi"}).content))
    cells = {str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None}
    assert "Bảng tin cấp xã" in cells and not cells & (stored_classes | ids)
    assert not [c for c in cells for i in ids if f"({i})" in c], "definitions name indicators by their code"
    api = manager.admin.get("/api/v1/reports/indicators", params={"catalogue": "vn-2025", "province": "15"}).json()
    assert {r["board_class"] for r in api["tables"]["boards"]["rows"]} <= stored_classes, "the API keeps the stored words"
