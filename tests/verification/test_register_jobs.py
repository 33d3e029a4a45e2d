"""Over REGISTER_JOB_THRESHOLD rows the register is imported, and over it applications are matched, by a
background job that the real consumer runs, with progress on 我的任务; a refused file fails its job with a
Chinese message and its error workbook stays downloadable by its owner only."""
import io
import threading

from openpyxl import load_workbook
from sqlalchemy import func, select

from app.jobs import uploads
from app.jobs.models import Job
from app.review.states import State
from app.verification import jobs as register_jobs
from app.verification.models import RegisterEntry, RegisterImport, RegisterMatch
from tests.conftest import csrf_token, files_left, wait_for_job
from tests.verification.helpers import register_file, row_of

PAGE = "/register/"


def upload(client, data, name="证书信息.xlsx"):
    return client.post("/register/upload", data={"csrf_token": csrf_token(client, PAGE),
                                                 "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def count(db, model):
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_large_register_is_imported_and_matched_by_jobs(app, db, world, login_as, job_consumer, monkeypatch):
    apps = [world.app(State.DISTRICT_APPROVED, name=n) for n in ("张三", "李四", "王五")]
    rows = [row_of(apps[0]), row_of(apps[1], 姓名="李斯")]
    campaign_id = world.campaign.id
    monkeypatch.setitem(app.config, "REGISTER_JOB_THRESHOLD", 2)
    client = login_as(world.city_admin)

    response = upload(client, register_file(rows))
    assert response.status_code == 302 and response.headers["Location"].endswith("/jobs/")
    job = wait_for_job(db.session.scalars(select(Job.id)).one())
    assert (job.kind, job.state, job.error) == ("register_import", "done", None)
    assert (job.done, job.total) == (2, 2)
    assert count(db, RegisterEntry) == 2 and db.session.scalars(select(RegisterImport)).one().file_name == "证书信息.xlsx"
    assert "导入证书信息" in client.get("/jobs/").get_data(as_text=True)

    response = client.post("/register/match", data={"csrf_token": csrf_token(client, PAGE),
                                                    "campaign": str(campaign_id)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/jobs/")
    job = wait_for_job(db.session.scalars(select(Job.id).where(Job.kind == "register_match")).one())
    assert job.state == "done", job.error
    assert count(db, RegisterMatch) == 3
    download = client.get(f"/jobs/download/{job.id}")
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.get_data())).active
    body = {r[0]: r[3:] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert body == {"张三": ("全部一致", None), "李四": ("有差异", "姓名"), "王五": ("未找到", None)}
    # The page shows what is stored for the campaign.
    page = client.get(f"{PAGE}?campaign={campaign_id}").get_data(as_text=True)
    assert 'id="match-count-match">1<' in page and 'id="match-count-different">1<' in page


def test_a_refused_large_register_fails_its_job_and_keeps_the_error_workbook(app, db, world, login_as,
                                                                             job_consumer, monkeypatch):
    good = world.app(State.DISTRICT_APPROVED)
    rows = [row_of(good), row_of(good, 证书编号="X-2", 等级="特级"), row_of(good, 证书编号="X-3", 发证日期="昨天")]
    monkeypatch.setitem(app.config, "REGISTER_JOB_THRESHOLD", 2)
    client = login_as(world.city_admin)
    assert upload(client, register_file(rows)).status_code == 302
    job = wait_for_job(db.session.scalars(select(Job.id)).one())
    assert job.state == "failed"
    assert job.error.startswith("文件未导入：共发现2处错误") and "第3行“等级”" in job.error
    assert "Traceback" not in job.error
    assert count(db, RegisterEntry) == 0 and count(db, RegisterImport) == 0
    page = client.get(PAGE).get_data(as_text=True)
    assert 'id="register-last-refused"' in page
    link = page.split('id="register-last-refused"')[1].split('href="')[1].split('"')[0]
    sheet = load_workbook(io.BytesIO(client.get(link).get_data())).active
    assert [c.value for c in sheet[1]][-1] == "错误"
    # Failed with a result: the same workbook is the job's file on 我的任务, for its owner only.
    assert link == f"/jobs/download/{job.id}" and f'href="/jobs/download/{job.id}"' in client.get("/jobs/").get_data(
        as_text=True)
    assert login_as(world.finance).get(link).status_code == 404
    # The kept upload is gone once its job ran.
    from app.jobs import uploads

    with app.app_context():
        assert files_left(uploads.folder()) == []


def test_a_register_import_interrupted_by_a_stop_keeps_its_upload_and_runs_after_the_start(
        app, db, world, login_as, job_consumer, monkeypatch):
    """The consumer stops while the register is read (the worker interrupted): the job is queued again with
    its upload kept, imports the file after the start, and only then the upload goes."""
    apps = [world.app(State.DISTRICT_APPROVED, name=n) for n in ("张三", "李四")]
    monkeypatch.setitem(app.config, "REGISTER_JOB_THRESHOLD", 1)
    entered, release, runs = threading.Event(), threading.Event(), []
    real_import = register_jobs.services.import_register

    def interrupted_once(*args, **kwargs):
        runs.append(1)
        if len(runs) == 1:
            entered.set()
            assert release.wait(20), "the test never let the stopped run go on"
            raise KeyboardInterrupt
        return real_import(*args, **kwargs)

    monkeypatch.setattr(register_jobs.services, "import_register", interrupted_once)
    client = login_as(world.city_admin)
    assert upload(client, register_file([row_of(a) for a in apps])).status_code == 302
    with app.app_context():
        kept = sorted(p.name for p in uploads.folder().iterdir())
    assert len(kept) == 1 and entered.wait(20)
    workers = [thread for _, thread in job_consumer.consumer.worker_threads]
    job_consumer.stop(graceful=False)
    release.set()
    for thread in workers:
        thread.join(20)
    job_id = db.session.scalars(select(Job.id)).one()
    db.session.rollback()
    assert db.session.get(Job, job_id).state == "queued" and count(db, RegisterEntry) == 0
    with app.app_context():
        assert sorted(p.name for p in uploads.folder().iterdir()) == kept
    job_consumer.start()
    job = wait_for_job(job_id)
    assert (job.state, job.error) == ("done", None) and count(db, RegisterEntry) == 2
    with app.app_context():
        assert files_left(uploads.folder()) == []
