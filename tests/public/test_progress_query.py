"""进度查询: both numbers must match one application; only its state title and date are shown; a miss says
only 「未查询到」; attempts are limited per address and per ID number (keyed hash); every query is logged."""
from datetime import datetime

import pytest
from sqlalchemy import select

from app.accounts.models import SecurityEvent
from app.accounts.roles import DISTRICT_ADMIN, GRASSROOTS
from app.extensions import limiter
from app.review.models import ReviewRecord
from app.review.states import State
from tests.conftest import csrf_token
from tests.factories import make_application, make_campaign, make_user

PATH = "/public/progress"


@pytest.fixture
def application(app, db):
    campaign = make_campaign()
    clerk = make_user(GRASSROOTS)
    application = make_application(clerk, campaign, state=State.DISTRICT_APPROVED, name="王小明",
                                   employer="上海江杨机械有限公司")
    # The state was reached on 2015-03-20 at 07:00 in Shanghai (23:00 UTC the day before).
    db.session.add(ReviewRecord(application_id=application.id, user_id=make_user(DISTRICT_ADMIN).id,
                                role=DISTRICT_ADMIN, action="approve_by_district", from_state="pending",
                                to_state="district_approved", created_at=datetime(2015, 3, 19, 23, 0)))
    db.session.commit()
    return application


def ask(client, id_number, certificate_no, captcha="TEST"):
    return client.post(PATH, data={"csrf_token": csrf_token(client, PATH), "id_number": id_number,
                                   "certificate_no": certificate_no, "captcha": captcha})


def events(db):
    return db.session.scalars(select(SecurityEvent).where(SecurityEvent.event == "progress_query")
                              .order_by(SecurityEvent.id)).all()


def test_both_numbers_show_only_the_state_and_its_date(app, db, client, application):
    response = ask(client, application.id_number.lower(), f" {application.certificate_no} ")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<strong id="progress-state">区县局初审通过</strong>' in html
    assert '<span id="progress-date">2015-03-20</span>' in html
    for secret in ("王小明", "上海江杨机械有限公司", application.bank_card_no, application.organisation.name):
        assert secret not in html
    # Nothing typed is echoed back but the two numbers the worker typed; the page is never cached.
    assert response.headers["Cache-Control"] == "no-store"
    [event] = events(db)
    assert event.success and "已查询到" in event.detail
    assert application.id_number not in event.detail and application.id_number[:6] in event.detail


@pytest.mark.parametrize("case", ["wrong certificate", "another person's ID", "unknown ID"])
def test_a_miss_says_only_not_found(app, db, client, application, case):
    other = make_application(make_user(GRASSROOTS), application.campaign)
    id_number, certificate_no = {
        "wrong certificate": (application.id_number, application.certificate_no + "1"),
        "another person's ID": (other.id_number, application.certificate_no),
        "unknown ID": ("110101199003070011", application.certificate_no),
    }[case]
    html = ask(client, id_number, certificate_no).get_data(as_text=True)
    assert '<div class="alert alert-warning" id="progress-error">未查询到</div>' in html
    assert 'id="progress-state"' not in html and "区县局初审通过" not in html and "未审核" not in html
    [event] = events(db)
    assert not event.success and "未查询到" in event.detail and id_number not in event.detail


def test_a_wrong_captcha_shows_nothing(app, db, client, application):
    html = ask(client, application.id_number, application.certificate_no, captcha="NOPE").get_data(as_text=True)
    assert "验证码不正确" in html and 'id="progress-state"' not in html
    assert not events(db)[0].success


def test_missing_numbers_are_asked_for_next_to_their_field(app, db, client):
    html = ask(client, "", "").get_data(as_text=True)
    assert "请输入身份证号码" in html and "请输入等级证书编号" in html


def test_per_id_limit_refuses_even_the_right_numbers_and_stores_no_clear_id(app, db, make_client, application):
    for n in range(5):
        # Five misses from five different places: the per-ID counter is not per address.
        response = ask(make_client(), application.id_number, f"WRONG{n}")
        assert "未查询到" in response.get_data(as_text=True)
    html = ask(make_client(), application.id_number, application.certificate_no).get_data(as_text=True)
    assert "查询次数过多" in html and 'id="progress-state"' not in html
    # Another person's ID is not affected.
    other = make_application(make_user(GRASSROOTS), application.campaign)
    assert 'id="progress-state"' in ask(make_client(), other.id_number, other.certificate_no).get_data(as_text=True)
    keys = " ".join(str(k) for k in getattr(limiter.storage, "storage", {}))
    assert keys and application.id_number not in keys and "progress-id" in keys
    assert all(application.id_number not in (e.detail or "") for e in events(db))


def test_per_address_limit_answers_429(app, db, client, application):
    for _ in range(20):
        assert ask(client, application.id_number, application.certificate_no, captcha="NOPE").status_code == 200
    response = ask(client, application.id_number, application.certificate_no)
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "操作过于频繁" in html and 'id="progress-state"' not in html


def test_the_page_is_open_before_signing_in(app, db, client):
    response = client.get(PATH)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "身份证号码" in html and "等级证书编号" in html and 'id="captcha-image"' in html
