"""申请单 services: the counts, every rule with its message, save / submit / return per state and deadline."""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.applications.models import Application
from app.campaigns import requests as svc
from app.campaigns.models import DistrictRequest, DistrictRequestEvent
from app.orgs.models import Organisation
from app.reference import data
from app.review.states import State
from tests.campaigns.test_requests_world import populate, rw, valid_form  # noqa: F401  (the fixture)

COUNTED = {State.DISTRICT_APPROVED.value, State.FINAL_APPROVED.value, State.FUNDED.value, State.PAID.value}


def independent_counts(db, organisation, batch):
    """The counts recomputed row by row in Python, without the service's SQL."""
    paths = dict(db.session.execute(select(Organisation.id, Organisation.path)).all())
    rows = [a for a in db.session.scalars(select(Application)).all()
            if paths[a.organisation_id].startswith(organisation.path) and a.batch_id == batch.id
            and a.state in COUNTED]
    return svc.Counts(
        total=len(rows),
        technician=sum(a.new_level == data.TECHNICIAN for a in rows),
        senior_technician=sum(a.new_level == data.SENIOR_TECHNICIAN for a in rows),
        general=sum(a.variant == data.VARIANT_GENERAL for a in rows),
        industry=sum(a.variant == data.VARIANT_INDUSTRY for a in rows),
    )


# -- counts ------------------------------------------------------------------------------------------------

def test_counts_equal_an_independent_query(db, rw):
    populate(rw)
    for org in (rw.baoshan, rw.hongkou, rw.industry):
        for batch in (rw.batch, rw.other_batch):
            expected = independent_counts(db, org, batch)
            assert svc.counts_for(rw.city_admin, org, batch) == expected, (org.name, batch.name)
    own = svc.counts_for(rw.baoshan_admin, rw.baoshan, rw.batch)
    # 宝山: its two units; withdrawn, voided, pending and both rejections left out; the other batch apart.
    assert own == svc.Counts(total=10, technician=5, senior_technician=5, general=6, industry=4)
    assert svc.counts_for(rw.industry_admin, rw.industry, rw.batch) == svc.Counts(5, 4, 1, 1, 4)
    assert svc.counts_for(rw.baoshan_admin, rw.baoshan, rw.other_batch) == svc.Counts(4, 4, 0, 4, 0)


def test_counts_of_every_organisation_come_from_one_query(db, rw):
    populate(rw)
    orgs = db.session.scalars(select(Organisation).where(Organisation.kind.in_(svc.REQUESTING_KINDS))).all()
    statements = []
    from sqlalchemy import event

    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        counts = svc.live_counts(rw.city_admin, orgs, rw.batch)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    on_applications = [s for s in statements if "FROM applications" in s]
    assert len(on_applications) == 1 and "GROUP BY" in on_applications[0]
    for org in orgs:
        assert counts[org.id] == independent_counts(db, org, rw.batch)


def test_a_district_counts_nothing_outside_its_scope(db, rw):
    populate(rw)
    assert svc.counts_for(rw.baoshan_admin, rw.hongkou, rw.batch) == svc.Counts()
    assert svc.counts_for(rw.baoshan_clerk, rw.baoshan, rw.batch).total == 5  # a clerk: its own unit only


# -- rules -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("field, value, message", [
    ("matching_technician", "", "请填写新晋升技师每人配套奖励"),
    ("matching_technician", "八百", "新晋升技师每人配套奖励应为金额数字"),
    ("matching_technician", "-5", "新晋升技师每人配套奖励应为 0 至 99999999.99 之间、最多两位小数的金额"),
    ("matching_senior_technician", "100.555", "新晋升高级技师每人配套奖励应为 0 至 99999999.99 之间、最多两位小数"),
    ("matching_senior_technician", "1e12", "最多两位小数的金额"),
    ("leader_name", "", "请填写分管领导姓名"),
    ("leader_name", "王", "分管领导姓名应为2至30个字"),
    ("leader_name", "王建国123", "分管领导姓名只能包含汉字、英文字母和间隔号"),
    ("handler_name", "  ", "请填写经办人姓名"),
    ("handler_name", "李" * 31, "经办人姓名应为2至30个字"),
])
def test_each_rule_refuses_with_its_message(db, rw, field, value, message):
    values, errors = svc.clean_request_form(valid_form(**{field: value}), rw.baoshan)
    assert list(errors) == [field] and message in errors[field]
    assert values[field] == value.strip() or field.startswith("matching")


def test_valid_values_are_cleaned(db, rw):
    values, errors = svc.clean_request_form(valid_form(matching_technician="1,000", leader_name=" 阿依古丽•买买提 "),
                                            rw.baoshan)
    assert errors == {}
    assert values["matching_technician"] == Decimal("1000.00")
    assert values["matching_senior_technician"] == Decimal("1200.50")
    assert values["leader_name"] == "阿依古丽·买买提"
    assert "hr_opinion" not in values  # a 区县 has no HR opinion on its form (附件3)
    assert svc.clean_request_form(valid_form(matching_technician="0"), rw.baoshan)[1] == {}


def test_an_industry_union_must_give_its_hr_opinion(db, rw):
    errors = svc.clean_request_form(valid_form(hr_opinion=""), rw.industry)[1]
    assert errors == {"hr_opinion": "请填写本局、产业（集团）人力资源部门对行业特有工种类申请职工的审核意见"}
    errors = svc.clean_request_form(valid_form(hr_opinion="意" * 501), rw.industry)[1]
    assert "不能超过500个字" in errors["hr_opinion"]
    assert svc.clean_request_form(valid_form(), rw.industry)[1] == {}


# -- save, submit, return ------------------------------------------------------------------------------------

def events(request):
    return [(e.action, e.from_state, e.to_state) for e in request.events]


def test_save_then_submit_keeps_a_snapshot_and_records_each_step(db, rw):
    populate(rw)
    request = svc.save_request(rw.baoshan_admin, rw.baoshan, rw.batch, valid_form(matching_technician="500"))
    db.session.commit()
    assert request.state == "draft" and request.matching_technician == Decimal("500.00")
    assert svc.status_of(request, rw.batch) == svc.RequestStatus.FILLED
    assert svc.submitted_request(rw.baoshan.id, rw.batch.id) is None
    request = svc.submit_request(rw.baoshan_admin, rw.baoshan, rw.batch, valid_form(), expected_version=request.version)
    db.session.commit()
    assert request.state == "submitted" and request.matching_technician == Decimal("800.00")
    assert svc.submitted_counts(request) == svc.Counts(10, 5, 5, 6, 4)
    assert svc.status_of(request, rw.batch) == svc.RequestStatus.SUBMITTED
    assert svc.submitted_request(rw.baoshan.id, rw.batch.id) is request
    assert svc.submitted_request(rw.baoshan.id, rw.other_batch.id) is None
    assert svc.submitted_request(rw.hongkou.id, rw.batch.id) is None
    assert events(request) == [("save", None, "draft"), ("save", "draft", "draft"), ("submit", "draft", "submitted")]
    assert "申请职工 10 名" in request.events[-1].comment
    assert all(e.user_id == rw.baoshan_admin.id and e.role == "区县局管理员" for e in request.events)
    svc.return_request(rw.city_admin, request, "请核对")
    svc.submit_request(rw.baoshan_admin, rw.baoshan, rw.batch, valid_form())  # unchanged values: no save record
    assert [e.action for e in request.events][-3:] == ["submit", "return", "submit"]


def test_a_submitted_request_is_locked(db, rw):
    populate(rw)
    svc.submit_request(rw.baoshan_admin, rw.baoshan, rw.batch, valid_form())
    db.session.commit()
    for verb in (svc.save_request, svc.submit_request):
        with pytest.raises(svc.RequestDenied, match="申请单已提交，不能再修改"):
            verb(rw.baoshan_admin, rw.baoshan, rw.batch, valid_form(matching_technician="1"))
    db.session.rollback()
    assert svc.find_request(rw.baoshan.id, rw.batch.id).matching_technician == Decimal("800.00")


def test_refused_values_store_nothing(db, rw):
    populate(rw)
    with pytest.raises(svc.RequestInvalid) as refused:
        svc.submit_request(rw.baoshan_admin, rw.baoshan, rw.batch, valid_form(matching_technician="-1", handler_name=""))
    assert set(refused.value.errors) == {"matching_technician", "handler_name"}
    db.session.rollback()
    assert db.session.scalar(select(DistrictRequest)) is None


def test_nothing_to_submit_without_an_approved_application(db, rw):
    rw.app(State.PENDING)
    rw.app(State.VOIDED)
    with pytest.raises(svc.RequestDenied, match="尚无区县局初审通过的申请，不能提交申请单"):
        svc.submit_request(rw.baoshan_admin, rw.baoshan, rw.batch, valid_form())
    # Saving is allowed: the district may prepare it before its reviews are done.
    assert svc.save_request(rw.baoshan_admin, rw.baoshan, rw.batch, valid_form()).state == "draft"


def test_only_the_organisations_own_admin_saves_or_submits(db, rw):
    populate(rw)
    for user in (rw.hongkou_admin, rw.city_admin, rw.baoshan_clerk):
        with pytest.raises(svc.RequestDenied, match="只有宝山区总工会的管理员才能修改本申请单"):
            svc.save_request(user, rw.baoshan, rw.batch, valid_form())
        with pytest.raises(svc.RequestDenied, match="才能提交本申请单"):
            svc.submit_request(user, rw.baoshan, rw.batch, valid_form())


def test_a_stale_version_is_refused(db, rw):
    populate(rw)
    request = svc.save_request(rw.baoshan_admin, rw.baoshan, rw.batch, valid_form())
    db.session.commit()
    seen = request.version
    svc.save_request(rw.baoshan_admin, rw.baoshan, rw.batch, valid_form(matching_technician="900"), expected_version=seen)
    db.session.commit()
    with pytest.raises(svc.RequestDenied, match="刚被他人修改过"):
        svc.submit_request(rw.baoshan_admin, rw.baoshan, rw.batch, valid_form(), expected_version=seen)
    with pytest.raises(svc.RequestDenied, match="刚被他人修改过"):
        svc.save_request(rw.baoshan_admin, rw.baoshan, rw.batch, valid_form(), expected_version=0)


def test_the_city_returns_a_submitted_request_with_a_reason(db, rw):
    populate(rw)
    request = svc.submit_request(rw.baoshan_admin, rw.baoshan, rw.batch, valid_form())
    db.session.commit()
    with pytest.raises(svc.RequestInvalid) as refused:
        svc.return_request(rw.city_admin, request, "  ")
    assert refused.value.errors == {"reason": "请填写退回原因"}
    with pytest.raises(svc.RequestInvalid, match="退回原因不能超过500个字"):
        svc.return_request(rw.city_admin, request, "因" * 501)
    with pytest.raises(svc.RequestDenied, match="只有市职工技协服务中心才能退回申请单"):
        svc.return_request(rw.baoshan_admin, request, "自己退回")
    svc.return_request(rw.city_admin, request, "高级技师配套金额与区里文件不符", expected_version=request.version)
    db.session.commit()
    assert request.state == "draft" and request.return_reason == "高级技师配套金额与区里文件不符"
    assert request.returned_by_id == rw.city_admin.id and request.submitted_total is None
    assert svc.submitted_request(rw.baoshan.id, rw.batch.id) is None
    assert events(request)[-1] == ("return", "submitted", "draft")
    assert request.events[-1].role == "系统管理员" and request.events[-1].comment == "高级技师配套金额与区里文件不符"
    with pytest.raises(svc.RequestDenied, match="尚未提交，不能退回"):
        svc.return_request(rw.city_admin, request, "再退一次")
    # Unlocked: the district corrects and submits again.
    svc.submit_request(rw.baoshan_admin, rw.baoshan, rw.batch, valid_form(matching_senior_technician="1500"))
    db.session.commit()
    assert request.state == "submitted" and request.matching_senior_technician == Decimal("1500.00")


def test_after_the_paper_deadline_the_district_can_no_longer_submit_but_the_city_can_return(db, rw, clock):
    populate(rw)
    svc.save_request(rw.hongkou_admin, rw.hongkou, rw.batch, valid_form())
    submitted = svc.submit_request(rw.baoshan_admin, rw.baoshan, rw.batch, valid_form())
    db.session.commit()
    clock.set(rw.batch.paper_deadline)
    assert svc.status_of(None, rw.batch) == svc.RequestStatus.EMPTY  # the last day still counts
    clock.set(rw.batch.paper_deadline + timedelta(days=1))
    hongkou = svc.find_request(rw.hongkou.id, rw.batch.id)
    assert svc.status_of(hongkou, rw.batch) == svc.RequestStatus.OVERDUE
    assert svc.status_of(None, rw.batch) == svc.RequestStatus.OVERDUE
    assert svc.status_of(submitted, rw.batch) == svc.RequestStatus.SUBMITTED
    deadline = f"{rw.batch.paper_deadline.year}年{rw.batch.paper_deadline.month}月{rw.batch.paper_deadline.day}日"
    with pytest.raises(svc.RequestDenied, match=f"《申请单》已于{deadline}截止报送，不能再提交"):
        svc.submit_request(rw.hongkou_admin, rw.hongkou, rw.batch, valid_form())
    with pytest.raises(svc.RequestDenied, match="截止报送，不能再修改"):
        svc.save_request(rw.hongkou_admin, rw.hongkou, rw.batch, valid_form())
    svc.return_request(rw.city_admin, submitted, "人数有误")
    db.session.commit()
    assert svc.status_of(submitted, rw.batch) == svc.RequestStatus.OVERDUE
    with pytest.raises(svc.RequestDenied, match="不能再提交"):
        svc.submit_request(rw.baoshan_admin, rw.baoshan, rw.batch, valid_form())


def test_a_later_void_or_approval_shows_as_a_difference(db, rw):
    populate(rw)
    request = svc.submit_request(rw.baoshan_admin, rw.baoshan, rw.batch, valid_form())
    db.session.commit()
    assert svc.count_differences(svc.submitted_counts(request), svc.counts_for(rw.city_admin, rw.baoshan, rw.batch)) == []
    approved = db.session.scalars(select(Application).where(
        Application.district_id == rw.baoshan.id, Application.batch_id == rw.batch.id,
        Application.state == State.DISTRICT_APPROVED.value, Application.new_level == data.TECHNICIAN)).first()
    approved.state = State.VOIDED.value
    rw.app(State.DISTRICT_APPROVED, new_level=data.SENIOR_TECHNICIAN, variant=data.VARIANT_INDUSTRY)
    live = svc.counts_for(rw.city_admin, rw.baoshan, rw.batch)
    differences = svc.count_differences(svc.submitted_counts(request), live)
    assert differences == [("新晋升技师", 5, 4), ("新晋升高级技师", 5, 6), ("通用工种", 6, 5), ("行业特有工种", 4, 5)]
    assert svc.submitted_counts(request).total == live.total == 10


def test_the_citys_list_has_every_union_with_its_status(db, rw, clock):
    populate(rw)
    svc.submit_request(rw.baoshan_admin, rw.baoshan, rw.batch, valid_form())
    svc.save_request(rw.industry_admin, rw.industry, rw.batch, valid_form())
    db.session.commit()
    rows = {row.organisation.name: row for row in svc.batch_rows(rw.city_admin, rw.batch)}
    kinds = db.session.scalars(select(Organisation).where(Organisation.kind.in_(svc.REQUESTING_KINDS),
                                                           Organisation.active.is_(True))).all()
    assert set(rows) == {o.name for o in kinds} and len(rows) >= 18
    assert rows["宝山区总工会"].status == svc.RequestStatus.SUBMITTED
    assert rows["上海市建设交通工会"].status == svc.RequestStatus.FILLED
    assert rows["虹口区总工会"].status == svc.RequestStatus.EMPTY and rows["虹口区总工会"].request is None
    assert rows["虹口区总工会"].live == independent_counts(db, rw.hongkou, rw.batch)
    clock.set(rw.batch.paper_deadline + timedelta(days=1))
    rows = {row.organisation.name: row for row in svc.batch_rows(rw.city_admin, rw.batch)}
    assert rows["虹口区总工会"].status == rows["上海市建设交通工会"].status == svc.RequestStatus.OVERDUE
    assert rows["宝山区总工会"].status == svc.RequestStatus.SUBMITTED
    # A district's list (were it to ask) holds only itself.
    assert [r.organisation.name for r in svc.batch_rows(rw.baoshan_admin, rw.batch)] == ["宝山区总工会"]


def test_the_home_page_offers_open_batches_until_the_paper_deadline(db, rw, clock):
    assert [b.id for b, _row in svc.pending_on_home(rw.baoshan_admin)] == [rw.batch.id]
    assert svc.pending_on_home(rw.baoshan_clerk) == [] and svc.pending_on_home(rw.city_admin) == []
    clock.set(rw.other_batch.opens_on)
    assert [b.id for b, _row in svc.pending_on_home(rw.baoshan_admin)] == [rw.other_batch.id]
    clock.set(rw.other_batch.paper_deadline + timedelta(days=1))
    assert svc.pending_on_home(rw.baoshan_admin) == []


def test_events_are_rows_of_their_own_table(db, rw):
    populate(rw)
    svc.save_request(rw.baoshan_admin, rw.baoshan, rw.batch, valid_form())
    db.session.commit()
    event = db.session.scalar(select(DistrictRequestEvent))
    assert event.organisation_id == rw.baoshan.id and "技师配套 800.00 元/人" in event.comment
