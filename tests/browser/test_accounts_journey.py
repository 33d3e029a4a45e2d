"""A 区县局管理员 creates a 基层工会 account in 用户管理 and logs out; the new user logs in (captcha in test
mode), is made to change the password, and reaches 我要报名."""
import re

import pytest

from app.accounts import roles
from app.accounts.models import AppUser
from tests.browser.conftest import fill_login, open_menu
from tests.factories import PASSWORD, district, make_org, make_user

pytestmark = pytest.mark.browser


def change_password(page, old, new):
    page.wait_for_url("**/account/password")
    assert page.locator("#forced-change").is_visible()
    page.fill("#old_password", old)
    page.fill("#new_password", new)
    page.fill("#confirm_password", new)
    page.click("#password-form [type=submit]")
    page.wait_for_selector("text=密码修改成功")


def test_district_admin_creates_a_grassroots_account_that_reaches_apply(app, db, page, tmp_path):
    baoshan = district("宝山区总工会")
    make_user(roles.DISTRICT_ADMIN, username="baoshan", org=baoshan, real_name="宝山管理员", must_change=True)
    unit_id = make_org(parent=baoshan, name="上海江杨机械有限公司工会", unit_name="上海江杨机械有限公司").id
    db.session.remove()

    # The login page: 用户名, 密码 and a captcha image drawn by the server.
    page.goto("/login/")
    assert page.locator("#captcha-image").evaluate("img => img.complete && img.naturalWidth") == 140
    first = page.get_attribute("#captcha-image", "src")
    page.click("#captcha-image")  # 看不清？点击换一张
    page.wait_for_function("first => document.getElementById('captcha-image').getAttribute('src') !== first", arg=first)
    page.wait_for_function("() => { const i = document.getElementById('captcha-image'); return i.complete && i.naturalWidth == 140; }")
    page.screenshot(path=str(tmp_path / "login.png"), full_page=True)
    fill_login(page, "baoshan", PASSWORD)
    change_password(page, PASSWORD, "Bs#2015admin")

    # 用户管理 → 添加用户, filled as the manual shows.
    open_menu(page, "用户管理")
    page.wait_for_selector("#add-user")
    page.click("#add-user")
    page.wait_for_selector("#username")
    assert page.locator("#district_display").inner_text() == "宝山区总工会"
    page.fill("#username", "baoshan009")
    page.fill("#password", "Jy#2015clerk")
    page.fill("#conf_password", "Jy#2015clerk")
    page.fill("#real_name", "李静")
    page.fill("#id_number", "310109198309073016")
    page.fill("#mobile", "13166295000")
    # 单位 is a select2 list: open it, type, pick.
    page.click("#organisation + .select2-container .select2-selection")
    page.fill(".select2-container--open .select2-search__field", "江杨")
    page.click(".select2-results__option:has-text('上海江杨机械有限公司')")
    assert "上海江杨机械有限公司" in page.locator("#organisation + .select2-container").inner_text()
    page.screenshot(path=str(tmp_path / "add_user.png"), full_page=True)
    page.click("#model_form [type=submit]")
    page.wait_for_selector("#user-list")
    row = page.locator("#user-list tr", has_text="baoshan009")
    assert re.search(r"baoshan009\s+13166295000\s+\d{4}-\d{2}-\d{2}\s+0\s+李静\s+宝山区总工会", row.inner_text())
    page.screenshot(path=str(tmp_path / "user_list.png"), full_page=True)
    created = db.session.query(AppUser).filter_by(username="baoshan009").one()
    assert created.organisation_id == unit_id and created.must_change_password
    db.session.remove()

    # Log out through the top bar (a POST form).
    page.click("#logout-link")
    page.wait_for_url("**/login/")
    assert "您已安全退出系统" in page.content()

    # The new user: login, forced password change, then 我要报名.
    fill_login(page, "baoshan009", "Jy#2015clerk")
    change_password(page, "Jy#2015clerk", "Lj#2015new")
    page.locator("#side-menu a", has_text="我要报名").click()
    heading = page.locator("h1, h2, h3, .panel-title").filter(has_text="我要报名").first
    heading.wait_for()
    assert "我要报名" in heading.inner_text()
    page.screenshot(path=str(tmp_path / "apply.png"), full_page=True)
    for name in ("login.png", "add_user.png", "user_list.png"):
        assert (tmp_path / name).stat().st_size > 10_000
