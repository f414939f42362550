"""Uptime and indicators from real heartbeats sent over HTTP to a live manager, on a simulated clock over two days."""
import csv
import io
import re
import sqlite3
import subprocess
import sys
from html.parser import HTMLParser

import openpyxl
import pytest

from tests.live_manager import ROOT, Client
from tests.uptime import scenario as sc
from manager import i18n
from manager.auth import create_api_token, create_user
from manager.db import connect

Q = {"period": sc.PERIOD}


def board_report(live, ids, name, **params):
    r = live.admin.get(f"/api/v1/reports/boards/{ids[name]}", params={**Q, **params})
    r.raise_for_status()
    return r.json()


def province_report(live, **params):
    r = live.admin.get("/api/v1/reports/indicators", params={"catalogue": sc.CATALOGUE, "province": sc.PROVINCE, **Q, **params})
    r.raise_for_status()
    return r.json()


# Figures computed by hand from the heartbeat lists in scenario.py.
A1_OPERATING = (sc.day(0, "22:00:00") - sc.day(0, "06:00:05")) + 16 * 3600  # monitored from its first heartbeat
A1_OUTAGE = sc.day(0, "11:30:12") - (sc.day(0, "10:00:05") + 2.5 * 600)  # 3907 s
A1_ON = A1_OPERATING - A1_OUTAGE - 5  # and 06:00:00-06:00:05 on Tuesday, before its first heartbeat that day
A2_WINDOW = sc.END - sc.day(0, "06:00:05")
A2_ON = (sc.day(0, "12:00:05") + 1500) - sc.day(0, "06:00:05")
A3_ON = A1_OPERATING - 5
B1_WINDOW = sc.END - sc.day(0, "00:00:05")
B1_ON = sc.END - sc.day(1, "00:00:05")


def pct(part, whole):
    return round(100 * part / whole, 2)


def test_outages_measured_to_the_second(province):
    live, ids = province
    a1 = board_report(live, ids, "A1")
    assert A1_OUTAGE == 3907
    outages = a1["tables"]["outages"]["rows"]
    assert outages == [
        {"start": "2026-03-02 10:25:05", "end": "2026-03-02 11:30:12", "state": "mất liên lạc", "length_s": 3907, "counted_s": 3907},
        {"start": "2026-03-02 23:15:12", "end": "2026-03-03 06:00:05", "state": "mất liên lạc",
         "length_s": round(sc.day(1, "06:00:05") - sc.day(0, "23:15:12")), "counted_s": 5},
    ]
    assert a1["on_screen_pct"] == pct(A1_ON, A1_OPERATING)
    assert a1["connected_pct"] == pct(A1_ON, A1_OPERATING)


def test_operating_hours_respected(province):
    live, ids = province
    a1 = board_report(live, ids, "A1")
    # Scheduled off 22:00-23:15 and dark overnight: none of it counts against the board.
    assert a1["operating_h"] == round(A1_OPERATING / 3600, 2)
    a2 = board_report(live, ids, "A2")  # around the clock: the whole night counts
    assert a2["operating_h"] == round(A2_WINDOW / 3600, 2)
    assert a2["on_screen_pct"] == pct(A2_ON, A2_WINDOW)


def test_backfilled_heartbeats_count_on_screen_not_connected(province):
    live, ids = province
    a3 = board_report(live, ids, "A3")
    assert a3["on_screen_pct"] == pct(A3_ON, A1_OPERATING)
    assert a3["connected_pct"] == 0.0


def test_indicators_equal_a_hand_computation(province):
    live, ids = province
    report = province_report(live)
    threshold = 80
    on = {"A1": pct(A1_ON, A1_OPERATING), "A2": pct(A2_ON, A2_WINDOW), "A3": pct(A3_ON, A1_OPERATING), "B1": pct(B1_ON, B1_WINDOW)}
    assert on == {"A1": 96.6, "A2": 15.28, "A3": 100.0, "B1": 50.0}
    # 1.5: thị trấn An Ba (A3) and phường Bình Một (B1); 1.6: xã An Một (A1), An Hai (A2), Bình Hai (test board only).
    # 2.2: huyện An has the large board L1 connected throughout; thị xã Bình has none.
    expected = {
        "1.5": (int(on["A3"] >= threshold) + int(on["B1"] >= threshold), 2),
        "1.6": (int(on["A1"] >= threshold) + int(on["A2"] >= threshold) + 0, 3),
        "2.2": (1, 2),
    }
    got = {x["id"]: (x["numerator"], x["denominator"]) for x in report["indicators"]}
    assert got == expected
    values = {x["id"]: x["value_pct"] for x in report["indicators"]}
    assert values == {"1.5": 50.0, "1.6": 33.33, "2.2": 50.0}
    assert report["tiers"] == 3 and report["has_data"] is True
    targets = {x["id"]: x["target_pct"] for x in report["indicators"]}
    assert targets == {"1.5": None, "1.6": None, "2.2": None}, "the decision sets no target for 2026"
    assert {x["id"]: x["target_pct"] for x in province_report(live, period="2025")["indicators"]} == {"1.5": 100, "1.6": 70, "2.2": 100}


def test_period_with_no_data_says_so(province):
    live, ids = province
    report = province_report(live, period="2025-12")
    assert report["has_data"] is False
    assert all(x["value_pct"] is None for x in report["indicators"])
    a1 = board_report(live, ids, "A1", period="2025-12")
    assert a1["has_data"] is False and a1["on_screen_pct"] is None
    page = live.admin.get(f"/reports/province/{sc.CATALOGUE}/{sc.PROVINCE}", params={"period": "2025-12"})
    assert page.status_code == 200 and 'id="no-data"' in page.text
    future = province_report(live, period="2027")
    assert future["has_data"] is False


def test_clock_far_off_is_reported_and_placed_by_receipt(province):
    live, ids = province
    rows = {r["id"]: r for r in province_report(live)["tables"]["boards"]["rows"]}
    b1 = rows[ids["B1"]]
    assert b1["clock_ok"] == "lệch giờ" and b1["clock_offset_s"] == 7200.0 and b1["displaced"] == 144
    assert b1["on_screen_pct"] == pct(B1_ON, B1_WINDOW), "placed at receipt, the uptime is unaffected"
    assert rows[ids["A1"]]["clock_ok"] == "đúng giờ"
    assert ids["T"] not in rows, "test boards are left out of reports"


class _Tables(HTMLParser):
    """Cells of the page's tables: {table name: [{data-key: text}]}."""

    def __init__(self):
        super().__init__()
        self.tables, self.table, self.key, self.row = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "data-table" in a:
            self.table = self.tables.setdefault(a["data-table"], [])
        elif tag == "tr" and self.table is not None:
            self.row = {}
        elif tag == "td" and self.row is not None:
            self.key = a["data-key"]
            self.row[self.key] = ""

    def handle_endtag(self, tag):
        if tag == "td":
            self.key = None
        elif tag == "tr" and self.row:
            self.table.append(self.row)
            self.row = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.key is not None:
            self.row[self.key] += data


def _norm(value, page: bool = False) -> str:
    text = re.sub(r"\s+", " ", str(value)).strip()
    if text in ("None", "không có dữ liệu", ""):
        return ""
    if page and re.fullmatch(r"-?\d{1,3}(\.\d{3})*(,\d+)?", text):  # the page writes numbers as Vietnamese does: 1.234,5
        text = text.replace(".", "").replace(",", ".")
    try:
        return repr(float(text))  # XLSX gives 50 back for 50.0: compare numbers as numbers
    except ValueError:
        return text


def _below_title(rows: list[list]) -> list[list]:
    """The table under the export's title block (which ends at the first empty row)."""
    blank = next(k for k, row in enumerate(rows) if not any(c not in (None, "") for c in row))
    return rows[blank + 1:]


@pytest.mark.parametrize("table", ["indicators", "units", "boards"])
def test_exports_hold_the_same_numbers_as_the_page(province, table):
    live, ids = province
    page = live.admin.get(f"/reports/province/{sc.CATALOGUE}/{sc.PROVINCE}", params=Q)
    assert page.status_code == 200 and "<svg" in page.text
    parser = _Tables()
    parser.feed(page.text)
    shown = [{k: _norm(v, page=True) for k, v in row.items()} for row in parser.tables[table]]
    assert shown
    base = f"/reports/province/{sc.CATALOGUE}/{sc.PROVINCE}/export/{table}"
    raw = live.admin.get(base + ".csv", params=Q)
    assert raw.headers["content-type"].startswith("text/csv") and raw.content.startswith(b"\xef\xbb\xbf")
    rows = _below_title(list(csv.reader(io.StringIO(raw.content.decode("utf-8-sig")))))
    book = openpyxl.load_workbook(io.BytesIO(live.admin.get(base + ".xlsx", params=Q).content))
    sheet = _below_title([[c for c in row] for row in book.active.iter_rows(values_only=True)])
    keys = list(shown[0])
    assert rows[0] == list(sheet[0])
    # Below the table, after a blank row, each export carries the page's verification status and what each check covers.
    blank, blank_x = rows.index([]), next(k for k, r in enumerate(sheet) if not any(r))
    # The page and the files name a board's class ("Bảng tin cấp xã"); the API keeps its id, as the evidence bundle does.
    named = lambda k, v: i18n.text("vi", f"boards.class_{v}") if k == "board_class" and v else v  # noqa: E731
    as_csv = [dict(zip(keys, (_norm(v) for v in r))) for r in rows[1:blank]]
    as_xlsx = [dict(zip(keys, (_norm(v) for v in r))) for r in sheet[1:blank_x]]
    assert not {"commune", "large"} & {r.get("board_class") for r in as_csv + as_xlsx}
    assert as_csv == shown
    assert as_xlsx == shown
    # And the JSON API serves the same rows, and the same note.
    api = province_report(live)["tables"][table]
    assert [{k: _norm(named(k, r[k])) for k in keys} for r in api["rows"]] == shown
    assert [r[0] for r in rows[blank + 1:]] == [r[0] for r in sheet[blank_x + 1:]] == api["note"]
    assert api["note"][0].startswith("Xác minh số liệu với chuỗi:") and "Kiểm tra nhanh:" in api["note"][-1]


def test_drill_down_pages(province):
    live, ids = province
    index = live.admin.get("/reports", params={"catalogue": sc.CATALOGUE})
    assert index.status_code == 200 and f'href="/reports/province/{sc.CATALOGUE}/{sc.PROVINCE}"' in index.text
    unit = live.admin.get(f"/reports/province/{sc.CATALOGUE}/{sc.PROVINCE}/units/901", params=Q)
    assert unit.status_code == 200
    for name in ("A1", "A2", "A3", "L1"):
        assert ids[name] in unit.text
    assert ids["B1"] not in unit.text
    data = live.admin.get("/api/v1/reports/units/901", params={"catalogue": sc.CATALOGUE, "province": sc.PROVINCE, **Q}).json()
    assert data["best_on_screen_pct"] == 100.0 and data["best_connected_pct"] == 100.0  # the large board L1
    assert "hiển thị 100 %" in unit.text  # 100.0 written as Vietnamese writes it
    assert {r["id"] for r in data["tables"]["boards"]["rows"]} == {ids[n] for n in ("A1", "A2", "A3", "L1")}
    board = live.admin.get(f"/reports/board/{ids['A1']}", params={"quarter": "2026-Q1"})
    assert board.status_code == 200 and "Quý 1/2026" in board.text and 'data-ok="true"' in board.text
    custom = live.admin.get(f"/reports/board/{ids['A1']}", params={"from": "2026-03-02", "to": "2026-03-03"})
    assert "02/03/2026 – 03/03/2026" in custom.text and "<svg" in custom.text
    out = live.admin.get(f"/reports/board/{ids['A1']}/export/outages.xlsx", params=Q)
    sheet = _below_title(list(openpyxl.load_workbook(io.BytesIO(out.content)).active.iter_rows(values_only=True)))
    assert not any(sheet[3]) and len([r for r in sheet[:3] if any(r)]) == 3, "a header, two outages, then the note"
    assert sheet[4][0].startswith("Xác minh số liệu với chuỗi: đã xác minh (kiểm tra đầy đủ lúc")


def test_auditor_sees_own_province_only(province):
    live, ids = province
    db = connect(live.db_path)
    with db.atomic():
        mine = create_api_token(db, create_user(db, "kiemtoan90", None, "auditor", sc.CATALOGUE, sc.PROVINCE), "t")
        other = create_api_token(db, create_user(db, "kiemtoan01", None, "auditor", "vn-2025", "01"), "t")
        editor = create_api_token(db, create_user(db, "bientap90", None, "editor", sc.CATALOGUE, sc.PROVINCE), "t")
    db.close()
    params = {"catalogue": sc.CATALOGUE, "province": sc.PROVINCE, **Q}
    assert Client(live.base_url, mine).get("/api/v1/reports/indicators", params=params).status_code == 200
    assert Client(live.base_url, other).get("/api/v1/reports/indicators", params=params).status_code == 404  # outside: as if missing
    assert Client(live.base_url, editor).get("/api/v1/reports/indicators", params=params).status_code == 403
    assert Client(live.base_url).get("/api/v1/reports/indicators", params=params).status_code == 401


def test_thinned_chain_fails_verification(province):
    live, ids = province
    board = ids["A2"]
    ok = live.admin.get(f"/api/v1/reports/boards/{board}/chain").json()
    assert ok["ok"] is True and ok["heartbeats"] == len(sc.A2_ON)
    with sqlite3.connect(live.db_path) as db:
        db.execute("DELETE FROM heartbeats WHERE board_id = ? AND seq = 17", [board])
    broken = live.admin.get(f"/api/v1/reports/boards/{board}/chain").json()
    assert broken["ok"] is False and broken["first_bad_seq"] == 17
    page = live.admin.get(f"/reports/board/{board}", params=Q)
    assert 'data-ok="false"' in page.text and "seq 17" in page.text
    rows = {r["id"]: r for r in province_report(live)["tables"]["boards"]["rows"]}
    assert rows[board]["chain"] == "bị phá vỡ tại seq 17 (kiểm tra nhanh)" and rows[ids["A1"]]["chain"] == "toàn vẹn (kiểm tra nhanh)"
    cli = subprocess.run([sys.executable, "-m", "manager", "verify-chain", "--db", str(live.db_path), "--board", board,
                          "--board", ids["A1"]], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert cli.returncode == 1, cli.stderr
    assert f"{board}: BROKEN at seq 17" in cli.stdout and f"{ids['A1']}: OK" in cli.stdout


def test_changed_operating_hours_apply_from_their_change_on(manager_factory):
    """Hours widened on Tuesday: Monday is still measured against the hours it had (06:00-22:00)."""
    from tests.uptime.uptime_helpers import Chain, payloads

    live = manager_factory(fake_clock=sc.T0 - 600)
    sc.setup_units(live)
    board_id, client = sc.pair(live, "Bảng đổi giờ", "90101")
    live.admin.patch(f"/api/v1/boards/{board_id}", json={"operating_hours": sc.HOURS_6_22, "heartbeat_interval_s": 600}).raise_for_status()
    chain = Chain(600)
    widened = False
    for t in sc.every(sc.day(0, "00:00:05"), sc.day(1, "23:50:05"), 600):
        if not widened and t >= sc.day(1, "00:00:00"):
            live.set_clock(sc.day(1, "00:00:00"))
            live.admin.patch(f"/api/v1/boards/{board_id}", json={"operating_hours": []}).raise_for_status()
            widened = True
        live.set_clock(t)
        client.post(f"/api/v1/boards/{board_id}/heartbeats", json=payloads([chain.beat(t)])).raise_for_status()
    live.set_clock(sc.END + 3600)
    report = board_report(live, {"H": board_id}, "H")
    assert report["operating_h"] == 16 + 24, "Monday 06:00-22:00, then all of Tuesday"
    assert report["on_screen_pct"] == 100.0


def test_the_chosen_period_is_the_one_shown_and_exported(province):
    """Finding 1: a month left in the picker overrode the auditor's quarter, on the page and in the files."""
    live, ids = province
    base = f"/reports/province/{sc.CATALOGUE}/{sc.PROVINCE}"
    page = live.admin.get(base, params={"kind": "quarter", "month": "2025-12", "quarter": "2026-Q1", "year": ""})
    assert page.status_code == 200
    assert re.search(r"<h1>[^<]*<span class=\"period-head\">— Quý 1/2026</span></h1>", page.text)
    assert 'value="quarter" checked' in page.text and "01/01/2026 – 31/03/2026" in page.text
    link = re.search(r'id="workbook" href="([^"]+)"', page.text)[1].replace("&amp;", "&")
    book = openpyxl.load_workbook(io.BytesIO(live.admin.get(link).content))
    assert book.sheetnames[0] == "Thông tin" and "Chỉ tiêu" in book.sheetnames and "Bảng tin" in book.sheetnames
    about = {row[0]: row[1] for row in book["Thông tin"].iter_rows(values_only=True) if row[0]}
    assert about["Kỳ báo cáo"] == "Quý 1/2026" and about["Tỉnh/thành phố"] in page.text
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", about["Thời điểm lập"])
    units = _below_title([list(r) for r in book["Đơn vị theo chỉ tiêu"].iter_rows(values_only=True)])
    assert units and not any(v == "không có dữ liệu" for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row)
    typed = live.admin.get(base, params={"kind": "dates", "from": "02/03/2026", "to": "03/03/2026"})
    assert "— 02/03/2026 – 03/03/2026" in typed.text
    wrong = live.admin.get(base, params={"kind": "dates", "from": "03/02/2026 10:00 AM", "to": "x"})
    assert wrong.status_code == 422 or "ngày/tháng/năm" in wrong.text
