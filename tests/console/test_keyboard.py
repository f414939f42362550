"""The editor's main flow by keyboard alone (issue 14, "a skip link and visible focus"): no clicks, only Tab,
Enter and typing, as someone who cannot use a mouse works. Each stop is checked for a visible focus ring.
"""
from playwright.sync_api import expect

from tests.console.conftest import PASSWORD

FOCUSED = "document.activeElement"


def focus_ring(page) -> str:
    """The focused element's outline or box-shadow; "none" would be a focus nobody can see."""
    return page.evaluate(f"""() => {{ const e = {FOCUSED}, s = getComputedStyle(e);
        if (!e.matches(':focus-visible')) return 'none';
        return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 ? 'outline ' + s.outlineWidth
             : s.boxShadow !== 'none' ? 'shadow' : 'none'; }}""")


def tab_to(page, selector: str, text: str | None = None, limit: int = 80) -> None:
    """Tab forward until the focus is on `selector` (with `text`, if given); fails after `limit` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"([s, t]) => {FOCUSED}.matches(s) && (!t || {FOCUSED}.textContent.trim() === t)", [selector, text]):
            assert focus_ring(page) != "none", f"focus on {selector} {text or ''} is not visible"
            return
    raise AssertionError(f"Tab never reached {selector} {text or ''}")


def test_editor_writes_and_submits_a_bulletin_by_keyboard(manager, people, new_page):
    page = new_page(1366, 768)
    page.goto(manager.base_url + "/login")
    page.keyboard.type("c_editor")  # the username field has the focus when the page opens
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(manager.base_url + "/")

    # The skip link comes first and shows itself when focused; the menu follows it.
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "the skip link is on screen when focused"
    assert focus_ring(page) != "none"
    tab_to(page, "#mainnav a", "Soạn bản tin")
    page.keyboard.press("Enter")
    page.wait_for_url("**/bulletins/new")

    # On the form page the skip link jumps over the menu: the next Tab is the form's first field.
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#bulletin-form input[name=name]")).to_be_focused()
    assert focus_ring(page) != "none"
    page.keyboard.type("Bản tin gõ bằng bàn phím")
    tab_to(page, "#title")
    page.keyboard.type("Họp dân khu phố 3")
    page.keyboard.press("Tab")
    expect(page.locator("#body")).to_be_focused()
    page.keyboard.type("Mời bà con dự họp lúc 19:00 tại nhà văn hoá.")
    tab_to(page, "#bulletin-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".flash.ok")).to_be_visible()

    # From the playlist to its schedule, created and sent for approval, still without a mouse.
    tab_to(page, "main a.button", "Lên lịch phát")
    page.keyboard.press("Enter")
    page.wait_for_url("**/schedules?playlist=*")
    tab_to(page, "#schedule-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".flash.ok")).to_have_text("Đã tạo lịch phát (bản nháp)")
    row = page.locator("tr[data-schedule]", has_text="Bản tin gõ bằng bàn phím")
    expect(row).to_have_count(1)
    schedule = row.get_attribute("data-schedule")
    tab_to(page, f"tr[data-schedule='{schedule}'] button[data-action=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(f"tr[data-schedule='{schedule}'] .badge")).to_have_text("Chờ duyệt")
