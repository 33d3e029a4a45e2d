"""The review decisions: each goes through the transition core and leaves one audit record."""
from datetime import timedelta

import pytest

from app.accounts.roles import DISTRICT_ADMIN, SYSTEM_ADMIN
from app.review import services, workflow
from app.review.models import ReviewRecord
from app.review.states import State


def records(db, application):
    return db.session.query(ReviewRecord).filter_by(application_id=application.id).order_by(ReviewRecord.id).all()


def test_district_then_city_decisions_write_who_what_and_why(db, world):
    app = world.app()
    services.approve_by_district(app, world.baoshan_admin, comment="材料齐全")
    services.approve_final(app, world.city_admin)
    db.session.commit()
    first, second = records(db, app)
    assert (first.action, first.from_state, first.to_state, first.role, first.organisation_id, first.comment) == (
        "approve_by_district", "pending", "district_approved", DISTRICT_ADMIN, world.baoshan_admin.organisation_id,
        "材料齐全")
    assert (second.action, second.to_state, second.role, second.user_id) == (
        "approve_final", "final_approved", SYSTEM_ADMIN, world.city_admin.id)
    assert app.state == State.FINAL_APPROVED.value and app.version == 3


@pytest.mark.parametrize("verb, state, reviewer", [
    (services.reject_by_district, State.PENDING, "baoshan_admin"),
    (services.reject_final, State.DISTRICT_APPROVED, "city_admin"),
    (services.void, State.PENDING, "baoshan_admin"),
    (services.void, State.FINAL_APPROVED, "city_admin"),
])
def test_rejections_and_voids_need_a_reason(db, world, verb, state, reviewer):
    app = world.app(state)
    user = getattr(world, reviewer)
    for blank in (None, "", "   "):
        with pytest.raises(services.CommentRequired, match="请填写原因"):
            verb(app, user, blank)
    assert records(db, app) == [] and app.state == state.value
    verb(app, user, "证书复印件不清晰")
    db.session.commit()
    (record,) = records(db, app)
    assert record.comment == "证书复印件不清晰"


def test_void_keeps_the_row_and_shows_it_voided(db, world):
    app = world.app(State.DISTRICT_REJECTED)
    services.void(app, world.baoshan_admin, "重复录入")
    db.session.commit()
    db.session.expire_all()
    assert app.state_title == "已作废"
    assert db.session.get(type(app), app.id) is not None


def test_district_cannot_touch_what_the_city_decided(db, world):
    for state in (State.FINAL_APPROVED, State.FINAL_REJECTED, State.FUNDED, State.PAID):
        app = world.app(state)
        for verb in (lambda a: services.void(a, world.baoshan_admin, "x"),
                     lambda a: services.reject_by_district(a, world.baoshan_admin, "x"),
                     lambda a: services.approve_by_district(a, world.baoshan_admin)):
            with pytest.raises(workflow.WorkflowDenied):
                verb(app)
        assert records(db, app) == []


def test_nothing_after_payment_can_be_voided_even_by_the_city(db, world):
    for state in (State.FUNDED, State.PAID):
        app = world.app(state)
        with pytest.raises(workflow.WorkflowDenied, match="不能作废"):
            services.void(app, world.city_admin, "x")


def test_a_stale_version_loses_before_the_workflow_is_asked(db, world):
    app = world.app()
    services.approve_by_district(app, world.baoshan_admin)
    db.session.commit()
    # A second reviewer still looking at version 1 (未审核) tries to reject it.
    with pytest.raises(services.ConcurrentChange, match="该申请已被他人处理"):
        services.reject_by_district(app, world.baoshan_admin, "材料不全", expected_version=1)
    assert len(records(db, app)) == 1


def test_district_review_after_the_paper_deadline_is_refused(db, world):
    app = world.app()
    deadline = app.batch.paper_deadline
    with pytest.raises(workflow.WorkflowDenied, match="截止"):
        services.approve_by_district(app, world.baoshan_admin, today=deadline + timedelta(days=1))
    db.session.commit()
    db.session.refresh(app)
    assert app.state == State.PENDING.value and app.version == 1 and records(db, app) == []
    # The deadline day itself still belongs to the review.
    services.approve_by_district(app, world.baoshan_admin, today=deadline)
    db.session.commit()
    assert app.state == State.DISTRICT_APPROVED.value
    assert [r.action for r in records(db, app)] == ["approve_by_district"]
