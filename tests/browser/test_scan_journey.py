"""扫描件识别 in real Chromium: a clerk uploads a generated certificate image on the form, clicks 从扫描件识别, sees
an empty field filled and, beside a typed field the scan reads otherwise, 「扫描件识别为：…」 with 采用, and clicks
采用; a district reviewer filters the list by 「扫描件与填写不一致」 and sees the six key fields side by side on
查看. The engine is the fake of tests/ocr (what the generated image shows); tests/ocr runs the real one."""
import pytest

from app.demo import scan_image
from app.review.states import State
from tests.browser.conftest import fill_login, next_person
from tests.factories import PASSWORD, valid_values
from tests.ocr.conftest import fake_ocr  # noqa: F401  (the fake engine fixture)
from tests.ocr.helpers import certificate_lines
from tests.ocr.test_form_and_pages import compared
from tests.review.conftest import world  # noqa: F401  (the review world fixture)

pytestmark = pytest.mark.browser


def test_clerk_reads_the_certificate_on_the_form_and_a_reviewer_sees_the_difference(db, world, fake_ocr, page,
                                                                                     tmp_path, jobs_immediate):
    values = valid_values(name="王建国")
    certificate = scan_image("certificate_copy", values, "PNG")
    fake_ocr.says(certificate, certificate_lines(values))
    differing = compared(world, fake_ocr, certificate_no="150177777777")
    ids = {"batch": world.campaign.batches[0].id, "clerk": world.baoshan_clerk.username,
           "admin": world.baoshan_admin.username, "differing": differing.id, "typed_no": differing.certificate_no}
    db.session.remove()

    fill_login(page, ids["clerk"], PASSWORD)
    page.goto(f"/apply/batch/{ids['batch']}?variant=general")
    page.wait_for_selector("#scan-read-button")
    assert page.is_disabled("#scan-read-button")  # nothing to read yet
    page.fill("#name", values["name"])
    page.fill("#certificate_date", "2014-11-01")  # typed wrong: the certificate says 2014-12-01
    page.set_input_files("#file_certificate_copy", {"name": "技师证书.png", "mimeType": "image/png",
                                                    "buffer": certificate})
    assert page.is_enabled("#scan-read-button")
    page.click("#scan-read-button")
    page.locator("#scan-read-status", has_text="已从扫描件填入").wait_for()
    status = page.inner_text("#scan-read-status")
    assert "等级证书编号" in status and "发证日期" in status
    assert page.get_attribute("#scan-read-status", "aria-live") == "polite"
    # Empty fields filled; the typed name (the same) left alone; the typed date NOT overwritten.
    assert page.input_value("#certificate_no") == values["certificate_no"]
    assert page.input_value("#trade") == "焊工" and page.input_value("#new_level") == "2"
    assert page.input_value("#name") == values["name"] and not page.locator("#scan-note-name").count()
    assert page.input_value("#certificate_date") == "2014-11-01"
    note = page.inner_text("#scan-note-certificate_date")
    assert "扫描件识别为：" + values["certificate_date"].isoformat() in note
    assert "scan-note-certificate_date" in page.get_attribute("#certificate_date", "aria-describedby")
    # The chosen file was uploaded once: the form now carries it as its scan.
    assert page.locator("input[type=hidden][name=attachment_id_certificate_copy]").count() == 1
    assert "技师证书.png" in page.inner_text("#uploaded-certificate_copy")
    page.screenshot(path=str(tmp_path / "scan_form.png"), full_page=True)
    page.focus("#scan-adopt-certificate_date")
    page.keyboard.press("Enter")  # keyboard works as the click does
    assert page.input_value("#certificate_date") == values["certificate_date"].isoformat()
    assert "已采用" in page.inner_text("#scan-note-certificate_date")
    assert page.evaluate("document.activeElement.id") == "certificate_date"
    page.screenshot(path=str(tmp_path / "scan_adopted.png"), full_page=True)

    # A district reviewer: the list filter, then 查看's 核对 panel.
    next_person(page)
    fill_login(page, ids["admin"], PASSWORD)
    page.wait_for_selector("body")
    page.goto("/review/district/list/")
    page.select_option("#flt-scan", "differ")
    page.click("#search-button")
    page.wait_for_url("**_flt_0_scan=differ**")
    rows = page.locator("#review-list tbody tr")
    assert rows.count() == 1 and "扫描件不一致" in rows.first.inner_text()
    page.click(f"#review-list tr[data-pk='{ids['differing']}'] >> text=查看")
    assert "不一致" in page.inner_text("#scan-result")
    row = page.locator("#scan-certificate_no")
    assert "150177777777" in row.inner_text() and ids["typed_no"] in row.inner_text() and "不一致" in row.inner_text()
    colour = row.locator("td").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    page.screenshot(path=str(tmp_path / "scan_review.png"), full_page=True)
    assert State(State.DISTRICT_APPROVED).title in page.inner_text("#state-title")
