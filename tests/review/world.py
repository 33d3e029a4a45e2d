"""A small review world: two districts, their grassroots units and clerks, the reviewers of every level,
and a campaign whose batch is still under review today."""
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from app.accounts.roles import DISTRICT_ADMIN, FINANCE, GRASSROOTS, SYSTEM_ADMIN
from app.campaigns.models import DistrictRequest
from app.clock import today
from app.extensions import db
from app.orgs.models import OrgKind
from app.review.states import State
from tests.factories import district, make_application, make_campaign, make_org, make_user
from tests.ids import unique_id_number  # noqa: F401 - some review tests import it from here


@dataclass
class World:
    campaign: object
    baoshan_unit: object
    baoshan_clerk: object
    baoshan_admin: object
    hongkou_unit: object
    hongkou_clerk: object
    hongkou_admin: object
    city_admin: object
    finance: object
    apps: dict = field(default_factory=dict)

    def app(self, state=State.PENDING, foreign=False, **overrides):
        clerk = self.hongkou_clerk if foreign else self.baoshan_clerk
        return make_application(clerk, self.campaign, state, **overrides)

    def submitted_request(self, technician="800", senior="1200", foreign=False, state="submitted"):
        """The district's 申请单 of the campaign's batch, submitted with these matching amounts per person."""
        admin = self.hongkou_admin if foreign else self.baoshan_admin
        request = DistrictRequest(organisation_id=admin.organisation_id, batch_id=self.campaign.batches[0].id,
                                  state=state, matching_technician=Decimal(technician),
                                  matching_senior_technician=Decimal(senior), leader_name="张建华",
                                  handler_name="王经办")
        db.session.add(request)
        db.session.flush()
        return request


def open_campaign(**fields):
    day = today()
    fields.setdefault("reward_technician", Decimal("2000.00"))
    fields.setdefault("reward_senior_technician", Decimal("3000.00"))
    return make_campaign(opens_on=day - timedelta(days=20), deadline=day + timedelta(days=10),
                         paper=day + timedelta(days=20), **fields)


def make_world():
    baoshan_unit = make_org(OrgKind.GRASSROOTS, district("宝山区总工会"), name="上海江杨机械有限公司工会",
                            unit_name="上海江杨机械有限公司")
    hongkou_unit = make_org(OrgKind.GRASSROOTS, district("虹口区总工会"), name="上海虹口电气设备厂工会",
                            unit_name="上海虹口电气设备厂")
    return World(
        campaign=open_campaign(),
        baoshan_unit=baoshan_unit,
        baoshan_clerk=make_user(GRASSROOTS, org=baoshan_unit, real_name="李静"),
        baoshan_admin=make_user(DISTRICT_ADMIN, org=district("宝山区总工会"), real_name="宝山管理员"),
        hongkou_unit=hongkou_unit,
        hongkou_clerk=make_user(GRASSROOTS, org=hongkou_unit, real_name="陈志渊"),
        hongkou_admin=make_user(DISTRICT_ADMIN, org=district("虹口区总工会"), real_name="虹口管理员"),
        city_admin=make_user(SYSTEM_ADMIN, real_name="王奇峰"),
        finance=make_user(FINANCE, real_name="赵财务"),
    )
