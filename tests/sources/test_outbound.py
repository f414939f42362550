"""What the source system reads and receives: boards' status, play log, indicators; the scheduled push."""
import json
import time
from datetime import datetime, timezone

from manager.auth import create_api_token, create_user
from manager.db import connect
from protocol.heartbeat import Heartbeat
from tests.live_manager import Client, LiveManager


def source_system_client(live) -> Client:
    """The province's source system: a user with role `source` and an API token."""
    db = connect(live.db_path)
    with db.atomic():
        user = create_user(db, f"he-thong-nguon-{time.monotonic_ns()}", None, "source", unit_code="22")
        token = create_api_token(db, user, "source system")
    db.close()
    return Client(live.base_url, token)


def play_one(live, board_id, client, alert_id=None):
    hb = Heartbeat(seq=0, board_time=datetime.now(timezone.utc), display_state="on", alert=alert_id).sealed()
    client.post(f"/api/v1/boards/{board_id}/heartbeats", json={"heartbeats": [hb.model_dump(mode="json")]}).raise_for_status()
    record = {"seq": 0, "item": "i-1", "playlist": "p-1", "zone": "bulletin", "kind": "bulletin",
              "started_at": datetime.now(timezone.utc).isoformat(), "duration_s": 20}
    client.post(f"/api/v1/boards/{board_id}/playlog", json={"records": [record]}).raise_for_status()


def test_source_link_read_api(link):
    board_id, token = link.pair_board(unit_code="07090", name="Bảng báo cáo nguồn")
    play_one(link, board_id, link.board_client(token))
    system = source_system_client(link)

    status = system.get("/api/v1/source-link/status")
    assert status.status_code == 200, status.text
    mine = next(b for b in status.json()["boards"] if b["id"] == board_id)
    assert mine["online"] is True and mine["unit_code"] == "07090" and mine["display_state"] == "on"

    log = system.get("/api/v1/source-link/playlog").json()
    assert any(r["board_id"] == board_id and r["item"] == "i-1" for r in log["records"])
    assert system.get("/api/v1/source-link/playlog", params={"since": log["next_since"]}).json()["records"] == []

    indicators = system.get("/api/v1/source-link/indicators", params={"province": "22"})
    assert indicators.status_code == 200, indicators.text
    (province,) = indicators.json()["provinces"]
    assert province["province_code"] == "22" and province["indicators"]
    assert {"id", "number", "value_pct", "target_pct", "numerator", "denominator"} <= set(province["indicators"][0])

    # Boards and anonymous callers may not read it.
    assert Client(link.base_url).get("/api/v1/source-link/status").status_code == 401
    assert link.board_client(token).get("/api/v1/source-link/status").status_code == 401


def test_scheduled_push_to_the_source_system(tmp_path, feed_server):
    url = feed_server.base_url + "/bao-cao"
    live = LiveManager(tmp_path, extra_args=["--source-link-push-url", url, "--source-link-push-token", "tinh-qn-secret",
                                             "--source-link-push-interval-s", "1"]).start()
    try:
        board_id, token = live.pair_board(unit_code="07090", name="Bảng đẩy báo cáo")
        play_one(live, board_id, live.board_client(token))
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not any(board_id in json.dumps(json.loads(b)["playlog"]) for _, _, b in feed_server.posts):
            time.sleep(0.2)
        pushes = [(path, headers, json.loads(body)) for path, headers, body in feed_server.posts]
        assert pushes, "nothing was pushed"
        path, headers, body = next(p for p in pushes if any(r["board_id"] == board_id for r in p[2]["playlog"]["records"]))
        assert path == "/bao-cao" and headers["Authorization"] == "Bearer tinh-qn-secret"
        assert any(b["id"] == board_id for b in body["status"]["boards"])
        assert body["indicators"]["provinces"][0]["province_code"] == "22"
        # The cursor moved: later pushes do not repeat the record.
        time.sleep(2.5)
        later = [json.loads(b) for _, _, b in feed_server.posts[len(pushes):]]
        assert later and all(not p["playlog"]["records"] for p in later)
        history = live.admin.get("/api/v1/source-link/pushes").json()
        assert history and all(h["ok"] == 1 and h["url"] == url for h in history)
    finally:
        live.stop()


def test_failed_push_is_recorded_and_resent(tmp_path, feed_server):
    from manager.db import Store
    from manager.migrations import migrate
    from manager.outbound import Pusher
    from tests.player.conftest import closed_port_url

    class Now:
        def now(self):
            return datetime.now(timezone.utc)

    store = Store(tmp_path / "push.db")
    migrate(store.db())
    with store.write() as db:
        db["playlog"].insert(dict(board_id="b-1", seq=0, item="i-1", playlist="p-1", alert=None, zone="bulletin", kind="bulletin",
                                  asset=None, started_at=time.time(), duration_s=20, outcome="played", error=None, received_at=time.time()))
    down = Pusher(store, Now(), closed_port_url() + "/bao-cao", "t", 300)
    assert down.push_once() is False
    up = Pusher(store, Now(), feed_server.base_url + "/bao-cao", "t", 300)
    assert up.push_once() is True
    assert [r["item"] for r in json.loads(feed_server.posts[0][2])["playlog"]["records"]] == ["i-1"]  # sent again
    assert up.push_once() is True
    assert json.loads(feed_server.posts[1][2])["playlog"]["records"] == []  # and only once it got through
    rows = list(store.db().query("SELECT ok, records, error FROM source_link_pushes ORDER BY id"))
    assert [(r["ok"], r["records"]) for r in rows] == [(0, 1), (1, 1), (1, 0)] and "ConnectionError" in rows[0]["error"]
    down.stop()
    up.stop()
