"""A large 汇总表 in real Chromium: the district clicks 下载Excel, is told the table is written in the
background, starts it, and on 我的任务 watches the progress bar move (the page polls; nobody reloads) until
100% and 已完成, then downloads the file. The consumer is Huey's real one (worker threads)."""
import re
import time

import pytest
from openpyxl import load_workbook

from app.exports import summary
from tests.browser.conftest import fill_login, open_menu
from tests.factories import PASSWORD
from tests.review.conftest import world  # noqa: F401  (the review world fixture)

pytestmark = pytest.mark.browser

NAMES = ("张一", "张二", "张三", "张四", "张五", "张六", "张七", "张八")


def test_a_district_watches_its_export_job_reach_100_and_downloads_it(app, db, world, page, job_consumer,  # noqa: F811
                                                                      monkeypatch, tmp_path):
    for name in NAMES:
        world.app(name=name)
    world.app(name="钱七", foreign=True)
    username = world.baoshan_admin.username
    db.session.remove()
    monkeypatch.setitem(app.config, "EXPORT_JOB_THRESHOLD", 5)
    # Progress after every row, and rows slow enough for a person (and the test) to watch the bar move.
    monkeypatch.setattr(summary, "CHUNK", 1)
    rows = summary.summary_rows

    def slow_rows(user, flt):
        for row in rows(user, flt):
            time.sleep(0.4)
            yield row
    monkeypatch.setattr(summary, "summary_rows", slow_rows)

    fill_login(page, username, PASSWORD)
    open_menu(page, "报名管理")
    page.wait_for_selector("#excel-button")
    page.click("#excel-button")
    assert page.inner_text("#excel-job-count") == str(len(NAMES))
    assert "在后台生成" in page.inner_text("#excel-job-summary + p")
    page.screenshot(path=str(tmp_path / "excel_job_confirm.png"), full_page=True)
    page.click("#excel-job-submit")
    page.wait_for_url(re.compile(r"/jobs/$"))
    assert "已开始在后台生成" in page.content()
    row = page.locator("#job-list tbody tr").first
    assert "导出汇总表" in row.inner_text()

    # The bar moves while we watch: some value strictly between 0 and 100 first, then 100.
    page.wait_for_function("() => { const p = document.querySelector('#job-list progress');"
                           " return p && p.value > 0 && p.value < 100; }", timeout=20000)
    assert "进行中" in row.locator(".job-state").inner_text()
    page.screenshot(path=str(tmp_path / "jobs_running.png"), full_page=True)
    page.wait_for_function("() => document.querySelector('#job-list progress').value === 100", timeout=30000)
    page.wait_for_selector("#job-list .job-download")
    assert "已完成" in row.locator(".job-state").inner_text()
    assert row.locator(".job-percent").inner_text() == "100%"
    assert row.locator(".job-count").inner_text() == f"{len(NAMES)} / {len(NAMES)}"
    page.screenshot(path=str(tmp_path / "jobs_done.png"), full_page=True)

    with page.expect_download() as info:
        page.click("#job-list .job-download")
    download = info.value
    assert download.suggested_filename.startswith("汇总表_宝山区总工会_") and download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = load_workbook(path, read_only=True)["汇总表"]
    values = list(sheet.iter_rows(values_only=True))
    name_column = values[0].index("姓名")
    assert sorted(r[name_column] for r in values[1:]) == sorted(NAMES)
