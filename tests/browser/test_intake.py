"""Real Chromium: a clerk submits both variants with their scans, meets a refusal beside the field with
everything kept, and the 申请表 print view prints on exactly one A4 page."""
import re

import pytest

from app.accounts.roles import DISTRICT_ADMIN, GRASSROOTS
from app.applications.models import Application
from app.review.states import State
from tests.applications.intake import IN_BATCH, jpeg_bytes, pdf_bytes, png_bytes
from tests.browser.conftest import fill_login
from tests.factories import PASSWORD, make_application, make_campaign, make_org, make_user, valid_values

pytestmark = pytest.mark.browser


def _file(name, mime, content):
    return {"name": name, "mimeType": mime, "buffer": content}


def fill_common(page, values):
    page.fill("#name", values["name"])
    page.check("#gender-0" if values["gender"] == "男" else "#gender-1")
    page.fill("#mobile", values["mobile"])
    page.select_option("#industry", values["industry"])
    # A long industry name is written out in full below the (narrow) select.
    chosen = page.locator("#industry option:checked").inner_text()
    if len(chosen) > 8:
        assert page.inner_text("#industry-chosen") == chosen
    page.select_option("#education", values["education"])
    page.select_option("#previous_level", values["previous_level"])
    page.fill("#trade", values["trade"])
    page.select_option("#new_level", values["new_level"])
    page.fill("#previous_level_date", values["previous_level_date"].isoformat())
    page.fill("#certificate_no", values["certificate_no"])
    page.fill("#certificate_date", values["certificate_date"].isoformat())
    page.select_option("#certificate_issuer", values["certificate_issuer"])
    page.fill("#id_number", values["id_number"])
    page.fill("#bank_name", values["bank_name"])
    page.fill("#bank_card_no", values["bank_card_no"])
    page.fill("#employer", values["employer"])
    page.select_option("#unit_kind", values["unit_kind"])
    page.fill("#address", values["address"])
    page.fill("#postcode", values["postcode"])


def upload_scans(page, industry=False):
    page.set_input_files("#file_id_copy", _file("身份证正反面.png", "image/png", png_bytes((60, 40))))
    page.set_input_files("#file_certificate_copy", _file("技师证书.pdf", "application/pdf", pdf_bytes()))
    page.set_input_files("#file_card_copy", _file("银行卡.jpg", "image/jpeg", jpeg_bytes()))
    if industry:
        page.set_input_files("#file_hr_form", _file("人事部门盖章申请表.pdf", "application/pdf", pdf_bytes("hr")))


def test_clerk_submits_both_variants_and_sees_a_refusal_beside_the_field(app, db, page, tmp_path, clock):
    clock.set(IN_BATCH)
    org = make_org(name="上海江杨机械有限公司工会", unit_name="上海江杨机械有限公司")
    make_user(GRASSROOTS, org=org, username="jiangyang01", real_name="李静")
    make_campaign(name="2015年度上海职工晋升技师、高级技师奖励计划")
    db.session.remove()

    fill_login(page, "jiangyang01", PASSWORD)
    page.wait_for_selector("#state-counts")
    page.locator("#side-menu a", has_text="我要报名").first.click()
    assert "我要报名" in page.locator("h2#apply-heading").inner_text()
    page.click("tr[data-batch] a.apply-link[data-variant=general]")
    page.wait_for_selector("#application-form")
    # The general variant hides the HR block and offers only the city HR authority.
    assert not page.locator("#hr-row").is_visible()
    assert page.locator("#certificate_issuer").input_value() == "上海市人力资源和社会保障局"
    assert page.locator("#employer").input_value() == "上海江杨机械有限公司"
    assert "宝山区总工会" in page.locator("#district-name").inner_text()

    # --- a refused submission: the gender disagrees with the ID number --------------------------
    values = valid_values(seed=11, name="王建国")
    wrong = "女" if values["gender"] == "男" else "男"
    fill_common(page, {**values, "gender": wrong})
    page.check("#is_migrant-0")
    page.select_option("#hukou_province", "43")
    page.fill("#years_in_city", "6")
    upload_scans(page)
    page.screenshot(path=str(tmp_path / "form-filled.png"), full_page=True)
    page.click("#submit-application")
    page.wait_for_selector("#error-summary")
    gender_cell = page.locator("#cell-gender")
    assert "性别与身份证号码不符" in gender_cell.inner_text()
    assert page.locator("#cell-name .field-error").count() == 0
    # Everything typed and every file uploaded is still there.
    assert page.locator("#name").input_value() == "王建国"
    assert page.locator("#id_number").input_value() == values["id_number"]
    assert page.locator("#bank_card_no").input_value() == values["bank_card_no"]
    assert page.locator("#certificate_date").input_value() == "2014-12-01"
    assert page.locator("#industry").input_value() == values["industry"]
    assert page.locator("#hukou_province").input_value() == "43"
    assert page.locator("#years_in_city").input_value() == "6"
    assert page.locator(f"#gender-{1 if wrong == '女' else 0}").is_checked()
    for kind, name in (("id_copy", "身份证正反面.png"), ("certificate_copy", "技师证书.pdf"),
                       ("card_copy", "银行卡.jpg")):
        assert name in page.locator(f"#uploaded-{kind}").inner_text()
    page.screenshot(path=str(tmp_path / "form-refused.png"), full_page=True)

    # --- corrected, it goes through without choosing the files again -----------------------------
    page.check("#gender-0" if values["gender"] == "男" else "#gender-1")
    page.click("#submit-application")
    page.wait_for_selector("#application-show")
    assert "申报成功" in page.content()
    assert page.locator("#state-label").inner_text() == "未审核"
    assert page.locator("#attachment-list tbody tr").count() == 3
    assert page.locator("#edit-button").is_visible() and page.locator("#withdraw-button").is_visible()
    page.screenshot(path=str(tmp_path / "show.png"), full_page=True)

    # --- the industry variant: HR block, its scan, a national issuer ------------------------------
    page.locator("#side-menu a", has_text="我要报名").first.click()
    page.wait_for_selector("#apply-heading")
    page.click("tr[data-batch] a.apply-link[data-variant=industry]")
    page.wait_for_selector("#application-form")
    assert page.locator("#hr-row").is_visible()
    assert "行业特有工种" in page.locator("#variant-title").inner_text()
    values = valid_values(seed=12, variant="industry", name="陈志渊")
    fill_common(page, values)
    page.check("#is_migrant-1")
    page.fill("#hr_opinion", "经审核，该职工所填信息与证书一致。")
    page.fill("#hr_signer", "王人事")
    page.fill("#hr_date", "2015-03-02")
    upload_scans(page, industry=True)
    page.screenshot(path=str(tmp_path / "form-industry.png"), full_page=True)
    page.click("#submit-application")
    page.wait_for_selector("#application-show")
    assert "申报成功" in page.content()
    assert page.locator("#attachment-list tbody tr").count() == 4

    page.locator("#side-menu a", has_text="报名管理").first.click()
    page.wait_for_selector("#my-application-list")
    rows = page.locator("#my-application-list tbody tr")
    assert rows.count() == 2
    listing = page.locator("#my-application-list").inner_text()
    assert values["id_number"] not in listing and values["id_number"][:6] + "********" in listing
    page.screenshot(path=str(tmp_path / "list.png"), full_page=True)
    db.session.remove()
    stored = db.session.scalars(db.select(Application).order_by(Application.id)).all()
    assert [a.variant for a in stored] == ["general", "industry"]
    assert stored[1].hr_signer == "王人事" and stored[0].is_migrant and stored[0].hukou_province == "43"
    assert all(a.fill_date == IN_BATCH and a.state == State.PENDING.value for a in stored)


def _pdf_pages(pdf):
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_print_view_fits_one_a4_page(app, db, page, tmp_path):
    org = make_org(name="上海浦东船舶修造有限公司工会", unit_name="上海浦东船舶修造有限公司")
    clerk = make_user(GRASSROOTS, org=org, username="chuanbo01")
    make_user(DISTRICT_ADMIN, username="baoshan_admin")  # prints what its district submitted
    campaign = make_campaign(name="2015年度上海职工晋升技师、高级技师奖励计划")
    long_text = "上海市宝山区江杨南路1888弄上海江杨机械有限公司第二生产基地综合楼三层东侧人力资源办公室转交"
    general = make_application(clerk, campaign, seed=1, is_migrant=True, hukou_province="43", years_in_city=6,
                               address=long_text, employer="上海浦东船舶修造有限公司（上海外高桥造船基地）")
    industry = make_application(clerk, campaign, seed=2, variant="industry", union_card_no="8800123456789012",
                                bank_name=None, bank_card_no=None,
                                hr_opinion="经审核，该职工所填信息与国家相关行业主管部门颁发的证书一致，情况属实，同意申报。")
    # Every free-text field at its longest: small type keeps the sheet on one page.
    longest = make_application(clerk, campaign, seed=3, variant="industry", name="阿卜杜热合曼·买买提艾力·司马义江",
                               trade="电梯安装维修工（自动扶梯与自动人行道安装维修方向）国家职业资格二级技师"[:50],
                               employer=("上海浦东船舶修造有限公司" * 5)[:100], address=(long_text * 2)[:100],
                               bank_name="上海农村商业银行股份有限公司浦东新区外高桥保税区支行营业部"[:50],
                               hr_opinion=("经审核，该职工所填信息与国家相关行业主管部门颁发的证书一致，情况属实。" * 6)[:200],
                               hr_signer="欧阳人力资源部经办人")
    ids = (general.id, industry.id, longest.id)
    db.session.remove()

    fill_login(page, "baoshan_admin", PASSWORD)
    page.wait_for_selector("#state-counts")
    for name, pk in zip(("general", "industry", "longest"), ids):
        page.goto(f"/application/{pk}/print")
        sheet = page.locator("#application-sheet")
        assert "上海职工晋升技师、高级技师奖励申请表" in sheet.inner_text()
        assert "区县局（产业）工会意见" in sheet.inner_text() and "基层工会意见" in sheet.inner_text()
        page.screenshot(path=str(tmp_path / f"print-{name}.png"), full_page=True)
        page.emulate_media(media="print")
        pdf = page.pdf(format="A4", print_background=True)
        (tmp_path / f"print-{name}.pdf").write_bytes(pdf)
        # The printable area of A4 within the page margins (178 mm × 273 mm at 96 px per inch).
        page.set_viewport_size({"width": 673, "height": 1032})
        used = page.evaluate("document.getElementById('application-sheet').getBoundingClientRect().height")
        print(f"{name}: the sheet uses {used / 1032:.0%} of the printable height")
        page.screenshot(path=str(tmp_path / f"print-{name}-as-printed.png"))
        page.set_viewport_size({"width": 1280, "height": 900})
        page.emulate_media(media="screen")
        assert _pdf_pages(pdf) == 1, f"{name}: {_pdf_pages(pdf)} pages"
    assert "基层单位人力资源部门意见" in page.locator("#application-sheet").inner_text()
