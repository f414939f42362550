"""The source link end to end on a live manager: CAP pushed and polled, reaching boards' manifests."""
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from protocol.heartbeat import Heartbeat
from protocol.manifest import Manifest

QN_WARD = "07090"  # Phường An Sinh, Quảng Ninh (province 22)
HN_WARD = "00070"  # Phường Hoàn Kiếm, Hà Nội (province 01)
T_SENT = datetime.fromisoformat("2025-09-05T08:00:00+07:00")  # <sent> of the typhoon warning fixture


def make_source(link, name, mode="auto", adapter="cap", url="", **extra) -> tuple[int, str]:
    r = link.admin.post("/api/v1/sources", json={"name": name, "adapter": adapter, "url": url, "mode": mode, **extra})
    assert r.status_code == 201, r.text
    return r.json()["id"], r.json()["push_token"]


def push(link, source_id, token, data: bytes, content_type="application/cap+xml"):
    from tests.live_manager import Client

    return Client(link.base_url, token).post(f"/api/v1/sources/{source_id}/cap", data=data, headers={"Content-Type": content_type})


def make_board(link, unit_code, name, **changes):
    board_id, token = link.pair_board(unit_code=unit_code, name=name)
    if changes:
        link.admin.patch(f"/api/v1/boards/{board_id}", json=changes).raise_for_status()
    return board_id, link.board_client(token)


def alerts_of(client, board_id) -> list:
    r = client.get(f"/api/v1/boards/{board_id}/manifest")
    r.raise_for_status()
    return Manifest.model_validate_json(r.content).alerts


@pytest.fixture(scope="module")
def boards(link):
    """A Quảng Ninh board, a Quảng Ninh test board, a Hà Nội board, and a Hà Nội board with a position in Hạ Long bay."""
    return {
        "qn": make_board(link, QN_WARD, "Bảng An Sinh"),
        "qn_test": make_board(link, QN_WARD, "Bảng thử An Sinh", is_test=1),
        "hn": make_board(link, HN_WARD, "Bảng Hoàn Kiếm", lat=21.0285, lon=105.8522),
        "hn_in_polygon": make_board(link, HN_WARD, "Bảng lưu động Hạ Long", lat=20.95, lon=107.08),
    }


def test_push_update_cancel_reach_manifests(link, boards, capdoc_at):
    source_id, token = make_source(link, "Tỉnh Quảng Ninh (đẩy, tự động)")
    qn_id, qn = boards["qn"]
    etag = qn.get(f"/api/v1/boards/{qn_id}/manifest").headers["etag"]
    result = {}

    def long_poll():
        r = qn.get(f"/api/v1/boards/{qn_id}/manifest", params={"wait": 20}, headers={"If-None-Match": etag})
        result["at"], result["r"] = time.monotonic(), r

    waiter = threading.Thread(target=long_poll)
    waiter.start()
    time.sleep(0.5)
    # The three messages keep their real spacing (08:00, 14:00, 20:00); the Cancel is sent now.
    now = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=12)
    sent_at = time.monotonic()
    r = push(link, source_id, token, capdoc_at("cap_vi_typhoon.xml", now))
    assert r.status_code == 200, r.text
    row = r.json()
    assert row["status"] == "published" and row["level"] == 4 and row["alert_id"]
    waiter.join(10)
    assert result["r"].status_code == 200
    assert result["at"] - sent_at < 2.0, "the warning must reach a waiting board within 2 s"
    (alert,) = Manifest.model_validate_json(result["r"].content).alerts
    assert alert.id == row["alert_id"] and alert.level == 4
    assert alert.headline == "Cảnh báo bão số 3 - rủi ro thiên tai cấp độ 4"
    assert alert.source.startswith("Ban Chỉ huy") and not alert.test

    # By unit code: the Quảng Ninh boards (test ones too, for an Actual message); by polygon: the board in Hạ Long bay.
    assert [a.id for a in alerts_of(*reversed(boards["qn_test"]))] == [alert.id]
    assert [a.id for a in alerts_of(*reversed(boards["hn_in_polygon"]))] == [alert.id]
    assert alerts_of(*reversed(boards["hn"])) == []

    # The same message again changes nothing.
    again = push(link, source_id, token, capdoc_at("cap_vi_typhoon.xml", now))
    assert again.status_code == 200 and again.json()["id"] == row["id"]

    update = push(link, source_id, token, capdoc_at("cap_vi_typhoon_update.xml", now, base=T_SENT))
    assert update.status_code == 200, update.text
    assert update.json()["status"] == "published" and update.json()["alert_id"] == alert.id
    (updated,) = alerts_of(qn, qn_id)
    assert updated.id == alert.id and updated.level == 5 and updated.headline.startswith("Bão số 3 rất mạnh")
    assert updated.starts_at == now + timedelta(hours=6) and updated.ends_at == now + timedelta(hours=52)

    # A board that connects later still gets the warning while it has not expired.
    late_id, late = make_board(link, QN_WARD, "Bảng kết nối muộn")
    assert [a.id for a in alerts_of(late, late_id)] == [alert.id]

    cancel = push(link, source_id, token, capdoc_at("cap_vi_typhoon_cancel.xml", now, base=T_SENT))
    assert cancel.status_code == 200, cancel.text
    assert cancel.json()["status"] == "published"
    assert alerts_of(qn, qn_id) == []
    assert alerts_of(*reversed(boards["hn_in_polygon"])) == []


def test_test_message_reaches_only_the_test_group(link, boards, capdoc_at):
    source_id, token = make_source(link, "Quảng Ninh - thử nghiệm")
    now = datetime.now(timezone.utc).replace(microsecond=0)
    r = push(link, source_id, token, capdoc_at("cap_vi_test.xml", now))
    assert r.status_code == 200 and r.json()["test"] is True
    alerts = alerts_of(*reversed(boards["qn_test"]))
    assert [a.headline for a in alerts] == ["THỬ NGHIỆM - Kiểm tra đường truyền cảnh báo thiên tai"] and alerts[0].test
    assert alerts_of(*reversed(boards["qn"])) == []
    assert alerts_of(*reversed(boards["hn"])) == []


def test_acknowledgement_is_visible(link, boards, capdoc_at):
    source_id, token = make_source(link, "Quảng Ninh - xác nhận")
    now = datetime.now(timezone.utc).replace(microsecond=0)
    doc = capdoc_at("cap_vi_test.xml", now).replace(b"QN-PCTT-2025-TEST-017", b"QN-PCTT-2025-TEST-ACK")
    alert_id = push(link, source_id, token, doc).json()["alert_id"]
    board_id, client = boards["qn_test"]
    hb = Heartbeat(seq=0, board_time=datetime.now(timezone.utc), display_state="on", alert=alert_id).sealed()
    r = client.post(f"/api/v1/boards/{board_id}/heartbeats", json={"heartbeats": [hb.model_dump(mode="json")]})
    assert r.status_code == 200, r.text
    assert link.admin.get(f"/api/v1/alerts/{alert_id}").json()["acknowledged_by"] == [board_id]
    # The inbox item lists every targeted board (only the test group here) and which ones acknowledged.
    item = push(link, source_id, token, doc).json()
    delivery = {d["board_id"]: d for d in link.admin.get(f"/api/v1/inbox/{item['id']}").json()["delivery"]}
    assert set(delivery) == {board_id}  # the one test board in Quảng Ninh
    assert delivery[board_id]["acknowledged_at"] is not None


def test_approval_first(link, boards, capdoc_at):
    source_id, token = make_source(link, "Quảng Ninh - duyệt trước", mode="approval")
    now = datetime.now(timezone.utc).replace(microsecond=0)
    doc = capdoc_at("cap_vi_typhoon.xml", now).replace(b"QN-PCTT-2025-0903-001", b"QN-PCTT-2025-0903-APPROVE")
    r = push(link, source_id, token, doc)
    assert r.status_code == 200 and r.json()["status"] == "pending" and r.json()["alert_id"] is None
    qn_id, qn = boards["qn"]
    assert alerts_of(qn, qn_id) == []
    pending = link.admin.get("/api/v1/inbox", params={"status": "pending", "source_id": source_id}).json()
    assert [p["id"] for p in pending] == [r.json()["id"]]
    accepted = link.admin.post(f"/api/v1/inbox/{r.json()['id']}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "published"
    (alert,) = alerts_of(qn, qn_id)
    assert alert.id == accepted.json()["alert_id"]
    assert link.admin.post(f"/api/v1/inbox/{r.json()['id']}/accept").status_code == 409
    link.admin.post(f"/api/v1/alerts/{alert.id}/withdraw").raise_for_status()

    doc2 = doc.replace(b"0903-APPROVE", b"0903-REJECT")
    r2 = push(link, source_id, token, doc2)
    rejected = link.admin.post(f"/api/v1/inbox/{r2.json()['id']}/reject", json={"reason": "Trùng bản tin"})
    assert rejected.json()["status"] == "rejected" and rejected.json()["reason"] == "Trùng bản tin"
    assert alerts_of(qn, qn_id) == []


@pytest.mark.parametrize("name, code", [
    ("bad_entity_bomb.xml", "cap_unsafe_xml"),
    ("bad_external_entity.xml", "cap_unsafe_xml"),
    ("bad_malformed.xml", "cap_malformed"),
    ("bad_namespace.xml", "cap_namespace"),
    ("bad_no_area.xml", "cap_no_area"),
    ("cap_spec_thunderstorm.xml", "cap_expired"),  # the specification's example expired in 2003
    ("cap_spec_homeland_security.xml", "cap_expired"),  # only a name ("U.S. nationwide"), which would wait for a person; but it expired
])
def test_bad_pushes_are_refused_and_recorded(link, boards, capdoc, capdoc_at, name, code):
    source_id, token = make_source(link, f"Nguồn lỗi {name}")
    # Something already on screen must survive the bad input.
    now = datetime.now(timezone.utc).replace(microsecond=0)
    keep = capdoc_at("cap_vi_typhoon.xml", now).replace(b"QN-PCTT-2025-0903-001", f"KEEP-{name}".encode())
    kept = push(link, source_id, token, keep).json()["alert_id"]
    r = push(link, source_id, token, capdoc(name))
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == code and body["message"] and body["message_en"]
    assert body["inbox"]["status"] == "refused"
    listed = link.admin.get("/api/v1/inbox", params={"source_id": source_id, "status": "refused"}).json()
    assert [i["id"] for i in listed] == [body["inbox"]["id"]]
    qn_id, qn = boards["qn"]
    assert kept in [a.id for a in alerts_of(qn, qn_id)]
    link.admin.post(f"/api/v1/alerts/{kept}/withdraw").raise_for_status()


def test_push_needs_the_sources_token_and_xml(link, capdoc):
    source_id, token = make_source(link, "Nguồn kiểm tra quyền")
    other_id, _ = make_source(link, "Nguồn khác")
    assert push(link, source_id, "src_wrong", capdoc("cap_vi_test.xml")).status_code == 401
    assert push(link, other_id, token, capdoc("cap_vi_test.xml")).status_code == 401
    assert push(link, source_id, token, b"<alert/>", content_type="text/plain").status_code == 415
    assert push(link, source_id, token, b"{}", content_type="application/json").status_code == 422  # a batch is a list


def test_atom_feed_polled_from_local_server(link, boards, feed_server, capdoc_at):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    feed = capdoc_at("atom_cap_feed.xml", now, base=T_SENT)
    feed = feed.replace(b"QN-PCTT-2025-0903-001", b"QN-PCTT-2025-0903-ATOM").replace(b"cap_vi_test.xml", b"linked-test.xml")
    test_doc = capdoc_at("cap_vi_test.xml", now).replace(b"QN-PCTT-2025-TEST-017", b"QN-PCTT-2025-TEST-ATOM")
    url = feed_server.serve("/cap/atom.xml", feed, "application/atom+xml")
    feed_server.serve("/cap/linked-test.xml", test_doc)
    source_id, _ = make_source(link, "Quảng Ninh - Atom", url=url, poll_interval_s=3600)
    items = _poll_publishes(link, source_id, ["QN-PCTT-2025-0903-ATOM", "QN-PCTT-2025-TEST-ATOM"])
    qn_id, qn = boards["qn"]
    headlines = [a.headline for a in alerts_of(qn, qn_id)]
    assert "Cảnh báo bão số 3 - rủi ro thiên tai cấp độ 4" in headlines
    assert not any(h.startswith("THỬ NGHIỆM") for h in headlines)
    _repoll_reads_only_the_feed(link, feed_server, source_id, "/cap/atom.xml", "/cap/linked-test.xml")
    _withdraw(link, items)


def _poll_publishes(link, source_id: int, identifiers: list[str]) -> list[dict]:
    r = link.admin.post(f"/api/v1/sources/{source_id}/poll")
    assert r.status_code == 200 and r.json()["last_error"] is None, r.text
    items = link.admin.get("/api/v1/inbox", params={"source_id": source_id}).json()
    assert {i["external_id"]: i["status"] for i in items} == {f"pctt@quangninh.gov.vn,{i}": "published" for i in identifiers}
    return items


def _repoll_reads_only_the_feed(link, feed_server, source_id: int, feed_path: str, *linked: str) -> None:
    """Polling again finds nothing new and does not fetch the linked messages again."""
    fetched = len(feed_server.gets)
    assert link.admin.post(f"/api/v1/sources/{source_id}/poll").json()["new_items"] == 0
    again = feed_server.gets[fetched:]
    assert feed_path in again and not set(linked) & set(again), again


def _withdraw(link, items: list[dict]) -> None:
    for item in items:
        link.admin.post(f"/api/v1/alerts/{item['alert_id']}/withdraw").raise_for_status()


def test_rss_feed_polled_from_local_server(link, boards, feed_server, capdoc_at):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    typhoon = capdoc_at("cap_vi_typhoon.xml", now, base=T_SENT).replace(b"QN-PCTT-2025-0903-001", b"QN-PCTT-2025-0903-RSS")
    url = feed_server.serve("/rss/feed.xml", capdoc_at("rss_cap_feed.xml", now, base=T_SENT), "application/rss+xml")
    feed_server.serve("/rss/typhoon.xml", typhoon)
    feed_server.serve("/rss/cap_vi_test.xml",
                      capdoc_at("cap_vi_test.xml", now).replace(b"QN-PCTT-2025-TEST-017", b"QN-PCTT-2025-TEST-RSS"))
    source_id, _ = make_source(link, "Quảng Ninh - RSS", url=url, poll_interval_s=3600)
    items = _poll_publishes(link, source_id, ["QN-PCTT-2025-0903-RSS", "QN-PCTT-2025-TEST-RSS"])
    qn_id, qn = boards["qn"]
    assert "Cảnh báo bão số 3 - rủi ro thiên tai cấp độ 4" in [a.headline for a in alerts_of(qn, qn_id)]
    _repoll_reads_only_the_feed(link, feed_server, source_id, "/rss/feed.xml", "/rss/typhoon.xml", "/rss/cap_vi_test.xml")
    _withdraw(link, items)


def test_atom_entry_whose_link_fails_is_retried(link, feed_server, capdoc_at):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    feed = capdoc_at("atom_cap_feed.xml", now, base=T_SENT)
    feed = feed.replace(b"QN-PCTT-2025-0903-001", b"QN-PCTT-2025-0903-RETRY").replace(b"cap_vi_test.xml", b"later.xml")
    source_id, _ = make_source(link, "Atom liên kết hỏng", url=feed_server.serve("/retry/atom.xml", feed), poll_interval_s=3600)
    link.admin.post(f"/api/v1/sources/{source_id}/poll").raise_for_status()
    items = link.admin.get("/api/v1/inbox", params={"source_id": source_id}).json()
    assert [i["external_id"] for i in items] == ["pctt@quangninh.gov.vn,QN-PCTT-2025-0903-RETRY"]  # the embedded one
    events = link.admin.get("/api/v1/source-events", params={"source_id": source_id}).json()
    assert any("HTTP 404" in e["message_en"] and "later.xml" in e["message_en"] for e in events)
    test_doc = capdoc_at("cap_vi_test.xml", now).replace(b"QN-PCTT-2025-TEST-017", b"QN-PCTT-2025-TEST-RETRY")
    feed_server.serve("/retry/later.xml", test_doc)
    link.admin.post(f"/api/v1/sources/{source_id}/poll").raise_for_status()
    items = link.admin.get("/api/v1/inbox", params={"source_id": source_id}).json()
    assert {i["external_id"]: i["status"] for i in items} == {
        "pctt@quangninh.gov.vn,QN-PCTT-2025-0903-RETRY": "published", "pctt@quangninh.gov.vn,QN-PCTT-2025-TEST-RETRY": "published"}
    for item in items:
        link.admin.post(f"/api/v1/alerts/{item['alert_id']}/withdraw").raise_for_status()


def test_background_poller_reads_due_sources(link, feed_server, capdoc_at):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    # A source that hangs for its whole timeout must not hold up the warning from the next one.
    slow_id, _ = make_source(link, "Nguồn treo", url=feed_server.serve("/hang.xml", b"<x/>", delay_s=4), poll_interval_s=1, timeout_s=4)
    time.sleep(0.3)
    doc = capdoc_at("cap_vi_test.xml", now).replace(b"QN-PCTT-2025-TEST-017", b"QN-PCTT-2025-TEST-POLLER")
    url = feed_server.serve("/cap/one.xml", doc)
    source_id, _ = make_source(link, "Quảng Ninh - tự đọc", url=url, poll_interval_s=1)
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        items = link.admin.get("/api/v1/inbox", params={"source_id": source_id}).json()
        if items:
            break
        time.sleep(0.2)
    assert [i["status"] for i in items] == ["published"]
    link.admin.patch(f"/api/v1/sources/{source_id}", json={"enabled": False}).raise_for_status()
    link.admin.patch(f"/api/v1/sources/{slow_id}", json={"enabled": False}).raise_for_status()
    link.admin.post(f"/api/v1/alerts/{items[0]['alert_id']}/withdraw").raise_for_status()


def test_feed_that_times_out_is_recorded_and_nothing_published_is_lost(link, boards, feed_server, capdoc_at):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    doc = capdoc_at("cap_vi_test.xml", now).replace(b"QN-PCTT-2025-TEST-017", b"QN-PCTT-2025-TEST-SLOW")
    url = feed_server.serve("/slow.xml", doc)
    source_id, _ = make_source(link, "Nguồn chậm", url=url, poll_interval_s=3600, timeout_s=0.5)
    assert link.admin.post(f"/api/v1/sources/{source_id}/poll").json()["last_error"] is None
    (item,) = link.admin.get("/api/v1/inbox", params={"source_id": source_id}).json()
    assert item["status"] == "published"

    feed_server.serve("/slow.xml", doc, delay_s=3)
    t0 = time.monotonic()
    r = link.admin.post(f"/api/v1/sources/{source_id}/poll")
    assert r.status_code == 200 and time.monotonic() - t0 < 3
    source = r.json()
    assert source["last_error"] == f"Không kết nối được {url}" and source["last_error_at"]  # no system detail
    events = link.admin.get("/api/v1/source-events", params={"source_id": source_id}).json()
    assert events[0]["level"] == "error" and events[0]["message_en"] == f"cannot reach {url}"
    # The warning published before the failure is still on the test board's manifest.
    assert item["alert_id"] in [a.id for a in alerts_of(*reversed(boards["qn_test"]))]
    link.admin.post(f"/api/v1/alerts/{item['alert_id']}/withdraw").raise_for_status()


def test_unreadable_feeds_are_recorded(link, feed_server, capdoc):
    cases = {
        "/bomb.xml": (capdoc("bad_entity_bomb.xml"), "cap", "DTD"),
        "/broken-atom.xml": (b"<feed xmlns='http://www.w3.org/2005/Atom'><entry>", "cap", "XML không hợp lệ"),
        "/not-json": (b"<html>oops</html>", "json-feed", "JSON"),
        "/missing": (None, "rss", "HTTP 404"),
        "/rss-bomb": (capdoc("bad_entity_bomb.xml").replace(b"<alert", b"<rss><channel><item><title>&lol9;</title></item></channel></rss><x"), "rss", "ENTITY"),
    }
    for path, (body, adapter, expect) in cases.items():
        url = feed_server.serve(path, body) if body is not None else feed_server.base_url + path
        source_id, _ = make_source(link, f"Nguồn hỏng {path}", adapter=adapter, url=url, poll_interval_s=3600)
        source = link.admin.post(f"/api/v1/sources/{source_id}/poll").json()
        assert expect in source["last_error"], (path, source["last_error"])


def test_news_feeds_wait_in_the_inbox_and_go_into_a_playlist(link, feed_server):
    rss = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>UBND tỉnh Quảng Ninh</title><link>https://quangninh.gov.vn</link><description>Tin</description>
<item><guid>qn-2025-1001</guid><title>Lịch tiếp công dân tháng 10</title><description>&lt;p&gt;Chủ tịch UBND tỉnh tiếp công dân ngày 15/10.&lt;/p&gt;</description>
<pubDate>Wed, 01 Oct 2025 08:00:00 +0700</pubDate></item></channel></rss>""".encode()
    json_feed = b'{"version": "https://jsonfeed.org/version/1.1", "title": "So Y te", "items": [{"id": "yt-77", "title": "Ti\\u00eam ch\\u1ee7ng s\\u1edfi", "content_text": "Ti\\u00eam mi\\u1ec5n ph\\u00ed t\\u1ea1i tr\\u1ea1m y t\\u1ebf.", "date_published": "2025-10-02T08:00:00+07:00"}]}'
    rss_id, _ = make_source(link, "UBND tỉnh - RSS", adapter="rss", url=feed_server.serve("/rss", rss, "application/rss+xml"), mode="approval", poll_interval_s=3600)
    json_id, _ = make_source(link, "Sở Y tế - JSON Feed", adapter="json-feed", url=feed_server.serve("/feed.json", json_feed, "application/feed+json"), mode="approval", poll_interval_s=3600)
    for sid in (rss_id, json_id):  # the background poller may have read them first: either way, one item each
        assert link.admin.post(f"/api/v1/sources/{sid}/poll").json()["last_error"] is None
    (news,) = link.admin.get("/api/v1/inbox", params={"source_id": rss_id}).json()
    assert news["kind"] == "news" and news["status"] == "pending" and news["title"] == "Lịch tiếp công dân tháng 10"
    assert news["body"] == "Chủ tịch UBND tỉnh tiếp công dân ngày 15/10."
    (health,) = link.admin.get("/api/v1/inbox", params={"source_id": json_id}).json()
    assert health["title"] == "Tiêm chủng sởi"
    playlist = link.admin.post("/api/v1/playlists", json={"name": "Tin tỉnh", "layout": "landscape-16x9", "items": [], "unit_code": "22"}).json()
    accepted = link.admin.post(f"/api/v1/inbox/{news['id']}/accept", json={"playlist_id": playlist["id"]})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted", accepted.text
    items = link.admin.get(f"/api/v1/playlists/{playlist['id']}").json()["items"]
    assert [(i["kind"], i["zone"], i["title"]) for i in items] == [("bulletin", "bulletin", "Lịch tiếp công dân tháng 10")]


def test_signed_messages_only_when_the_source_has_a_certificate(link, boards, capdoc_at):
    from tests.sources.signing import Sender

    sender, impostor = Sender(), Sender("ke-gia-mao.example")
    source_id, token = make_source(link, "Quảng Ninh - ký số")
    r = link.admin.patch(f"/api/v1/sources/{source_id}", json={"config": {"signing_certificate": "không phải chứng thư"}})
    assert r.status_code == 422 and "PEM" in r.json()["message"]
    link.admin.patch(f"/api/v1/sources/{source_id}", json={"config": {"signing_certificate": sender.certificate}}).raise_for_status()

    now = datetime.now(timezone.utc).replace(microsecond=0)
    message = capdoc_at("cap_vi_test.xml", now).replace(b"QN-PCTT-2025-TEST-017", b"QN-PCTT-2025-TEST-SIGNED")
    signed = sender.sign(message)
    forged = impostor.sign(message.replace(b"TEST-SIGNED", b"TEST-FORGED"))
    altered = signed.replace("Kiểm tra đường truyền".encode(), "Sơ tán ngay lập tức".encode())
    assert altered != signed
    for name, data in (("unsigned", message.replace(b"TEST-SIGNED", b"TEST-UNSIGNED")), ("forged", forged), ("altered", altered)):
        r = push(link, source_id, token, data)
        assert r.status_code == 422 and r.json()["error"] == "cap_signature", (name, r.text)
        assert "chữ ký số" in r.json()["message"].lower()
    r = push(link, source_id, token, signed)
    assert r.status_code == 200 and r.json()["status"] == "published", r.text
    _withdraw(link, [r.json()])

    # An empty certificate accepts unsigned messages again.
    link.admin.patch(f"/api/v1/sources/{source_id}", json={"config": {}}).raise_for_status()
    r = push(link, source_id, token, message.replace(b"TEST-SIGNED", b"TEST-PLAIN"))
    assert r.status_code == 200 and r.json()["status"] == "published", r.text
    _withdraw(link, [r.json()])
