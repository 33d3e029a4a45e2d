"""从扫描件识别 on the form (scope of its endpoint, what it offers), the clerk's warnings, the reviewers' 核对 panel
and list filter, and whole ID numbers only for the roles that see them."""
import io

from sqlalchemy import select

from app.applications.models import Attachment
from app.extensions import db
from app.jobs.models import Job
from app.ocr import extract, services
from app.review.states import State
from tests.conftest import csrf_token
from tests.factories import valid_values
from tests.ocr.helpers import certificate_lines, id_card_lines, png


def upload_pending(user, kind, content):
    """A pending upload of ``user`` as a refused form leaves it."""
    from app.applications import attachments

    attachment = attachments.store_upload(user, kind, "证书.png", io.BytesIO(content))
    db.session.commit()
    return attachment


def start(client, batch_id, data=None, files=None):
    token = csrf_token(client, f"/apply/batch/{batch_id}")
    body = {"csrf_token": token, **(data or {})}
    for name, (content, filename) in (files or {}).items():
        body[name] = (io.BytesIO(content), filename)
    return client.post("/apply/scan/", data=body, content_type="multipart/form-data")


def test_the_form_reads_its_own_scans_and_offers_the_fields(world, login_as, fake_ocr, jobs_immediate):
    values = valid_values()
    clerk = login_as(world.baoshan_clerk)
    batch = world.campaign.batches[0].id
    page = clerk.get(f"/apply/batch/{batch}").get_data(as_text=True)
    assert 'id="scan-read-button"' in page and "js/scan_form.js" in page and 'id="scan-read-status"' in page
    pending = upload_pending(world.baoshan_clerk, "id_copy", fake_ocr.says(png(40), id_card_lines(values)))
    fresh = fake_ocr.says(png(41), certificate_lines(values))
    response = start(clerk, batch, {"attachment_id_id_copy": str(pending.id)},
                     {"file_certificate_copy": (fresh, "证书.png")})
    assert response.status_code == 202, response.get_data(as_text=True)
    answer = response.get_json()
    kinds = {u["kind"]: u for u in answer["uploads"]}
    assert kinds["id_copy"]["id"] == pending.id and kinds["certificate_copy"]["input"] == "attachment_id_certificate_copy"
    # The chosen file became the clerk's pending upload (the form then carries its id).
    db.session.rollback()
    new = db.session.get(Attachment, kinds["certificate_copy"]["id"])
    assert new.uploaded_by_id == world.baoshan_clerk.id and new.application_id is None
    result = clerk.get(answer["status"]).get_json()
    assert result["state"] == "done"
    assert result["values"] == {"name": values["name"], "id_number": values["id_number"], "new_level": "2",
                                "certificate_no": values["certificate_no"],
                                "certificate_issuer": values["certificate_issuer"],
                                "certificate_date": values["certificate_date"].isoformat(), "trade": "焊工"}
    assert result["titles"]["new_level"].startswith("技师")
    # Kept off 我的任务.
    assert clerk.get("/jobs/status").get_json()["jobs"] == []


def test_nothing_read_says_why(world, login_as, fake_ocr, jobs_immediate):
    clerk = login_as(world.baoshan_clerk)
    batch = world.campaign.batches[0].id
    response = start(clerk, batch, files={"file_id_copy": (fake_ocr.unreadable(png(42)), "身份证.png")})
    result = clerk.get(response.get_json()["status"]).get_json()
    assert result["values"] == {} and result["reasons"] == ["图片文件已损坏或无法识别"]
    assert start(clerk, batch).status_code == 400  # nothing to read


def test_a_foreign_upload_or_job_answers_404(world, login_as, fake_ocr, jobs_immediate):
    foreign = upload_pending(world.hongkou_clerk, "id_copy", png(43))
    other_application = world.app(State.PENDING, foreign=True)
    clerk = login_as(world.baoshan_clerk)
    batch = world.campaign.batches[0].id
    assert start(clerk, batch, {"attachment_id_id_copy": str(foreign.id)}).status_code == 404
    assert start(clerk, batch, {"attachment_id_id_copy": "12x"}).status_code == 404
    scan = next(a for a in other_application.attachments if a.kind == "id_copy")
    assert start(clerk, batch, {"attachment_id_id_copy": str(scan.id),
                                "application": str(other_application.id)}).status_code == 404
    # The other clerk's reading job is not this clerk's to read.
    other = login_as(world.hongkou_clerk)
    job_id = start(other, batch, {"attachment_id_id_copy": str(foreign.id)}).get_json()["job"]
    assert clerk.get(f"/apply/scan/{job_id}").status_code == 404
    assert other.get(f"/apply/scan/{job_id}").status_code == 200
    # Reviewers have no such endpoint.
    assert login_as(world.baoshan_admin).get(f"/apply/scan/{job_id}").status_code in (401, 403)
    assert db.session.scalar(select(Job).where(Job.id == job_id)).owner_id == world.hongkou_clerk.id


def test_ocr_off_disables_the_button_with_the_reason(world, login_as, fake_ocr):
    fake_ocr.on = False
    clerk = login_as(world.baoshan_clerk)
    batch = world.campaign.batches[0].id
    page = clerk.get(f"/apply/batch/{batch}").get_data(as_text=True)
    assert 'data-off="1"' in page and 'id="scan-read-off"' in page and "OCR_ENABLED" in page
    pending = upload_pending(world.baoshan_clerk, "id_copy", png(44))
    response = start(clerk, batch, {"attachment_id_id_copy": str(pending.id)})
    assert response.status_code == 409 and "OCR_ENABLED" in response.get_json()["error"]


def compared(world, fake_ocr, **said):
    """A 区县局初审通过 application of 宝山 whose scans were read and compared (``said``: fields its certificate
    says otherwise)."""
    application = world.app(State.DISTRICT_APPROVED, scans=False)
    values = {name: getattr(application, name) for name in ("name", "id_number", "trade", "new_level",
                                                            "certificate_no", "certificate_date",
                                                            "certificate_issuer")}
    from app.applications import attachments

    for kind, lines in (("id_copy", id_card_lines(values)), ("certificate_copy", certificate_lines(values, **said))):
        scan = attachments.store_content(world.baoshan_clerk, kind, f"{kind}.png", png(hash(lines[1]) % 200 + 50),
                                         application_id=application.id)
        db.session.flush()
        services.store_reading(scan, dict(extract.extract_fields(lines, kind)))
    for kind in ("card_copy",):
        attachments.store_content(world.baoshan_clerk, kind, "卡.png", png(1), application_id=application.id)
    db.session.flush()
    services.compare_application(application)
    db.session.commit()
    return application


def test_reviewers_see_the_six_fields_side_by_side_and_filter_the_list(world, login_as, fake_ocr):
    differs = compared(world, fake_ocr, certificate_no="150177777777")
    same = compared(world, fake_ocr)
    number = differs.id_number
    for user, base in ((world.baoshan_admin, "/review/district"), (world.city_admin, "/review/final")):
        client = login_as(user)
        page = client.get(f"{base}/show/{differs.id}").get_data(as_text=True)
        assert 'id="checks"' in page and 'id="scan-comparison"' in page
        row = page.split('id="scan-certificate_no"')[1].split("</tr>")[0]
        assert "150177777777" in row and differs.certificate_no in row and "不一致" in row
        assert number in page.split('id="scan-id_number"')[1].split("</tr>")[0]  # whole for these roles
        listed = client.get(f"{base}/list/?_flt_0_scan=differ").get_data(as_text=True)
        assert f'data-pk="{differs.id}"' in listed and f'data-pk="{same.id}"' not in listed
        assert "扫描件不一致" in listed and 'name="_flt_0_scan"' in listed
        listed = client.get(f"{base}/list/?_flt_0_scan=same").get_data(as_text=True)
        assert f'data-pk="{same.id}"' in listed and f'data-pk="{differs.id}"' not in listed
        # A value no filter offers matches nothing; a malformed filter index is refused, never a 500.
        assert 'data-pk=' not in client.get(f"{base}/list/?_flt_0_scan=bogus").get_data(as_text=True)
        assert client.get(f"{base}/list/?_flt_9_scan=differ").status_code in (200, 400, 404)
    # 终审: the register check in the same 核对 panel once matched.
    page = login_as(world.city_admin).get(f"/review/final/show/{same.id}").get_data(as_text=True)
    assert page.index('id="checks"') < page.index('id="scan-comparison"')


def test_finance_sees_the_scanned_id_number_masked(world, login_as, fake_ocr):
    application = compared(world, fake_ocr)
    from app.review.services import apply_transition

    apply_transition(application, world.city_admin, "approve_final")
    db.session.commit()
    page = login_as(world.finance).get(f"/payments/funding/show/{application.id}").get_data(as_text=True)
    row = page.split('id="scan-id_number"')[1].split("</tr>")[0]
    assert application.id_number not in row and "*" in row


def test_the_clerk_sees_differing_fields_as_warnings(world, login_as, fake_ocr):
    application = compared(world, fake_ocr, certificate_date=world.campaign.start_date)
    clerk = login_as(world.baoshan_clerk)
    page = clerk.get(f"/myapplicationmodelview/show/{application.id}").get_data(as_text=True)
    assert 'id="scan-warnings"' in page and "发证日期" in page.split('id="scan-warnings"')[1].split("</div>")[0]
    listed = clerk.get("/myapplicationmodelview/list/").get_data(as_text=True)
    assert "scan-differs" in listed and "发证日期" in listed
