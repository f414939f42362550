"""Proxy headers, the Secure cookie and who may download assets (issue 11, findings 7, 8 and 9)."""
import hashlib
import re

import requests

from tests.live_manager import ADMIN_PASSWORD
from tests.spine.media import jpeg_bytes, png_bytes


def test_login_limit_not_bypassed_by_forwarded_for(manager_factory):
    """Rotating X-Forwarded-For from loopback used to give every attempt a fresh address."""
    live = manager_factory()
    http = requests.Session()
    statuses = []
    for n in range(8):
        statuses.append(_login(http, live.base_url, "sai-mat-khau", f"203.0.113.{n}").status_code)
    assert 429 in statuses, statuses
    assert _login(http, live.base_url, ADMIN_PASSWORD, "198.51.100.7").status_code == 429, "still limited: the header is not believed"


def test_forwarded_for_believed_from_a_configured_proxy(manager_factory):
    live = manager_factory(extra_args=["--forwarded-allow-ips", "127.0.0.1"])
    http = requests.Session()
    for n in range(6):
        _login(http, live.base_url, "sai-mat-khau", "203.0.113.9")
    assert _login(http, live.base_url, "sai-mat-khau", "203.0.113.9").status_code == 429
    assert _login(http, live.base_url, ADMIN_PASSWORD, "198.51.100.8").status_code == 303, "another client behind the proxy is not limited"


def _login(http: requests.Session, base_url: str, password: str, forwarded_for: str) -> requests.Response:
    headers = {"X-Forwarded-For": forwarded_for}
    page = http.get(base_url + "/login", headers=headers, timeout=10).text
    token = re.search(r'name="login_token" value="([^"]+)"', page).group(1)
    return http.post(base_url + "/login", data={"username": "admin", "password": password, "login_token": token},
                     headers=headers, allow_redirects=False, timeout=10)


def test_session_cookie_secure_when_public_url_is_https(manager_factory):
    """Behind a TLS proxy that sends no X-Forwarded-Proto, the manager sees http: --public-url decides."""
    live = manager_factory(extra_args=["--public-url", "https://bangtin.example.gov.vn"])
    page = requests.get(live.base_url + "/login", timeout=10)
    login_cookie = page.headers["set-cookie"]
    assert "Secure" in login_cookie
    token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)
    # A browser would send the Secure cookie back over https; say so by hand over loopback's http.
    r = requests.post(live.base_url + "/login", data={"username": "admin", "password": ADMIN_PASSWORD, "login_token": token},
                      headers={"Cookie": f"bangtin_login={token}"}, allow_redirects=False, timeout=10)
    assert r.status_code == 303
    cookie = next(v for k, v in r.raw.headers.items() if k.lower() == "set-cookie" and v.startswith("bangtin_session="))
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_assets_need_a_credential_and_drafts_stay_private(manager):
    board_a, token_a = manager.pair_board(name="Bảng tệp A")
    board_b, token_b = manager.pair_board(name="Bảng tệp B")
    a, b = manager.board_client(token_a), manager.board_client(token_b)
    draft = manager.upload(png_bytes(colour=(31, 41, 59)), "nhap.png")["sha256"]
    published_bytes = jpeg_bytes((96, 54))
    published = manager.upload(published_bytes, "da-duyet.jpg")["sha256"]
    manager.publish([{"zone": "main", "kind": "image", "asset": published, "duration_s": 5}], {"kind": "board", "id": board_a})

    assert requests.get(f"{manager.base_url}/assets/{draft}", timeout=10).status_code == 401, "a leaked hash is not enough"
    assert requests.get(f"{manager.base_url}/assets/{published}", timeout=10).status_code == 401
    assert a.get(f"/assets/{draft}").status_code == 403, "a draft is not in this board's manifest"
    own = a.get(f"/assets/{published}")
    assert own.status_code == 200 and hashlib.sha256(own.content).hexdigest() == published
    assert own.headers["cache-control"] == "public, max-age=31536000, immutable", "approved: a shared cache may keep it"
    assert b.get(f"/assets/{published}").status_code == 200, "approved assets go to any board"
    preview = manager.admin.get(f"/assets/{draft}")
    assert preview.status_code == 200 and preview.headers["cache-control"] == "private, no-store"

    # What a caching proxy asks before serving its copy.
    assert a.get(f"/api/v1/asset-access/{published}").status_code == 204
    assert a.get(f"/api/v1/asset-access/{draft}").status_code == 403
    assert requests.get(f"{manager.base_url}/api/v1/asset-access/{published}", timeout=10).status_code == 401

    manager.admin.post(f"/api/v1/boards/{board_a}/revoke").raise_for_status()
    assert a.get(f"/assets/{published}").status_code == 401, "a revoked board downloads nothing"


def test_an_asset_in_a_draft_revision_of_an_approved_playlist_is_not_served(manager):
    """Approval follows the revision boards play, not the playlist's working copy."""
    board_a, token_a = manager.pair_board(name="Bảng bản nháp A")
    board_b, token_b = manager.pair_board(name="Bảng bản nháp B")
    a, b = manager.board_client(token_a), manager.board_client(token_b)
    approved = manager.upload(png_bytes(colour=(12, 120, 200)), "ban-duyet.png")["sha256"]
    added = manager.upload(png_bytes(colour=(200, 12, 120)), "them-sau.png")["sha256"]
    first = [{"zone": "main", "kind": "image", "asset": approved, "duration_s": 5}]
    playlist, _ = manager.publish(first, {"kind": "board", "id": board_a})
    assert b.get(f"/assets/{approved}").status_code == 200, "on air: any board may have it"

    r = manager.admin.put(f"/api/v1/playlists/{playlist['id']}", json={
        "name": playlist["name"], "layout": playlist["layout"],
        "items": first + [{"zone": "main", "kind": "image", "asset": added, "duration_s": 5}]})
    r.raise_for_status()
    manifest = a.get(f"/api/v1/boards/{board_a}/manifest").json()
    assert added not in manifest["assets"] and approved in manifest["assets"], "boards keep the approved revision"
    for board in (a, b):
        assert board.get(f"/assets/{added}").status_code == 403, "a draft revision's file is not approved"
        assert board.get(f"/api/v1/asset-access/{added}").status_code == 403
    assert b.get(f"/assets/{approved}").status_code == 200, "the approved revision still plays"
    preview = manager.admin.get(f"/assets/{added}")
    assert preview.status_code == 200 and preview.headers["cache-control"] == "private, no-store"
