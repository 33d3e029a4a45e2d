"""The money journey in real Chromium: finance funds a district's batch in one step (after a refusal beside
the 凭证号 field), the district pays the transfer to its workers in one step and reports it to the city
centre; both reconciliations show no difference; the city sees the district reported."""
import re
from decimal import Decimal

import pytest

from app.review.states import State
from tests.browser.conftest import fill_login, next_person, open_menu
from tests.factories import PASSWORD, district
from tests.review.conftest import world  # noqa: F401  (the review world fixture)

pytestmark = pytest.mark.browser
SENIOR = {"new_level": "1", "previous_level": "2"}


def sign_in(page, username):
    next_person(page)
    fill_login(page, username, PASSWORD)
    page.wait_for_selector("#state-counts")


def test_finance_funds_a_batch_the_district_pays_it_and_both_reconcile(db, world, page, tmp_path):
    world.submitted_request(technician="800", senior="1200")
    db.session.commit()
    names = ["张三", "李四", "王五"]
    world.app(State.FINAL_APPROVED, name=names[0])
    world.app(State.FINAL_APPROVED, name=names[1])
    world.app(State.FINAL_APPROVED, name=names[2], **SENIOR)
    world.app(State.FINAL_APPROVED, name="钱七", foreign=True)
    login = {key: getattr(world, key).username for key in ("finance", "baoshan_admin", "city_admin")}
    batch_id, baoshan = world.campaign.batches[0].id, district("宝山区总工会").id
    row_id = f"#due-{batch_id}-{baoshan}"
    db.session.remove()

    # 市总财务: 奖励资金划拨 lists 宝山 with 2 技师 + 1 高级技师 = 7,000.00 元 due.
    sign_in(page, login["finance"])
    open_menu(page, "奖励资金划拨")
    page.wait_for_selector("#due-list")
    row = page.locator(row_id)
    assert row.locator(".count").inner_text() == "3"
    assert row.locator(".amount").inner_text() == "7,000.00"
    # No voucher number: refused beside the field, the date kept.
    row.locator("button.fund-button").click()
    page.wait_for_selector(f"{row_id} .field-error")
    assert page.locator(f"{row_id} .field-error").inner_text() == "请填写凭证号"
    page.screenshot(path=str(tmp_path / "due_refused.png"), full_page=True)
    page.fill(f"#voucher_no-{batch_id}-{baoshan}", "财拨〔2026〕015号")
    page.locator(row_id).locator("button.fund-button").click()
    page.wait_for_selector("#fund-result")
    assert page.inner_text("#fund-count") == "3" and page.inner_text("#fund-total") == "7,000.00"
    page.screenshot(path=str(tmp_path / "funded.png"), full_page=True)
    page.click("#transfer-link")
    assert page.inner_text("#transfer-total") == "7,000.00"

    # 区县局管理员: 划拨记录 → the transfer → 全部已发放至职工.
    sign_in(page, login["baoshan_admin"])
    open_menu(page, "划拨记录")
    page.wait_for_selector("#transfer-list")
    assert "财拨〔2026〕015号" in page.inner_text("#transfer-list")
    page.click("#transfer-list >> text=查看")
    page.wait_for_selector("#pay-form")
    assert page.inner_text("#unpaid-count") == "3"
    assert all(re.fullmatch(r"\*+\d{4}", c) for c in page.locator("#transfer-items td.card").all_inner_texts())
    page.screenshot(path=str(tmp_path / "transfer_before_payment.png"), full_page=True)
    page.click("#pay-button")
    page.wait_for_selector("#bulk-result")
    assert page.inner_text("#bulk-changed") == "3" and page.inner_text("#bulk-skipped") == "0"
    page.click("#back-to-list")
    page.wait_for_url(re.compile(r"/payments/transfers/\d+/$"))
    page.wait_for_selector("#transfer-items")
    assert set(page.locator("#transfer-items td.state").all_inner_texts()) == {"已发放至职工"}

    # 发放情况备案: generated from the data, submitted, printable on one A4 page.
    open_menu(page, "发放情况备案")
    page.wait_for_selector("#report-list")
    page.click("#report-list >> text=查看")
    page.wait_for_selector("#live-figures")
    total_row = page.locator("#live-figures tr.total td").all_inner_texts()
    assert total_row == ["合计", "3", "7,000.00", "2,800.00", "9,800.00"]
    page.click("#submit-report")
    page.wait_for_selector("#reported-figures")
    assert "已备案" in page.inner_text("#report-status")
    with page.context.expect_page() as printed_info:
        page.click("#print-link")
    printed = printed_info.value
    printed.wait_for_selector("#report-sheet")
    printed.emulate_media(media="print")
    pdf = tmp_path / "payment_report.pdf"
    printed.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes())) == 1
    printed.emulate_media(media="screen")
    printed.screenshot(path=str(tmp_path / "payment_report_print.png"), full_page=True)
    printed.close()

    # 对账 of the district: its own row, no difference.
    open_menu(page, "对账")
    page.wait_for_selector("#recon-table")
    assert page.inner_text("#flagged-count") == "0"
    assert page.locator("#recon-table tbody tr").count() == 1 and "虹口" not in page.inner_text("#recon-table")
    assert page.locator("#recon-table tbody .no-difference").count() == 1
    page.screenshot(path=str(tmp_path / "district_reconciliation.png"), full_page=True)

    # 对账 of the city: 宝山 reconciles; 虹口 has nothing funded yet, hence nothing to differ; 宝山 reported.
    sign_in(page, login["city_admin"])
    open_menu(page, "对账")
    page.wait_for_selector("#recon-table")
    assert page.inner_text("#flagged-count") == "0"
    baoshan_row = page.locator(f"#recon-table tr[data-district='{baoshan}']")
    assert baoshan_row.locator("[data-field=paid_city]").inner_text() == "7,000.00"
    assert baoshan_row.locator("[data-field=paid_matching]").inner_text() == "2,800.00"
    page.screenshot(path=str(tmp_path / "city_reconciliation.png"), full_page=True)
    open_menu(page, "发放情况备案")
    page.wait_for_selector("#report-list")
    assert "已备案" in page.locator(f"#report-list tr[data-district='{baoshan}'] .status").inner_text()
    assert Decimal("7000") == Decimal(page.locator(f"#report-list tr[data-district='{baoshan}'] td").nth(3)
                                      .inner_text().replace(",", ""))
