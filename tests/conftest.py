"""Fixtures: one app per test session on a freshly migrated database, emptied and re-seeded per test.

The database is SQLite in a temporary folder, or PostgreSQL when TEST_DATABASE_URL is set (its
public schema is dropped and rebuilt by the migrations at the start of the session).
"""
import os
import re
import shutil

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

import app.models  # noqa: F401  (every mapper defined before any test module imports a service)
from config import TestConfig

KEEP_TABLES = {"alembic_version"}


def _reset_postgres(url):
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1)
                           if url.startswith("postgresql://") else url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


class IsolatedClient(FlaskClient):
    """Each request in an app context of its own, so a test's context (and g, and the session
    Flask-Login and Flask-WTF keep there) never leaks into a request or between clients."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        _reset_postgres(url)
    else:
        url = f"sqlite:///{instance / 'test.db'}"
    from app import create_app

    application = create_app(TestConfig(url, instance))
    application.test_client_class = IsolatedClient
    with application.app_context():
        from flask_migrate import upgrade

        from app.reference.seed import seed_all

        upgrade()
        seed_all()
    return application


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Empty every table after a test that used the app, then seed the reference data again."""
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    from app.extensions import db, limiter
    from app.models import metadata
    from app.reference.seed import seed_all

    with application.app_context():
        db.session.remove()
        tables = [t for t in reversed(metadata.sorted_tables) if t.name not in KEEP_TABLES]
        with db.engine.begin() as conn:
            for table in tables:
                conn.execute(table.delete())
            if conn.dialect.name == "postgresql":
                # DELETE + RESTART takes ~25 ms here where TRUNCATE took ~600 ms per test.
                for (sequence,) in conn.execute(text(
                        "SELECT quote_ident(sequence_schema) || '.' || quote_ident(sequence_name) "
                        "FROM information_schema.sequences")):
                    conn.execute(text(f"ALTER SEQUENCE {sequence} RESTART"))
        seed_all()
        db.session.remove()
        limiter.reset()


@pytest.fixture
def clock():
    """The platform's one clock: ``clock.set(day or datetime)`` fixes it for this test."""
    from app.clock import clock as the_clock

    yield the_clock
    the_clock.reset()


@pytest.fixture(autouse=True)
def _real_clock():
    """No test leaves the clock fixed for the next one."""
    yield
    from app.clock import clock as the_clock

    the_clock.reset()


@pytest.fixture
def db(app):
    from app.extensions import db as _db

    with app.app_context():
        yield _db
        _db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_client(app):
    """More clients for one test (one per signed-in user)."""
    return app.test_client


def csrf_token(client, path="/login/"):
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client, username, password=None, captcha=None, follow_redirects=False):
    """Sign in through the real login form (CSRF token and captcha included)."""
    from tests.factories import PASSWORD

    token = csrf_token(client, "/login/")
    app = client.application
    return client.post("/login/", data={
        "username": username, "password": password or PASSWORD, "csrf_token": token,
        "captcha": captcha if captcha is not None else (app.config.get("CAPTCHA_FIXED_ANSWER") or ""),
    }, follow_redirects=follow_redirects)


@pytest.fixture
def login_as(app, db):
    """login_as(user) → a test client signed in as that user."""

    def _login(user, password=None):
        c = app.test_client()
        response = login(c, user.username, password)
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
        return c

    return _login


# -- background jobs (app/jobs) ------------------------------------------------------------------------

class ConsumerControl:
    """A real Huey consumer (worker threads) over the test app's queue: start(), stop(), restart."""

    def __init__(self):
        self.consumer = None

    def start(self, workers=2):
        from app.jobs.consumer import EmbeddedConsumer
        from app.jobs.queue import huey

        assert self.consumer is None, "the consumer is already running"
        self.consumer = EmbeddedConsumer(huey, workers=workers, worker_type="thread", periodic=False,
                                         initial_delay=0.05, max_delay=0.2, check_worker_health=False,
                                         shutdown_timeout=10)
        self.consumer.start()
        return self

    def stop(self, graceful=True):
        from app.jobs.consumer import stop_embedded

        if self.consumer is not None:
            stop_embedded(self.consumer, graceful=graceful)
            self.consumer = None


@pytest.fixture(autouse=True)
def _job_queue_of_the_session_app(request):
    """Another app created by a test (create_app) re-points the one queue: the session's app gets it back."""
    if "app" not in request.fixturenames:
        yield
        return
    from app.jobs.queue import flask_app, init_queue

    application = request.getfixturevalue("app")
    try:
        current = flask_app()
    except RuntimeError:
        current = None
    if current is not application:
        init_queue(application)
    yield


@pytest.fixture
def job_consumer(app):
    """The queue emptied, then a real consumer started; stopped after the test (``.stop()`` / ``.start()``)."""
    from app.jobs.queue import huey, set_immediate

    set_immediate(False)
    huey.flush()
    control = ConsumerControl().start()
    yield control
    control.stop()
    huey.flush()
    shutil.rmtree(app.config["JOB_RESULT_DIR"], ignore_errors=True)


@pytest.fixture
def jobs_immediate(app):
    """Huey's immediate mode: a submitted job runs at once in the submitting request (its result at hand)."""
    from app.jobs.queue import set_immediate

    set_immediate(True)
    yield
    set_immediate(False)
    shutil.rmtree(app.config["JOB_RESULT_DIR"], ignore_errors=True)


def files_left(directory, timeout=10):
    """The files still in ``directory`` once they are gone or ``timeout`` passed: a job's cleanups run just after
    its end is committed, so a test may see the end first."""
    import time
    from pathlib import Path

    directory = Path(directory)
    deadline = time.monotonic() + timeout
    while True:
        left = sorted(p.name for p in directory.iterdir() if p.is_file()) if directory.is_dir() else []
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def wait_for_job(job_id, states=("done", "failed"), timeout=20):
    """The job once it is in one of ``states`` (polled; the test's session holds no lock meanwhile)."""
    import time

    from app.extensions import db
    from app.jobs.models import Job

    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        job = db.session.get(Job, job_id)
        if job is not None and job.state in states:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} still {job and job.state} after {timeout}s")
        time.sleep(0.05)
