"""The remaining pages in chromium: login, English, users, a phone, drag and drop."""
from playwright.sync_api import expect

from tests.console.conftest import HOME, PASSWORD, login, shot
from tests.live_manager import ADMIN_PASSWORD


def test_login_page_and_wrong_password(manager, people, new_page):
    page = new_page()
    page.goto(manager.base_url + "/")
    assert "/login" in page.url
    expect(page.locator("h1")).to_have_text("Đăng nhập")
    shot(page, "login")
    page.fill("input[name=username]", "c_editor")
    page.fill("input[name=password]", "khong-dung")
    page.click("button[type=submit]")
    expect(page.locator("#login-error")).to_have_text("Sai tên đăng nhập hoặc mật khẩu")
    page.click("a.lang")
    expect(page.locator("h1")).to_have_text("Log in")


def test_admin_manages_users_in_english(manager, people, new_page):
    page = new_page()
    login(page, manager, "admin", ADMIN_PASSWORD)
    page.goto(manager.base_url + "/users?lang=en")
    expect(page.locator("h1")).to_have_text("Users")
    page.click("summary")
    form = page.locator("#user-form")
    form.locator("input[name=username]").fill("c_new_editor")
    form.locator("input[name=display_name]").fill("Nguyễn Văn Mới")
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("select[name=role]").select_option("editor")
    form.locator("select[name=unit]").select_option("15")
    form.locator("button[type=submit]").click()
    expect(page.locator("tr[data-user='c_new_editor']")).to_contain_text("Editor")
    other = new_page()
    login(other, manager, "c_new_editor")
    expect(other.locator("h1")).to_contain_text("Xin chào")
    # Made an approver: the new role applies to the open session at once.
    row = page.locator("tr[data-user='c_new_editor']")
    row.locator("details.change > summary").click()
    row.locator("details.change select[name=role]").select_option("approver")
    row.locator("details.change button[type=submit]").click()
    expect(page.locator("tr[data-user='c_new_editor']")).to_contain_text("Approver")
    assert other.goto(manager.base_url + "/emergency").status == 200


def test_phone_width_and_drag_and_drop(manager, people, new_page):
    r = manager.admin.post("/api/v1/playlists", json={"name": "Kéo thả", "unit_code": HOME, "items": [
        {"zone": "ticker", "kind": "ticker", "text": "một"}, {"zone": "ticker", "kind": "ticker", "text": "hai"},
        {"zone": "ticker", "kind": "ticker", "text": "ba"}]})
    playlist = r.json()
    page = new_page()
    login(page, manager, "c_editor")
    page.goto(manager.base_url + f"/playlists/{playlist['id']}")
    page.drag_and_drop("#items li:nth-child(3)", "#items li:nth-child(1)")
    expect(page.locator("#order-status")).to_have_text("Đã lưu thứ tự")
    texts = [i["text"] for i in manager.admin.get(f"/api/v1/playlists/{playlist['id']}").json()["items"]]
    assert texts[0] == "ba", texts
    page.locator("#items li", has_text="hai").locator("button.remove").click()
    expect(page.locator("#items li")).to_have_count(2)
    # Removal says what went (not "order saved") and offers an undo (finding 4).
    expect(page.locator("#order-status")).to_contain_text("Đã bỏ “hai” khỏi danh sách phát.")
    texts = [i["text"] for i in manager.admin.get(f"/api/v1/playlists/{playlist['id']}").json()["items"]]
    assert texts == ["ba", "một"], texts
    page.locator("#order-status button.undo").click()
    expect(page.locator("#order-status")).to_have_text("Đã đưa “hai” trở lại.")
    texts = [i["text"] for i in manager.admin.get(f"/api/v1/playlists/{playlist['id']}").json()["items"]]
    assert texts == ["ba", "một", "hai"], texts  # back where it was
    shot(page, "playlist")

    phone = new_page(390, 844)
    login(phone, manager, "c_editor")
    phone.goto(manager.base_url + "/boards")
    expect(phone.locator("#mainnav")).to_be_hidden()
    phone.click(".menu-toggle")
    expect(phone.locator("#mainnav")).to_be_visible()
    phone.click(".menu-toggle")
    shot(phone, "phone-boards")
