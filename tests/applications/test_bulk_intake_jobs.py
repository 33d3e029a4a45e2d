"""批量导入 over INTAKE_JOB_THRESHOLD rows runs as a background job (the real consumer): the workbook and the
zip of scans wait as stored uploads, the applications are created all or nothing as in the request, and a
refused file fails its job keeping its 错误清单, downloadable by its owner from 我的任务 and the intake page.
A file at or under the threshold is still imported in the request."""
import io
import threading

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.applications import attachments as files
from app.applications import jobs as intake_jobs
from app.applications.models import Application, Attachment
from app.jobs import runner, uploads
from app.jobs.models import Job
from app.review.models import ReviewRecord
from app.security import sealed
from tests.applications.bulk_files import fill_template, upload, zip_of
from tests.applications.test_bulk_intake import count, scans_for, template_bytes, three_rows
from tests.applications.test_bulk_intake import world  # noqa: F401  (the fixture)
from tests.conftest import files_left, wait_for_job


def only_job(db):
    db.session.rollback()
    return db.session.scalars(select(Job).where(Job.kind == intake_jobs.BULK_INTAKE)).one()


def test_a_large_file_with_its_scans_is_imported_by_a_job(app, db, world, login_as, job_consumer,  # noqa: F811
                                                          monkeypatch):
    monkeypatch.setitem(app.config, "INTAKE_JOB_THRESHOLD", 2)
    client = login_as(world["clerk"])
    rows = three_rows()
    workbook = fill_template(template_bytes(client, world["batch"]), rows)
    response = upload(client, world["batch"].id, workbook, zip_of(scans_for(rows)))
    assert response.status_code == 302 and response.headers["Location"].endswith("/jobs/")
    job = wait_for_job(only_job(db).id)
    assert (job.kind, job.state, job.error) == ("bulk_intake", "done", None), job.error
    assert (job.done, job.total) == (3, 3)
    assert job.params["batch_id"] == world["batch"].id and "导入.xlsx" in job.params["description"]
    created = db.session.scalars(select(Application).order_by(Application.id)).all()
    assert [a.name for a in created] == ["王建国", "李秀英", "赵小明"]
    assert all(a.submitted_by_id == world["clerk"].id and a.organisation_id == world["unit"].id for a in created)
    assert count(db, Attachment) == 3 * 3 + 1 and count(db, ReviewRecord) == 3
    # The stored uploads went with the job; the intake page tells how the last one ended.
    with app.app_context():
        assert files_left(uploads.folder()) == []
    page = client.get(f"/apply/bulk/{world['batch'].id}").get_data(as_text=True)
    assert 'id="last-intake-job"' in page and "已提交 3 份申请" in page
    jobs = client.get("/jobs/").get_data(as_text=True)
    assert "批量导入申请" in jobs and "已完成" in jobs


def test_a_refused_large_file_fails_its_job_and_keeps_the_error_list(app, db, world, login_as,  # noqa: F811
                                                                     job_consumer, monkeypatch):
    monkeypatch.setitem(app.config, "INTAKE_JOB_THRESHOLD", 2)
    client = login_as(world["clerk"])
    rows = three_rows()
    rows[1] = dict(rows[1], mobile="1234")
    workbook = fill_template(template_bytes(client, world["batch"]), rows)
    assert upload(client, world["batch"].id, workbook, zip_of(scans_for(rows))).status_code == 302
    job = wait_for_job(only_job(db).id)
    assert job.state == "failed" and job.error.startswith("文件未导入（一份也没有提交）：共1处问题")
    assert "第3行 手机号码" in job.error and "Traceback" not in job.error
    assert count(db) == 0 and count(db, Attachment) == 0 and count(db, ReviewRecord) == 0
    # 我的任务: the reason and the 错误清单; the intake page offers the same file.
    jobs = client.get("/jobs/").get_data(as_text=True)
    assert f'href="/jobs/download/{job.id}"' in jobs and "批量导入错误清单.xlsx" in jobs
    page = client.get(f"/apply/bulk/{world['batch'].id}").get_data(as_text=True)
    assert 'id="last-intake-download"' in page and f"/jobs/download/{job.id}" in page
    download = client.get(f"/jobs/download/{job.id}")
    assert download.status_code == 200
    table = [[c.value for c in r] for r in load_workbook(io.BytesIO(download.data)).active.iter_rows()]
    assert table[0] == ["行号", "姓名", "列或文件", "错误说明"]
    assert [3, "李秀英", "手机号码", "手机号码应为11位大陆手机号码，以13–19开头（如13012345678）"] in table
    # Nobody else gets it, nor sees it on their own intake page.
    other = login_as(world["other_clerk"])
    assert other.get(f"/jobs/download/{job.id}").status_code == 404
    assert 'id="last-intake-job"' not in other.get(f"/apply/bulk/{world['batch'].id}").get_data(as_text=True)
    with app.app_context():
        assert files_left(uploads.folder()) == []


def test_a_file_at_the_threshold_is_still_imported_in_the_request(app, db, world, login_as,  # noqa: F811
                                                                  monkeypatch):
    monkeypatch.setitem(app.config, "INTAKE_JOB_THRESHOLD", 100)
    client = login_as(world["clerk"])
    rows = three_rows()
    workbook = fill_template(template_bytes(client, world["batch"]), rows)
    response = upload(client, world["batch"].id, workbook, zip_of(scans_for(rows)))
    assert response.status_code == 302 and response.headers["Location"].endswith("/myapplicationmodelview/list/")
    assert count(db) == 3 and db.session.scalars(select(Job).where(Job.kind == intake_jobs.BULK_INTAKE)).all() == []


def test_kept_uploads_belong_to_their_user_only(app, db, world):  # noqa: F811
    with app.test_request_context():
        token = uploads.keep_upload(world["clerk"], io.BytesIO(b"PK\x03\x04zip"), ".zip")
        path = uploads.upload_path(world["clerk"], token)
        # Encrypted at rest (app/security/sealed.py), the clear bytes read back; seekable for a zip archive.
        assert b"PK\x03\x04zip" not in path.read_bytes() and sealed.read_bytes(path) == b"PK\x03\x04zip"
        with uploads.seekable(path) as copy:
            copy.seek(2)
            assert copy.read() == b"\x03\x04zip"
        assert uploads.upload_path(world["other_clerk"], token) is None
        assert uploads.upload_path(world["clerk"], "../" + token) is None
        uploads.discard_upload(world["clerk"], token)
        assert uploads.upload_path(world["clerk"], token) is None


def _files(directory):
    return sorted(p.name for p in directory.iterdir() if p.is_file()) if directory.is_dir() else []


@pytest.mark.parametrize("how", ["interrupt", "goes_on"])
def test_an_intake_interrupted_by_a_stop_keeps_its_uploads_and_imports_once_after_the_start(
        app, db, world, login_as, job_consumer, monkeypatch, how):  # noqa: F811
    """The consumer stops mid-import: the worker is interrupted (KeyboardInterrupt, as a process worker gets it)
    or, a thread, goes on; the job is queued again, its uploads stay, nothing of the stopped run is kept, and
    after the start the job imports the file once."""
    monkeypatch.setitem(app.config, "INTAKE_JOB_THRESHOLD", 2)
    entered, release, runs = threading.Event(), threading.Event(), []
    real_import = intake_jobs.bulk.import_applications

    def gated_import(*args, progress, **kwargs):
        runs.append(1)
        first = len(runs) == 1

        def gated_progress(done, total):
            if first and done == 1:  # mid-import: the first row checked, nothing written yet
                entered.set()
                assert release.wait(20), "the test never let the stopped run go on"
                if how == "interrupt":
                    raise KeyboardInterrupt
            progress(done, total)
        return real_import(*args, progress=gated_progress, **kwargs)

    monkeypatch.setattr(intake_jobs.bulk, "import_applications", gated_import)
    client = login_as(world["clerk"])
    rows = three_rows()
    workbook = fill_template(template_bytes(client, world["batch"]), rows)
    assert upload(client, world["batch"].id, workbook, zip_of(scans_for(rows))).status_code == 302
    job_id = only_job(db).id
    with app.app_context():
        kept = _files(uploads.folder())
        scans_dir = files.upload_dir()
    assert len(kept) == 2
    before_scans = _files(scans_dir)
    assert entered.wait(20)
    workers = [thread for _, thread in job_consumer.consumer.worker_threads]
    job_consumer.stop(graceful=False)  # stop_embedded: the running job goes back to the queue
    release.set()
    for thread in workers:
        thread.join(20)
    db.session.rollback()
    job = db.session.get(Job, job_id)
    assert (job.state, job.error) == ("queued", None)
    assert count(db) == 0 and count(db, Attachment) == 0 and _files(scans_dir) == before_scans
    with app.app_context():
        assert _files(uploads.folder()) == kept
    job_consumer.start()
    job = wait_for_job(job_id)
    assert (job.state, job.error) == ("done", None)
    assert [a.name for a in db.session.scalars(select(Application).order_by(Application.id))] == [
        "王建国", "李秀英", "赵小明"]
    assert count(db, Attachment) == 3 * 3 + 1 and len(_files(scans_dir)) == len(before_scans) + 10
    with app.app_context():
        assert files_left(uploads.folder()) == []


def test_an_intake_whose_final_commit_fails_leaves_no_scan_files(app, db, world, login_as, job_consumer,  # noqa: F811
                                                                 monkeypatch):
    monkeypatch.setitem(app.config, "INTAKE_JOB_THRESHOLD", 2)
    audit_end = runner._audit_end

    def mark_the_end(job):  # the job's 已完成 with its rows is about to be committed
        audit_end(job)
        if job.state == "done":
            db.session.info["refuse commit"] = True

    def refuse_the_end(session):
        if session.info.pop("refuse commit", False):
            raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(runner, "_audit_end", mark_the_end)

    client = login_as(world["clerk"])
    rows = three_rows()
    workbook = fill_template(template_bytes(client, world["batch"]), rows)
    with app.app_context():
        scans_dir = files.upload_dir()
    before_scans = _files(scans_dir)
    event.listen(Session, "before_commit", refuse_the_end)
    try:
        assert upload(client, world["batch"].id, workbook, zip_of(scans_for(rows))).status_code == 302
        job = wait_for_job(only_job(db).id)
    finally:
        event.remove(Session, "before_commit", refuse_the_end)
    assert (job.state, job.error) == ("failed", runner.UNEXPECTED_ERROR)
    assert count(db) == 0 and count(db, Attachment) == 0
    assert _files(scans_dir) == before_scans  # the scans written for the rolled-back rows are gone
    with app.app_context():
        assert files_left(uploads.folder()) == []  # the job is over: its uploads go
