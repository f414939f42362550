"""Console tests: Debian's chromium driven by Playwright against a live manager on loopback.

One browser for the session, a fresh context (cookies, storage) per test.
People are created in the manager's database: editors and approvers of two
communes in different provinces, so scope can be tested both ways.
"""
import os
import re
from pathlib import Path

import pytest
import requests

from manager.auth import create_user
from manager.db import connect

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots"
PASSWORD = "matkhau-kiem-thu"
HOME = "04465"  # Xã Khao Mang, Lào Cai: the console tests' own commune
OTHER = "00070"  # Phường Hoàn Kiếm, Hà Nội: another province
PEOPLE = {
    "c_editor": ("editor", HOME), "c_approver": ("approver", HOME), "c_auditor": ("auditor", "15"),
    "c_other_editor": ("editor", OTHER), "c_other_approver": ("approver", OTHER),
}


@pytest.fixture(scope="session")
def people(manager):
    db = connect(manager.db_path)
    with db.atomic():
        for name, (role, unit) in PEOPLE.items():
            if not db.execute("SELECT 1 FROM users WHERE username = ?", [name]).fetchone():
                create_user(db, name, PASSWORD, role, None, unit, display_name=name)
    db.close()
    return PEOPLE


@pytest.fixture
def new_page(browser):
    """new_page(viewport=...) -> a page in a context of its own; all closed after the test."""
    contexts = []

    def make(width: int = 1280, height: int = 800):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def login(page, manager, username: str, password: str = PASSWORD) -> None:
    page.goto(manager.base_url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))


def shot(page, name: str) -> None:
    """Screenshots go to docs/ only when asked (BANGTIN_UPDATE_SCREENSHOTS=1), so a test run leaves the tree clean."""
    folder = SHOTS if os.environ.get("BANGTIN_UPDATE_SCREENSHOTS") == "1" else ROOT / "tests" / "_artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


def post_login(http: requests.Session, base_url: str, username: str, password: str, **kwargs) -> requests.Response:
    """Logs in as the login page does: its double-submit token (cookie + hidden field) included."""
    page = http.get(base_url + "/login", timeout=10, allow_redirects=False).text
    token = re.search(r'name="login_token" value="([^"]+)"', page).group(1)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)  # when already logged in
    extra = {"csrf_token": csrf.group(1)} if csrf else {}
    return http.post(base_url + "/login", data={"username": username, "password": password, "login_token": token, **extra, **kwargs},
                     allow_redirects=False, timeout=10)


class ConsoleSession(requests.Session):
    """A logged-in console session over plain HTTP (cookie + CSRF token), for checks below the pages."""

    def __init__(self, manager, username: str, password: str = PASSWORD):
        super().__init__()
        self.base_url = manager.base_url
        r = post_login(self, self.base_url, username, password)
        assert r.status_code == 303, r.text
        page = self.get(self.base_url + "/login").text
        self.csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)

    def get(self, url, **kwargs):
        kwargs.setdefault("allow_redirects", False)  # requests would follow them by default
        return self.request("GET", url, **kwargs)

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", 30)
        kwargs.setdefault("allow_redirects", False)
        return super().request(method, self.base_url + url if url.startswith("/") else url, *args, **kwargs)


@pytest.fixture
def as_user(manager, people):
    return lambda username: ConsoleSession(manager, username)
