"""Not tests: the 申请单 tests' world and its fixture ``rw`` (imported by each test module).

The review world plus what the 申请单 tests need: a second unit of 宝山, a 产业局 with its unit, clerk and
admin, a second batch of the campaign, and applications in every state of both batches and both districts."""
from dataclasses import dataclass
from datetime import timedelta

import pytest

from app.accounts.roles import DISTRICT_ADMIN, GRASSROOTS
from app.campaigns.models import Batch
from app.extensions import db
from app.orgs.models import OrgKind
from app.reference import data
from app.review.states import State
from tests.factories import district, make_application, make_org, make_user, root_org
from tests.review.world import make_world, unique_id_number


@dataclass
class RequestWorld:
    base: object
    batch: object
    other_batch: object
    baoshan: object
    hongkou: object
    second_clerk: object
    industry: object
    industry_clerk: object
    industry_admin: object

    def __getattr__(self, name):
        return getattr(self.base, name)

    def app(self, state=State.PENDING, clerk=None, batch=None, **overrides):
        clerk = clerk or self.base.baoshan_clerk
        overrides.setdefault("id_number", unique_id_number())
        overrides.setdefault("gender", "男")
        application = make_application(clerk, self.base.campaign, state, **overrides)
        if batch is not None:
            application.batch = batch
            db.session.commit()
        return application


def make_request_world():
    base = make_world()
    campaign = base.campaign
    batch = campaign.batches[0]
    later = batch.paper_deadline + timedelta(days=10)
    other_batch = Batch(campaign=campaign, number=2, name="第二批", opens_on=later,
                        system_deadline=later + timedelta(days=10), paper_deadline=later + timedelta(days=20))
    db.session.add(other_batch)
    db.session.commit()
    second_unit = make_org(OrgKind.GRASSROOTS, district("宝山区总工会"), name="上海宝钢配件厂工会",
                           unit_name="上海宝钢配件厂")
    industry = make_org(OrgKind.INDUSTRY, root_org(), name="上海市建设交通工会")
    industry_unit = make_org(OrgKind.GRASSROOTS, industry, name="上海隧道工程有限公司工会", unit_name="上海隧道工程有限公司")
    return RequestWorld(
        base=base, batch=batch, other_batch=other_batch, baoshan=district("宝山区总工会"),
        hongkou=district("虹口区总工会"),
        second_clerk=make_user(GRASSROOTS, org=second_unit, real_name="周敏"),
        industry=industry,
        industry_clerk=make_user(GRASSROOTS, org=industry_unit, real_name="吴工"),
        industry_admin=make_user(DISTRICT_ADMIN, org=industry, real_name="建交管理员"),
    )


def populate(w):
    """Applications in every state, both variants and levels, both batches, three organisations."""
    senior, general, industry = data.SENIOR_TECHNICIAN, data.VARIANT_GENERAL, data.VARIANT_INDUSTRY
    for state in State:
        w.app(state)
        w.app(state, clerk=w.second_clerk, new_level=senior, variant=industry)
        w.app(state, clerk=w.hongkou_clerk)
        w.app(state, clerk=w.industry_clerk, variant=industry)
        w.app(state, batch=w.other_batch)
    w.app(State.DISTRICT_APPROVED, new_level=senior, variant=general)
    w.app(State.PAID, clerk=w.second_clerk)
    w.app(State.FUNDED, clerk=w.industry_clerk, new_level=senior, variant=general)


def valid_form(**overrides):
    form = {"matching_technician": "800", "matching_senior_technician": "1200.5", "leader_name": "王建国",
            "handler_name": "李晓梅", "hr_opinion": "经审核，行业特有工种申请职工的证书真实有效，同意申报。"}
    form.update(overrides)
    return form


@pytest.fixture
def rw(db):
    return make_request_world()
