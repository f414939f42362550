"""What an editor typed survives an expired session or a refused form, and only then."""
import re

from playwright.sync_api import expect

from tests.console.conftest import PASSWORD, login

LONG_BODY = "Từ 7 giờ đến 11 giờ sáng Chủ nhật, Trạm Y tế xã tiêm vắc-xin sởi cho trẻ từ 9 tháng tuổi.\nMang theo sổ tiêm chủng."


def test_bulletin_survives_an_expired_session(manager, people, new_page):
    editor = new_page()
    login(editor, manager, "c_editor")
    editor.goto(manager.base_url + "/bulletins/new")
    editor.fill("input[name=name]", "Tiêm vắc-xin sởi")
    editor.fill("#title", "Lịch tiêm vắc-xin sởi")
    editor.fill("#body", LONG_BODY)
    editor.context.clear_cookies()  # the session ran out while the editor was typing
    editor.click("#bulletin-form button[type=submit]")
    editor.wait_for_url(re.compile(r"/login"))
    editor.fill("input[name=username]", "c_editor")
    editor.fill("input[name=password]", PASSWORD)
    editor.click("button[type=submit]")
    editor.wait_for_url(re.compile(r"/bulletins/new"))
    expect(editor.locator(".draft-restored")).to_be_visible()
    expect(editor.locator("#title")).to_have_value("Lịch tiêm vắc-xin sởi")
    expect(editor.locator("#body")).to_have_value(LONG_BODY)
    expect(editor.locator("#preview .zone-bulletin h3")).to_have_text("Lịch tiêm vắc-xin sởi")

    # Saved this time: the next new bulletin starts empty.
    editor.click("#bulletin-form button[type=submit]")
    editor.wait_for_url(re.compile(r"/playlists/p-"))
    editor.goto(manager.base_url + "/bulletins/new")
    expect(editor.locator("#title")).to_have_value("")
    assert editor.locator(".draft-restored").count() == 0


def test_refused_form_goes_back_with_what_was_typed(manager, people, new_page):
    editor = new_page()
    login(editor, manager, "c_editor")
    editor.goto(manager.base_url + "/bulletins/new")
    editor.fill("input[name=name]", "Chỉ có dòng chữ trắng")
    editor.fill("#ticker", "   ")  # only spaces: refused by the server, not by the browser
    editor.click("#bulletin-form button[type=submit]")
    expect(editor.locator("#error-message")).to_contain_text("tiêu đề")
    editor.click("#go-back")
    editor.wait_for_url(re.compile(r"/bulletins/new$"))
    expect(editor.locator("input[name=name]")).to_have_value("Chỉ có dòng chữ trắng")
    expect(editor.locator(".draft-restored")).to_be_visible()

    # Refused again, but this time the editor opens the form afresh: it starts empty.
    editor.click("#bulletin-form button[type=submit]")
    expect(editor.locator("#error-message")).to_be_visible()
    editor.goto(manager.base_url + "/bulletins/new")
    expect(editor.locator("input[name=name]")).to_have_value("")
    assert editor.locator(".draft-restored").count() == 0
