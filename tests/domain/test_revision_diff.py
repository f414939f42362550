"""What the approver is shown as changed: items paired across revisions (their ids are new in each one)."""
from manager import revisions


def _rev(*items, name="Thông báo", layout="landscape-16x9") -> dict:
    return {"name": name, "layout": layout, "items": [{"zone": "main", "duration_s": 10, **i} for i in items]}


POSTER = {"kind": "image", "asset_sha256": "a" * 64}
MAP = {"kind": "image", "asset_sha256": "b" * 64}
NOTICE = {"kind": "bulletin", "zone": "bulletin", "title": "Họp dân", "body": "Tối thứ Sáu, 19 giờ.\nTại nhà văn hoá thôn."}
TICKER = {"kind": "ticker", "zone": "ticker", "text": "Tiêm chủng miễn phí"}


def test_edited_added_removed_and_moved_items():
    before = _rev(POSTER, NOTICE, TICKER, MAP)
    after = _rev(MAP, POSTER, {**NOTICE, "body": "Tối Chủ nhật, 19 giờ.\nTại nhà văn hoá thôn.", "duration_s": 30},
                 {"kind": "video", "asset_sha256": "c" * 64}, name="Thông báo họp dân")
    shown = [(e["change"], e["item"].get("asset_sha256", e["item"].get("text", ""))[:1] or e["item"]["kind"]) for e in revisions.compare(before, after)]
    assert shown == [("moved", "b"), ("same", "a"), ("changed", "bulletin"), ("removed", "T"), ("added", "c")]
    edited = next(e for e in revisions.compare(before, after) if e["change"] == "changed")
    assert edited["edited"] == ["text", "duration"] and edited["before"]["duration_s"] == 10
    assert [c["change"] for c in revisions.changes(before, after)] == ["renamed", "moved", "changed", "removed", "added"]
    assert [c["change"] for c in revisions.changes(None, after)] == ["added"] * 4, "nothing on air: everything is new"
    assert revisions.changes(before, before) == []


def test_text_difference_word_by_word_in_the_paragraphs_that_changed():
    diff = revisions.text_diff("Họp dân\nTối thứ Sáu, 19 giờ.\nTại nhà văn hoá thôn.", "Họp dân\nTối Chủ nhật, 19 giờ.\nTại nhà văn hoá thôn.")
    assert diff == [("skipped", "1"), ("same", "Tối "), ("removed", "thứ Sáu, "), ("added", "Chủ nhật, "), ("same", "19 giờ.\n"),
                    ("skipped", "1")]
