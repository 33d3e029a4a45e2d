"""Real Chromium: the system admin creates a campaign with two batches (meeting a refusal beside the field on
the way), publishes it; a clerk finds it on 我要报名; a visitor reads its 活动主页 and prints a blank form."""
import re
from datetime import date

import pytest

from app.accounts.roles import GRASSROOTS, SYSTEM_ADMIN
from tests.browser.conftest import fill_login
from tests.factories import PASSWORD, make_org, make_user

pytestmark = pytest.mark.browser
NAME = "2015年度上海职工晋升技师、高级技师奖励申请"


def fill_batch(page, number, name, opens, system, paper):
    page.fill("#batch-form #number", number)
    page.fill("#batch-form #name", name)
    page.fill("#batch-form #opens_on", opens)
    page.fill("#batch-form #system_deadline", system)
    page.fill("#batch-form #paper_deadline", paper)
    page.click("#save-batch")


def pdf_pages(pdf):
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_admin_creates_and_publishes_a_campaign_and_a_clerk_sees_it(app, db, browser, live_server, tmp_path, clock):
    clock.set(date(2015, 2, 10))
    make_user(SYSTEM_ADMIN, username="cityadmin")
    make_user(GRASSROOTS, org=make_org(name="上海江杨机械有限公司工会"), username="jiangyang01")
    db.session.remove()

    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("dialog", lambda dialog: dialog.accept())
    fill_login(page, "cityadmin", PASSWORD)
    page.wait_for_selector("#state-counts")
    page.locator("#side-menu a", has_text="报名活动").first.click()
    page.wait_for_selector("#campaign-list")
    page.click("#new-campaign")

    page.fill("#name", NAME)
    page.fill("#start_date", "2015-02-02")
    page.fill("#end_date", "2015-01-31")  # before the start: refused beside the field
    page.fill("#cert_issued_from", "2014-01-01")
    page.fill("#reward_technician", "1000")
    page.fill("#reward_senior_technician", "-5")
    page.fill("#description", "根据沪工总办〔2014〕255号文精神，现就2015年度奖励计划申报事项通知如下。")
    page.fill("#contacts", "王奇峰（受理审核事宜）电话：55885591")
    page.click("#save-campaign")
    page.wait_for_selector("#error-summary")
    assert page.inner_text("#msg-end_date") == "截止时间不能早于起始时间（2015-02-02）"
    assert page.inner_text("#msg-reward_senior_technician") == "金额不能为负数"
    assert page.input_value("#name") == NAME and page.input_value("#reward_senior_technician") == "-5"
    page.screenshot(path=str(tmp_path / "campaign-form-refused.png"), full_page=True)
    page.fill("#end_date", "2015-10-15")
    page.fill("#reward_senior_technician", "2000")
    page.click("#save-campaign")
    page.wait_for_selector("#batch-form")
    assert page.inner_text("#campaign-state") == "草稿"

    fill_batch(page, "1", "第一批", "2015-03-01", "2015-04-10", "2015-04-20")
    page.wait_for_selector("#batch-table [data-batch]")
    fill_batch(page, "2", "第二批", "2015-04-01", "2015-09-30", "2015-10-15")  # overlaps the first
    page.wait_for_selector("#batch-error-summary")
    assert "重叠" in page.inner_text("#msg-opens_on")
    assert page.input_value("#batch-form #system_deadline") == "2015-09-30"
    page.fill("#batch-form #opens_on", "2015-09-01")
    page.click("#save-batch")
    page.locator("#batch-table [data-batch]").nth(1).wait_for()  # (no string evaluation: the page's CSP forbids eval)
    page.click("#verb-publish")
    page.wait_for_selector("#verb-end")
    assert page.inner_text("#campaign-state") == "已发布"
    trail = page.inner_text("#audit-trail")
    for action in ("新建活动", "添加批次", "发布"):
        assert action in trail
    page.screenshot(path=str(tmp_path / "campaign-page.png"), full_page=True)
    page.locator(".breadcrumb a", has_text="报名活动").click()
    page.wait_for_selector("#campaign-list")
    row = page.inner_text("#campaign-list tbody tr")
    assert NAME in row and "2015-02-02" in row and "已发布" in row and "cityadmin" in row
    page.screenshot(path=str(tmp_path / "campaign-list.png"), full_page=True)
    context.close()

    # A clerk, once the first batch is open, applies from 我要报名 and reads the campaign's description.
    clock.set(date(2015, 3, 20))
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto("/")
    assert NAME in page.inner_text("body")
    page.click("#entry-apply")
    assert "我要报名：基层工会用户" in page.inner_text("#login-entries")
    fill_login(page, "jiangyang01", PASSWORD)
    page.wait_for_selector("#open-campaigns")
    assert "第一批" in page.inner_text("#open-campaigns") and "第二批" not in page.inner_text("#open-campaigns")
    page.locator("#side-menu a", has_text="我要报名").first.click()
    page.wait_for_selector("#open-batches")
    assert NAME in page.inner_text("#open-batches") and "第一批" in page.inner_text("#open-batches")
    assert "沪工总办〔2014〕255号" in page.inner_text(".campaign-description")
    assert page.locator("#open-batches .apply-link").count() == 2
    page.screenshot(path=str(tmp_path / "apply.png"), full_page=True)
    context.close()


def test_visitor_reads_the_campaign_home_page_and_prints_a_blank_form(app, db, page, tmp_path, clock):
    from decimal import Decimal

    from tests.factories import make_campaign

    clock.set(date(2015, 3, 20))
    campaign = make_campaign(name=NAME, description="各区县局（产业）工会：现就申报事项通知如下。",
                             contacts="联系人：王奇峰 电话：55885591", reward_technician=Decimal("1000"),
                             reward_senior_technician=Decimal("2000"))
    campaign_id = campaign.id
    db.session.remove()
    page.goto("/")
    page.locator(f"[data-campaign='{campaign_id}'] a", has_text="进入活动主页").click()
    page.wait_for_selector("#public-batches")
    assert "正在受理" in page.inner_text("#public-batches")
    page.screenshot(path=str(tmp_path / "public-campaign.png"), full_page=True)
    for number in (1, 2, 3, 4):
        page.goto(f"/public/campaign/{campaign_id}/form/{number}")
        page.wait_for_selector("#blank-form")
        page.screenshot(path=str(tmp_path / f"blank-form-{number}.png"), full_page=True)
        page.emulate_media(media="print")
        pdf = page.pdf(format="A4", print_background=True)
        (tmp_path / f"blank-form-{number}.pdf").write_bytes(pdf)
        page.emulate_media(media="screen")
        assert pdf_pages(pdf) == 1, f"附件{number}: {pdf_pages(pdf)} pages"
    page.goto("/public/progress")
    page.fill("#id_number", "110101199003070011")
    page.fill("#certificate_no", "150100000001")
    page.fill("#captcha", "TEST")
    page.click("#progress-submit")
    page.wait_for_selector("#progress-error")
    assert page.inner_text("#progress-error") == "未查询到"
    page.screenshot(path=str(tmp_path / "progress.png"), full_page=True)
