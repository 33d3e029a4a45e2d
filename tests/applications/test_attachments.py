"""Scans: recognised by content (not name or declared type), at most MAX_UPLOAD_BYTES, stored on disk
under random names, downloadable only within the user's scope, kept across a refused form."""
import re
from datetime import timedelta
from pathlib import Path

import pytest

from app.accounts.roles import DISTRICT_ADMIN, FINANCE, GRASSROOTS, SYSTEM_ADMIN
from app.applications import attachments as files
from app.applications.jobs import purge_stale_uploads_hourly
from app.applications.models import Application, Attachment
from app.clock import utcnow
from app.security import sealed
from tests.applications.intake import (
    field_errors,
    input_value,
    pdf_bytes,
    png_bytes,
    post_form,
    scans,
)
from tests.factories import district, make_campaign, make_org, make_user, valid_values

MB5 = 5 * 1024 * 1024


@pytest.fixture
def clerk(db):
    return make_user(GRASSROOTS, org=make_org(name="宝山甲厂工会"))


@pytest.fixture
def batch_path(db):
    return f"/apply/batch/{make_campaign().batches[0].id}"


def sized_pdf(size):
    head, tail = b"%PDF-1.4\n", b"\n%%EOF\n"
    return head + b"0" * (size - len(head) - len(tail)) + tail


UPLOADS = [
    (png_bytes(), "scan.png", True, "image/png", None),
    (png_bytes(), "身份证.pdf", True, "image/png", None),  # the name lies; the content decides
    (pdf_bytes(), "scan", True, "application/pdf", None),
    (b"GIF89a" + b"\x00" * 40, "scan.png", False, None, "只能上传PDF、JPG或PNG格式"),
    (b"<html><script>alert(1)</script></html>", "scan.pdf", False, None, "只能上传PDF、JPG或PNG格式"),
    (b"MZ\x90\x00" + b"\x00" * 60, "scan.jpg", False, None, "只能上传PDF、JPG或PNG格式"),
    (b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "scan.png", False, None, "图片文件已损坏"),
    (b"\xff\xd8\xff\xe0" + b"garbage" * 10, "scan.jpg", False, None, "图片文件已损坏"),
    (b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "scan.pdf", False, None, "PDF文件不完整"),
    (b"", "scan.pdf", False, None, "文件是空的"),
    (sized_pdf(MB5), "big.pdf", True, "application/pdf", None),
    (sized_pdf(MB5 + 1), "big.pdf", False, None, "文件不能超过5 MB"),
]


def test_upload_is_judged_by_content_and_size(app, db, login_as, set_today, clerk, batch_path):
    client = login_as(clerk)
    values = valid_values(seed=31, mobile="1")  # refused for another reason: only the upload is judged
    for case, (content, name, accepted, stored_type, message) in enumerate(UPLOADS):
        known = set(db.session.scalars(db.select(Attachment.id)))
        html = post_form(client, batch_path, values, scans(id_copy=(content, name))).get_data(as_text=True)
        db.session.expire_all()
        stored = [a for a in db.session.scalars(db.select(Attachment).where(Attachment.kind == "id_copy"))
                  if a.id not in known]
        errors = field_errors(html, "attachment_id_copy")
        if accepted:
            assert len(stored) == 1 and stored[0].content_type == stored_type, case
            assert stored[0].size == len(content), case
            assert f'name="attachment_id_id_copy" value="{stored[0].id}"' in html, case
            assert errors == [], case
        else:
            assert stored == [], case
            # The reason replaces the bare “请上传身份证复印件”.
            assert errors and all(message in m for m in errors), (case, errors)


def test_a_refused_replacement_keeps_the_earlier_scan_and_blocks_the_submission(app, db, login_as, set_today, clerk,
                                                                              batch_path):
    client = login_as(clerk)
    values = valid_values(seed=32)
    html = post_form(client, batch_path, dict(values, mobile="1"), scans()).get_data(as_text=True)
    kept = {k: input_value(html, f"attachment_id_{k}") for k in ("id_copy", "certificate_copy", "card_copy")}
    response = post_form(client, batch_path, values, {"id_copy": (b"not an image", "new.png")},
                         extra={f"attachment_id_{k}": v for k, v in kept.items()})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and db.session.query(Application).count() == 0
    assert "只能上传PDF、JPG或PNG格式" in field_errors(html, "attachment_id_copy")[0]
    assert input_value(html, "attachment_id_id_copy") == kept["id_copy"]


def test_stored_on_disk_under_a_random_name_encrypted(app, db, login_as, set_today, clerk, batch_path):
    content = png_bytes((33, 21))
    post_form(login_as(clerk), batch_path, valid_values(seed=33), scans(id_copy=(content, "../../etc/passwd.png")))
    attachment = db.session.scalar(db.select(Attachment).where(Attachment.kind == "id_copy"))
    assert re.fullmatch(r"[0-9a-f]{32}\.png", attachment.stored_name)
    assert attachment.original_name == "passwd.png"
    path = Path(app.config["UPLOAD_DIR"]) / attachment.stored_name
    on_disk = path.read_bytes()
    # Encrypted at rest: nothing of the scan in clear on disk, the clear bytes only through the key.
    assert on_disk.startswith(sealed.FILE_MAGIC) and content[8:40] not in on_disk
    assert sealed.read_bytes(path) == content
    import hashlib

    assert attachment.sha256 == hashlib.sha256(content).hexdigest() == sealed.sha256_of(path)
    assert attachment.size == len(content)


def test_other_users_ids_in_hidden_inputs_are_ignored(app, db, login_as, set_today, clerk, batch_path):
    colleague = make_user(GRASSROOTS, org=clerk.organisation)
    html = post_form(login_as(colleague), batch_path, valid_values(seed=34, mobile="1"), scans()).get_data(as_text=True)
    foreign = {k: input_value(html, f"attachment_id_{k}") for k in ("id_copy", "certificate_copy", "card_copy")}
    response = post_form(login_as(clerk), batch_path, valid_values(seed=34), {},
                         extra={f"attachment_id_{k}": v for k, v in foreign.items()})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and field_errors(page, "attachment_id_copy") == ["请上传身份证复印件"]
    assert db.session.query(Application).count() == 0


@pytest.fixture
def submitted(app, db, login_as, set_today, clerk, batch_path):
    client = login_as(clerk)
    assert post_form(client, batch_path, valid_values(seed=35), scans()).status_code == 302
    application = db.session.scalar(db.select(Application))
    return application, {a.kind: a.id for a in application.attachments}, client


def test_download_within_scope_only(app, db, login_as, clerk, submitted):
    application, ids, own = submitted
    png, pdf = ids["id_copy"], ids["certificate_copy"]
    response = own.get(f"/application/attachment/{png}")
    assert response.status_code == 200 and response.data == sealed.read_bytes(Path(
        app.config["UPLOAD_DIR"], db.session.get(Attachment, png).stored_name))
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert "filename*=UTF-8''%E8%BA%AB%E4%BB%BD%E8%AF%81.png" in response.headers["Content-Disposition"]
    as_file = own.get(f"/application/attachment/{pdf}")
    assert as_file.headers["Content-Type"] == "application/pdf"
    assert as_file.headers["Content-Disposition"].startswith("attachment;")

    allowed = [make_user(GRASSROOTS, org=clerk.organisation), make_user(DISTRICT_ADMIN), make_user(SYSTEM_ADMIN)]
    refused = [make_user(GRASSROOTS, org=make_org(name="宝山乙厂工会")),
               make_user(DISTRICT_ADMIN, org=district("虹口区总工会")),
               make_user(GRASSROOTS, org=make_org(name="虹口丙厂工会", parent=district("虹口区总工会")))]
    for user in allowed:
        assert login_as(user).get(f"/application/attachment/{png}").status_code == 200, user.username
    for user in refused:
        assert login_as(user).get(f"/application/attachment/{png}").status_code == 404, user.username
    assert login_as(make_user(FINANCE)).get(f"/application/attachment/{png}").status_code == 403
    assert own.get("/application/attachment/99999").status_code == 404
    assert app.test_client().get(f"/application/attachment/{png}").status_code == 302  # to the login page


def test_an_upload_not_yet_submitted_is_its_uploaders_only(app, db, login_as, set_today, clerk, batch_path):
    client = login_as(clerk)
    post_form(client, batch_path, valid_values(seed=36, mobile="1"), scans())
    pending = db.session.scalar(db.select(Attachment).where(Attachment.kind == "id_copy"))
    assert pending.application_id is None
    assert client.get(f"/application/attachment/{pending.id}").status_code == 200
    for user in (make_user(GRASSROOTS, org=clerk.organisation), make_user(DISTRICT_ADMIN), make_user(SYSTEM_ADMIN)):
        assert login_as(user).get(f"/application/attachment/{pending.id}").status_code == 404


def test_stale_pending_uploads_are_purged_by_the_periodic_task_not_by_a_page(app, db, login_as, set_today, clerk,
                                                                             batch_path):
    client = login_as(clerk)
    post_form(client, batch_path, valid_values(seed=37, mobile="1"), scans())
    stale, fresh = db.session.scalars(db.select(Attachment).order_by(Attachment.id)).all()[:2]
    stale.uploaded_at = utcnow() - timedelta(days=files.ORPHAN_DAYS, minutes=1)
    db.session.commit()
    stale_path = Path(app.config["UPLOAD_DIR"]) / stale.stored_name
    stale_id, fresh_id = stale.id, fresh.id
    assert stale_path.exists()
    # Opening the form (a GET) changes no row and no file.
    assert client.get(batch_path).status_code == 200
    db.session.expire_all()
    assert db.session.get(Attachment, stale_id) is not None and stale_path.exists()
    # The queue's hourly task deletes it (run here in-process), the fresh upload stays.
    assert purge_stale_uploads_hourly.call_local() == 1
    db.session.expire_all()
    assert db.session.get(Attachment, stale_id) is None and not stale_path.exists()
    assert db.session.get(Attachment, fresh_id) is not None


def test_flask_purge_uploads_command(app, db, login_as, set_today, clerk, batch_path):
    client = login_as(clerk)
    post_form(client, batch_path, valid_values(seed=38, mobile="1"), scans())
    for attachment in db.session.scalars(db.select(Attachment)):
        attachment.uploaded_at = utcnow() - timedelta(days=files.ORPHAN_DAYS + 1)
    db.session.commit()
    count = db.session.query(Attachment).count()
    result = app.test_cli_runner().invoke(args=["purge-uploads"])
    assert f"已删除过期未提交的上传文件 {count} 个" in result.output
    db.session.expire_all()
    assert db.session.query(Attachment).count() == 0


def test_detect_and_filename_helpers():
    assert files.detect(pdf_bytes()).content_type == "application/pdf"
    with pytest.raises(files.UploadRefused, match="空"):
        files.detect(b"")
    assert files.clean_filename("C:\\Users\\me\\扫描件\x00.jpg") == "扫描件.jpg"
    assert files.clean_filename("...") == "附件"
    assert files.size_text(500) == "1 KB" and files.size_text(3 * 1024 * 1024) == "3.0 MB"
    assert files.required_kinds("industry")[-1] == "hr_form" and "hr_form" not in files.required_kinds("general")
