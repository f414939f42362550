"""Provisioning by pairing, end to end over HTTP, and what tokens allow."""
import requests


def test_pairing_end_to_end(manager):
    code = requests.post(manager.base_url + "/api/v1/pair", json={"software_version": "1.0", "width": 1280, "height": 720}).json()
    assert len(code["code"]) == 6 and code["code"].isdigit()
    status_url = f"{manager.base_url}/api/v1/pair/{code['code']}"

    pending = requests.get(status_url, headers={"X-Pairing-Secret": code["secret"]}).json()
    assert pending == {"state": "pending", "board_id": None, "token": None}

    wrong = requests.get(status_url, headers={"X-Pairing-Secret": "not-the-secret"})
    assert wrong.status_code == 404, "a wrong secret answers like a missing code"

    claimed = manager.admin.post(f"/api/v1/pairings/{code['code']}/claim", json={"name": "Bảng tin xã thử", "unit_code": "00070"})
    assert claimed.status_code == 201, claimed.text
    board = claimed.json()
    assert board["width"] == 1280 and board["unit_catalogue"] == "vn-2025" and "token_hash" not in board

    first = requests.get(status_url, headers={"X-Pairing-Secret": code["secret"]}).json()
    assert first["state"] == "claimed" and first["board_id"] == board["id"] and first["token"].startswith("bd_")
    again = requests.get(status_url, headers={"X-Pairing-Secret": code["secret"]}).json()
    assert again["token"] is None, "the token is delivered once only"

    me = manager.board_client(first["token"])
    assert me.get(f"/api/v1/boards/{board['id']}/manifest").status_code == 200

    twice = manager.admin.post(f"/api/v1/pairings/{code['code']}/claim", json={"name": "x", "unit_code": "00070"})
    assert twice.status_code == 404, "a claimed code answers like a wrong one"


def test_long_poll_for_claim_wakes(manager):
    import threading
    import time

    code = requests.post(manager.base_url + "/api/v1/pair", json={}).json()
    result = {}

    def poll():
        t0 = time.monotonic()
        result["status"] = requests.get(f"{manager.base_url}/api/v1/pair/{code['code']}", params={"wait": 20}, headers={"X-Pairing-Secret": code["secret"]}).json()
        result["seconds"] = time.monotonic() - t0

    thread = threading.Thread(target=poll)
    thread.start()
    time.sleep(0.5)
    manager.admin.post(f"/api/v1/pairings/{code['code']}/claim", json={"name": "Bảng chờ", "unit_code": "00070"}).raise_for_status()
    thread.join(25)
    assert result["status"]["state"] == "claimed" and result["status"]["token"]
    assert result["seconds"] < 5


def test_tokens_wrong_revoked_and_foreign(manager):
    board_a, token_a = manager.pair_board(name="Bảng A")
    board_b, _ = manager.pair_board(name="Bảng B")
    a = manager.board_client(token_a)

    assert manager.board_client("bd_wrong").get(f"/api/v1/boards/{board_a}/manifest").status_code == 401
    assert requests.get(f"{manager.base_url}/api/v1/boards/{board_a}/manifest").status_code == 401
    foreign = a.get(f"/api/v1/boards/{board_b}/manifest")
    assert foreign.status_code == 403 and foreign.json()["message"]
    hb = {"heartbeats": [{"seq": 0, "board_time": "2026-01-01T00:00:00Z", "display_state": "on"}]}
    assert a.post(f"/api/v1/boards/{board_b}/heartbeats", json=hb).status_code == 403

    assert a.post(f"/api/v1/boards/{board_a}/heartbeats", json=hb).status_code == 200  # the manager now knows the token

    manager.admin.post(f"/api/v1/boards/{board_a}/revoke").raise_for_status()
    hb["heartbeats"][0]["seq"] = 1
    assert a.post(f"/api/v1/boards/{board_a}/heartbeats", json=hb).status_code == 401, "refused from the next request on"
    revoked = a.get(f"/api/v1/boards/{board_a}/manifest")
    assert revoked.status_code == 401
    assert "thu hồi" in revoked.json()["message"]


def test_board_token_is_not_an_editor_token(manager):
    board, token = manager.pair_board(name="Bảng C")
    assert manager.board_client(token).get("/api/v1/boards").status_code == 401
