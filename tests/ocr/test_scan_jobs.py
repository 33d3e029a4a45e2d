"""After a submission (form, 批量导入, 修改报名表) the 身份证复印件 and 等级证书复印件 are read by a job and the six
key fields compared; a failed read is 未识别 and never holds anything up; nothing recognised is kept."""
import logging

from sqlalchemy import select

from app.applications.models import Application
from app.extensions import db
from app.jobs.models import Job
from app.ocr import services
from app.ocr.models import ScanCheck, ScanReading
from app.review.states import State
from tests.applications.bulk_files import fill_template, upload, zip_of
from tests.applications.intake import jpeg_bytes, pdf_bytes, post_form
from tests.factories import valid_values
from tests.ocr.helpers import certificate_lines, id_card_lines, png


def submit(client, world, values, id_scan, certificate_scan):
    response = post_form(client, f"/apply/batch/{world.campaign.batches[0].id}", values, files={
        "id_copy": (id_scan, "身份证.png"), "certificate_copy": (certificate_scan, "证书.png"),
        "card_copy": (jpeg_bytes(), "银行卡.jpg")})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.rollback()
    return db.session.scalar(select(Application).order_by(Application.id.desc()))


def outcomes(application):
    check = db.session.scalar(select(ScanCheck).where(ScanCheck.application_id == application.id))
    return check.outcome_map if check is not None else None


def test_a_submitted_form_is_read_and_compared_with_a_differing_field(world, login_as, fake_ocr, jobs_immediate,
                                                                      caplog):
    values = valid_values()
    id_scan = fake_ocr.says(png(1), id_card_lines(values))
    certificate_scan = fake_ocr.says(png(2), certificate_lines(values, certificate_no="150199999999"))
    caplog.set_level(logging.DEBUG)
    application = submit(login_as(world.baoshan_clerk), world, values, id_scan, certificate_scan)

    assert application.state == State.PENDING.value
    assert outcomes(application) == {"name": "match", "id_number": "match", "new_level": "match",
                                     "certificate_no": "differ", "certificate_issuer": "match",
                                     "certificate_date": "match"}
    check = db.session.scalar(select(ScanCheck).where(ScanCheck.application_id == application.id))
    assert check.differs and check.certificate_no == "150199999999" and check.id_number == values["id_number"]
    assert check.trade == "焊工"
    assert sorted(int(i) for i in check.attachment_ids.split(",")) == sorted(
        a.id for a in application.attachments if a.kind in services.READ_KINDS)
    # One background job, off 我的任务, owned by the clerk; no message about it.
    jobs = db.session.scalars(select(Job)).all()
    assert [(j.kind, j.state, j.owner_id) for j in jobs] == [("scan_applications", "done", world.baoshan_clerk.id)]
    page = login_as(world.baoshan_clerk).get("/jobs/status").get_json()
    assert page["jobs"] == []
    # The recognised text is neither stored (the tables hold the fields only) nor logged.
    stored = [str(v) for row in db.session.execute(select(ScanReading.__table__)).all() for v in row]
    assert not any("职业资格证书" in v or "公民身份号码" in v for v in stored)
    assert "职业资格证书" not in caplog.text and "公民身份号码" not in caplog.text


def test_an_unreadable_scan_is_unread_and_the_workflow_goes_on(world, login_as, fake_ocr, jobs_immediate):
    values = valid_values()
    id_scan = fake_ocr.unreadable(png(3))
    certificate_scan = fake_ocr.says(png(4), ["一些无关的文字"])
    application = submit(login_as(world.baoshan_clerk), world, values, id_scan, certificate_scan)
    assert set(outcomes(application).values()) == {"unread"}
    readings = db.session.scalars(select(ScanReading)).all()
    assert {r.state for r in readings} == {"failed"} and all(r.reason for r in readings)
    check = db.session.scalar(select(ScanCheck).where(ScanCheck.application_id == application.id))
    assert not check.differs
    # The district approves as always.
    admin = login_as(world.baoshan_admin)
    page = admin.get(f"/review/district/show/{application.id}").get_data(as_text=True)
    assert "未识别" in page and 'id="decision-approve_by_district"' in page


def test_a_correction_compares_again_without_reading_and_a_new_scan_is_read_again(world, login_as, fake_ocr,
                                                                                  jobs_immediate):
    values = valid_values()
    id_scan = fake_ocr.says(png(5), id_card_lines(values))
    certificate_scan = fake_ocr.says(png(6), certificate_lines(values, certificate_no="150188888888"))
    clerk = login_as(world.baoshan_clerk)
    application = submit(clerk, world, values, id_scan, certificate_scan)
    assert outcomes(application)["certificate_no"] == "differ"
    reads = fake_ocr.calls

    # The clerk corrects the typed number to what the certificate says: compared again, nothing read again.
    kept = {f"attachment_id_{a.kind}": str(a.id) for a in application.attachments}
    fixed = {**values, "certificate_no": "150188888888"}
    response = post_form(clerk, f"/apply/edit/{application.id}", fixed, extra={**kept, "version": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.rollback()
    application = db.session.get(Application, application.id)
    assert outcomes(application)["certificate_no"] == "match"
    assert fake_ocr.calls == reads
    assert len(db.session.scalars(select(Job)).all()) == 1

    # A new certificate scan (补传 through 修改报名表) is read: its date differs now.
    newer = fake_ocr.says(png(7), certificate_lines(fixed, certificate_date=values["certificate_date"].replace(
        year=2013)))
    kept.pop("attachment_id_certificate_copy")
    response = post_form(clerk, f"/apply/edit/{application.id}", fixed,
                         files={"certificate_copy": (newer, "新证书.png")}, extra={**kept, "version": "2"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.rollback()
    application = db.session.get(Application, application.id)
    assert outcomes(application)["certificate_date"] == "differ"
    assert outcomes(application)["certificate_no"] == "match"
    assert fake_ocr.calls == reads + 1


def test_a_bulk_intake_queues_one_job_for_all_its_rows(world, login_as, fake_ocr, jobs_immediate):
    clerk = login_as(world.baoshan_clerk)
    batch = world.campaign.batches[0]
    rows = [valid_values(seed=601 + n, name=name) for n, name in enumerate(("王建国", "李秀英", "赵小明"))]
    entries = {}
    for n, values in enumerate(rows):
        said = certificate_lines(values, name="王建军") if n == 1 else certificate_lines(values)
        entries[f"{values['id_number']}_身份证.png"] = fake_ocr.says(png(20 + n), id_card_lines(values))
        entries[f"{values['id_number']}_等级证书.png"] = fake_ocr.says(png(30 + n), said)
        entries[f"{values['id_number']}_银行卡.jpg"] = jpeg_bytes()
    template = clerk.get(f"/apply/bulk/{batch.id}/template").data
    response = upload(clerk, batch.id, fill_template(template, rows), zip_of(entries))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.rollback()
    jobs = db.session.scalars(select(Job)).all()
    assert len(jobs) == 1 and jobs[0].kind == "scan_applications" and len(jobs[0].params["application_ids"]) == 3
    created = db.session.scalars(select(Application).order_by(Application.id)).all()
    # 姓名: the ID card's reading wins over the certificate's; it agrees with the form for all three.
    assert [outcomes(a)["name"] for a in created] == ["match", "match", "match"]
    assert all(set(outcomes(a).values()) == {"match"} for a in created)
    assert fake_ocr.calls == 6


def test_ocr_off_or_missing_leaves_intake_working_and_queues_nothing(world, login_as, fake_ocr, jobs_immediate):
    fake_ocr.on = False
    values = valid_values()
    application = submit(login_as(world.baoshan_clerk), world, values, png(8), pdf_bytes())
    assert application.state == State.PENDING.value
    assert outcomes(application) is None
    assert db.session.scalars(select(Job)).all() == []
    assert fake_ocr.calls == 0
    page = login_as(world.baoshan_admin).get(f"/review/district/show/{application.id}").get_data(as_text=True)
    assert 'id="scan-off"' in page and "OCR_ENABLED" in page


def test_the_real_engine_reads_a_generated_certificate_in_the_job(world, login_as, jobs_immediate):
    """One real OCR run (rapidocr) on a generated certificate image: its fields stored, one of them differing."""
    import pytest

    from app.demo import scan_image
    from app.ocr import engine

    if not engine.status()[0]:
        pytest.skip("the OCR package is not installed here")
    values = valid_values(trade="焊工", certificate_issuer="上海市人力资源和社会保障局")
    shown = {**values, "certificate_no": "150100009999"}
    application = submit(login_as(world.baoshan_clerk), world, values, scan_image("id_copy", values, "PNG"),
                         scan_image("certificate_copy", shown, "PNG"))
    assert outcomes(application) == {"name": "match", "id_number": "match", "new_level": "match",
                                     "certificate_no": "differ", "certificate_issuer": "match",
                                     "certificate_date": "match"}
