"""The demo system admin signs in, is made to change the one-time password, and lands on the home page."""
import pytest

from app.demo import DEMO_PASSWORD, load_demo
from tests.browser.conftest import fill_login

pytestmark = pytest.mark.browser


def test_admin_first_login_forced_password_change(app, db, page, tmp_path):
    load_demo()
    db.session.remove()
    fill_login(page, "admin", DEMO_PASSWORD)
    page.wait_for_url("**/account/password")
    assert page.locator("#forced-change").is_visible()
    # A weak password is refused next to its field, the page stays.
    page.fill("#old_password", DEMO_PASSWORD)
    page.fill("#new_password", "password")
    page.fill("#confirm_password", "password")
    page.click("#password-form [type=submit]")
    assert "至少三类" in page.locator("#password-form").inner_text()
    page.fill("#old_password", DEMO_PASSWORD)
    page.fill("#new_password", "Lq5%wE8zYu")
    page.fill("#confirm_password", "Lq5%wE8zYu")
    page.click("#password-form [type=submit]")
    page.wait_for_selector("#state-counts")
    assert "欢迎您" in page.content()
    assert "密码修改成功" in page.content()
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)
    assert (tmp_path / "home.png").stat().st_size > 10_000
