"""Uploads over the size limit, seen in the browser; every console string in both languages."""
import re
from pathlib import Path

from playwright.sync_api import expect

from manager import i18n
from manager.auth import create_user
from manager.db import connect
from tests.console.conftest import HOME, PASSWORD, login

TEMPLATES = Path(__file__).resolve().parents[2] / "manager" / "templates"
REPORTS = Path(__file__).resolve().parents[2] / "manager" / "reports"


def test_too_large_upload_gets_a_vietnamese_message(manager_factory, new_page, tmp_path):
    small = manager_factory(extra_args=["--max-upload-mb", "1"])
    db = connect(small.db_path)
    with db.atomic():
        create_user(db, "c_editor", PASSWORD, "editor", None, HOME)
    db.close()
    page = new_page()
    login(page, small, "c_editor")
    page.goto(small.base_url + "/library")
    expect(page.locator("#uploader")).to_contain_text("tối đa 1 MB")
    big = tmp_path / "qua-lon.jpg"
    big.write_bytes(b"\xff\xd8\xff" + bytes(2 * 1024 * 1024))
    requests_sent = []
    page.on("request", lambda r: requests_sent.append(r.url) if "/api/v1/assets" in r.url else None)
    page.set_input_files("#upload-file", str(big))
    # Refused in the page before a byte is sent (a 4 GB file would otherwise end in a bare network error).
    expect(page.locator("#upload-list .upload-status").last).to_contain_text("qua-lon.jpg nặng 2 MB, quá giới hạn 1 MB")
    assert requests_sent == []
    assert connect(small.db_path).execute("SELECT count(*) FROM assets").fetchone()[0] == 0


def test_every_template_string_exists_in_both_languages():
    keys = set()
    for template in TEMPLATES.rglob("*.html"):  # the console's templates and the report pages' (reports/)
        keys |= set(re.findall(r"""\bt\('([a-z_.]+)'""", template.read_text()))
    assert {"reports.heading", "reports.no_data", "reports.period"} <= keys
    for module in REPORTS.glob("*.py"):  # report tables, charts and chain labels name their messages in Python
        keys |= set(re.findall(r"""["'](reports\.[a-z_.]+)["']""", module.read_text()))
    missing = sorted(k for k in keys if k not in i18n.MESSAGES and not k.endswith((".", "_")))  # prefixes completed at run time
    assert not missing, missing
    assert i18n.text("vi", "reports.no_data") == "không có dữ liệu" and i18n.text("en", "reports.no_data") == "no data"
    for key, (vi, en) in i18n.MESSAGES.items():
        assert vi.strip() and en.strip(), key
    assert i18n.text("vi", "boards.applied_on", n=37, m=40) == "Đã áp dụng trên 37 / 40 bảng tin"
    assert i18n.text("en", "boards.applied_on", n=37, m=40) == "Applied on 37 of 40 boards"
