"""Numbers and dates as Vietnamese writes them, whatever the browser's locale; the report picker reads one kind."""
from datetime import date

import pytest

from manager import vnformat
from manager.errors import BadInput
from manager.reports import period


def test_numbers_and_percentages():
    assert vnformat.number(1234.5) == "1.234,5" and vnformat.percent(98.7) == "98,7 %"
    assert vnformat.number(1234567) == "1.234.567" and vnformat.number(0.5, 2) == "0,50"
    assert vnformat.number(1234.5, lang="en") == "1,234.5" and vnformat.percent(98.7, lang="en") == "98.7%"
    assert vnformat.number(None) == "" and vnformat.number("abc") == "abc"


def test_dates_typed_day_first():
    assert vnformat.parse_day("05/01/2026") == date(2026, 1, 5) == vnformat.parse_day("5-1-2026")
    assert vnformat.parse_day("2026-01-05") == date(2026, 1, 5)
    for bad in ("01/05/26", "31/02/2026", "05/01/2026 10:00 AM", ""):
        with pytest.raises(ValueError):
            vnformat.parse_day(bad)
    assert vnformat.moment(1767225600) == "01/01/2026 07:00"  # 00:00 UTC


def test_the_picker_reads_only_the_chosen_kind():
    # The finding: a month left filled in won over the quarter the auditor chose.
    fields = {"month": "2026-12", "quarter": "2026-Q3", "year": "", "from": "", "to": ""}
    assert period.parse(period.from_picker("quarter", fields)).label() == "Quý 3/2026"
    assert period.parse(period.from_picker("month", fields)).label() == "Tháng 12/2026"
    dates = period.parse(period.from_picker("dates", {"from": "05/01/2026", "to": "10/02/2026"}))
    assert dates.label() == "05/01/2026 – 10/02/2026"
    for kind, fields in (("year", {"year": ""}), ("dates", {"from": "01/13/2026", "to": "02/02/2026"}), ("week", {})):
        with pytest.raises(BadInput):
            period.from_picker(kind, fields)


def test_schedule_phase_tells_upcoming_from_on_air():
    from datetime import datetime, timezone

    from manager.domain.schedule_phase import phase

    now = datetime(2026, 12, 2, 4, 0, tzinfo=timezone.utc)  # 11:00 in Vietnam
    assert phase({"starts_at": "2026-12-09T01:00:00Z"}, now)[0] == "upcoming"
    assert phase({"date_from": "2026-12-03"}, now) == ("upcoming", date(2026, 12, 3))
    assert phase({"date_from": "2026-12-02", "date_to": "2026-12-02"}, now)[0] == "on_air"
    assert phase({"ends_at": "2026-12-02T03:59:00Z"}, now)[0] == "ended"
    assert phase({}, now) == ("on_air", None)
