"""奖励资金划拨 per district and batch, and 已发放至职工 by transfer: through the workflow service, one audit
record per application, the optimistic lock, a transfer's totals equal to its rows."""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from app.applications.models import Application
from app.clock import today
from app.payments import transfers
from app.payments.models import Transfer, TransferItem
from app.review.models import ReviewRecord
from app.review.states import State
from tests.factories import district

SENIOR = {"new_level": "1", "previous_level": "2"}


def form(voucher="财2026-001", day=None):
    return {"transferred_on": (day or today()).isoformat(), "voucher_no": voucher}


def due_world(world):
    """Baoshan: 2 技师 + 1 高级技师 终审通过, 1 already funded, 1 pending; Hongkou: 1 技师 终审通过."""
    apps = [world.app(State.FINAL_APPROVED), world.app(State.FINAL_APPROVED),
            world.app(State.FINAL_APPROVED, **SENIOR)]
    world.app(State.FUNDED, city_amount=Decimal("2000"), funded_on=today())
    world.app(State.PENDING)
    foreign = world.app(State.FINAL_APPROVED, foreign=True)
    return apps, foreign


def test_due_rows_count_per_level_and_the_amount_due_per_district_and_batch(db, world):
    _apps, _foreign = due_world(world)
    rows = {r.district_name: r for r in transfers.due_rows(world.finance)}
    baoshan, hongkou = rows["宝山区总工会"], rows["虹口区总工会"]
    assert (baoshan.technician, baoshan.senior, baoshan.count, baoshan.amount_due) == (2, 1, 3, Decimal("7000.00"))
    assert (hongkou.count, hongkou.amount_due) == (1, Decimal("2000.00"))
    assert baoshan.batch_id == world.campaign.batches[0].id


def test_a_district_sees_only_its_own_due_row(db, world):
    due_world(world)
    assert [r.district_name for r in transfers.due_rows(world.baoshan_admin)] == ["宝山区总工会"]


def test_funding_a_whole_row_makes_one_transfer_with_an_audit_record_per_application(db, world):
    apps, foreign = due_world(world)
    batch = world.campaign.batches[0]
    day = today() - timedelta(days=1)
    result = transfers.fund_transfer(world.finance, district("宝山区总工会"), batch, form(day=day),
                                     expected=(3, "7000.00"))
    db.session.commit()
    transfer = result.transfer
    assert (transfer.count, transfer.total, transfer.voucher_no, transfer.transferred_on) == (
        3, Decimal("7000.00"), "财2026-001", day)
    assert result.skipped == []
    for app in apps:
        db.session.refresh(app)
        assert (app.state, app.funded_on) == (State.FUNDED.value, day)
        records = db.session.scalars(select(ReviewRecord).where(ReviewRecord.application_id == app.id,
                                                                ReviewRecord.action == "fund")).all()
        assert len(records) == 1 and records[0].comment == "凭证号 财2026-001"
        assert records[0].amount == app.city_amount
    db.session.refresh(foreign)
    assert foreign.state == State.FINAL_APPROVED.value


def test_a_transfers_totals_equal_the_sum_of_its_rows(db, world):
    due_world(world)
    transfers.fund_transfer(world.finance, district("宝山区总工会"), world.campaign.batches[0], form())
    db.session.commit()
    for transfer in db.session.scalars(select(Transfer)):
        count, total = db.session.execute(
            select(func.count(), func.sum(TransferItem.amount)).where(TransferItem.transfer_id == transfer.id)).one()
        funded = db.session.scalar(select(func.sum(Application.city_amount)).where(
            Application.id.in_(select(TransferItem.application_id).where(TransferItem.transfer_id == transfer.id))))
        assert (transfer.count, transfer.total) == (count, Decimal(total).quantize(Decimal("0.01")))
        assert Decimal(funded) == transfer.total


def test_a_row_changed_meanwhile_is_skipped_and_reported(db, world):
    apps, _foreign = due_world(world)
    targets = [(app.id, app.version) for app in apps]
    # Another reviewer voids one application after the finance page was shown.
    db.session.execute(update(Application).where(Application.id == apps[1].id).values(
        version=Application.version + 1, state=State.VOIDED.value))
    db.session.commit()
    result = transfers.fund_transfer(world.finance, district("宝山区总工会"), world.campaign.batches[0], form(),
                                     targets=targets)
    db.session.commit()
    assert result.transfer.count == 2 and result.transfer.total == Decimal("5000.00")
    assert [(s.application_id, s.state_title) for s in result.skipped] == [(apps[1].id, "已作废")]
    assert "他人处理" in result.skipped[0].reason
    assert db.session.scalar(select(func.count()).select_from(ReviewRecord).where(
        ReviewRecord.application_id == apps[1].id, ReviewRecord.action == "fund")) == 0


def test_whole_row_refused_when_it_changed_since_the_page(db, world):
    due_world(world)
    with pytest.raises(transfers.TransferDenied, match="已发生变化"):
        transfers.fund_transfer(world.finance, district("宝山区总工会"), world.campaign.batches[0], form(),
                                expected=(2, "4000.00"))
    assert db.session.scalar(select(func.count()).select_from(Transfer)) == 0


@pytest.mark.parametrize("values, field, message", [
    ({"transferred_on": ""}, "transferred_on", "请填写划拨日期"),
    ({"transferred_on": "2026/1/1"}, "transferred_on", "格式应为"),
    ({"transferred_on": "future"}, "transferred_on", "不能晚于今天"),
    ({"voucher_no": ""}, "voucher_no", "请填写凭证号"),
    ({"voucher_no": "x" * 51}, "voucher_no", "最多50个字符"),
    ({"voucher_no": "<script>"}, "voucher_no", "只能包含"),
])
def test_refusals_name_their_field(db, world, values, field, message):
    due_world(world)
    data = form()
    data.update(values)
    if data["transferred_on"] == "future":
        data["transferred_on"] = (today() + timedelta(days=1)).isoformat()
    with pytest.raises(transfers.TransferInvalid) as refused:
        transfers.fund_transfer(world.finance, district("宝山区总工会"), world.campaign.batches[0], data)
    assert message in refused.value.errors[field]


def test_a_voucher_number_is_used_once(db, world):
    due_world(world)
    batch = world.campaign.batches[0]
    transfers.fund_transfer(world.finance, district("宝山区总工会"), batch, form("V-1"))
    db.session.commit()
    with pytest.raises(transfers.TransferInvalid) as refused:
        transfers.fund_transfer(world.finance, district("虹口区总工会"), batch, form("V-1"))
    assert "已用于" in refused.value.errors["voucher_no"] and "宝山区总工会" in refused.value.errors["voucher_no"]


def test_only_finance_funds(db, world):
    due_world(world)
    for user in (world.city_admin, world.baoshan_admin):
        with pytest.raises(transfers.TransferDenied):
            transfers.fund_transfer(user, district("宝山区总工会"), world.campaign.batches[0], form())


def test_ticked_applications_of_another_district_are_skipped(db, world):
    apps, foreign = due_world(world)
    result = transfers.fund_transfer(world.finance, district("宝山区总工会"), world.campaign.batches[0], form(),
                                     targets=[(apps[0].id, apps[0].version), (foreign.id, foreign.version)])
    assert result.transfer.count == 1
    assert result.skipped[0].application_id == foreign.id and "不属于" in result.skipped[0].reason


def test_paying_a_transfer_records_each_application_with_the_matching_amount(db, world):
    apps, _foreign = due_world(world)
    world.submitted_request(technician="800", senior="1200")
    result = transfers.fund_transfer(world.finance, district("宝山区总工会"), world.campaign.batches[0],
                                     form(day=today() - timedelta(days=3)))
    db.session.commit()
    transfer_id = result.transfer.id
    paid = transfers.pay_transfer(world.baoshan_admin, db.session.get(Transfer, transfer_id),
                                  {"paid_on": today()})
    assert (paid.changed, paid.skipped) == (3, [])
    for app in apps:
        db.session.refresh(app)
        assert app.state == State.PAID.value and app.paid_on == today()
        assert app.district_amount == (Decimal("1200.00") if app.new_level == "1" else Decimal("800.00"))
        assert app.paid_card_no == (app.union_card_no or app.bank_card_no)
        assert db.session.scalar(select(func.count()).select_from(ReviewRecord).where(
            ReviewRecord.application_id == app.id, ReviewRecord.action == "record_payment")) == 1
    assert transfers.unpaid_count(db.session.get(Transfer, transfer_id)) == 0


def test_paying_a_transfer_without_a_submitted_request_skips_every_row(db, world):
    due_world(world)
    result = transfers.fund_transfer(world.finance, district("宝山区总工会"), world.campaign.batches[0], form())
    db.session.commit()
    paid = transfers.pay_transfer(world.baoshan_admin, result.transfer, {"paid_on": today()})
    assert paid.changed == 0 and len(paid.skipped) == 3 and "申请单" in paid.skipped[0].reason
