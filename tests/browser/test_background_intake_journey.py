"""Real Chromium, with the real job consumer: a clerk uploads a file above INTAKE_JOB_THRESHOLD with its zip of
scans, is sent to 我的任务, watches the import fail (one wrong row), downloads the 错误清单 from the 批量导入
page, uploads the corrected file and sees the job finish; two of the three rows came without their
certificate scan, and the 扫描件 filter (缺少扫描件) finds exactly those on the clerk's 报名管理 and on the
district's."""
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.accounts.roles import DISTRICT_ADMIN, GRASSROOTS
from tests.applications.bulk_files import fill_template, zip_of
from tests.applications.intake import IN_BATCH, jpeg_bytes, pdf_bytes, png_bytes
from tests.browser.conftest import fill_login, next_person
from tests.factories import PASSWORD, make_campaign, make_org, make_user, valid_values

pytestmark = pytest.mark.browser
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(page, batch_id, workbook, zipped):
    page.goto(f"/apply/bulk/{batch_id}")
    page.wait_for_selector("#bulk-heading")
    page.set_input_files("#workbook", {"name": "本单位申请表.xlsx", "buffer": workbook, "mimeType": XLSX})
    page.set_input_files("#scans", {"name": "扫描件.zip", "buffer": zipped, "mimeType": "application/zip"})
    page.click("#bulk-submit")
    page.wait_for_url(re.compile(r"/jobs/$"))
    assert "已在后台导入" in page.content()


def wait_for_end(page):
    row = page.locator("#job-list tbody tr").first
    assert "批量导入申请" in row.inner_text()
    page.wait_for_function("() => document.querySelector('#job-list tbody tr').getAttribute('data-active') === '0'",
                           timeout=60000)
    return row


def test_a_large_file_is_imported_in_the_background_and_the_missing_scans_are_found(
        app, db, page, tmp_path, clock, job_consumer, monkeypatch):
    clock.set(IN_BATCH)
    monkeypatch.setitem(app.config, "INTAKE_JOB_THRESHOLD", 2)
    org = make_org(name="上海江杨机械有限公司工会", unit_name="上海江杨机械有限公司")
    make_user(GRASSROOTS, org=org, username="jiangyang03", real_name="李静")
    make_user(DISTRICT_ADMIN, username="baoshan_bg")
    campaign = make_campaign(name="2015年度上海职工晋升技师、高级技师奖励计划")
    batch_id = campaign.batches[0].id
    db.session.remove()

    fill_login(page, "jiangyang03", PASSWORD)
    page.wait_for_selector("#state-counts")
    page.goto(f"/apply/bulk/{batch_id}")
    with page.expect_download() as download_info:
        page.click("#template-link")
    template = Path(download_info.value.path()).read_bytes()
    rows = [valid_values(seed=611, name="王建国"), valid_values(seed=612, name="李秀英"),
            valid_values(seed=613, name="赵小明")]
    scans = {}
    for i, values in enumerate(rows):
        number = values["id_number"]
        scans.update({f"{number}_身份证.png": png_bytes((60, 40)), f"{number}_银行卡.jpg": jpeg_bytes()})
        if i == 0:  # only the first comes with its certificate
            scans[f"{number}_等级证书.pdf"] = pdf_bytes()
    zipped = zip_of(scans)

    # --- one wrong row: the job fails, nothing is imported, the 错误清单 is kept ---
    upload(page, batch_id, fill_template(template, rows[:2] + [dict(rows[2], mobile="1234")]), zipped)
    row = wait_for_end(page)
    assert "失败" in row.locator(".job-state").inner_text()
    assert "第4行 手机号码" in row.locator(".job-error").inner_text()
    assert row.locator(".job-download").count() == 1
    page.screenshot(path=str(tmp_path / "intake_job_failed.png"), full_page=True)
    page.goto(f"/apply/bulk/{batch_id}")
    assert "失败" in page.inner_text("#last-intake-state")
    with page.expect_download() as download_info:
        page.click("#last-intake-download")
    assert download_info.value.suggested_filename == "批量导入错误清单.xlsx"
    sheet = load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes())).active
    assert [4, "赵小明", "手机号码"] == [c.value for c in sheet[2]][:3]

    # --- corrected: the job imports all three ---
    upload(page, batch_id, fill_template(template, rows), zipped)
    row = wait_for_end(page)
    assert "已完成" in row.locator(".job-state").inner_text()
    assert row.locator(".job-count").inner_text() == "3 / 3"
    page.goto(f"/apply/bulk/{batch_id}")
    assert "已提交 3 份申请" in page.inner_text("#last-intake-job")

    # --- 缺少扫描件 on the clerk's 报名管理 ---
    page.goto("/myapplicationmodelview/list/")
    page.select_option("#flt-scans", "missing")
    page.click("#filter_form button[type=submit]")
    page.wait_for_load_state()
    listed = page.inner_text("#my-application-list")
    assert "李秀英" in listed and "赵小明" in listed and "王建国" not in listed
    page.screenshot(path=str(tmp_path / "clerk_missing_scans.png"), full_page=True)

    # --- and on the district's ---
    next_person(page)
    fill_login(page, "baoshan_bg", PASSWORD)
    page.wait_for_selector("#state-counts")
    page.goto("/review/district/list/")
    page.select_option("#flt-scans", "missing")
    page.click("#search-button")
    page.wait_for_load_state()
    names = page.locator("#review-toolbar ~ * td[data-label='姓名'], table td[data-label='姓名']").all_inner_texts()
    assert sorted(set(n.strip() for n in names)) == ["李秀英", "赵小明"]
    page.screenshot(path=str(tmp_path / "district_missing_scans.png"), full_page=True)
