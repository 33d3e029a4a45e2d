"""首次获得: one live claim per person and level, and per certificate, across campaigns and organisations;
the message tells only what the user may see; the partial unique indexes make a race safe."""
import io
import os
import threading
from datetime import date

import pytest

from app.accounts.models import AppUser
from app.accounts.roles import DISTRICT_ADMIN, GRASSROOTS
from app.applications import attachments as files
from app.applications import services
from app.applications.models import Application
from app.campaigns.models import Campaign
from app.review import services as review
from app.review.states import State
from tests.applications.intake import IN_BATCH, field_errors, jpeg_bytes, pdf_bytes, png_bytes, post_form, scans
from tests.factories import district, make_application, make_campaign, make_org, make_user, valid_values

PERSON = valid_values(seed=21)


@pytest.fixture
def world(db):
    """Two unions in 宝山 (one with two clerks) and one in 虹口; two campaigns open on IN_BATCH."""
    baoshan_a = make_org(name="宝山甲厂工会")
    baoshan_b = make_org(name="宝山乙厂工会")
    hongkou = make_org(name="虹口丙厂工会", parent=district("虹口区总工会"))
    first = make_campaign(name="2015年度奖励计划")
    second = make_campaign(name="2015年度补报计划")
    return dict(
        a1=make_user(GRASSROOTS, org=baoshan_a), a2=make_user(GRASSROOTS, org=baoshan_a),
        b=make_user(GRASSROOTS, org=baoshan_b), h=make_user(GRASSROOTS, org=hongkou),
        first=first, second=second,
    )


def submit(client, campaign, values, variant="general"):
    response = post_form(client, f"/apply/batch/{campaign.batches[0].id}", values, scans(variant))
    return response.status_code, response.get_data(as_text=True)


def test_first_time_rule_across_districts_and_campaigns(app, db, login_as, set_today, world):
    a1, a2, b, h = (login_as(world[k]) for k in ("a1", "a2", "b", "h"))
    first, second = world["first"], world["second"]
    status, _ = submit(a1, first, PERSON)
    assert status == 302

    # Another district, another campaign: refused, and told only that it is elsewhere.
    other = dict(PERSON, certificate_no="HK-0001")
    status, html = submit(h, second, other)
    assert status == 200
    assert field_errors(html, "id_number") == ["该职工的技师（国家职业资格二级）奖励已在其他单位申报，每人每个等级只能获得一次奖励"]
    assert "2015年度奖励计划" not in html and "宝山甲厂工会" not in html

    # The same district but another union: still “elsewhere”.
    status, html = submit(b, second, other)
    assert "已在其他单位申报" in field_errors(html, "id_number")[0]

    # A colleague of the same union learns which campaign, batch and state.
    status, html = submit(a2, second, other)
    assert field_errors(html, "id_number") == [
        "该职工已有技师（国家职业资格二级）的奖励申请：本单位“2015年度奖励计划”第一批，状态为“未审核”。每人每个等级只能获得一次奖励"]

    # The same certificate for another person is refused too, in any organisation.
    stranger = valid_values(seed=22, certificate_no=PERSON["certificate_no"])
    status, html = submit(h, second, stranger)
    assert field_errors(html, "certificate_no") == ["该等级证书编号已在其他单位申报，同一证书不能重复申报"]
    status, html = submit(a2, second, stranger)
    assert "已用于本单位“2015年度奖励计划”第一批的申请（张三，状态为“未审核”）" in field_errors(html, "certificate_no")[0]

    # The next level is another reward.
    senior = dict(PERSON, certificate_no="HK-0002", previous_level="2", new_level="1",
                  previous_level_date=date(2014, 1, 5), certificate_date=date(2015, 2, 1))
    assert submit(h, second, senior)[0] == 302
    assert db.session.query(Application).count() == 2


def test_only_a_live_or_paid_claim_blocks(app, db, login_as, set_today, world):
    earlier = make_campaign(name="2014年度奖励计划", opens_on=date(2014, 3, 1), deadline=date(2014, 4, 10),
                            paper=date(2014, 4, 20), cert_issued_from=date(2013, 1, 1))
    client = login_as(world["h"])
    not_live = (State.DISTRICT_REJECTED, State.FINAL_REJECTED, State.WITHDRAWN, State.VOIDED)
    for seed, state in enumerate(State, start=100):
        person = valid_values(seed=seed)
        make_application(world["a1"], earlier, state=state, seed=seed, certificate_date=date(2013, 12, 1))
        status, html = submit(client, world["second"], dict(person, certificate_no=f"HK-{seed}"))
        if state in not_live:
            assert status == 302, state
        else:  # live, or paid (市总财务部配套发放, 已发放至职工)
            assert status == 200 and "已在其他单位申报" in field_errors(html, "id_number")[0], state


def test_a_rejected_claim_may_be_made_again_elsewhere(app, db, login_as, set_today, world):
    assert submit(login_as(world["a1"]), world["first"], PERSON)[0] == 302
    application = db.session.scalar(db.select(Application))
    review.apply_transition(application, make_user(DISTRICT_ADMIN), "reject_by_district", comment="证书复印件不清晰",
                            today=IN_BATCH)
    db.session.commit()
    assert submit(login_as(world["h"]), world["second"], PERSON)[0] == 302


def _pending_scans(user):
    stored = []
    for kind, content in (("id_copy", png_bytes()), ("certificate_copy", pdf_bytes()), ("card_copy", jpeg_bytes())):
        stored.append(files.store_upload(user, kind, f"{kind}.bin", io.BytesIO(content)).id)
    return stored


def test_the_unique_index_catches_what_the_check_missed(app, db, set_today, world, monkeypatch):
    """The race in slow motion: the check saw nothing, the INSERT hits the partial unique index."""
    with app.test_request_context():
        first, second = world["first"], world["second"]
        services.submit_application(world["a1"], first, first.batches[0], PERSON, _pending_scans(world["a1"]),
                                    today=IN_BATCH)
        db.session.commit()
        real = services.find_conflicts
        calls = []

        def blind_once(*args, **kwargs):
            calls.append(1)
            return {} if len(calls) == 1 else real(*args, **kwargs)

        monkeypatch.setattr(services, "find_conflicts", blind_once)
        h = db.session.get(AppUser, world["h"].id)
        campaign = db.session.get(Campaign, second.id)
        with pytest.raises(services.ApplicationRejected) as refused:
            services.submit_application(h, campaign, campaign.batches[0], dict(PERSON, certificate_no="HK-9"),
                                        _pending_scans(h), today=IN_BATCH)
        assert refused.value.errors == {"id_number": ["该职工的技师（国家职业资格二级）奖励已在其他单位申报，每人每个等级只能获得一次奖励"]}
        calls.clear()
        with pytest.raises(services.ApplicationRejected) as refused:
            services.submit_application(h, campaign, campaign.batches[0], valid_values(seed=23, certificate_no=PERSON["certificate_no"]),
                                        _pending_scans(h), today=IN_BATCH)
        assert refused.value.errors == {"certificate_no": ["该等级证书编号已在其他单位申报，同一证书不能重复申报"]}
    assert db.session.query(Application).count() == 1


def test_correcting_a_rejected_claim_back_to_live_is_checked_again(app, db, login_as, set_today, world):
    """A rejected claim corrected back to 未审核 becomes live: another live claim blocks it."""
    rejected = make_application(world["a1"], world["first"], state=State.DISTRICT_REJECTED, seed=21)
    make_application(world["h"], world["second"], seed=21, certificate_no="HK-0004")
    values = valid_values(seed=21, certificate_no=rejected.certificate_no, trade="钳工")
    response = post_form(login_as(world["a1"]), f"/apply/edit/{rejected.id}", values, scans(),
                         extra={"version": str(rejected.version)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "已在其他单位申报" in field_errors(html, "id_number")[0]
    db.session.refresh(rejected)
    assert rejected.state == State.DISTRICT_REJECTED.value and rejected.trade == "焊工"


def _is_postgres():
    return os.environ.get("TEST_DATABASE_URL", "").startswith(("postgresql", "postgres://"))


@pytest.mark.postgres
@pytest.mark.skipif(not _is_postgres(), reason="two simultaneous transactions need PostgreSQL")
@pytest.mark.parametrize("same", ["person", "certificate"])
def test_two_simultaneous_submissions_only_one_passes(app, db, set_today, world, monkeypatch, same):
    """Two clerks in two districts submit the same claim at the same moment: both pass the check (the
    barrier holds each after it), both INSERT, and the partial unique index lets only one commit."""
    first, second = world["first"], world["second"]
    values = {
        "a1": PERSON,
        "h": dict(PERSON, certificate_no="HK-RACE") if same == "person"
        else valid_values(seed=24, certificate_no=PERSON["certificate_no"]),
    }
    campaigns = {"a1": first.id, "h": second.id}
    with app.test_request_context():
        scan_ids = {key: _pending_scans(world[key]) for key in ("a1", "h")}
        db.session.commit()
    user_ids = {key: world[key].id for key in ("a1", "h")}
    db.session.remove()

    real = services.find_conflicts
    barrier = threading.Barrier(2, timeout=30)
    local = threading.local()

    def checked_then_wait(*args, **kwargs):
        result = real(*args, **kwargs)
        if not getattr(local, "waited", False):
            local.waited = True
            barrier.wait()  # both have seen “no conflict” before either inserts
        return result

    monkeypatch.setattr(services, "find_conflicts", checked_then_wait)
    outcomes = {}

    def run(key):
        from app.extensions import db as _db

        with app.test_request_context():
            try:
                user = _db.session.get(AppUser, user_ids[key])
                campaign = _db.session.get(Campaign, campaigns[key])
                application = services.submit_application(user, campaign, campaign.batches[0], values[key],
                                                          scan_ids[key], today=IN_BATCH)
                _db.session.commit()
                outcomes[key] = ("ok", application.id)
            except services.ApplicationRejected as exc:
                _db.session.rollback()
                outcomes[key] = ("refused", exc.errors)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(key,)) for key in ("a1", "h")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(o[0] for o in outcomes.values()) == ["ok", "refused"], outcomes
    refused_key = next(k for k, o in outcomes.items() if o[0] == "refused")
    field = "id_number" if same == "person" else "certificate_no"
    assert list(outcomes[refused_key][1]) == [field]
    assert "已在其他单位申报" in outcomes[refused_key][1][field][0]
    assert db.session.query(Application).count() == 1


def _insert_error(db, **values):
    """The IntegrityError of inserting a copy of the stored application with ``values`` changed."""
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    stored = db.session.query(Application).one()
    row = {c.name: getattr(stored, c.key) for c in Application.__table__.columns if c.name != "id"}
    row.update(values)
    try:
        with db.session.begin_nested():
            db.session.execute(insert(Application.__table__), [row])
    except IntegrityError as exc:
        return exc
    raise AssertionError("no integrity error")


def test_only_the_named_unique_indexes_are_read_as_a_duplicate(app, db, set_today, world):
    with app.test_request_context():
        first = world["first"]
        services.submit_application(world["a1"], first, first.batches[0], PERSON, _pending_scans(world["a1"]),
                                    today=IN_BATCH)
        db.session.commit()
        stored_id = db.session.query(Application.id).scalar()
        cases = [
            (dict(certificate_no="OTHER-1"), "uq_applications_live_person_level"),
            (dict(id_number=valid_values(seed=24)["id_number"]), "uq_applications_live_certificate"),
            (dict(id=stored_id, certificate_no="OTHER-2", id_number=valid_values(seed=25)["id_number"]), None),
        ]
        for values, expected in cases:
            assert services.violated_index(_insert_error(db, **values)) == expected, values


def test_another_integrity_error_at_submission_is_a_logged_server_error(app, db, login_as, set_today, world,
                                                                          caplog):
    """A primary-key collision (a sequence left behind) is no 「刚刚已由他人提交」: the clerk gets the 500 page."""
    from sqlalchemy import event

    client = login_as(world["a1"])
    first = world["first"]
    assert submit(client, first, PERSON)[0] == 302
    taken = db.session.query(Application.id).scalar()

    def collide(_mapper, _connection, target):
        target.id = taken

    event.listen(Application, "before_insert", collide)
    propagate = app.config.get("PROPAGATE_EXCEPTIONS")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        status, html = submit(client, first, valid_values(seed=26, certificate_no="HK-26"))
    finally:
        event.remove(Application, "before_insert", collide)
        app.config["PROPAGATE_EXCEPTIONS"] = propagate
    assert status == 500
    assert "服务器内部错误" in html and "刚刚已由他人提交" not in html
    assert any("IntegrityError" in (r.exc_text or "") or r.exc_info for r in caplog.records)
    assert db.session.query(Application).count() == 1
