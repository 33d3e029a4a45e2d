"""证书信息核对 in real Chromium: the city centre uploads a register with a bad row (nothing imported, the
errors listed and downloadable), uploads the corrected one, matches the batch, sees one application's
differences side by side, and final-approves the 全部一致 rows in one bulk step."""
import re

import pytest
from openpyxl import load_workbook

from app.review.states import State
from tests.browser.conftest import SPILLED_CELLS, fill_login, open_menu
from tests.factories import PASSWORD
from tests.review.conftest import world  # noqa: F401  (the review world fixture)
from tests.verification.helpers import register_file, row_of

pytestmark = pytest.mark.browser


def test_city_imports_the_register_matches_and_bulk_approves_the_matching_rows(db, world, page, tmp_path):
    same = [world.app(State.DISTRICT_APPROVED, name=n) for n in ("张三", "李四")]
    differs = world.app(State.DISTRICT_APPROVED, name="王五")
    missing = world.app(State.DISTRICT_APPROVED, name="赵六")
    rows = [row_of(a) for a in same] + [row_of(differs, 发证机构="交通运输部")]
    bad = tmp_path / "证书信息_有误.xlsx"
    bad.write_bytes(register_file([*rows, row_of(missing, 身份证号码="310109198309073010")]))
    good = tmp_path / "证书信息.xlsx"
    good.write_bytes(register_file(rows))
    ids = {"differs": differs.id, "missing": missing.id, "batch": world.campaign.batches[0].id,
           "admin": world.city_admin.username}
    db.session.remove()

    fill_login(page, ids["admin"], PASSWORD)
    page.wait_for_selector("#state-counts")
    open_menu(page, "证书信息核对")
    page.wait_for_selector("#register-upload")
    assert "尚未导入证书信息" in page.inner_text("#register-imports")

    # A file with one bad row: nothing imported, the error listed, the error workbook downloadable.
    page.set_input_files("#register-file", str(bad))
    page.click("#register-upload-button")
    assert page.inner_text("#register-error-count") == "1"
    assert "校验位" in page.inner_text("#register-error-table")
    with page.expect_download() as download_info:
        page.click("#register-error-download")
    saved = tmp_path / "errors.xlsx"
    download_info.value.save_as(saved)
    sheet = load_workbook(saved).active
    assert [c.value for c in sheet[1]][-1] == "错误"
    assert "校验位" in sheet.cell(row=2, column=sheet.max_column).value
    assert "尚未导入证书信息" in page.inner_text("#register-imports")

    # The corrected file.
    page.set_input_files("#register-file", str(good))
    page.click("#register-upload-button")
    assert "3" in page.inner_text("#register-imported")
    assert "证书信息.xlsx" in page.inner_text("#register-import-table")
    # On a phone the imports table scrolls in its region, no text over another.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(SPILLED_CELLS) == []
    page.set_viewport_size({"width": 1280, "height": 900})

    # Match the batch.
    page.select_option("#match-batch", value=str(ids["batch"]))
    page.click("#register-match-button")
    assert page.inner_text("#match-total") == "4"
    assert page.inner_text("#match-count-match") == "2"
    assert page.inner_text("#match-count-different") == "1"
    assert page.inner_text("#match-count-not_found") == "1"
    page.screenshot(path=str(tmp_path / "match_result.png"), full_page=True)
    bulk_url = page.get_attribute("#register-bulk-approve", "href")

    # 有差异: the 终审 list filtered by the mark, then the application side by side with the register.
    page.click("#match-link-different")
    page.wait_for_url(re.compile(r"_flt_0_verification=different"))
    assert page.inner_text("#record-count") == "1"
    page.click(f"#review-list tr[data-pk='{ids['differs']}'] >> text=查看")
    assert page.inner_text("#register-result") == "有差异"
    highlighted = page.locator("#register-comparison tr.register-differs")
    assert highlighted.count() == 1 and "发证机构" in highlighted.inner_text()
    assert "交通运输部" in highlighted.inner_text()
    # The stylesheet marks it (no inline style): the differing row's cells are coloured.
    colour = highlighted.locator("td").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    page.screenshot(path=str(tmp_path / "comparison.png"), full_page=True)

    # Back to the result: 终审通过 of the 全部一致 rows in one bulk step.
    page.goto(bulk_url)
    assert page.inner_text("#bulk-count") == "2" and page.inner_text("#bulk-eligible") == "2"
    page.click("#bulk-confirm")
    assert page.inner_text("#bulk-changed") == "2" and page.inner_text("#bulk-skipped") == "0"

    page.goto(f"/review/final/list/?_flt_0_state=final_approved&_flt_0_batch={ids['batch']}")
    listed = page.inner_text("#review-list")
    assert "张三" in listed and "李四" in listed and "王五" not in listed and "赵六" not in listed
    page.goto(f"/review/final/show/{ids['missing']}")
    assert page.inner_text("#register-result") == "未找到"
    assert page.inner_text("#state-title") == "区县局初审通过"
