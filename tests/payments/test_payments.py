"""配套发放 and 已发放至职工: amounts from the campaign and the district, dates, the card paid to."""
from datetime import timedelta
from decimal import Decimal

import pytest

from app.clock import today
from app.payments import services as payments
from app.review import workflow
from app.review.models import ReviewRecord
from app.review.states import State
from tests.factories import fund_by_transfer, make_transfer
from tests.review.world import open_campaign


def record_of(db, app, action):
    return db.session.query(ReviewRecord).filter_by(application_id=app.id, action=action).one()


@pytest.mark.parametrize("level, amount", [("2", Decimal("2000.00")), ("1", Decimal("3000.00"))])
def test_fund_takes_the_city_amount_from_the_campaign_by_level(db, world, level, amount):
    app = world.app(State.FINAL_APPROVED, new_level=level, previous_level="3" if level == "2" else "2")
    day = today() - timedelta(days=2)
    fund_by_transfer(app, world.finance, day)
    assert (app.state, app.city_amount, app.funded_on) == (State.FUNDED.value, amount, day)
    record = record_of(db, app, "fund")
    assert (record.amount, record.amount2, record.role) == (amount, None, "市总财务")


def test_fund_takes_the_transfers_day_and_refuses_a_future_one(db, world):
    app = world.app(State.FINAL_APPROVED)
    with pytest.raises(payments.PaymentInvalid) as refused:
        payments.fund(app, world.finance, make_transfer(app, world.finance, today() + timedelta(days=1)))
    assert refused.value.errors == {"funded_on": "划拨日期不能晚于今天"}
    payments.fund(app, world.finance, make_transfer(app, world.finance, today() - timedelta(days=1)))
    assert app.funded_on == today() - timedelta(days=1)


@pytest.mark.parametrize("params", [{}, {"funded_on": "today"}, {"transfer": None}, {"transfer": "other"}],
                         ids=["nothing", "a day only", "no transfer", "another district's transfer"])
def test_fund_without_its_own_transfer_is_refused_with_the_reason(db, world, params):
    """配套发放 is taken only under a 划拨 voucher: whoever asks the workflow without one (a page, a bulk step,
    the API, a script) is refused with the reason and nothing is written."""
    from app.review.services import apply_transition
    from tests.factories import make_application

    app = world.app(State.FINAL_APPROVED)
    if params.get("funded_on"):
        params = {"funded_on": today()}
    if params.get("transfer") == "other":
        params = {"transfer": make_transfer(make_application(world.hongkou_clerk, world.campaign), world.finance)}
    with pytest.raises(payments.PaymentInvalid) as refused:
        apply_transition(app, world.finance, "fund", params=params)
    assert refused.value.errors == {"voucher_no": payments.FUND_BY_TRANSFER}
    assert "奖励资金划拨" in payments.FUND_BY_TRANSFER
    db.session.rollback()
    assert app.state == State.FINAL_APPROVED.value
    assert db.session.query(ReviewRecord).filter_by(application_id=app.id).count() == 0


def test_fund_without_a_campaign_reward_is_refused_with_a_clear_message(db, world):
    campaign = open_campaign(reward_technician=None)
    from tests.factories import make_application

    app = make_application(world.baoshan_clerk, campaign, State.FINAL_APPROVED)
    with pytest.raises(payments.PaymentInvalid, match="尚未设定技师（国家职业资格二级）的奖励金额"):
        payments.fund(app, world.finance, make_transfer(app, world.finance))
    assert app.state == State.FINAL_APPROVED.value


def test_only_finance_funds_and_only_final_approved(db, world):
    app = world.app(State.FINAL_APPROVED)
    with pytest.raises(workflow.WorkflowDenied):
        payments.fund(app, world.city_admin, make_transfer(app, world.finance))
    app = world.app(State.DISTRICT_APPROVED)
    with pytest.raises(workflow.WorkflowDenied):
        payments.fund(app, world.finance, make_transfer(app, world.finance))


def test_record_payment_writes_both_amounts_the_day_and_the_default_card(db, world):
    world.submitted_request(technician="1000.5")
    app = world.app(State.FINAL_APPROVED)
    fund_by_transfer(app, world.finance, today() - timedelta(days=5))
    payments.record_payment(app, world.baoshan_admin, paid_on=today())
    db.session.commit()
    assert app.state == State.PAID.value
    assert (app.district_amount, app.paid_on, app.paid_card_no) == (Decimal("1000.50"), today(), app.bank_card_no)
    record = record_of(db, app, "record_payment")
    assert (record.amount, record.amount2) == (Decimal("2000.00"), Decimal("1000.50"))


def test_the_matching_amount_is_the_requests_amount_for_the_level(db, world):
    world.submitted_request(technician="0", senior="1500")
    senior = world.app(State.FUNDED, new_level="1", previous_level="2")
    payments.record_payment(senior, world.baoshan_admin)
    assert senior.district_amount == Decimal("1500.00")


def test_record_payment_to_another_card_and_the_union_card_default(db, world):
    world.submitted_request(technician="0")
    app = world.app(State.FUNDED, union_card_no="88886666", bank_name=None, bank_card_no=None)
    assert payments.default_card(app) == "88886666"
    payments.record_payment(app, world.baoshan_admin, card_no="6222 0202 0011 2233 445")
    assert app.paid_card_no == "6222020200112233445"


@pytest.mark.parametrize("request_state", [None, "draft", "foreign"])
def test_no_payment_without_the_districts_submitted_request(db, world, request_state):
    if request_state == "draft":
        world.submitted_request(state="draft")
    elif request_state == "foreign":
        world.submitted_request(foreign=True)
    app = world.app(State.FUNDED)
    with pytest.raises(payments.PaymentInvalid) as refused:
        payments.record_payment(app, world.baoshan_admin)
    assert "尚未提交" in refused.value.errors["matching"] and "申请单" in refused.value.errors["matching"]
    assert app.state == State.FUNDED.value


@pytest.mark.parametrize("kwargs, field, message", [
    ({"card_no": "12ab"}, "card_no", "8–19位数字"),
    ({"paid_on": "future"}, "paid_on", "不能晚于今天"),
    ({"paid_on": "before"}, "paid_on", "不能早于市总配套发放日期"),
])
def test_record_payment_refusals_name_the_field(db, world, kwargs, field, message):
    world.submitted_request()
    app = world.app(State.FUNDED, funded_on=None)
    app.funded_on = today() - timedelta(days=3)
    db.session.commit()
    kwargs = dict(kwargs)
    if kwargs.get("paid_on") == "future":
        kwargs["paid_on"] = today() + timedelta(days=1)
    elif kwargs.get("paid_on") == "before":
        kwargs["paid_on"] = today() - timedelta(days=4)
    with pytest.raises(payments.PaymentInvalid) as refused:
        payments.record_payment(app, world.baoshan_admin, **kwargs)
    assert message in refused.value.errors[field]
    assert app.state == State.FUNDED.value


def test_another_district_cannot_record_the_payment(db, world):
    world.submitted_request(foreign=True)
    app = world.app(State.FUNDED)
    with pytest.raises(workflow.WorkflowDenied, match="管理范围"):
        payments.record_payment(app, world.hongkou_admin)
