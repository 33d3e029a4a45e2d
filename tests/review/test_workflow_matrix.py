"""The workflow table against SPEC §4, case by case: (state, transition, role, own/foreign organisation).

The expectations are written out here from the specification, not derived from the table under test.
The same matrix is then driven through HTTP, on the screen each role really uses.
"""
from datetime import date
from types import SimpleNamespace

import pytest

from app.accounts.roles import DISTRICT_ADMIN, FINANCE, GRASSROOTS, SYSTEM_ADMIN
from app.applications.attachments import required_kinds
from app.applications.models import Application
from app.review import workflow
from app.review.models import ReviewRecord
from app.review.states import State
from tests.conftest import csrf_token

S = State
#: SPEC §4: transition → role → the states it may start from.
SPEC = {
    "approve_by_district": {DISTRICT_ADMIN: {S.PENDING}},
    "reject_by_district": {DISTRICT_ADMIN: {S.PENDING}},
    "approve_final": {SYSTEM_ADMIN: {S.DISTRICT_APPROVED}},
    "reject_final": {SYSTEM_ADMIN: {S.DISTRICT_APPROVED}},
    "fund": {FINANCE: {S.FINAL_APPROVED}},
    "record_payment": {DISTRICT_ADMIN: {S.FUNDED}},
    # Before 配套发放; the district only while the decision is still its own (the city's decisions are
    # read-only below the city).
    "void": {DISTRICT_ADMIN: {S.PENDING, S.DISTRICT_APPROVED, S.DISTRICT_REJECTED},
             SYSTEM_ADMIN: {S.PENDING, S.DISTRICT_APPROVED, S.DISTRICT_REJECTED, S.FINAL_APPROVED,
                            S.FINAL_REJECTED}},
    "withdraw": {GRASSROOTS: {S.PENDING}},
    "correct": {GRASSROOTS: {S.PENDING, S.DISTRICT_REJECTED, S.FINAL_REJECTED}},
}
#: SPEC §4: every transition and the one state it leads to (a correction goes back to 未审核).
TARGETS = {"approve_by_district": S.DISTRICT_APPROVED, "reject_by_district": S.DISTRICT_REJECTED,
           "approve_final": S.FINAL_APPROVED, "reject_final": S.FINAL_REJECTED, "fund": S.FUNDED,
           "record_payment": S.PAID, "void": S.VOIDED, "withdraw": S.WITHDRAWN, "correct": S.PENDING}
ROLES = (DISTRICT_ADMIN, SYSTEM_ADMIN, FINANCE, GRASSROOTS)
TODAY = date(2015, 4, 1)

# A tiny organisation tree for the pure cases: city /1/, two districts, one unit under each.
CITY = SimpleNamespace(id=1, path="/1/", parent_id=None)
BAOSHAN = SimpleNamespace(id=2, path="/1/2/", parent_id=1)
HONGKOU = SimpleNamespace(id=3, path="/1/3/", parent_id=1)
BAOSHAN_UNIT = SimpleNamespace(id=4, path="/1/2/4/", parent_id=2)
HONGKOU_UNIT = SimpleNamespace(id=5, path="/1/3/5/", parent_id=3)
HOME = {DISTRICT_ADMIN: BAOSHAN, SYSTEM_ADMIN: CITY, FINANCE: CITY, GRASSROOTS: BAOSHAN_UNIT}


def actor(role):
    org = HOME[role]
    return SimpleNamespace(id=1, is_authenticated=True, roles=[SimpleNamespace(name=role)], organisation=org,
                           organisation_id=org.id)


def application(state, foreign):
    unit = HONGKOU_UNIT if foreign else BAOSHAN_UNIT
    batch = SimpleNamespace(name="第一批", system_deadline=date(2015, 4, 10), paper_deadline=date(2015, 4, 20))
    scans = [SimpleNamespace(kind=kind) for kind in required_kinds("general")]
    return SimpleNamespace(state=state.value, organisation=unit, organisation_id=unit.id, batch=batch,
                           variant="general", attachments=scans)


def expected(state, name, role, foreign):
    allowed_states = SPEC.get(name, {}).get(role, set())
    # The city sees every organisation; a district or a unit only its own subtree.
    in_scope = not foreign or role in (SYSTEM_ADMIN, FINANCE)
    return state in allowed_states and in_scope


@pytest.mark.parametrize("foreign", [False, True], ids=["own", "foreign"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(SPEC))
@pytest.mark.parametrize("state", list(State), ids=[s.value for s in State])
def test_workflow_table(state, name, role, foreign):
    app, user = application(state, foreign), actor(role)
    allowed_now = name in {t.name for t in workflow.available_transitions(app, user, TODAY)}
    if expected(state, name, role, foreign):
        assert workflow.check(name, app, user, TODAY).target == TARGETS[name]
        # 配套发放 passes the table but is offered nowhere (only 奖励资金划拨 takes it, under a voucher).
        assert allowed_now == (name != "fund") == workflow.offered(name)
    else:
        with pytest.raises(workflow.WorkflowDenied):
            workflow.check(name, app, user, TODAY)
        assert not allowed_now


def test_states_after_a_decision_are_read_only_below_it():
    """What the city decided, no district or unit can change; what the district decided, no unit can."""
    city_decided = (S.FINAL_APPROVED, S.FINAL_REJECTED, S.FUNDED, S.PAID)
    for state in city_decided:
        for role in (DISTRICT_ADMIN, GRASSROOTS):
            names = {t.name for t in workflow.available_transitions(application(state, False), actor(role), TODAY)}
            # Only the district's own later step (已发放至职工 after 配套发放) remains, and correcting a
            # city rejection is the submitter's resubmission, never an edit of the decision.
            assert names <= {"record_payment", "correct"}, (state, role, names)
            assert "void" not in names and "reject_by_district" not in names
    for state in (S.DISTRICT_APPROVED,):
        names = {t.name for t in workflow.available_transitions(application(state, False), actor(GRASSROOTS), TODAY)}
        assert names == set()


def test_district_review_closes_at_the_paper_deadline():
    app, user = application(S.PENDING, False), actor(DISTRICT_ADMIN)
    assert workflow.check("approve_by_district", app, user, date(2015, 4, 20))
    with pytest.raises(workflow.WorkflowDenied, match="截止"):
        workflow.check("approve_by_district", app, user, date(2015, 4, 21))


@pytest.mark.parametrize("variant, kinds, missing", [
    ("general", ["id_copy", "card_copy"], "等级证书复印件"),
    ("industry", ["id_copy", "certificate_copy", "card_copy"], "经基层单位人力资源部门审核盖章的申请表"),
    ("general", [], "身份证复印件、等级证书复印件、工会会员服务卡或银行卡复印件"),
])
def test_district_approval_waits_for_the_variants_scans(variant, kinds, missing):
    app, user = application(S.PENDING, False), actor(DISTRICT_ADMIN)
    app.variant, app.attachments = variant, [SimpleNamespace(kind=k) for k in kinds]
    reason = f"缺少扫描件：{missing}，须由基层工会补传后才能审核通过"
    with pytest.raises(workflow.WorkflowDenied) as denied:
        workflow.check("approve_by_district", app, user, TODAY)
    assert str(denied.value) == reason
    names = {t.name for t in workflow.available_transitions(app, user, TODAY)}
    assert "approve_by_district" not in names and {"reject_by_district", "void"} <= names
    assert workflow.blocked_transitions(app, user, TODAY) == {"approve_by_district": reason}
    # Nobody else is told about a step that is not theirs; a complete application has nothing blocked.
    assert workflow.blocked_transitions(app, actor(SYSTEM_ADMIN), TODAY) == {}
    app.attachments = [SimpleNamespace(kind=k) for k in ("id_copy", "certificate_copy", "card_copy", "hr_form")]
    assert workflow.check("approve_by_district", app, user, TODAY)
    assert workflow.blocked_transitions(app, user, TODAY) == {}


# -- the same matrix through HTTP --------------------------------------------------------------------------

#: The screen each reviewer role works on; the grassroots user has none of them.
SCREEN = {DISTRICT_ADMIN: "/review/district", SYSTEM_ADMIN: "/review/final", FINANCE: "/payments/funding"}
SCREEN_DECISIONS = {
    DISTRICT_ADMIN: {"approve_by_district", "reject_by_district", "record_payment", "void"},
    SYSTEM_ADMIN: {"approve_final", "reject_final", "void"},
    # 配套发放 is no decision of a screen: it is taken on 奖励资金划拨, under a voucher.
    FINANCE: set(),
}
FORM = {"comment": "材料不全", "funded_on": None, "paid_on": None,
        "card_no": "6222020200112233445"}


@pytest.mark.parametrize("foreign", [False, True], ids=["own", "foreign"])
@pytest.mark.parametrize("role", [DISTRICT_ADMIN, SYSTEM_ADMIN, FINANCE, GRASSROOTS])
@pytest.mark.parametrize("name", sorted(TARGETS))
def test_workflow_matrix_through_http(world, login_as, db, name, role, foreign):
    from app.clock import today

    user = {DISTRICT_ADMIN: world.baoshan_admin, SYSTEM_ADMIN: world.city_admin, FINANCE: world.finance,
            GRASSROOTS: world.baoshan_clerk}[role]
    world.submitted_request(foreign=foreign)
    apps = {state: world.app(state, foreign=foreign) for state in State}
    ids = {state: a.id for state, a in apps.items()}
    client = login_as(user)
    day = today().isoformat()
    form = {**FORM, "funded_on": day, "paid_on": day}
    screens = [SCREEN[role]] if role in SCREEN else list(SCREEN.values())
    token = csrf_token(client, "/account/password")
    for state, pk in ids.items():
        for screen in screens:
            response = client.post(f"{screen}/decide/{pk}/{name}", data={**form, "version": 1, "csrf_token": token})
            stored = db.session.get(Application, pk)
            db.session.refresh(stored)
            offered = role in SCREEN and name in SCREEN_DECISIONS[role]
            if offered and expected(state, name, role, foreign):
                assert response.status_code == 302, (state, response.get_data(as_text=True)[:300])
                assert stored.state == TARGETS[name].value, state
                assert db.session.query(ReviewRecord).filter_by(application_id=pk).count() == 1
            else:
                assert stored.state == state.value, (state, screen)
                assert db.session.query(ReviewRecord).filter_by(application_id=pk).count() == 0
                if role == GRASSROOTS:
                    assert response.status_code in (302, 403)
                    assert "/review/" not in response.headers.get("Location", "") or response.status_code == 403
                elif role == FINANCE:
                    # 配套发放查询 has no decision at all: finance holds no permission to decide there.
                    assert response.status_code == 403, (state, response.status_code)
                elif foreign and role == DISTRICT_ADMIN or not offered or (
                        role == FINANCE and state not in (S.FINAL_APPROVED, S.FUNDED, S.PAID)):
                    # Outside the screen's rows (another district's, or not yet for finance): as if absent.
                    assert response.status_code == 404, (state, response.status_code)
                else:
                    assert response.status_code == 302  # back to the page, with the reason flashed
