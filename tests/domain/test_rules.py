"""The domain's rules without HTTP, on a real SQLite file: the six findings of issue 10, and wake-ups."""
import json
from datetime import datetime, timedelta, timezone

import pytest

from manager import content, manifest
from manager.domain import alerts as dalerts
from manager.domain import audit_log, policy, source_link
from manager.domain import boards as dboards
from manager.domain import content as dcontent
from manager.domain import inbox as dinbox
from manager.domain import sources as dsources
from manager.errors import Invalid, NotAllowed, NotFound, OutOfScope, StateConflict
from manager.sources import inbox, store
from manager.sources.cap_adapter import item_from_xml
from tests.domain.conftest import COMMUNE_A, COMMUNE_B
from tests.sources.conftest import fixture_bytes

BULLETIN = {"zone": "bulletin", "kind": "bulletin"}


def _playlist(w, who, title, unit=None) -> dict:
    return w.domain.write(dcontent.create_playlist, w[who], content.PlaylistIn(
        name=f"DS {title}", unit_code=unit, items=[content.ItemIn(**BULLETIN, title=title)]))


def _edit(w, who, playlist_id, title) -> dict:
    return w.domain.write(dcontent.update_playlist, w[who], playlist_id, content.PlaylistIn(
        name="DS sửa", items=[content.ItemIn(**BULLETIN, title=title)]))


def _schedule(w, who, playlist_id, kind, target) -> dict:
    return w.domain.write(dcontent.create_schedule, w[who], content.ScheduleIn(
        playlist_id=playlist_id, target={"kind": kind, "id": target}))


def _act(w, who, schedule_id, action, reason="") -> dict:
    return w.domain.write(dcontent.transition, w[who], schedule_id, action, reason)


def _on_board(w, board_id) -> list[str]:
    built = manifest.build(w.store.db(), board_id, datetime.now(timezone.utc), 2)
    return [i.title for p in built.playlists.values() for i in p.items]


def test_approved_content_is_immutable_until_someone_else_approves_the_edit(world):
    w = world
    playlist = _playlist(w, "a_editor", "Bản đã duyệt")
    schedule = _schedule(w, "a_editor", playlist["id"], "board", w.board_a)
    _act(w, "a_editor", schedule["id"], "submit")
    approved = _act(w, "a_approver", schedule["id"], "approve")
    assert approved["status"] == "approved" and approved["live_revision"] == 1
    assert _on_board(w, w.board_a) == ["Bản đã duyệt"]

    _edit(w, "a_editor", playlist["id"], "Bản sửa chưa duyệt")  # the finding: this used to reach boards at once
    assert _on_board(w, w.board_a) == ["Bản đã duyệt"]
    shown = w.domain.read(dcontent.get_schedule, w["a_editor"], schedule["id"])
    assert shown["status"] == "approved" and shown["on_air"] and shown["unsubmitted_edit"] and shown["head_revision"] == 2

    waiting = _act(w, "a_editor", schedule["id"], "submit")
    assert waiting["status"] == "submitted" and waiting["awaiting_approval"] and waiting["live_revision"] == 1
    assert [c["change"] for c in waiting["changes"]] == ["renamed", "changed"]
    assert waiting["changes"][1]["edited"] == ["text"] and waiting["changes"][1]["before"]["title"] == "Bản đã duyệt"
    assert _on_board(w, w.board_a) == ["Bản đã duyệt"], "boards keep the approved revision while the edit waits"
    with pytest.raises(NotAllowed):
        _act(w, "a_editor", schedule["id"], "approve")
    _act(w, "a_approver", schedule["id"], "approve")
    assert _on_board(w, w.board_a) == ["Bản sửa chưa duyệt"]
    log = [(r["username"], r["action"], r["detail"].get("revision")) for r in w.audit(schedule["id"])]
    assert log[-2:] == [("a_editor", "submit", 2), ("a_approver", "approve", 2)]
    assert w.audit(playlist["id"])[-1]["detail"]["on_air_schedules"] == [schedule["id"]]

    # A rejected edit leaves the approved revision on air.
    _edit(w, "a_editor", playlist["id"], "Bản sửa bị trả lại")
    _act(w, "a_editor", schedule["id"], "submit")
    rejected = _act(w, "a_approver", schedule["id"], "reject", "Sai chính tả")
    assert rejected["status"] == "approved" and rejected["live_revision"] == 2
    assert _on_board(w, w.board_a) == ["Bản sửa chưa duyệt"]
    assert _act(w, "a_editor", schedule["id"], "withdraw")["on_air"] is False
    assert _on_board(w, w.board_a) == []


def test_separation_of_duties_and_the_admin_override(world):
    w = world
    mine = _playlist(w, "a_approver", "Tự soạn")
    schedule = _schedule(w, "a_approver", mine["id"], "board", w.board_a)
    with pytest.raises(StateConflict):
        _act(w, "a_approver", schedule["id"], "approve")  # no approval without a submit step
    _act(w, "a_approver", schedule["id"], "submit")
    with pytest.raises(NotAllowed):
        _act(w, "a_approver", schedule["id"], "approve")
    assert w.domain.read(dcontent.get_schedule, w["a_approver"], schedule["id"])["status"] == "submitted"
    _act(w, "a_approver2", schedule["id"], "approve")  # a second person

    # Someone who changed the content since the approved revision cannot approve it either.
    _edit(w, "a_approver2", mine["id"], "Sửa bởi người duyệt thứ hai")
    _act(w, "a_editor", schedule["id"], "submit")
    with pytest.raises(NotAllowed):
        _act(w, "a_approver2", schedule["id"], "approve")
    _act(w, "a_approver", schedule["id"], "approve")

    own = _playlist(w, "admin", "Quản trị tự soạn", unit=COMMUNE_A)
    s2 = _schedule(w, "admin", own["id"], "board", w.board_a)
    _act(w, "admin", s2["id"], "submit")
    with pytest.raises(Invalid):
        _act(w, "admin", s2["id"], "approve")
    _act(w, "admin", s2["id"], "approve", "Khẩn: cán bộ duyệt vắng mặt")
    last = w.audit(s2["id"])[-1]
    assert last["action"] == "approve" and last["detail"]["override"] is True and last["detail"]["reason"] == "Khẩn: cán bộ duyệt vắng mặt"


def test_schedule_scope_follows_every_target(world):
    w = world
    playlist = _playlist(w, "p_editor", "Của xã A", unit=COMMUNE_A)
    schedule = _schedule(w, "p_editor", playlist["id"], "board", w.board_b)  # commune A's content on commune B's board
    _act(w, "p_editor", schedule["id"], "submit")
    with pytest.raises(OutOfScope):
        _act(w, "a_approver", schedule["id"], "approve")  # A's approver: the target is not theirs
    seen = w.domain.read(dcontent.get_schedule, w["b_approver"], schedule["id"])
    assert seen["may_act"] and seen["items"][0]["title"] == "Của xã A"
    _act(w, "b_approver", schedule["id"], "approve")
    _act(w, "b_approver", schedule["id"], "withdraw")
    with pytest.raises(OutOfScope):
        _schedule(w, "a_editor", _playlist(w, "a_editor", "Lấn sân")["id"], "board", w.board_b)
    with pytest.raises(OutOfScope):
        _schedule(w, "a_editor", playlist["id"], "unit", "15")  # the province reaches communes not theirs
    with pytest.raises(NotFound):
        w.domain.read(dcontent.get_schedule, w["o_approver"], schedule["id"])


@pytest.fixture(scope="module")
def warning(world):
    """A CAP warning waiting in the inbox, for provinces 22 and 31 (Quảng Ninh, Hải Phòng)."""
    with world.store.write() as db:
        source, _ = store.create(db, world["admin"], store.SourceIn(name="PCTT", adapter="cap", mode="approval"))
        sent = datetime.fromisoformat("2025-09-05T08:00:00+07:00")
        row, _ = inbox.receive(db, source, item_from_xml(fixture_bytes("cap_vi_typhoon.xml")), sent + timedelta(hours=13))
    assert row["status"] == "pending"
    return row


def test_inbox_reads_and_decisions_check_the_targeted_units(world, warning):
    w = world
    from manager.auth import create_user, principal_for

    with w.store.write() as db:
        qn = principal_for(db["users"].get(create_user(db, "qn_approver", "matkhau-kiem-thu", "approver", None, "22")))
    with pytest.raises(NotAllowed):
        w.domain.write(dinbox.reject, w["a_editor"], warning["id"], inbox.RejectIn())  # a warning needs an approver
    for who in ("a_approver", "p_approver", "o_approver"):
        with pytest.raises(NotFound):
            w.domain.read(dinbox.get_item, w[who], warning["id"])
        with pytest.raises(NotFound):
            w.domain.write(dinbox.reject, w[who], warning["id"], inbox.RejectIn(reason="Không phải của tỉnh"))
        assert warning["id"] not in [i["id"] for i in w.domain.read(dinbox.list_items, w[who])]
    assert w.domain.read(dinbox.get_item, qn, warning["id"])["may_decide"] is False  # sees it: 22 is targeted
    with pytest.raises(NotFound):
        w.domain.write(dinbox.reject, qn, warning["id"], inbox.RejectIn())  # 31 is not theirs to silence
    assert w.store.db()["inbox"].get(warning["id"])["status"] == "pending"


def test_secrets_are_write_only(world):
    w = world
    body = store.SourceIn(name="Nguồn có khóa", adapter="json-feed", url="https://u:mat-khau@tin.example/feed.json?api_key=K1&lang=vi",
                          config={"api_key": "bí-mật", "headers": {"Authorization": "Bearer xyz"}, "lang": "vi"})
    made = w.domain.write(dsources.create_source, w["admin"], body)
    for who in ("admin", "a_editor", "p_auditor"):
        (shown,) = [s for s in w.domain.read(dsources.list_sources, w[who]) if s["id"] == made["id"]]
        text = json.dumps(shown, ensure_ascii=False)
        assert "bí-mật" not in text and "xyz" not in text and "mat-khau" not in text and "K1" not in text, who
        assert shown["config"]["lang"] == "vi" and "lang=vi" in shown["url"]
    shown = w.domain.write(dsources.update_source, w["admin"], made["id"], store.SourcePatch(config=shown["config"], url=shown["url"]))
    stored = store.get(w.store.db(), made["id"])
    assert stored["config"]["api_key"] == "bí-mật" and stored["url"].startswith("https://u:mat-khau@"), "sending the mask back keeps the secret"


def test_auditors_and_the_province_level_reads(world):
    w = world
    for who in ("a_auditor", "a_editor"):
        with pytest.raises(NotAllowed):
            w.domain.read(audit_log.latest, w[who])
        with pytest.raises(NotAllowed):
            w.domain.read(source_link.status, w[who])
    assert w.domain.read(audit_log.latest, w["p_auditor"], 5)
    shown = {b["id"] for b in w.domain.read(source_link.status, w["p_auditor"])["boards"]}
    assert {w.board_a, w.board_b} <= shown and w.board_o not in shown, "a province reads its own boards' positions only"
    with pytest.raises(NotAllowed):
        w.domain.read(source_link.status, w["o_editor"])


def test_other_units_objects_read_as_missing(world):
    w = world
    with pytest.raises(NotFound) as missing:
        w.domain.read(dboards.get_board, w["a_editor"], "b-0000000000")
    with pytest.raises(OutOfScope) as elsewhere:
        w.domain.read(dboards.get_board, w["a_editor"], w.board_o)
    assert type(missing.value) is NotFound and isinstance(elsewhere.value, NotFound)
    assert elsewhere.value.message_vi == f"Không có bảng tin {w.board_o}"
    with w.store.write() as db:
        from manager import assets

        assets.record(db, "ab" * 32, 10, assets.Probe("image/png", "image", 10, 10, None), "anh.png", w["o_editor"].user_id,
                      "vn-2025", "00070")
    with pytest.raises(NotFound):
        w.domain.write(dcontent.create_playlist, w["a_editor"], content.PlaylistIn(
            name="Dùng ảnh người khác", items=[content.ItemIn(zone="main", kind="image", asset="ab" * 32)]))


def test_wake_ups_name_only_the_boards_affected(world):
    w = world
    playlist = _playlist(w, "a_editor", "Đánh thức")
    schedule = _schedule(w, "a_editor", playlist["id"], "unit", COMMUNE_A)
    w.feed.named.clear()
    _act(w, "a_editor", schedule["id"], "submit")
    _edit(w, "a_editor", playlist["id"], "Sửa nháp")
    assert w.feed.named == [], "a draft reaches no board: nobody to wake"
    _act(w, "a_editor", schedule["id"], "submit")
    _act(w, "a_approver", schedule["id"], "approve")
    assert w.feed.named == [[w.board_a]]
    w.domain.write(dboards.update_board, w["b_editor"], w.board_b, {"name": "Bảng xã B mới"})
    assert w.feed.named[-1] == [w.board_b]
    alert = w.domain.write(dalerts.broadcast, w["a_approver"], dalerts.alerts.AlertIn(level=3, headline="Lũ quét", authority="UBND xã A", units=[{"code": COMMUNE_A}]))
    assert w.feed.named[-1] == [w.board_a]
    w.domain.write(dalerts.withdraw, w["a_approver"], alert["id"])
    assert w.feed.named[-1] == [w.board_a]
    assert policy.target_board_ids(w.store.db(), "unit", f"vn-2025:{COMMUNE_B}") == [w.board_b]
