"""下载Excel over EXPORT_JOB_THRESHOLD rows: the GET only asks, the POST starts a 汇总表 job which the real
consumer writes (recorded as every export), and its owner downloads it from 我的任务; smaller lists still
download at once."""
import io

from openpyxl import load_workbook

from app.exports.models import ExportRecord
from app.jobs import runner
from app.jobs.models import Job
from app.review.states import State
from app.security import sealed
from tests.conftest import csrf_token, wait_for_job
from tests.review.conftest import world  # noqa: F401

URL = "/review/district/excel/?_flt_0_state=pending"


def sheet_rows(data):
    sheet = load_workbook(io.BytesIO(data), read_only=True)["汇总表"]
    rows = list(sheet.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_a_large_summary_is_written_by_a_job_and_downloaded_from_my_jobs(app, db, world, login_as,  # noqa: F811
                                                                          job_consumer, monkeypatch):
    for name in ("张三", "李四", "王五"):
        world.app(name=name)
    world.app(State.DISTRICT_APPROVED, name="赵六")
    world.app(name="钱七", foreign=True)
    client = login_as(world.baoshan_admin)
    direct_header, direct_rows = sheet_rows(client.get(URL).get_data())
    assert len(direct_rows) == 3
    db.session.commit()
    with db.engine.begin() as conn:  # the app itself never deletes an export record (app/ops/retention.py)
        conn.execute(ExportRecord.__table__.delete())

    monkeypatch.setitem(app.config, "EXPORT_JOB_THRESHOLD", 2)
    page = client.get(URL)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "在后台生成汇总表" in html and 'id="excel-job-count">3<' in html and "状态：未审核" in html
    db.session.rollback()
    assert db.session.query(Job).count() == 0 and db.session.query(ExportRecord).count() == 0  # a GET asks only

    response = client.post(URL, data={"csrf_token": csrf_token(client, URL)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/jobs/")
    job = db.session.query(Job).one()
    assert job.kind == "summary_export" and job.owner_id == world.baoshan_admin.id
    assert job.params["filter"]["state"] == ["pending"] and job.params["organisation"] == "宝山区总工会"
    job = wait_for_job(job.id)
    assert job.state == "done", job.error
    assert (job.done, job.total) == (3, 3)
    assert job.result_name.startswith("汇总表_宝山区总工会_全部活动_全部批次_")

    listing = client.get("/jobs/").get_data(as_text=True)
    assert "导出汇总表" in listing and "已完成" in listing and f"/jobs/download/{job.id}" in listing
    download = client.get(f"/jobs/download/{job.id}")
    assert download.status_code == 200
    assert download.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    header, rows = sheet_rows(download.get_data())
    assert header == direct_header
    # On disk the result is encrypted: no workbook (zip) there, only through the key.
    on_disk = runner.result_file_path(job).read_bytes()
    assert on_disk.startswith(sealed.FILE_MAGIC) and b"PK\x03\x04" not in on_disk[:64]
    assert sealed.read_bytes(runner.result_file_path(job)) == download.get_data()
    assert [r[1:] for r in rows] == [r[1:] for r in direct_rows]
    record = db.session.query(ExportRecord).one()
    assert (record.user_id, record.row_count, record.kind) == (world.baoshan_admin.id, 3, "summary_xlsx")
    assert record.file_name == job.result_name and "未审核" in record.filter_text
    # Another district's admin (or the city) cannot fetch it.
    assert login_as(world.hongkou_admin).get(f"/jobs/download/{job.id}").status_code == 404
    assert login_as(world.city_admin).get(f"/jobs/download/{job.id}").status_code == 404


def test_a_summary_at_or_under_the_threshold_downloads_at_once(app, db, world, login_as, monkeypatch):  # noqa: F811
    world.app(name="张三")
    world.app(name="李四")
    monkeypatch.setitem(app.config, "EXPORT_JOB_THRESHOLD", 2)
    response = login_as(world.baoshan_admin).get(URL)
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert len(sheet_rows(response.get_data())[1]) == 2
    assert db.session.query(Job).count() == 0


def test_the_job_keeps_the_owners_scope(app, db, world, login_as, jobs_immediate, monkeypatch):  # noqa: F811
    world.app(name="张三")
    world.app(name="钱七", foreign=True)
    world.app(name="孙八", foreign=True)
    monkeypatch.setitem(app.config, "EXPORT_JOB_THRESHOLD", 0)
    client = login_as(world.hongkou_admin)
    url = "/review/district/excel/"
    client.post(url, data={"csrf_token": csrf_token(client, url)})
    job = db.session.query(Job).one()
    assert job.state == "done"
    header, rows = sheet_rows(client.get(f"/jobs/download/{job.id}").get_data())
    assert sorted(r[header.index("姓名")] for r in rows) == ["孙八", "钱七"]


def test_the_default_threshold_is_5000(app):
    from config import Config

    assert Config().EXPORT_JOB_THRESHOLD == 5000 and app.config["JOB_RESULT_DAYS"] == 7
