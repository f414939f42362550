"""Bodies limited before parsing, credentials before large bodies, pairing bounded (issue 11, findings 1, 2 and 6)."""
import socket
import sqlite3

import requests

from tests.console.conftest import ConsoleSession, post_login
from tests.live_manager import ADMIN_PASSWORD, Client


def _raw_request(manager, head: str, body_bytes_sent: bytes = b"", read_timeout: float = 5) -> bytes:
    """Sends a request head (and the start of a body) on a raw socket; returns what the server answered by then."""
    with socket.create_connection(("127.0.0.1", manager.port), timeout=read_timeout) as s:
        s.sendall(head.encode() + body_bytes_sent)
        chunks = []
        try:
            while True:
                data = s.recv(65536)
                if not data:
                    break
                chunks.append(data)
                if b"\r\n\r\n" in b"".join(chunks):
                    break
        except socket.timeout:
            pass
        return b"".join(chunks)


def test_huge_pairing_request_refused_unread(manager):
    """20 MB of software_version used to land in the database."""
    head = ("POST /api/v1/pair HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {20 * 1024 * 1024}\r\n\r\n")
    answer = _raw_request(manager, head, b'{"software_version": "')
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_long_software_version_refused(manager):
    r = requests.post(manager.base_url + "/api/v1/pair", json={"software_version": "x" * 3000}, timeout=10)
    assert r.status_code == 422 and r.json()["message"]


def test_large_body_with_a_bad_token_refused_before_it_is_read(manager):
    """A 63 MB heartbeat body with a bad token used to be read and parsed (11 s, +350 MB) before its 422."""
    board_id, _ = manager.pair_board(name="Bảng thân lớn")
    head = (f"POST /api/v1/boards/{board_id}/heartbeats HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer bd_wrong\r\n"
            "Content-Type: application/json\r\nContent-Length: 900000\r\n\r\n")
    answer = _raw_request(manager, head, b'{"heartbeats": [')
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    over = head.replace("900000", str(63 * 1024 * 1024))
    assert _raw_request(manager, over, b"{").startswith(b"HTTP/1.1 413")


def test_chunked_body_over_the_limit_is_cut_off(manager):
    board_id, token = manager.pair_board(name="Bảng thân chia khúc")

    def chunks():
        yield b'{"heartbeats": ['
        for _ in range(40):
            yield b" " * 65536

    r = requests.post(f"{manager.base_url}/api/v1/boards/{board_id}/heartbeats", data=chunks(),
                      headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 413 and "quá lớn" in r.json()["message"]


def test_pairing_secret_travels_in_a_header_not_the_url(manager):
    code = requests.post(manager.base_url + "/api/v1/pair", json={}, timeout=10).json()
    url = f"{manager.base_url}/api/v1/pair/{code['code']}"
    assert requests.get(url, params={"secret": code["secret"]}, timeout=10).status_code == 422, "the query string is not read"
    assert requests.get(url, headers={"X-Pairing-Secret": code["secret"]}, timeout=10).json()["state"] == "pending"


def test_pairing_requests_limited_per_address_and_expired_codes_deleted(manager_factory):
    live = manager_factory(fake_clock=1_800_000_000, extra_args=["--pairing-requests-per-address", "3", "--pairing-ttl-s", "300"])
    codes = [requests.post(live.base_url + "/api/v1/pair", json={}, timeout=10) for _ in range(4)]
    assert [r.status_code for r in codes] == [201, 201, 201, 429]
    assert "thử lại" in codes[3].json()["message"]
    live.set_clock(1_800_000_000 + 301 + 600)  # the codes expired; the address may ask again
    assert requests.post(live.base_url + "/api/v1/pair", json={}, timeout=10).status_code == 201
    with sqlite3.connect(live.db_path) as db:
        assert db.execute("SELECT count(*) FROM pairings").fetchone()[0] == 1, "expired codes are deleted, not kept a day"


def test_claims_throttled_and_wrong_codes_answer_alike(manager_factory):
    live = manager_factory()
    real = requests.post(live.base_url + "/api/v1/pair", json={}, timeout=10).json()
    claimed = requests.post(live.base_url + "/api/v1/pair", json={}, timeout=10).json()
    live.admin.post(f"/api/v1/pairings/{claimed['code']}/claim", json={"name": "Đã ghép", "unit_code": "00070"}).raise_for_status()

    def claim(code):
        return live.admin.post(f"/api/v1/pairings/{code}/claim", json={"name": "Thử", "unit_code": "00070"})

    missing = "000000" if real["code"] != "000000" else "000001"
    answers = [claim(missing), claim(claimed["code"])]
    assert [a.status_code for a in answers] == [404, 404]
    strip = [a.json()["message"].replace(c, "") for a, c in zip(answers, [missing, claimed["code"]])]
    assert strip[0] == strip[1], "a missing and a claimed code answer the same way"
    statuses = [claim(f"{n:06d}").status_code for n in range(100, 120)]
    assert 429 in statuses and statuses.index(429) <= 8, statuses
    assert claim(real["code"]).status_code == 429, "the person is throttled, even for a real code"
    other = Client(live.base_url, _second_admin_token(live))
    for _ in range(5):
        other.post(f"/api/v1/pairings/{missing}/claim", json={"name": "Thử", "unit_code": "00070"})
    assert other.post(f"/api/v1/pairings/{missing}/claim", json={"name": "Thử", "unit_code": "00070"}).status_code == 429, \
        "one code takes only a few attempts, whoever makes them"

    # The console's pairing form is held to the same limits (it used to bypass them).
    console = ConsoleSession(live, "admin", ADMIN_PASSWORD)
    r = console.post("/boards/pair", data={"csrf_token": console.csrf, "code": real["code"], "name": "Thử", "unit": "00070"})
    assert r.status_code == 429, (r.status_code, r.text[:300])

    # A restart on the same database forgets none of it: failed logins and pairing claims are stored.
    http = requests.Session()
    logins = [post_login(http, live.base_url, "admin", "sai-mat-khau").status_code for _ in range(6)]
    assert logins[-1] == 429, logins
    live.stop()
    live.start()
    assert claim(real["code"]).status_code == 429, "the person's wrong guesses outlive a restart"
    assert other.post(f"/api/v1/pairings/{missing}/claim", json={"name": "Thử", "unit_code": "00070"}).status_code == 429
    assert post_login(requests.Session(), live.base_url, "admin", ADMIN_PASSWORD).status_code == 429, "the login lockout outlives a restart"


def _second_admin_token(live) -> str:
    from manager.auth import create_api_token, create_user
    from manager.db import connect

    db = connect(live.db_path)
    with db.atomic():
        token = create_api_token(db, create_user(db, "quantri2", "mat-khau-dai-du", "admin"), "tests")
    db.close()
    return token


def test_pairing_status_wrong_secret_answers_like_a_missing_code(manager):
    code = requests.post(manager.base_url + "/api/v1/pair", json={}, timeout=10).json()
    wrong = requests.get(f"{manager.base_url}/api/v1/pair/{code['code']}", headers={"X-Pairing-Secret": "x" * 20}, timeout=10)
    other = "999999" if code["code"] != "999999" else "999998"
    missing = requests.get(f"{manager.base_url}/api/v1/pair/{other}", headers={"X-Pairing-Secret": "x" * 20}, timeout=10)
    assert wrong.status_code == missing.status_code == 404
