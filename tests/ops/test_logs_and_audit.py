"""Logs are JSON lines with the request id, user and organisation, and never carry a password or a whole
personal number; audit and security records cannot be deleted through the app."""
import io
import json
import logging

import pytest
from sqlalchemy import delete, select

from app.accounts.events import record_event
from app.accounts.models import SecurityEvent
from app.accounts.roles import DISTRICT_ADMIN
from app.ops.logs import json_handler
from app.ops.retention import AuditDeletionRefused
from app.review.models import ReviewRecord
from app.review.services import record_creation
from tests.conftest import login
from tests.factories import PASSWORD, make_application, make_user


@pytest.fixture
def captured():
    stream = io.StringIO()
    handler = json_handler(stream)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_json_lines_with_request_user_and_organisation_and_nothing_personal(app, db, client, captured):
    clerk = make_user()
    item = make_application(clerk)
    district = make_user(DISTRICT_ADMIN)
    c = app.test_client()
    assert login(c, district.username).status_code == 302
    page = c.get(f"/review/district/show/{item.id}", headers={"X-Request-ID": "trace-12345678"})
    assert item.id_number in page.get_data(as_text=True)
    assert page.headers["X-Request-ID"] == "trace-12345678"
    # A careless log line somewhere: the numbers and the password are scrubbed anyway.
    logging.getLogger("app.somewhere").warning("checking %s card %s password=%s", item.id_number,
                                               item.bank_card_no, PASSWORD)
    c.post("/login/", data={"username": "nobody", "password": PASSWORD, "captcha": "TEST"})
    text = captured.getvalue()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert lines, "nothing logged"
    shown = [entry for entry in lines if entry.get("request_id") == "trace-12345678"
             and entry["logger"] == "app.request"]
    assert shown and shown[0]["user_id"] == district.id
    assert shown[0]["organisation_id"] == district.organisation_id and shown[0]["status"] == 200
    assert all("time" in entry and "level" in entry for entry in lines)
    for secret in (item.id_number, item.bank_card_no, PASSWORD):
        assert secret not in text


def test_audit_and_security_records_are_never_deleted(app, db):
    clerk = make_user()
    item = make_application(clerk)
    record_creation(item, clerk)
    record_event("login", user=clerk)
    db.session.commit()
    for model in (ReviewRecord, SecurityEvent):
        row = db.session.scalars(select(model)).first()
        db.session.delete(row)
        with pytest.raises(AuditDeletionRefused, match="不能删除"):
            db.session.flush()
        db.session.rollback()
        with pytest.raises(AuditDeletionRefused):
            db.session.execute(delete(model))
        db.session.rollback()
    assert db.session.scalars(select(ReviewRecord)).all() and db.session.scalars(select(SecurityEvent)).all()


def test_retention_below_180_days_is_refused(tmp_path, monkeypatch):
    from config import Config

    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("AUDIT_RETENTION_DAYS", "90")
    with pytest.raises(RuntimeError, match="180"):
        Config().validate()
