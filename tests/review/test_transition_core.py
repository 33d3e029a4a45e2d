"""The transition core: workflow check, optimistic lock, one audit record per change."""
from datetime import date

import pytest

from app.accounts.roles import DISTRICT_ADMIN, GRASSROOTS
from app.review import services, workflow
from app.review.models import ReviewRecord
from app.review.states import State
from tests.factories import make_application, make_campaign, make_user


@pytest.fixture
def setting(db):
    clerk = make_user(GRASSROOTS)
    admin = make_user(DISTRICT_ADMIN)
    campaign = make_campaign()
    return clerk, admin, make_application(clerk, campaign)


def test_district_approval_writes_state_version_and_audit(db, setting):
    clerk, admin, app = setting
    services.apply_transition(app, admin, "approve_by_district", today=date(2015, 4, 1))
    db.session.commit()
    assert app.state == State.DISTRICT_APPROVED.value and app.version == 2
    record = db.session.scalar(db.select(ReviewRecord).where(ReviewRecord.application_id == app.id))
    assert (record.from_state, record.to_state, record.role) == ("pending", "district_approved", DISTRICT_ADMIN)


def test_stale_version_is_refused_and_nothing_written(db, setting):
    clerk, admin, app = setting
    with pytest.raises(services.ConcurrentChange):
        services.apply_transition(app, admin, "approve_by_district", expected_version=7, today=date(2015, 4, 1))
    assert db.session.query(ReviewRecord).count() == 0


def test_rejection_needs_a_reason(db, setting):
    clerk, admin, app = setting
    with pytest.raises(workflow.WorkflowDenied, match="原因"):
        services.apply_transition(app, admin, "reject_by_district", comment="  ", today=date(2015, 4, 1))


def test_clerk_cannot_approve_and_district_cannot_act_after_paper_deadline(db, setting):
    clerk, admin, app = setting
    with pytest.raises(workflow.WorkflowDenied):
        workflow.check("approve_by_district", app, clerk, date(2015, 4, 1))
    with pytest.raises(workflow.WorkflowDenied, match="截止"):
        workflow.check("approve_by_district", app, admin, date(2015, 4, 21))
    names = {t.name for t in workflow.available_transitions(app, clerk, date(2015, 4, 1))}
    assert names == {"correct", "withdraw"}
    assert {t.name for t in workflow.available_transitions(app, clerk, date(2015, 4, 11))} == {"withdraw"}


def test_foreign_district_admin_is_denied(db, setting):
    from tests.factories import district

    clerk, _admin, app = setting
    other = make_user(DISTRICT_ADMIN, org=district("虹口区总工会"))
    with pytest.raises(workflow.WorkflowDenied, match="管理范围"):
        workflow.check("approve_by_district", app, other, date(2015, 4, 1))
