"""The report pages follow the console's language switch: Vietnamese by default, English with `?lang=en` (then a cookie)."""
import csv
import io

import openpyxl

from manager import indicators as ind
from manager.reports import charts, period, tables
from tests.live_manager import Client
from tests.uptime.test_reports_http import _below_title
from tests.uptime import scenario as sc

Q = {"period": sc.PERIOD}
PROVINCE_PAGE = f"/reports/province/{sc.CATALOGUE}/{sc.PROVINCE}"
TITLES = {i.id: i for i in ind.load()}


def fresh(live) -> Client:
    """The admin's token in a session of its own, so a language cookie never reaches the other tests' client."""
    return Client(live.base_url, live.admin_token)


def test_province_page_is_vietnamese_by_default(province):
    live, ids = province
    page = fresh(live).get(PROVINCE_PAGE, params=Q)
    assert page.status_code == 200 and '<html lang="vi">' in page.text
    assert "thời gian hoạt động và chỉ tiêu <span class=\"period-head\">" in page.text and "<h2>Chỉ tiêu</h2>" in page.text
    assert TITLES["1.5"].title_vi in page.text and TITLES["1.5"].title_en not in page.text
    assert '<th data-key="value_pct">Kết quả (%)</th>' in page.text and "Xuất:" in page.text
    assert "Kỳ báo cáo:" in page.text and "Thời gian hoạt động trung bình của các bảng tin (%)" in page.text
    assert "Hash chain" not in page.text


def test_province_page_in_english(province):
    live, ids = province
    client = fresh(live)
    page = client.get(PROVINCE_PAGE, params={**Q, "lang": "en"})
    assert page.status_code == 200 and '<html lang="en">' in page.text
    assert ": uptime and indicators <span class=\"period-head\">" in page.text and "<h2>Indicators</h2>" in page.text
    assert TITLES["1.5"].title_en in page.text and TITLES["2.2"].title_en in page.text
    assert TITLES["1.5"].title_vi not in page.text, "the indicator's Vietnamese title stays out of the English page"
    assert '<th data-key="value_pct">Result (%)</th>' in page.text and '<th data-key="title_en">Indicator</th>' in page.text
    assert "Export:" in page.text and "Report period:" in page.text and "value=\"quarter\"> Quarter</label>" in page.text
    assert "Mean uptime of the boards (%)" in page.text and "On screen, mean" in page.text, "chart title and legend"
    assert "Quick check: the chain" in page.text and "Figures verified against the chain" in page.text
    for vietnamese in ("thời gian hoạt động và chỉ tiêu", "Kết quả (%)", "Xuất:", "Kỳ báo cáo", "Chuỗi băm", "không có dữ liệu"):
        assert vietnamese not in page.text, vietnamese
    # The cookie remembers the choice: the board page follows without ?lang.
    board = client.get(f"/reports/board/{ids['A1']}", params={"quarter": "2026-Q1"})
    assert "Q1 2026" in board.text and "<dt>Hash chain</dt>" in board.text and "intact" in board.text
    assert "<dt>On screen</dt>" in board.text and "Uptime (%)" in board.text and "Quý 1/2026" not in board.text
    index = client.get("/reports", params={"catalogue": sc.CATALOGUE})
    assert "<h1>Uptime and indicator reports</h1>" in index.text
    back = client.get(PROVINCE_PAGE, params={**Q, "lang": "vi"})
    assert "<h2>Chỉ tiêu</h2>" in back.text and TITLES["1.5"].title_vi in back.text


def test_no_data_in_english(province):
    live, ids = province
    page = fresh(live).get(PROVINCE_PAGE, params={"period": "2025-12", "lang": "en"})
    assert 'id="no-data"><strong>No data</strong> for this period' in page.text
    assert '<span class="nodata">no data</span>' in page.text and "12/2025" in page.text


def test_exports_follow_the_switch_with_the_same_numbers(province):
    live, ids = province
    base = f"{PROVINCE_PAGE}/export/indicators"
    vi = _below_title(list(csv.reader(io.StringIO(fresh(live).get(base + ".csv", params=Q).content.decode("utf-8-sig")))))
    en = _below_title(list(csv.reader(io.StringIO(fresh(live).get(base + ".csv", params={**Q, "lang": "en"}).content.decode("utf-8-sig")))))
    assert vi[0][:3] == ["Mã", "Chỉ tiêu QĐ 184", "Nội dung"] and en[0][:3] == ["Code", "Decision 184 indicator", "Indicator"]
    numbers = slice(5, 10)  # threshold, numerator, denominator, result, target
    vi, en = vi[:vi.index([])], en[:en.index([])]  # the verification note follows a blank row
    assert [r[numbers] for r in vi[1:]] == [r[numbers] for r in en[1:]]
    by_code = {tables.indicator_code(i, "en"): i for i in TITLES.values()}
    assert {r[2] for r in en[1:]} == {by_code[r[0]].title_en for r in en[1:]}
    book = openpyxl.load_workbook(io.BytesIO(fresh(live).get(base + ".xlsx", params={**Q, "lang": "en"}).content))
    rows = _below_title([[c for c in r] for r in book.active.iter_rows(values_only=True)])
    assert rows[0][:3] == ("Code", "Decision 184 indicator", "Indicator") or rows[0][:3] == ["Code", "Decision 184 indicator", "Indicator"]
    assert book.active["A3"].value == "Report period" and book.active.title == "Indicators"


def test_pure_parts_take_a_language():
    assert period.parse("2026-03").label("en") == "03/2026" and period.parse("2026-03").label() == "Tháng 3/2026"
    assert period.parse("2026-Q2").label("en") == "Q2 2026" and period.parse("2026").label("en") == "Year 2026"
    assert "No data" in charts.line_chart(["a"], [("x", [None])], "t", lang="en")
    empty = tables.outage_table(None, "en")
    assert empty.title == "Outages" and empty.columns[0] == ("start", "Start")
    assert tables.outage_table(None).title == "Các lần gián đoạn"
