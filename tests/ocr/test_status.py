"""Without the OCR package (or with OCR_ENABLED off) the platform runs as before and says so: the 证书信息核对
page, /readyz (as information, never as not ready) and the form's disabled button."""
import importlib.util

import pytest
from sqlalchemy import select

from app.applications.models import Application
from app.extensions import db
from app.jobs.models import Job
from app.ocr import engine
from app.review.states import State
from tests.applications.intake import post_form, scans
from tests.factories import valid_values


@pytest.fixture
def package_missing(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(engine.importlib.util, "find_spec",
                        lambda name, *a: None if name == engine.PACKAGE else real(name, *a))


@pytest.fixture
def ocr_off(app, monkeypatch):
    monkeypatch.setitem(app.config, "OCR_ENABLED", False)


def test_without_the_package_intake_and_review_work_and_the_admin_is_told(world, login_as, package_missing,
                                                                         jobs_immediate, client):
    assert engine.status()[0] is False
    clerk = login_as(world.baoshan_clerk)
    batch = world.campaign.batches[0].id
    form = clerk.get(f"/apply/batch/{batch}").get_data(as_text=True)
    assert 'data-off="1"' in form and "rapidocr-onnxruntime" in form
    response = post_form(clerk, f"/apply/batch/{batch}", valid_values(), files=scans())
    assert response.status_code == 302
    db.session.rollback()
    application = db.session.scalar(select(Application))
    assert application.state == State.PENDING.value and db.session.scalars(select(Job)).all() == []
    admin = login_as(world.baoshan_admin)
    page = admin.get(f"/review/district/show/{application.id}").get_data(as_text=True)
    assert 'id="scan-off"' in page and 'id="decision-approve_by_district"' in page
    register = login_as(world.city_admin).get("/register/").get_data(as_text=True)
    status = register.split('id="scan-status"')[1].split("</div>")[0]
    assert "未启用" in status and "rapidocr-onnxruntime" in status
    ready = client.get("/readyz")
    assert ready.status_code == 200 and "rapidocr-onnxruntime" in ready.get_json()["info"]["ocr"]


def test_switched_off_it_says_so_and_readyz_stays_ready(world, login_as, ocr_off, client):
    register = login_as(world.city_admin).get("/register/").get_data(as_text=True)
    assert "OCR_ENABLED" in register.split('id="scan-status"')[1].split("</div>")[0]
    ready = client.get("/readyz").get_json()
    assert ready["status"] == "ok" and "OCR_ENABLED" in ready["info"]["ocr"]


def test_switched_on_the_admin_page_says_it_reads(world, login_as, client):
    if not engine.status()[0]:
        pytest.skip("the OCR package is not installed here")
    register = login_as(world.city_admin).get("/register/").get_data(as_text=True)
    assert "已启用" in register.split('id="scan-status"')[1].split("</p>")[0]
    assert client.get("/readyz").get_json()["info"]["ocr"] == "正常"
