"""Background jobs through the real Huey consumer (worker threads over the SQLite queue file): progress seen
on 我的任务 while a job runs, Chinese failure messages, the queue surviving a stopped consumer, owner-only
results, the periodic cleanup of result files."""
import logging
import shutil
import threading
from datetime import datetime
from pathlib import Path

import pytest

from app.accounts.models import AppUser, SecurityEvent
from app.accounts.roles import DISTRICT_ADMIN, FINANCE, GRASSROOTS, SYSTEM_ADMIN
from app.jobs import cleanup, registry, runner
from app.jobs.models import Job
from app.jobs.queue import huey
from app.jobs.services import submit_job
from app.jobs.signals import job_finished
from app.jobs.views import job_json
from tests.conftest import wait_for_job
from tests.factories import make_user

#: Steps of the gated job wait here until the test lets them go on.
GATES = {}


@registry.job_kind("test_gated", title="测试任务")
def gated(ctx, steps, gate=None):
    ctx.progress(0, steps)
    for step in range(1, steps + 1):
        if gate:
            assert GATES[gate][step].wait(10), "the test never opened the gate"
        ctx.progress(step, steps)
    with ctx.result_file("测试结果.txt") as out:
        out.write(f"{ctx.owner.username}:{steps}".encode())


@registry.job_kind("test_refused", title="测试校验")
def refused(ctx, row):
    ctx.progress(1, 3)
    with ctx.result_file("不应留下.txt") as out:
        out.write(b"x")
    raise registry.JobError(f"第{row}行：身份证号码校验位不正确")


@registry.job_kind("test_writes", title="测试写入", changes_data=True)
def writes(ctx, fail):
    ctx.owner.real_name = "失败任务改的" if fail else "任务改过"
    if fail:
        raise registry.JobError("第1行：不可导入")


@registry.job_kind("test_crash", title="测试异常")
def crash(ctx):
    {}["missing"]


def gates(name, steps):
    GATES[name] = {step: threading.Event() for step in range(1, steps + 1)}
    return GATES[name]


def status_of(client, job_id):
    response = client.get("/jobs/status")
    assert response.status_code == 200
    return next(j for j in response.get_json()["jobs"] if j["id"] == job_id)


def test_progress_is_visible_while_the_job_runs(app, db, login_as, job_consumer):
    user = make_user(DISTRICT_ADMIN)
    client = login_as(user)
    gate = gates("progress", 4)
    job = submit_job("test_gated", owner=user, params={"steps": 4, "gate": "progress"})
    assert job.state == "queued" and job.organisation_id == user.organisation_id
    gate[1].set()
    gate[2].set()
    wait_for_job(job.id, states=("running",))
    seen = None
    for _ in range(200):
        seen = status_of(client, job.id)
        if seen["done"] == 2:
            break
        threading.Event().wait(0.05)
    assert seen["state"] == "running" and seen["state_title"] == "进行中"
    assert (seen["done"], seen["total"], seen["percent"]) == (2, 4, 50)
    page = client.get("/jobs/").get_data(as_text=True)
    assert "我的任务" in page and "测试任务" in page and 'value="50"' in page and "进行中" in page
    gate[3].set()
    gate[4].set()
    finished = wait_for_job(job.id)
    assert finished.state == "done" and (finished.done, finished.total) == (4, 4)
    assert finished.started_at and finished.finished_at >= finished.started_at
    seen = status_of(client, job.id)
    assert seen["percent"] == 100 and seen["state_title"] == "已完成" and seen["download"]
    response = client.get(seen["download"])
    assert response.status_code == 200 and response.get_data(as_text=True) == f"{user.username}:4"
    assert "filename*=UTF-8''%E6%B5%8B%E8%AF%95%E7%BB%93%E6%9E%9C.txt" in response.headers["Content-Disposition"]


def test_a_refused_job_shows_its_chinese_message_and_keeps_nothing(app, db, login_as, job_consumer):
    user = make_user(SYSTEM_ADMIN)
    results = Path(app.config["JOB_RESULT_DIR"])
    before = set(results.iterdir()) if results.is_dir() else set()
    finished, signalled = [], threading.Event()

    def receiver(job):
        finished.append(job.id)
        signalled.set()

    job_finished.connect(receiver, weak=False)
    try:
        job = submit_job("test_refused", owner=user, params={"row": 3})
        job = wait_for_job(job.id)
        assert signalled.wait(5)
    finally:
        job_finished.disconnect(receiver)
    assert job.state == "failed" and job.error == "第3行：身份证号码校验位不正确"
    assert job.result_file is None and set(results.iterdir()) == before
    assert finished == [job.id]
    page = login_as(user).get("/jobs/").get_data(as_text=True)
    assert "失败" in page and "第3行：身份证号码校验位不正确" in page


def test_an_unexpected_error_is_logged_and_the_user_reads_a_generic_message(app, db, login_as, job_consumer,
                                                                            caplog):
    user = make_user(GRASSROOTS)
    with caplog.at_level(logging.ERROR, logger="app.jobs.runner"):
        job = wait_for_job(submit_job("test_crash", owner=user).id)
    assert job.state == "failed" and job.error == runner.UNEXPECTED_ERROR
    assert any("KeyError" in (r.exc_text or "") for r in caplog.records)
    page = login_as(user).get("/jobs/").get_data(as_text=True)
    assert runner.UNEXPECTED_ERROR in page
    assert "Traceback" not in page and "KeyError" not in page and "missing" not in page


def test_jobs_queued_while_the_consumer_is_stopped_run_when_it_starts_again(app, db, job_consumer):
    user = make_user(DISTRICT_ADMIN)
    first = submit_job("test_gated", owner=user, params={"steps": 2})
    assert wait_for_job(first.id).state == "done"
    job_consumer.stop()
    waiting = [submit_job("test_gated", owner=user, params={"steps": n}).id for n in (1, 2, 3)]
    threading.Event().wait(0.5)
    db.session.rollback()
    assert [db.session.get(Job, pk).state for pk in waiting] == ["queued"] * 3
    assert huey.pending_count() == 3  # kept in the queue's SQLite file, not in the stopped consumer
    job_consumer.start()
    assert [wait_for_job(pk).state for pk in waiting] == ["done"] * 3


def test_a_job_interrupted_by_a_stop_is_queued_again_and_finishes_after_the_restart(app, db, job_consumer):
    user = make_user(DISTRICT_ADMIN)
    gate = gates("interrupted", 2)
    job = submit_job("test_gated", owner=user, params={"steps": 2, "gate": "interrupted"})
    wait_for_job(job.id, states=("running",))
    from app.jobs import consumer as embedded

    # The consumer stops without waiting (as when the process ends): the running job goes back to the queue.
    job_consumer.consumer.stop(graceful=False)
    embedded.huey.notify_interrupted_tasks()
    job_consumer.consumer = None
    db.session.rollback()
    assert db.session.get(Job, job.id).state == "queued" and huey.pending_count() == 1
    gate[1].set()  # the old thread goes on; its late end must not count
    gate[2].set()
    GATES["interrupted"] = {step: threading.Event() for step in (1, 2)}
    for event in GATES["interrupted"].values():
        event.set()
    job_consumer.start()
    assert wait_for_job(job.id).state == "done"


def test_the_embedded_start_queues_again_what_a_killed_process_left_running(app, db, job_consumer):
    user = make_user(DISTRICT_ADMIN)
    job_consumer.stop()
    job = submit_job("test_gated", owner=user, params={"steps": 1})
    huey.flush()  # the process died after taking the task from the queue
    job.state = "running"
    db.session.commit()
    from app.jobs.consumer import start_embedded, stop_embedded

    consumer = start_embedded(app, workers=1)
    try:
        assert wait_for_job(job.id).state == "done"
    finally:
        stop_embedded(consumer)


def test_results_download_only_by_their_owner(app, db, login_as, make_client, jobs_immediate):
    owner = make_user(DISTRICT_ADMIN)
    job = submit_job("test_gated", owner=owner, params={"steps": 1})
    db.session.rollback()
    job = db.session.get(Job, job.id)
    assert job.state == "done"
    url = f"/jobs/download/{job.id}"
    assert login_as(owner).get(url).status_code == 200
    colleague = make_user(DISTRICT_ADMIN, org=owner.organisation)
    for other in (colleague, make_user(SYSTEM_ADMIN), make_user(FINANCE), make_user(GRASSROOTS)):
        client = login_as(other)
        assert client.get(url).status_code == 404, other.username
        assert f"job-id=\"{job.id}\"" not in client.get("/jobs/").get_data(as_text=True)
        assert all(j["id"] != job.id for j in client.get("/jobs/status").get_json()["jobs"])
    assert login_as(owner).get("/jobs/download/999999").status_code == 404
    anonymous = make_client()
    assert anonymous.get(url).status_code in (302, 401)
    assert anonymous.get("/jobs/status").status_code in (302, 401)


def test_every_role_has_its_jobs_page_in_the_menu(app, db, login_as):
    for role in (SYSTEM_ADMIN, FINANCE, DISTRICT_ADMIN, GRASSROOTS):
        client = login_as(make_user(role))
        home = client.get("/", follow_redirects=True).get_data(as_text=True)
        assert "我的任务" in home and "/jobs/" in home, role
        page = client.get("/jobs/").get_data(as_text=True)
        assert "您还没有提交过任务" in page and "js/jobs.js" in page, role
    template = (Path(app.root_path) / "templates" / "jobs" / "list.html").read_text(encoding="utf-8")
    assert "<script>" not in template and "style=" not in template and " on" not in template.replace(" one", "")


def test_failed_and_unknown_kinds_are_refused_before_anything_is_written(app, db):
    user = make_user(DISTRICT_ADMIN)
    with pytest.raises(registry.UnknownJobKind):
        submit_job("no_such_kind", owner=user)
    with pytest.raises(TypeError):
        submit_job("test_gated", owner=user, params={"steps": object()})
    db.session.rollback()
    assert db.session.query(Job).count() == 0


def test_result_files_are_deleted_after_the_configured_days(app, db, clock, jobs_immediate, monkeypatch):
    shutil.rmtree(app.config["JOB_RESULT_DIR"], ignore_errors=True)
    user = make_user(DISTRICT_ADMIN)
    clock.set(datetime(2026, 11, 1, 10, 0))
    old = submit_job("test_gated", owner=user, params={"steps": 1}).id
    clock.set(datetime(2026, 11, 6, 10, 0))
    recent = submit_job("test_gated", owner=user, params={"steps": 1}).id
    db.session.rollback()
    old_path, recent_path = (runner.result_file_path(db.session.get(Job, pk)) for pk in (old, recent))
    stray = Path(app.config["JOB_RESULT_DIR"]) / "999-left-by-a-killed-consumer.xlsx"
    stray.write_bytes(b"x")
    assert old_path.is_file() and recent_path.is_file()
    clock.set(datetime(2026, 11, 9, 10, 0))  # 8 days after the first, 3 after the second
    assert app.config["JOB_RESULT_DAYS"] == 7
    assert cleanup.clean_results_hourly.call_local() == (1, 1)
    db.session.rollback()
    assert not old_path.exists() and recent_path.exists() and not stray.exists()
    assert db.session.get(Job, old).result_file is None and db.session.get(Job, recent).result_file
    assert db.session.get(Job, old).state == "done"
    with app.test_request_context():  # 我的任务 says the file was deleted
        assert job_json(db.session.get(Job, old))["expired"] is True
    monkeypatch.setitem(app.config, "JOB_RESULT_DAYS", 2)
    result = app.test_cli_runner().invoke(args=["jobs-cleanup"])
    assert "已删除过期的任务结果文件 1 个" in result.output
    assert not recent_path.exists()


def test_the_cleanup_is_a_periodic_task_of_the_queue():
    periodic = {t.__name__ for t in huey._registry._periodic_tasks}
    assert {"clean_results_hourly", "purge_stale_uploads_hourly"} <= periodic


def test_a_job_that_changes_data_is_in_the_security_log_and_all_or_nothing(app, db, jobs_immediate):
    user = make_user(DISTRICT_ADMIN, real_name="原名")
    kept = submit_job("test_writes", owner=user, params={"fail": False}).id
    refused = submit_job("test_writes", owner=user, params={"fail": True}).id
    db.session.rollback()
    events = db.session.scalars(db.select(SecurityEvent).where(SecurityEvent.user_id == user.id)
                                .order_by(SecurityEvent.id)).all()
    assert [(e.event, e.success, e.detail) for e in events] == [
        ("job_submitted", True, f"测试写入（任务编号 {kept}）"),
        ("job_finished", True, f"测试写入（任务编号 {kept}）已完成"),
        ("job_submitted", True, f"测试写入（任务编号 {refused}）"),
        ("job_finished", False, f"测试写入（任务编号 {refused}）失败"),
    ]
    assert db.session.get(AppUser, user.id).real_name == "任务改过"  # kept; the failed one's rolled back
    assert db.session.get(Job, refused).error == "第1行：不可导入"
    # An export-like job (changes_data=False) leaves its trail on the job record only.
    submit_job("test_gated", owner=user, params={"steps": 1})
    assert db.session.query(SecurityEvent).filter(SecurityEvent.user_id == user.id).count() == 4


def test_a_job_whose_owner_was_deactivated_meanwhile_does_nothing(app, db, job_consumer):
    user = make_user(DISTRICT_ADMIN, real_name="原名")
    job_consumer.stop()
    job = submit_job("test_writes", owner=user, params={"fail": False})
    user.active = False
    db.session.commit()
    job_consumer.start()
    job = wait_for_job(job.id)
    assert job.state == "failed" and job.error == runner.OWNER_INACTIVE and job.started_at is None
    assert db.session.get(AppUser, user.id).real_name == "原名"
