"""The admin shell in real Chromium: every role's main pages at 1366 px and on a 390 px phone, screenshots in
the test's folder; the left menu shows only the role's own entries; lists keep dates and names on one line at
1366 px; the clerk's pages (我要报名, the form, 报名管理, 查看) never scroll sideways on a phone; the district
works through a filtered batch with 审核通过并下一份."""
import re
from datetime import datetime, timedelta

import pytest

from app import clock
from app.campaigns.models import Batch, Campaign
from app.review.states import State
from tests.browser.conftest import SPILLED_CELLS, fill_login, next_person
from tests.factories import PASSWORD
from tests.review.conftest import world  # noqa: F401  (the review world fixture)

pytestmark = pytest.mark.browser

#: Cells of a list that must stay on one line: dates (YYYY-MM-DD …) and the 姓名 column.
WRAPPED_CELLS = """() => {
  const lines = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
    return tops.size;
  };
  const wrapped = [];
  let checked = 0;
  for (const table of document.querySelectorAll('table.shell-list')) {
    const heads = [...table.querySelectorAll('thead th')].map(th => th.innerText.trim());
    for (const row of table.querySelectorAll('tbody tr')) {
      [...row.children].forEach((td, i) => {
        const text = td.innerText.trim();
        if (/^\\d{4}-\\d{2}-\\d{2}/.test(text) || heads[i] === '姓名') {
          checked += 1;
          if (lines(td) > 1) wrapped.push(heads[i] + ': ' + text);
        }
      });
    }
  }
  return {checked, wrapped};
}"""

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def sign_in(page, username):
    next_person(page)
    fill_login(page, username, PASSWORD)
    page.wait_for_selector("#state-counts")


def menu_entries(page):
    return [t.strip() for t in page.locator("#side-menu a").all_inner_texts()]


def shoot(page, tmp_path, name):
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


@pytest.fixture
def shell_world(db, world):
    start = datetime(2026, 11, 1, 9, 0)
    names = ["欧阳建国", "司马晓东", "张三", "李四", "王五", "赵六"]
    made = []
    for i, name in enumerate(names):
        a = world.app(name=name)
        a.submitted_at = start + timedelta(hours=i)
        made.append(a)
    world.app(State.DISTRICT_APPROVED, name="钱七")
    world.app(State.FINAL_APPROVED, name="周九")
    world.app(name="孙八", foreign=True)
    db.session.commit()
    login = {key: getattr(world, key).username
             for key in ("baoshan_admin", "city_admin", "finance", "baoshan_clerk")}
    ids = [a.id for a in made]
    db.session.remove()
    return login, ids


#: Pages of the other roles measured for sideways overflow at 390 px too (the clerk's are all measured).
NARROW_CHECKED = ("/register/",)


def test_each_roles_pages_in_the_shell_at_1366_and_390(shell_world, page, tmp_path):
    login, ids = shell_world
    pages = {
        "baoshan_clerk": ["/", "/apply/", "/myapplicationmodelview/list/", f"/myapplicationmodelview/show/{ids[0]}"],
        "baoshan_admin": ["/", "/review/district/list/", f"/review/district/show/{ids[0]}", "/user-management/list/"],
        "city_admin": ["/", "/review/final/list/", "/campaigns/", "/security-log/list/", "/organisationmodelview/list/",
                       "/register/"],
        "finance": ["/", "/payments/funding/list/"],
    }
    own_menu = {
        "baoshan_clerk": {"报名活动", "我要报名", "报名管理"},
        "baoshan_admin": {"报名管理", "申请单", "用户管理"},
        "city_admin": {"终审", "组织机构", "安全日志"},
        "finance": {"配套发放查询", "奖励资金划拨"},
    }
    never = {"baoshan_clerk": {"终审", "用户管理", "配套发放", "组织机构", "统计分析"},
             "baoshan_admin": {"我要报名", "终审", "组织机构"},
             "city_admin": {"我要报名", "配套发放"},
             "finance": {"我要报名", "终审", "用户管理"}}
    for role, paths in pages.items():
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            sign_in(page, login[role])
            entries = set(menu_entries(page))
            assert own_menu[role] <= entries and not (never[role] & entries), (role, entries)
            # The top bar: who, 修改密码, 退出 (a POST form).
            assert page.locator("#current-user").is_visible() and page.locator("#password-link").is_visible()
            assert page.locator("#logout-form[method=post] #logout-link").is_visible()
            for path in paths:
                response = page.goto(path)
                assert response.status == 200, (role, path)
                page.wait_for_selector("#breadcrumbs")
                name = f"{role}_{re.sub(r'[^a-z0-9]+', '_', path).strip('_') or 'home'}_{width}"
                shoot(page, tmp_path, name)
                if width == 1366:
                    found = page.evaluate(WRAPPED_CELLS)
                    assert found["wrapped"] == [], (role, path, found)
                    if "/list/" in path and "organisation" not in path:  # the lists with dates or names
                        assert found["checked"] > 0, (role, path)
                    # The menu sits at the left, beside the page.
                    assert page.locator("#side-menu").bounding_box()["x"] == 0
                    assert page.locator("#main-content").bounding_box()["x"] >= 200
                elif role == "baoshan_clerk" or path in NARROW_CHECKED:
                    assert page.evaluate(OVERFLOW) <= 0, (role, path, page.evaluate(OVERFLOW))
            if width == 1366 and role != "baoshan_clerk":
                continue
            if width == 390:
                # On a phone the menu is a drawer behind the ☰ button.
                page.goto(paths[0])
                assert not page.locator("#side-menu").is_visible() or \
                    page.locator("#side-menu").bounding_box()["x"] < 0
                page.click("#shell-toggle")
                page.wait_for_timeout(300)
                assert page.locator("#side-menu").bounding_box()["x"] >= 0
                shoot(page, tmp_path, f"{role}_menu_open_{width}")
                page.click("#shell-backdrop", position={"x": 370, "y": 400})
    # Every shot was written.
    assert len(list(tmp_path.glob("*.png"))) >= 2 * sum(len(p) for p in pages.values())


def test_the_clerk_fills_the_form_on_a_phone(db, shell_world, page, tmp_path):
    login, _ids = shell_world
    # A campaign named in full, with a batch still to come (即将开始受理 below the open one).
    campaign = db.session.query(Campaign).one()  # the world's
    campaign.name = "2026年度上海职工晋升技师、高级技师奖励计划"
    day = clock.today()
    db.session.add(Batch(campaign=campaign, number=2, name="第二批", opens_on=day + timedelta(days=60),
                         system_deadline=day + timedelta(days=90), paper_deadline=day + timedelta(days=100)))
    db.session.commit()
    db.session.remove()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, login["baoshan_clerk"])
    page.click("#shell-toggle")
    page.locator("#side-menu a", has_text="我要报名").click()
    page.wait_for_selector("#upcoming-batches")
    assert page.evaluate(OVERFLOW) <= 0
    assert page.evaluate(SPILLED_CELLS) == []  # each card's long 报名名称 wraps
    page.click("tr[data-batch] a.apply-link[data-variant=general]")
    page.wait_for_selector("#submit-application")
    shoot(page, tmp_path, "clerk_form_390")
    assert page.evaluate(OVERFLOW) <= 0, page.evaluate(OVERFLOW)
    # Every input of the form fits the screen.
    too_wide = page.evaluate("""() => [...document.querySelectorAll(
        'form input:not([type=hidden]), form select, form textarea')]
        .filter(e => e.offsetParent && e.getBoundingClientRect().right > window.innerWidth + 1)
        .map(e => e.name || e.id)""")
    assert too_wide == []
    assert page.evaluate(SPILLED_CELLS) == []  # 附件: each scan's name above its file field


def test_the_district_works_through_a_filtered_batch(shell_world, page, tmp_path):
    login, ids = shell_world
    sign_in(page, login["baoshan_admin"])
    page.locator("#side-menu a", has_text="报名管理").click()
    page.select_option("#flt-state", label="未审核")
    page.click("#search-button")
    page.wait_for_url(re.compile(r"_flt_0_state=pending"))
    assert page.inner_text("#record-count") == "6"
    # Newest first: 赵六 … 欧阳建国. 查看 the first, then decide and go on.
    page.locator("#review-list tbody tr").first.locator("text=查看").click()
    assert page.inner_text("#review-position").replace(" ", "") == "第1/6份"
    assert page.inner_text("#field-name") == "赵六"
    shoot(page, tmp_path, "district_show_first")
    page.click("#submit-approve_by_district-next")
    assert "赵六：已审核通过，已打开下一份" in page.inner_text(".shell-messages")
    assert page.inner_text("#field-name") == "王五"
    assert page.inner_text("#review-position").replace(" ", "") == "第1/5份"
    page.fill("#reject_by_district-comment", "证书复印件不清晰")
    page.click("#submit-reject_by_district-next")
    assert page.inner_text("#field-name") == "李四"
    # Reason missing: the message beside the field, still on the same application.
    page.click("#submit-reject_by_district-next")
    assert page.inner_text("#field-name") == "李四"
    assert "请填写原因" in page.inner_text("#decision-reject_by_district")
    page.click("#next-application")
    assert page.inner_text("#field-name") == "张三"
    assert page.inner_text("#review-position").replace(" ", "") == "第2/4份"
    page.click("#previous-application")
    assert page.inner_text("#field-name") == "李四"
    page.click("#back-button")
    page.wait_for_url(re.compile(r"_flt_0_state=pending"))
    assert page.inner_text("#record-count") == "4"
    # Tick one row, 对勾选的申请 → 审核不通过: the confirmation counts the ticked row (shell.js, no inline script).
    page.locator("#review-list tbody tr").first.locator("input.action_check").check()
    page.click("#ticked-menu")
    page.click("#ticked-reject_by_district")
    page.wait_for_selector("#bulk-count")
    assert page.inner_text("#bulk-count") == "1"


def test_row_buttons_with_text_delete_after_the_confirmation(shell_world, page, tmp_path):
    login, _ids = shell_world
    sign_in(page, login["baoshan_admin"])
    page.locator("#side-menu a", has_text="用户管理").click()
    page.wait_for_selector("#user-list tbody tr")
    row = page.locator("#user-list tbody tr", has_text=login["baoshan_clerk"])
    assert [t.strip() for t in row.locator(".row-actions a").all_inner_texts()] == ["查看", "修改", "删除"]
    row.locator("a.row-delete").click()
    page.wait_for_selector("#modal-confirm", state="visible")
    assert "您确定要删除这条记录吗" in page.inner_text("#modal-confirm")
    shoot(page, tmp_path, "delete_confirm")
    page.click("#modal-confirm-ok")
    page.wait_for_load_state()
    assert page.locator("#user-list tbody tr", has_text=login["baoshan_clerk"]).count() == 0


def test_no_page_is_wider_than_a_phone(shell_world, page, tmp_path):
    """At 390 px a wide table scrolls inside its own (focusable, named) region; the page itself never scrolls
    sideways, whatever the role's page."""
    login, _ids = shell_world
    pages = {
        "baoshan_admin": ["/review/district/list/", "/district-request/list/", "/payments/transfers/list/",
                          "/payments/reports/list/", "/payments/reconciliation/list/", "/stats/", "/jobs/"],
        "city_admin": ["/campaigns/", "/district-requests/list/", "/payments/transfers/list/", "/stats/",
                       "/batchmodelview/list/", "/city-accounts/list/", "/district-admins/list/"],
        "finance": ["/payments/funding/list/", "/payments/due/list/", "/payments/transfers/list/",
                    "/payments/reports/list/", "/stats/"],
    }
    page.set_viewport_size({"width": 390, "height": 844})
    for role, paths in pages.items():
        sign_in(page, login[role])
        for path in paths:
            assert page.goto(path).status == 200, (role, path)
            page.wait_for_selector("#breadcrumbs")
            assert page.evaluate(OVERFLOW) <= 0, (role, path, page.evaluate(OVERFLOW))
            assert page.evaluate(SPILLED_CELLS) == [], (role, path)
            regions = page.locator("#main-content .table-responsive")
            for i in range(regions.count()):
                region = regions.nth(i)
                if region.evaluate("el => el.scrollWidth > el.clientWidth"):
                    assert region.get_attribute("tabindex") == "0" and region.get_attribute("aria-label"), \
                        (role, path)
        shoot(page, tmp_path, f"{role}_wide_pages_390")
