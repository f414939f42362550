"""Failure reasons: a code and values, worded in both languages, stored and read back (old English rows too)."""
import pytest

from manager import i18n, reasons
from manager.reasons import Reason


@pytest.mark.parametrize("code", [c for c in reasons.CODES if c != "legacy"])
def test_every_reason_has_a_vietnamese_and_an_english_wording(code):
    vi, en = i18n.MESSAGES[f"reason.{code}"]
    assert vi and en and vi != en


def test_a_reason_round_trips_through_its_stored_form_and_speaks_each_language():
    stored = Reason("tail_missing", {"seq": 41, "head": 50}).encode()
    back = reasons.decode(stored)
    assert back == Reason("tail_missing", {"seq": 41, "head": 50})
    assert back.text("vi") == "thiếu các nhịp tim sau seq 41 (nhịp tim mới nhất đã nhận là seq 50)"
    assert str(back) == "heartbeats after seq 41 are missing (the newest one received was seq 50)"
    # An instant is shown in Vietnam time (UTC+7), the same in both languages.
    assert "từ 01/04/2026 07:00:00" in Reason("facts_changed", {"at": 1775001600.0}).text("vi")


def test_rows_recorded_before_reasons_had_codes_read_back_in_the_readers_language():
    assert reasons.decode("checkpoint's count does not match its seqs (edited)") == Reason("cp_count")
    assert reasons.decode("prev_hash does not link to the previous heartbeat").text("vi").startswith("prev_hash không nối")
    odd = reasons.decode("something a database editor wrote")
    assert odd.code == "legacy" and odd.text("vi") == odd.text("en") == "something a database editor wrote"
    assert reasons.decode('{"code": "no-such-code"}').code == "legacy"
    assert reasons.decode(None) is None
    with pytest.raises(ValueError):
        Reason("no-such-code")
