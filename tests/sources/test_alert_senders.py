"""Issue 13 on a live manager: alerts from real senders (AllClear, names as areas, one alert per
message, swapped coordinates, batch and oversized pushes, summaries, health, manifests ending)."""
import json
import re
import socket
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from tests.sources.test_source_link import alerts_of, make_board, make_source, push

T_TYPHOON = datetime.fromisoformat("2025-09-05T08:00:00+07:00")
BAT_XAT = "02683"  # Xã Bát Xát, Lào Cai (province 15)
QN_WARD = "07090"  # Phường An Sinh, Quảng Ninh
HN_WARD = "00070"  # Phường Hoàn Kiếm, Hà Nội


@pytest.fixture(scope="module")
def boards(link):
    return {
        "qn": make_board(link, QN_WARD, "Bảng An Sinh (13)"),
        "bat_xat": make_board(link, BAT_XAT, "Bảng xã Bát Xát"),
        "hn": make_board(link, HN_WARD, "Bảng Hoàn Kiếm (13)", lat=21.0285, lon=105.8522),
    }


def now_utc() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def renamed(doc: bytes, old: bytes, new: str) -> bytes:
    return doc.replace(old, new.encode())


def test_allclear_ends_the_warning_it_references_and_the_audit_says_which_message(link, boards, capdoc_at):
    source_id, token = make_source(link, "PCTT Quảng Ninh (AllClear)")
    now = now_utc()
    warning = push(link, source_id, token, capdoc_at("cap_vi_typhoon.xml", now)).json()
    assert warning["status"] == "published"
    qn_id, qn = boards["qn"]
    assert [a.level for a in alerts_of(qn, qn_id) if a.id == warning["alert_id"]] == [4]

    allclear = push(link, source_id, token, capdoc_at("cap_vi_typhoon_allclear.xml", now + timedelta(hours=1), base=T_TYPHOON + timedelta(hours=1)))
    body = allclear.json()
    assert allclear.status_code == 200 and body["status"] == "published" and body["alert_id"] == warning["alert_id"]
    assert warning["alert_id"] not in [a.id for a in alerts_of(qn, qn_id)], "no light-blue 'cấp 1' screen left behind"
    assert link.admin.get(f"/api/v1/alerts/{warning['alert_id']}").json()["withdrawn_at"]
    (entry,) = [e for e in link.admin.get("/api/v1/audit", params={"limit": 50}).json()
                if e["object_id"] == warning["alert_id"] and e["action"] == "withdraw"]
    detail = json.loads(entry["detail"])
    assert detail["ended_by"] == "pctt@quangninh.gov.vn,QN-PCTT-2025-0903-004" and detail["why"] == "allclear"
    assert detail["ended_by_inbox"] == body["id"] and entry["username"].startswith("source:")


def test_a_message_without_scope_is_refused_naming_it(link, capdoc_at):
    source_id, token = make_source(link, "PCTT thiếu scope")
    doc = capdoc_at("cap_vi_test.xml", now_utc()).replace(b"<scope>Public</scope>", b"")
    r = push(link, source_id, token, doc)
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "cap_invalid" and body["element"] == "scope"
    assert "<scope>" in body["message"] and "<scope>" in body["message_en"]
    assert body["inbox"]["payload"]["element"] == "scope"


def test_a_name_only_area_targets_the_unit_it_names(link, boards, capdoc_at):
    source_id, token = make_source(link, "PCTT Lào Cai (theo tên)")
    r = push(link, source_id, token, capdoc_at("cap_vi_flash_flood_by_name.xml", now_utc()))
    item = r.json()
    assert r.status_code == 200 and item["status"] == "published", item
    alert = link.admin.get(f"/api/v1/alerts/{item['alert_id']}").json()
    assert alert["area"]["units"] == [{"catalogue": "vn-2025", "code": BAT_XAT}]
    bx_id, bx = boards["bat_xat"]
    assert item["alert_id"] in [a.id for a in alerts_of(bx, bx_id)]
    qn_id, qn = boards["qn"]
    assert item["alert_id"] not in [a.id for a in alerts_of(qn, qn_id)]
    link.admin.post(f"/api/v1/alerts/{item['alert_id']}/withdraw").raise_for_status()


def test_an_ambiguous_name_waits_for_an_approver_to_choose(link, boards, capdoc_at):
    source_id, token = make_source(link, "PCTT (tên trùng)")  # auto: still held
    doc = capdoc_at("cap_vi_flash_flood_by_name.xml", now_utc()).replace("xã Bát Xát, tỉnh Lào Cai".encode(), "Xã Bình Minh".encode())
    item = push(link, source_id, token, renamed(doc, b"LC-PCTT-2025-0812-021", "LC-PCTT-2025-0812-BM")).json()
    assert item["status"] == "pending" and item["reason"].startswith("Chờ người duyệt") and not item["alert_id"]
    (name,) = item["payload"]["area_names"]
    assert name["name"] == "Xã Bình Minh" and not name["sure"] and len(name["candidates"]) == 5
    listed = link.admin.get("/api/v1/inbox", params={"source_id": source_id}).json()
    assert listed[0]["payload"]["area_names"] == item["payload"]["area_names"], "the inbox list carries the candidates"

    refused = link.admin.post(f"/api/v1/inbox/{item['id']}/accept", json={})
    assert refused.status_code == 422 and "Chọn đơn vị" in refused.json()["message"]
    choice = name["candidates"][1]
    done = link.admin.post(f"/api/v1/inbox/{item['id']}/accept", json={"units": [{"catalogue": choice["catalogue"], "code": choice["code"]}]})
    assert done.status_code == 200 and done.json()["status"] == "published"
    alert = link.admin.get(f"/api/v1/alerts/{done.json()['alert_id']}").json()
    assert alert["area"]["units"] == [{"catalogue": "vn-2025", "code": choice["code"]}]
    link.admin.post(f"/api/v1/alerts/{alert['id']}/withdraw").raise_for_status()


def test_one_message_from_two_sources_is_one_alert(link, boards, feed_server, capdoc_at):
    now = now_utc()
    typhoon = renamed(capdoc_at("cap_vi_typhoon.xml", now), b"QN-PCTT-2025-0903-001", "QN-PCTT-2025-0903-TWICE")
    pushed_id, token = make_source(link, "PCTT Quảng Ninh (đẩy)")
    first = push(link, pushed_id, token, typhoon).json()
    assert first["status"] == "published"
    url = feed_server.serve("/twice/typhoon.xml", typhoon)
    rss = (capdoc_at("rss_same_message.xml", now, base=T_TYPHOON)).replace(b"PATH_TYPHOON", url.encode())
    polled_id, _ = make_source(link, "Tổng cục (RSS chuyển tiếp)", url=feed_server.serve("/twice/rss.xml", rss, "application/rss+xml"),
                               poll_interval_s=3600)
    link.admin.post(f"/api/v1/sources/{polled_id}/poll").raise_for_status()
    (second,) = link.admin.get("/api/v1/inbox", params={"source_id": polled_id}).json()
    assert second["status"] == "skipped" and second["alert_id"] == first["alert_id"]
    assert "PCTT Quảng Ninh (đẩy)" in second["reason"]
    qn_id, qn = boards["qn"]
    assert [a.id for a in alerts_of(qn, qn_id)].count(first["alert_id"]) == 1
    assert len([a for a in alerts_of(qn, qn_id) if a.headline == "Cảnh báo bão số 3 - rủi ro thiên tai cấp độ 4"]) == 1
    link.admin.post(f"/api/v1/alerts/{first['alert_id']}/withdraw").raise_for_status()


def test_a_copy_waiting_for_approval_does_not_hold_back_an_automatic_source(link, boards, capdoc_at):
    doc = renamed(capdoc_at("cap_vi_typhoon.xml", now_utc()), b"QN-PCTT-2025-0903-001", "QN-PCTT-2025-0903-WAIT")
    waiting_id, waiting_token = make_source(link, "Tổng cục (chờ duyệt)", mode="approval")
    auto_id, auto_token = make_source(link, "PCTT Quảng Ninh (tự động, bản sao)")
    waiting = push(link, waiting_id, waiting_token, doc).json()
    assert waiting["status"] == "pending"
    published = push(link, auto_id, auto_token, doc).json()
    assert published["status"] == "published"
    again = link.admin.get(f"/api/v1/inbox/{waiting['id']}").json()
    assert again["status"] == "superseded" and "tự động, bản sao" in again["reason"]
    link.admin.post(f"/api/v1/alerts/{published['alert_id']}/withdraw").raise_for_status()


def test_an_allclear_with_nothing_to_end_is_never_shown(link, capdoc_at):
    source_id, token = make_source(link, "PCTT (AllClear lẻ)")
    doc = capdoc_at("cap_vi_typhoon_allclear.xml", now_utc())
    doc = re.sub(rb"<references>[^<]*</references>", b"", doc.replace(b"<msgType>Update</msgType>", b"<msgType>Alert</msgType>"))
    item = push(link, source_id, token, doc).json()
    assert item["status"] == "skipped" and not item["alert_id"]


def test_swapped_coordinates_are_held_with_the_reason(link, boards, capdoc_at):
    source_id, token = make_source(link, "PCTT Hà Nội (tọa độ đảo)")
    item = push(link, source_id, token, capdoc_at("cap_vi_swapped_circle.xml", now_utc())).json()
    assert item["status"] == "pending" and "đảo" in item["reason"] and item["payload"]["holds"]
    hn_id, hn = boards["hn"]
    assert alerts_of(hn, hn_id) == []
    done = link.admin.post(f"/api/v1/inbox/{item['id']}/accept").json()
    assert done["status"] == "published"
    assert done["alert_id"] in [a.id for a in alerts_of(hn, hn_id)], "accepted as put right, it reaches the board inside the circle"
    link.admin.post(f"/api/v1/alerts/{done['alert_id']}/withdraw").raise_for_status()


def test_batch_push_answers_per_message(link, capdoc_at):
    source_id, token = make_source(link, "PCTT (nhiều bản tin)", mode="approval")
    now = now_utc()
    good = renamed(capdoc_at("cap_vi_test.xml", now), b"QN-PCTT-2025-TEST-017", "BATCH-1").decode()
    no_scope = renamed(capdoc_at("cap_vi_test.xml", now), b"QN-PCTT-2025-TEST-017", "BATCH-2").decode().replace("<scope>Public</scope>", "")
    r = push(link, source_id, token, json.dumps([good, no_scope, "<html>không phải CAP</html>"]).encode(), content_type="application/json")
    assert r.status_code == 200
    results = r.json()["results"]
    assert [x["status"] for x in results] == ["pending", "refused", "refused"]
    assert results[1]["element"] == "scope" and results[2]["error"] == "cap_namespace"
    # An Atom feed embedding messages, pushed as one request.
    # An identifier of its own: the module's typhoon tests push the same message (and its all-clear), and
    # when one ran within the same second this entry was, rightly, "the same message" or "already ended".
    atom = renamed(capdoc_at("atom_cap_feed.xml", now, base=datetime.fromisoformat("2025-09-05T08:00:00+07:00")),
                   b"QN-PCTT-2025-0903-001", "BATCH-ATOM")
    r = push(link, source_id, token, atom, content_type="application/atom+xml")
    assert r.status_code == 200
    statuses = [x["status"] for x in r.json()["results"]]
    assert statuses[0] == "pending" and statuses[1] == "refused"  # the second entry only links: a push is not fetched


def test_an_oversized_push_is_recorded(link):
    source_id, token = make_source(link, "PCTT (quá lớn)")
    r = push(link, source_id, token, b"<alert>" + b" " * 5_000_001 + b"</alert>")
    assert r.status_code == 413 and r.json()["error"] == "cap_too_large"
    (event,) = link.admin.get("/api/v1/source-events", params={"source_id": source_id}).json()
    assert event["code"] == "cap_too_large" and "quá lớn" in event["message"]
    assert push(link, source_id, "src_sai", b"<alert>" + b" " * 5_000_001 + b"</alert>").status_code == 401  # a stranger records nothing


def test_inbox_lists_summaries_and_the_xml_comes_per_item(link, capdoc_at):
    source_id, token = make_source(link, "PCTT (tóm tắt)", mode="approval")
    item = push(link, source_id, token, renamed(capdoc_at("cap_vi_test.xml", now_utc()), b"QN-PCTT-2025-TEST-017", "SUMMARY-1")).json()
    (listed,) = link.admin.get("/api/v1/inbox", params={"source_id": source_id}).json()
    assert "cap_xml" not in listed["payload"] and listed["payload"]["cap_xml_chars"] > 500
    assert "<identifier>SUMMARY-1</identifier>" in link.admin.get(f"/api/v1/inbox/{item['id']}").json()["payload"]["cap_xml"]


def test_inbox_lists_cut_long_bulletins_to_a_preview(link, capdoc_at):
    """A typhoon bulletin's description runs to kilobytes: without the XML, 2,000 listed items were
    still 5.5 MB. The list gives a preview and the length; the item has the whole text."""
    source_id, token = make_source(link, "PCTT (tin dài)", mode="approval")
    long_text = "Hồi 07 giờ, vị trí tâm bão ở vào khoảng 20,5 độ Vĩ Bắc; 108,2 độ Kinh Đông. " * 40
    doc = renamed(capdoc_at("cap_vi_test.xml", now_utc()), b"QN-PCTT-2025-TEST-017", "SUMMARY-LONG")
    doc = re.sub(rb"<description>.*?</description>", f"<description>{long_text.strip()}</description>".encode(), doc, count=1, flags=re.S)
    item = push(link, source_id, token, doc).json()
    (listed,) = link.admin.get("/api/v1/inbox", params={"source_id": source_id}).json()
    assert len(listed["body"]) <= 281 and listed["body"].endswith("…") and listed["body_chars"] == len(long_text.strip())
    assert link.admin.get(f"/api/v1/inbox/{item['id']}").json()["body"] == long_text.strip()


def test_source_health_tells_linked_failures_and_failures_in_a_row(link, feed_server, capdoc):
    feed = capdoc("atom_cap_feed.xml").replace(b'href="cap_vi_test.xml"', b'href="/health/missing.xml"')
    degraded_id, _ = make_source(link, "Atom (liên kết hỏng)", url=feed_server.serve("/health/atom.xml", feed), poll_interval_s=3600)
    source = link.admin.post(f"/api/v1/sources/{degraded_id}/poll").json()
    assert source["last_error"] is None and source["linked_failures"] == 1 and source["health"] == "degraded"
    assert source["last_ok_at"]

    failing_id, _ = make_source(link, "Nguồn hỏng", url=feed_server.base_url + "/health/none.xml", poll_interval_s=3600)
    link.admin.post(f"/api/v1/sources/{failing_id}/poll")
    source = link.admin.post(f"/api/v1/sources/{failing_id}/poll").json()
    assert source["health"] == "failing" and source["consecutive_failures"] >= 2 and source["last_error_at"]
    feed_server.serve("/health/none.xml", b'<feed xmlns="http://www.w3.org/2005/Atom"><id>x</id><title>t</title><updated>2025-01-01T00:00:00Z</updated></feed>')
    source = link.admin.post(f"/api/v1/sources/{failing_id}/poll").json()
    assert source["health"] == "ok" and source["consecutive_failures"] == 0 and source["last_error"] is None


def test_a_manifest_never_outlives_its_alerts(link, boards, capdoc_at):
    source_id, token = make_source(link, "PCTT (hết hạn sớm)")
    now = now_utc()
    doc = renamed(capdoc_at("cap_vi_typhoon.xml", now), b"QN-PCTT-2025-0903-001", "QN-SHORT-1")
    ends = now + timedelta(seconds=4)
    doc = re.sub(rb"<expires>[^<]*</expires>", f"<expires>{ends.isoformat()}</expires>".encode(), doc)
    item = push(link, source_id, token, doc).json()
    qn_id, qn = boards["qn"]
    r = qn.get(f"/api/v1/boards/{qn_id}/manifest")
    manifest = json.loads(r.content)
    assert item["alert_id"] in [a["id"] for a in manifest["alerts"]]
    assert datetime.fromisoformat(manifest["valid_until"].replace("Z", "+00:00")) <= ends
    time.sleep(max(0.0, (ends - datetime.now(timezone.utc)).total_seconds()) + 0.3)
    assert item["alert_id"] not in [a.id for a in alerts_of(qn, qn_id)], "an answer built before the end is not served after it"


def test_each_source_keeps_its_own_problems_in_the_console(tmp_path):
    from manager.auth import Principal
    from manager.db import connect
    from manager.domain.sources import problems
    from manager.migrations import migrate
    from manager.sources import store

    db = connect(tmp_path / "m.db")
    migrate(db)
    for name in ("ồn ào", "yên lặng"):
        db["sources"].insert(dict(name=name, adapter="cap", created_at="2025-01-01T00:00:00Z"))
    quiet, noisy = 2, 1
    store.record_event(db, quiet, "error", "Nguồn yên lặng hỏng một lần", "quiet source failed once")
    for n in range(store.EVENTS_PER_SOURCE + 20):
        store.record_event(db, noisy, "error", f"lỗi {n}", f"error {n}")
    admin = Principal(1, "admin", "admin", None, None)
    assert "Nguồn yên lặng hỏng một lần" in [p["message"] for p in problems(db, admin)]
    assert len(store.events(db, noisy, 10_000)) == store.EVENTS_PER_SOURCE, "a noisy source keeps a bounded history of its own"
    assert len(store.events(db, quiet)) == 1


class Tarpit:
    """Accepts connections on loopback and never answers."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(100)
        self.base_url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.held: list[socket.socket] = []
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        self.sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                self.held.append(self.sock.accept()[0])
            except (TimeoutError, OSError):
                continue

    def close(self):
        self._stop.set()
        for conn in self.held:
            conn.close()
        self.sock.close()


def test_five_hanging_sources_never_delay_a_good_one(link, feed_server, capdoc, capdoc_at):
    tarpit = Tarpit()
    try:
        feed = capdoc("atom_tarpit_links.xml").replace(b"TARPIT", tarpit.base_url.encode())
        hanging = [make_source(link, f"Nguồn treo {n}", url=feed_server.serve(f"/tarpit/{n}.xml", feed), poll_interval_s=1, timeout_s=3)[0]
                   for n in range(5)]
        empty = b'<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:good</id><title>Good</title><updated>2025-09-05T01:00:00Z</updated></feed>'
        interval = 2
        good_id, _ = make_source(link, "Nguồn tốt", url=feed_server.serve("/good.xml", empty), poll_interval_s=interval, timeout_s=3)
        deadline = time.monotonic() + 10
        while len(tarpit.held) < 10 and time.monotonic() < deadline:  # every hanging source is stuck on its links
            time.sleep(0.1)
        assert len(tarpit.held) >= 10, "the five sources' links were fetched side by side"
        now = datetime.now(timezone.utc).replace(microsecond=0)
        feed_server.serve("/good.xml", capdoc_at("cap_vi_test.xml", now).replace(b"QN-PCTT-2025-TEST-017", b"GOOD-BESIDE-TARPITS"))
        started = time.monotonic()
        published = None
        while time.monotonic() - started < interval + 2 and not published:
            items = link.admin.get("/api/v1/inbox", params={"source_id": good_id}).json()
            published = [i for i in items if i["status"] == "published"]
            time.sleep(0.1)
        assert published, "the good source's warning was published within its interval plus 2 s"
        for source_id in hanging:
            link.admin.patch(f"/api/v1/sources/{source_id}", json={"enabled": False}).raise_for_status()
        link.admin.patch(f"/api/v1/sources/{good_id}", json={"enabled": False}).raise_for_status()
        if published[0]["alert_id"]:
            link.admin.post(f"/api/v1/alerts/{published[0]['alert_id']}/withdraw").raise_for_status()
    finally:
        tarpit.close()


def test_a_push_source_whose_pushes_are_refused_is_not_called_fine(link, capdoc_at):
    """A push-only source is never polled: before, its health stayed "idle" (shown "Bình thường")
    however many of its messages were refused or too large."""
    source_id, token = make_source(link, "PCTT (đẩy bị từ chối)")

    def health():
        return link.admin.get(f"/api/v1/sources/{source_id}").json()

    good = capdoc_at("cap_vi_test.xml", now_utc())
    assert push(link, source_id, token, good.replace(b"<scope>Public</scope>", b"")).status_code == 422
    source = health()
    assert source["health"] == "failing" and source["consecutive_failures"] == 1 and "<scope>" in source["last_error"]
    assert push(link, source_id, token, b"<alert>" + b" " * 5_000_001 + b"</alert>").status_code == 413
    assert health()["consecutive_failures"] == 2
    assert push(link, source_id, token, good).status_code == 200
    source = health()
    assert source["health"] == "ok" and source["consecutive_failures"] == 0 and source["last_ok_at"] and source["last_error"] is None


def _without_declaration(doc: bytes) -> bytes:
    return re.sub(rb"^<\?xml[^>]*\?>\s*", b"", doc)


def test_messages_arriving_newest_first_end_as_their_sender_meant(link, boards, feed_server, capdoc_at):
    """Feeds list their newest message first, and two sources may deliver a Cancel before the Alert it
    cancels. Before, the Update became a second alert beside the one it updates, and a cancelled
    warning was published when the Alert came after its Cancel."""
    at = now_utc() - timedelta(hours=12)

    def doc(name: str, prefix: str) -> bytes:
        return renamed(capdoc_at(name, at, base=T_TYPHOON), b"QN-PCTT-2025-0903", prefix)

    entries = b"".join(b"<entry><id>urn:order:%d</id><title>t</title><updated>2025-09-05T14:00:00+07:00</updated><content type=\"text/xml\">"
                       % n + _without_declaration(doc(name, "QN-ORDER-0903")) + b"</content></entry>"
                       for n, name in enumerate(["cap_vi_typhoon_update.xml", "cap_vi_typhoon.xml"]))
    feed = b'<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:order</id><title>PCTT</title><updated>2025-09-05T14:00:00+07:00</updated>' + entries + b"</feed>"
    polled_id, _ = make_source(link, "PCTT (mới nhất trước)", url=feed_server.serve("/order/atom.xml", feed, "application/atom+xml"), poll_interval_s=3600)
    link.admin.post(f"/api/v1/sources/{polled_id}/poll").raise_for_status()
    items = {i["external_id"].split(",")[1]: i for i in link.admin.get("/api/v1/inbox", params={"source_id": polled_id}).json()}
    assert {i["status"] for i in items.values()} == {"published"}
    alert_id = items["QN-ORDER-0903-001"]["alert_id"]
    assert items["QN-ORDER-0903-002"]["alert_id"] == alert_id, "the Update must update the warning, not add a second one"
    qn_id, qn = boards["qn"]
    assert [a.headline for a in alerts_of(qn, qn_id) if a.id == alert_id] == [items["QN-ORDER-0903-002"]["title"]]
    link.admin.post(f"/api/v1/alerts/{alert_id}/withdraw").raise_for_status()

    early_id, early_token = make_source(link, "PCTT (hủy đến trước)")
    late_id, late_token = make_source(link, "Tổng cục (chuyển tiếp chậm)")
    cancel = push(link, early_id, early_token, doc("cap_vi_typhoon_cancel.xml", "QN-LATE-0903")).json()
    assert cancel["status"] == "skipped"  # nothing to withdraw yet
    before = {a.id for a in alerts_of(qn, qn_id)}
    late = push(link, late_id, late_token, doc("cap_vi_typhoon.xml", "QN-LATE-0903")).json()
    assert late["status"] == "skipped" and late["alert_id"] is None and "QN-LATE-0903-003" in late["reason"]
    assert {a.id for a in alerts_of(qn, qn_id)} == before
