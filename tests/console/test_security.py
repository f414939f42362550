"""Logins, sessions and CSRF: checked over plain HTTP, below the pages."""
import re
import subprocess
import sys

import requests

from manager.auth import create_user
from manager.db import connect
from tests.console.conftest import HOME, PASSWORD, ConsoleSession, post_login
from tests.live_manager import ADMIN_PASSWORD


def _count(manager, table: str) -> int:
    db = connect(manager.db_path)
    try:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        db.close()


def test_login_rate_limited_after_five_failures(manager, people):
    db = connect(manager.db_path)
    # The write lock first (the running manager writes too): a deferred transaction that reads, hashes the
    # password, then writes could not be upgraded once the manager had committed meanwhile ("locked").
    db.execute("BEGIN IMMEDIATE")
    create_user(db, "c_forgetful", PASSWORD, "editor", None, HOME)
    db.conn.commit()
    db.close()
    http = requests.Session()
    for _ in range(5):
        r = post_login(http, manager.base_url, "c_forgetful", "sai-mat-khau")
        assert r.status_code == 401
        assert "Sai tên đăng nhập hoặc mật khẩu" in r.text
    r = post_login(http, manager.base_url, "c_forgetful", PASSWORD)
    assert r.status_code == 429, "even the right password waits once the limit is reached"
    assert "Đăng nhập sai quá nhiều lần" in r.text
    assert "bangtin_session" not in r.headers.get("set-cookie", "")
    # Another username from the same address is not locked out.
    assert ConsoleSession(manager, "c_editor").csrf


def test_login_form_needs_its_own_token(manager, people):
    """Another site cannot post the login form (login CSRF): the token is in a SameSite=Strict cookie."""
    r = requests.post(manager.base_url + "/login", data={"username": "c_editor", "password": PASSWORD}, allow_redirects=False, timeout=10)
    assert r.status_code == 403 and "bangtin_session" not in r.headers.get("set-cookie", "")
    http = requests.Session()
    http.get(manager.base_url + "/login", timeout=10)
    r = http.post(manager.base_url + "/login", data={"username": "c_editor", "password": PASSWORD, "login_token": "doan-bua"},
                  allow_redirects=False, timeout=10)
    assert r.status_code == 403


def test_session_cookie_and_password_storage(manager, people):
    http = requests.Session()
    r = post_login(http, manager.base_url, "c_editor", PASSWORD)
    first = http.cookies["bangtin_session"]
    r = post_login(http, manager.base_url, "c_editor", PASSWORD)
    assert http.cookies["bangtin_session"] != first, "a new session id at every login"
    dead = requests.get(manager.base_url + "/boards", cookies={"bangtin_session": first}, allow_redirects=False, timeout=10)
    assert dead.status_code == 303 and dead.headers["location"] == "/login?next=/boards"  # a console page: back to the login page
    assert requests.get(manager.base_url + "/boards", cookies={"bangtin_session": first}, headers={"Accept": "application/json"},
                        allow_redirects=False, timeout=10).status_code == 401
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    db = connect(manager.db_path)
    stored = db.execute("SELECT password_hash FROM users WHERE username = 'c_editor'").fetchone()[0]
    session_id = re.search(r"bangtin_session=([^;]+)", cookie).group(1)
    assert stored.startswith("$argon2id$")
    assert not db.execute("SELECT 1 FROM console_sessions WHERE id_hash = ?", [session_id]).fetchone(), "only a hash of the id is kept"
    db.close()
    assert requests.get(manager.base_url + "/", headers={"Accept": "text/html"}, allow_redirects=False, timeout=10).headers["location"] == "/login?next=/"
    assert requests.get(manager.base_url + "/api/v1/boards", timeout=10).status_code == 401


def test_posts_without_csrf_token_refused_and_change_nothing(manager, people, as_user):
    me = as_user("c_editor")
    playlists, schedules = _count(manager, "playlists"), _count(manager, "schedules")
    form = {"name": "Không được lưu", "title": "Tiêu đề", "layout": "landscape-16x9"}
    r = me.post("/bulletins/new", data=form, headers={"Accept": "text/html"})
    assert r.status_code == 403 and "Phiên làm việc đã hết hạn" in r.text
    r = me.post("/bulletins/new", data={**form, "csrf_token": "gia-mao"})
    assert r.status_code == 403
    body = {"name": "Không được lưu", "items": [{"zone": "bulletin", "kind": "bulletin", "title": "x"}]}
    r = me.post("/api/v1/playlists", json=body)
    assert r.status_code == 403 and r.json()["error"] == "csrf"
    r = me.post("/api/v1/assets", params={"filename": "a.jpg"}, data=b"\xff\xd8\xff" + b"0" * 100)
    assert r.status_code == 403
    r = me.post("/logout")
    assert r.status_code == 403
    assert (_count(manager, "playlists"), _count(manager, "schedules")) == (playlists, schedules)
    # With the token the same requests go through: the form field, or the header for fetch/XHR.
    r = me.post("/bulletins/new", data={**form, "csrf_token": me.csrf})
    assert r.status_code == 303 and r.headers["location"].startswith("/playlists/p-")
    r = me.post("/api/v1/playlists", json=body, headers={"X-CSRF-Token": me.csrf})
    assert r.status_code == 201
    assert _count(manager, "playlists") == playlists + 2
    # Bearer-token API calls are not cookie-authenticated and need no token.
    assert manager.admin.post("/api/v1/playlists", json=body).status_code == 201


def test_language_switch_and_escaping(manager, people, as_user):
    me = as_user("c_editor")
    r = me.get("/boards?lang=en")
    assert "Applied on" in r.text and "bangtin_lang=en" in r.headers["set-cookie"]
    assert "Applied on" in me.get("/boards").text, "the choice is remembered"
    assert "Đã áp dụng trên" in me.get("/boards?lang=vi").text
    assert "script-src 'self'" in r.headers["content-security-policy"] and r.headers["x-frame-options"] == "DENY"
    r = me.post("/bulletins/new", data={"name": "<b>đậm</b>", "title": "<script>alert(1)</script>", "csrf_token": me.csrf})
    page = me.get(r.headers["location"]).text
    assert "&lt;b&gt;đậm&lt;/b&gt;" in page and "<script>alert(1)</script>" not in page


def test_disabled_user_loses_session(manager, people, as_user):
    db = connect(manager.db_path)
    with db.atomic():
        create_user(db, "c_leaving", PASSWORD, "editor", None, HOME)
    db.close()
    leaving = as_user("c_leaving")
    assert leaving.get("/boards").status_code == 200
    admin = ConsoleSession(manager, "admin", ADMIN_PASSWORD)
    user_id = connect(manager.db_path).execute("SELECT id FROM users WHERE username = 'c_leaving'").fetchone()[0]
    assert admin.post(f"/users/{user_id}/disable", data={"csrf_token": admin.csrf}).status_code == 303
    r = leaving.get("/boards", headers={"Accept": "text/html"})
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_first_administrator_from_the_command_line(tmp_path):
    db = tmp_path / "fresh.db"
    out = subprocess.run([sys.executable, "-m", "manager", "create-user", "--db", str(db), "quantri", "--role", "admin", "--password-stdin"],
                         input="mot-mat-khau-dai\n", capture_output=True, text=True, timeout=120, check=True)
    assert "user quantri created" in out.stdout


def test_one_address_trying_many_usernames_is_held_back(manager_factory):
    own = manager_factory()
    http = requests.Session()
    for n in range(30):
        assert post_login(http, own.base_url, f"khong-co-{n}", "doan-mo").status_code == 401
    r = post_login(http, own.base_url, "admin", ADMIN_PASSWORD)
    assert r.status_code == 429 and "Đăng nhập sai quá nhiều lần" in r.text
