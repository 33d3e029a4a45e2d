"""The whole review journey in real Chromium: the district filters 未审核 and approves all filtered rows,
downloads the 汇总表; the city centre final-approves; finance funds; the district records the payment;
the grassroots user sees 已发放至职工 and the whole history."""
import re

import pytest
from openpyxl import load_workbook

from app.review import services
from app.review.states import State
from tests.browser.conftest import fill_login, next_person, open_menu
from tests.factories import PASSWORD
from tests.review.conftest import world  # noqa: F401  (the review world fixture)

pytestmark = pytest.mark.browser


def sign_in(page, username):
    next_person(page)
    fill_login(page, username, PASSWORD)
    page.wait_for_selector("#state-counts")


def test_district_city_finance_district_then_the_clerk_sees_it_paid(db, world, page, tmp_path):
    zhang = world.app(name="张三")
    services.record_creation(zhang, world.baoshan_clerk)  # as the intake does on 确认无误，申报
    world.submitted_request(technician="800")  # the district's 申请单 of the batch, with its matching amounts
    db.session.commit()
    world.app(name="李四")
    world.app(name="王五")
    world.app(State.DISTRICT_APPROVED, name="赵六")
    world.app(name="钱七", foreign=True)
    # Plain values: the server works in its own sessions from here on.
    login = {key: getattr(world, key).username for key in ("baoshan_admin", "city_admin", "finance", "baoshan_clerk")}
    zhang_id, zhang_id_number, zhang_card = zhang.id, zhang.id_number, zhang.bank_card_no
    db.session.remove()

    # 区县局管理员: 报名管理, 状态 = 未审核, 搜索.
    sign_in(page, login["baoshan_admin"])
    open_menu(page, "报名管理")
    page.wait_for_selector("#review-filter")
    page.select_option("#flt-state", label="未审核")
    page.click("#search-button")
    page.wait_for_url(re.compile(r"_flt_0_state=pending"))
    assert page.inner_text("#record-count") == "3"
    assert "钱七" not in page.inner_text("#review-list") and "赵六" not in page.inner_text("#review-list")
    page.screenshot(path=str(tmp_path / "district_list.png"), full_page=True)

    # 对全部筛选结果 → 审核通过: the count first, then the decision.
    page.click("#bulk-all-menu")
    page.click("#bulk-all-approve_by_district")
    assert page.inner_text("#bulk-count") == "3" and page.inner_text("#bulk-eligible") == "3"
    page.screenshot(path=str(tmp_path / "bulk_confirm.png"), full_page=True)
    page.click("#bulk-confirm")
    assert page.inner_text("#bulk-changed") == "3" and page.inner_text("#bulk-skipped") == "0"
    page.click("#back-to-list")
    assert "没有符合条件的申请" in page.inner_text("#no-records")

    # 汇总报送: 状态 = 区县局初审通过, 下载Excel.
    page.select_option("#flt-state", label="区县局初审通过")
    page.click("#search-button")
    page.wait_for_url(re.compile(r"_flt_0_state=district_approved"))
    with page.expect_download() as download_info:
        page.click("#excel-button")
    download = download_info.value
    assert download.suggested_filename.startswith("汇总表_宝山区总工会_") and download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    sheet = load_workbook(saved)["汇总表"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]
    assert sorted(r["姓名"] for r in rows) == ["张三", "李四", "王五", "赵六"]
    assert {r["状态"] for r in rows} == {"区县局初审通过"}
    assert next(r for r in rows if r["姓名"] == "张三")["身份证号码"] == zhang_id_number

    # 系统管理员: 终审通过 on the application's page.
    sign_in(page, login["city_admin"])
    page.goto(f"/review/final/show/{zhang_id}")
    page.click("#submit-approve_final")
    assert "已终审通过" in page.inner_text(".alert-success")
    assert page.inner_text("#state-title") == "市技协服务中心终审通过"

    # 市总财务: 配套发放查询 only looks up (no 配套发放 on the page); 奖励资金划拨 funds the row under a voucher.
    sign_in(page, login["finance"])
    open_menu(page, "配套发放查询")
    assert "奖励资金划拨" in page.inner_text("#list-note")
    page.click(f"#review-list tr[data-pk='{zhang_id}'] >> text=查看")
    assert page.locator("#submit-fund").count() == 0 and page.locator("#decisions").count() == 0
    page.goto("/payments/funding/list/")
    page.click("#list-note-link")
    page.wait_for_selector("#due-list")
    row = page.locator("#due-list tbody tr").first
    row.locator("input[name=voucher_no]").fill("财拨〔2026〕001号")
    row.locator("button.fund-button").click()
    page.wait_for_selector("#fund-result")
    assert page.inner_text("#fund-count") == "1" and page.inner_text("#fund-total") == "2,000.00"

    # 区县局管理员: 已发放至职工, with the district's matching amount; the card defaults to the application's.
    sign_in(page, login["baoshan_admin"])
    page.goto(f"/review/district/show/{zhang_id}")
    assert page.input_value("#record_payment-card_no") == zhang_card
    page.screenshot(path=str(tmp_path / "payment_form.png"), full_page=True)
    assert page.inner_text("#matching-amount") == "800.00"
    page.click("#submit-record_payment")
    assert "已记录发放至职工" in page.inner_text(".alert-success")
    assert page.inner_text("#state-title") == "已发放至职工"
    trail = page.inner_text("#review-trail")
    for step in ("确认无误，申报", "审核通过", "终审通过", "配套发放", "已发放至职工", "市总 2000.00", "区县 800.00"):
        assert step in trail, step
    page.screenshot(path=str(tmp_path / "application_page.png"), full_page=True)

    # 基层工会用户: 报名管理 shows 已发放至职工, and the application its whole history.
    sign_in(page, login["baoshan_clerk"])
    open_menu(page, "报名管理")
    row = page.locator("tr", has_text="张三")
    assert "已发放至职工" in row.inner_text()
    row.locator("text=查看").click()
    page.wait_for_selector("#review-history")  # the record page, not the list still unloading
    page.wait_for_load_state()
    history = page.inner_text("body")
    for step in ("区县局初审通过", "市技协服务中心终审通过", "市总财务部配套发放", "已发放至职工"):
        assert step in history, step
    page.screenshot(path=str(tmp_path / "clerk_application.png"), full_page=True)
    for name in ("district_list.png", "application_page.png"):
        assert (tmp_path / name).stat().st_size > 20_000
