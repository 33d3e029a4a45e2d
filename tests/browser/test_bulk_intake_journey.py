"""Real Chromium: a clerk downloads the batch's Excel template, fills three rows (openpyxl, as Excel would),
uploads it once with a mistake (nothing is imported, the row and column are listed), then corrected with a
zip of scans, and sees the three applications listed as 未审核 with their scans."""
from pathlib import Path

import pytest

from app.accounts.roles import GRASSROOTS
from app.applications.models import Application
from app.review.states import State
from tests.applications.bulk_files import fill_template, zip_of
from tests.applications.intake import IN_BATCH, jpeg_bytes, pdf_bytes, png_bytes
from tests.browser.conftest import fill_login
from tests.factories import PASSWORD, make_campaign, make_org, make_user, valid_values

pytestmark = pytest.mark.browser


def test_clerk_imports_three_rows_with_a_zip_of_scans(app, db, page, tmp_path, clock):
    clock.set(IN_BATCH)
    org = make_org(name="上海江杨机械有限公司工会", unit_name="上海江杨机械有限公司")
    make_user(GRASSROOTS, org=org, username="jiangyang02", real_name="李静")
    campaign = make_campaign(name="2015年度上海职工晋升技师、高级技师奖励计划")
    batch_id = campaign.batches[0].id
    db.session.remove()

    fill_login(page, "jiangyang02", PASSWORD)
    page.wait_for_selector("#state-counts")
    page.locator("#side-menu a", has_text="我要报名").first.click()
    page.wait_for_selector("#apply-heading")
    page.click(f"tr[data-batch='{batch_id}'] a.bulk-link")
    page.wait_for_selector("#bulk-heading")
    assert "310109198309073016_身份证.pdf" in page.locator("#bulk-intake").inner_text()
    with page.expect_download() as download_info:
        page.click("#template-link")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx") and "批量导入模板" in download.suggested_filename
    template = Path(download.path()).read_bytes()

    rows = [valid_values(seed=601, name="王建国"),
            valid_values(seed=602, name="李秀英", variant="industry"),
            valid_values(seed=603, name="赵小明", is_migrant=True, hukou_province="43", years_in_city=6)]
    scans = {}
    for values in rows:
        number = values["id_number"]
        scans.update({f"{number}_身份证.png": png_bytes((60, 40)), f"{number}_等级证书.pdf": pdf_bytes(),
                      f"{number}_银行卡.jpg": jpeg_bytes()})
        if values["variant"] == "industry":
            scans[f"{number}_盖章申请表.pdf"] = pdf_bytes("hr")
    zipped = zip_of(scans)

    # --- a mistake in the third row: nothing is imported, the problem is listed by row and column ---
    wrong = fill_template(template, rows[:2] + [dict(rows[2], years_in_city=None)])
    page.set_input_files("#workbook", {"name": "本单位申请表.xlsx", "buffer": wrong,
                                       "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    page.set_input_files("#scans", {"name": "扫描件.zip", "buffer": zipped, "mimeType": "application/zip"})
    page.click("#bulk-submit")
    page.wait_for_selector("#problem-list")
    problem = page.locator("#problem-list tbody tr")
    assert problem.count() == 1
    assert problem.first.inner_text().split("\t") == ["第4行", "赵小明", "来沪年限", "请填写来沪年限"]
    assert "没有导入任何申请" in page.locator("#problem-summary").inner_text()
    with page.expect_download() as errors_info:
        page.click("#download-problems-button")
    assert errors_info.value.suggested_filename.startswith("批量导入错误清单")
    page.screenshot(path=str(tmp_path / "bulk-refused.png"), full_page=True)
    db.session.remove()
    assert db.session.query(Application).count() == 0

    # --- corrected and uploaded with the zip: the three applications are listed ---------------------------
    page.set_input_files("#workbook", {"name": "本单位申请表.xlsx", "buffer": fill_template(template, rows),
                                       "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    page.set_input_files("#scans", {"name": "扫描件.zip", "buffer": zipped, "mimeType": "application/zip"})
    page.click("#bulk-submit")
    page.wait_for_selector("#my-application-list")
    assert "导入成功：3份申请已提交" in page.content()
    listing = page.locator("#my-application-list").inner_text()
    for name in ("王建国", "李秀英", "赵小明"):
        assert name in listing
    assert listing.count("未审核") == 3 and "缺少扫描件" not in listing
    page.screenshot(path=str(tmp_path / "bulk-listed.png"), full_page=True)

    page.locator("#my-application-list tr", has_text="李秀英").locator("a.show-link").click()
    page.wait_for_selector("#application-show")
    assert page.locator("#attachment-list tbody tr").count() == 4
    assert page.locator("#missing-scans").count() == 0
    db.session.remove()
    stored = db.session.scalars(db.select(Application).order_by(Application.id)).all()
    assert [a.name for a in stored] == ["王建国", "李秀英", "赵小明"]
    assert all(a.state == State.PENDING.value and a.fill_date == IN_BATCH for a in stored)
