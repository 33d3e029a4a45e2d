"""Production's shape: the queue in Redis (REDIS_URL) and `huey_consumer app.jobs.worker.huey` processes.
A 汇总表 job waits in Redis while no consumer runs, a consumer process started later writes it; after that
consumer is stopped the next job waits again and a new consumer process runs it.

A throw-away redis-server is started on a free port (skipped where none is installed)."""
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.jobs.models import Job
from app.jobs.queue import huey, init_queue
from config import BASE_DIR
from tests.conftest import csrf_token, wait_for_job
from tests.review.conftest import world  # noqa: F401

URL = "/review/district/excel/"


@pytest.fixture
def redis_queue(app, monkeypatch, tmp_path):
    server = shutil.which("redis-server")
    if not server:
        pytest.skip("redis-server is not installed")
    import redis

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(tmp_path)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    url = f"redis://127.0.0.1:{port}/0"
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    init_queue(app)
    yield url
    monkeypatch.undo()
    init_queue(app)
    process.terminate()
    process.wait(10)
    shutil.rmtree(app.config["JOB_RESULT_DIR"], ignore_errors=True)


class ConsumerProcess:
    """`huey_consumer app.jobs.worker.huey` in a process of its own, configured like a web server."""

    def __init__(self, app, redis_url, folder):
        self.env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=redis_url,
                        INSTANCE_DIR=str(folder), JOB_RESULT_DIR=app.config["JOB_RESULT_DIR"],
                        UPLOAD_DIR=app.config["UPLOAD_DIR"], APP_ENV="development", PYTHONPATH=str(BASE_DIR))
        self.log = folder / "consumer.log"
        self.process = None

    def start(self):
        command = [str(Path(sys.executable).parent / "huey_consumer"), "app.jobs.worker.huey", "-k", "thread",
                   "-w", "2", "-d", "0.05", "-m", "0.2"]
        with self.log.open("a") as log:
            self.process = subprocess.Popen(command, cwd=BASE_DIR, env=self.env, stdout=log, stderr=log)

    def stop(self):
        if self.process is not None:
            self.process.send_signal(signal.SIGINT)  # graceful: running jobs finish first
            self.process.wait(30)
            self.process = None


def rows_of(client, job):
    response = client.get(f"/jobs/download/{job.id}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True)["汇总表"]
    return list(sheet.iter_rows(values_only=True))[1:]


def test_jobs_wait_in_redis_and_consumer_processes_run_them(app, db, world, login_as, redis_queue,  # noqa: F811
                                                            monkeypatch, tmp_path):
    for name in ("张三", "李四", "王五"):
        world.app(name=name)
    monkeypatch.setitem(app.config, "EXPORT_JOB_THRESHOLD", 1)
    client = login_as(world.baoshan_admin)
    consumer = ConsumerProcess(app, redis_queue, tmp_path)
    try:
        client.post(URL, data={"csrf_token": csrf_token(client, URL)})
        first = db.session.query(Job).one()
        time.sleep(0.5)
        db.session.rollback()
        assert db.session.get(Job, first.id).state == "queued" and huey.pending_count() == 1

        consumer.start()
        first = wait_for_job(first.id, timeout=60)
        assert first.state == "done", (first.error, consumer.log.read_text())
        assert len(rows_of(client, first)) == 3

        consumer.stop()
        world.app(name="赵六")
        client.post(URL, data={"csrf_token": csrf_token(client, URL)})
        second = db.session.query(Job).order_by(Job.id.desc()).first()
        time.sleep(0.5)
        db.session.rollback()
        assert db.session.get(Job, second.id).state == "queued" and huey.pending_count() == 1

        consumer.start()
        second = wait_for_job(second.id, timeout=60)
        assert second.state == "done", (second.error, consumer.log.read_text())
        assert len(rows_of(client, second)) == 4
    finally:
        consumer.stop()
