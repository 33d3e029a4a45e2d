"""The 申请单 in real Chromium: the district approves its last pending application, opens its 申请单 from
报名管理, is refused a negative amount next to the field (nothing typed lost), submits, prints it on one A4
page; the city sees it submitted in 申请单汇总 and 退回 it; the district reads the reason. A 产业局's 附件4 with
a long HR opinion prints on one page too."""
import re

import pytest

from app.campaigns import requests as svc
from app.review.states import State
from tests.browser.conftest import fill_login, next_person, open_menu
from tests.campaigns.test_requests_world import rw, valid_form  # noqa: F401  (the fixture)
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, username):
    next_person(page)
    fill_login(page, username, PASSWORD)
    page.wait_for_selector("#state-counts")


def pdf_pages(pdf):
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def print_to_pdf(page, tmp_path, name):
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    (tmp_path / f"{name}.pdf").write_bytes(pdf)
    page.emulate_media(media="screen")
    return pdf


def test_district_fills_submits_prints_then_the_city_returns_it(db, rw, page, tmp_path):
    for _ in range(3):
        rw.app(State.DISTRICT_APPROVED)
    rw.app(State.FINAL_APPROVED, clerk=rw.second_clerk, new_level="1", variant="industry")
    rw.app(State.WITHDRAWN)
    rw.app(State.DISTRICT_APPROVED, clerk=rw.hongkou_clerk)
    pending = rw.app(State.PENDING, name="孙八")
    login = {key: getattr(rw, key).username for key in ("baoshan_admin", "city_admin")}
    pending_id, batch_id, baoshan_id = pending.id, rw.batch.id, rw.baoshan.id
    db.session.remove()

    # 区县局管理员: approve the last pending application, then 报名管理 → 申请单.
    sign_in(page, login["baoshan_admin"])
    assert page.locator(f"#home-request-{batch_id}").inner_text() == "填写申请单"
    page.goto(f"/review/district/show/{pending_id}")
    page.click("#submit-approve_by_district")
    assert "区县局初审通过" in page.inner_text("#state-title")
    open_menu(page, "报名管理")
    page.click("#request-button")
    page.click(f"#open-{batch_id}")
    page.wait_for_selector("#request-form")
    counts = page.locator("#counts-live td").all_inner_texts()
    assert counts == ["5", "4", "1", "4", "1"]
    body = page.inner_text("#sheet-body")
    assert body.startswith("本地区本批申请职工5名（新晋升技师4名、新晋升高级技师1名）")

    page.fill("#matching_technician", "-500")
    page.fill("#matching_senior_technician", "1200")
    page.fill("#leader_name", "王建国")
    page.fill("#handler_name", "李晓梅")
    page.click("#save-button")
    assert "最多两位小数的金额" in page.inner_text("#error-matching_technician")
    assert page.input_value("#matching_technician") == "-500" and page.input_value("#leader_name") == "王建国"
    page.screenshot(path=str(tmp_path / "refused.png"), full_page=True)

    page.fill("#matching_technician", "800")
    page.click("#save-button")
    assert "申请单已保存" in page.inner_text(".alert-success")
    assert page.inner_text("#request-status") == "已填写"
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#submit-button")
    assert "申请单已提交" in page.inner_text(".alert-success")
    assert page.inner_text("#request-status") == "已提交" and page.locator("#request-form").count() == 0
    trail = page.inner_text("#request-trail")
    assert "提交" in trail and "已填写 → 已提交" in trail
    page.screenshot(path=str(tmp_path / "submitted.png"), full_page=True)

    page.goto(f"/district-request/{batch_id}/{baoshan_id}/print")
    sheet = page.inner_text("#request-sheet")
    assert "上海职工晋升技师、高级技师奖励申请单（区县）" in sheet and "800.00" in sheet and "1200.00" in sheet
    assert "区县总工会分管领导签字" in sheet and "经基层单位人力资源部门审核敲章" in sheet
    assert page.locator("#draft-mark").count() == 0
    pdf = print_to_pdf(page, tmp_path, "request-print")
    assert pdf_pages(pdf) == 1, f"{pdf_pages(pdf)} pages"

    # 系统管理员: 申请单汇总 shows it submitted; 退回 with a reason.
    sign_in(page, login["city_admin"])
    open_menu(page, "申请单汇总")
    page.wait_for_selector("#request-list")
    page.select_option("#batch-select", str(batch_id))
    row = page.locator(f"#request-list tr[data-org='{baoshan_id}']")
    assert "已提交" in row.inner_text() and "800.00 / 1200.00" in row.inner_text()
    assert "未填写" in page.locator("#request-list tr", has_text="虹口区总工会").inner_text()
    page.screenshot(path=str(tmp_path / "city-list.png"), full_page=True)
    row.locator("text=查看").click()
    page.click("#return-button")
    assert page.inner_text("#error-reason") == "请填写退回原因"
    page.fill("#reason", "高级技师配套金额与区里文件不符，请核对")
    page.click("#return-button")
    assert "已退回宝山区总工会的申请单" in page.inner_text(".alert-success")
    assert page.inner_text("#request-status") == "已填写"

    # The district reads why, and may correct and submit again.
    sign_in(page, login["baoshan_admin"])
    page.click(f"#home-request-{batch_id}")
    assert "高级技师配套金额与区里文件不符" in page.inner_text("#return-notice")
    assert page.input_value("#matching_senior_technician") == "1200.00"
    page.screenshot(path=str(tmp_path / "returned.png"), full_page=True)
    for name in ("submitted.png", "request-print.png", "city-list.png"):
        assert (tmp_path / name).stat().st_size > 20_000


def test_an_industry_unions_附件4_with_a_long_opinion_prints_on_one_page(db, rw, page, tmp_path):
    for variant in ("general", "industry", "industry"):
        rw.app(State.DISTRICT_APPROVED, clerk=rw.industry_clerk, variant=variant)
    opinion = ("经本局人力资源部门审核，上述行业特有工种申请职工的技能等级证书均由国家相关行业主管部门颁发，"
               "证书编号、发证日期与本人身份信息一致，情况属实，同意申报。" * 6)[:500]
    svc.submit_request(rw.industry_admin, rw.industry, rw.batch, valid_form(hr_opinion=opinion))
    db.session.commit()
    username, batch_id, org_id = rw.industry_admin.username, rw.batch.id, rw.industry.id
    db.session.remove()

    sign_in(page, username)
    page.goto(f"/district-request/{batch_id}/{org_id}/print")
    sheet = page.inner_text("#request-sheet")
    for words in ("上海职工晋升技师、高级技师奖励申请单（产业局）", "本系统、单位本批申请职工3名",
                  "本局、产业（集团）人力资源部门对行业特有工种类申请职工的审核意见（盖章）",
                  "附件：上海职工晋升技师、高级技师奖励申请汇总表（电子版）", "局（产业）工会分管领导签字"):
        assert words in sheet, words
    pdf = print_to_pdf(page, tmp_path, "industry-print")
    assert pdf_pages(pdf) == 1, f"{pdf_pages(pdf)} pages"
