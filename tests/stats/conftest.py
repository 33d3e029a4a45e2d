"""A statistics world: the review world's two districts with rows in every state (foreign, withdrawn and
voided ones included), money on the funded and paid ones, a second grassroots unit in 宝山, migrants from
two provinces, submissions either side of a Shanghai midnight, and a second campaign for the filters."""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pytest

from app.extensions import db
from app.orgs.models import OrgKind
from app.review.states import State
from tests.factories import district, make_application, make_campaign, make_org, make_user
from tests.review.world import make_world

MONEY = {State.FUNDED: {"city_amount": Decimal("2000.00")},
         State.PAID: {"city_amount": Decimal("3000.00"), "district_amount": Decimal("1200.00")}}


@dataclass
class StatsWorld:
    world: object
    second_unit: object
    second_clerk: object
    other_campaign: object


def submitted(application, moment):
    """Set the (naive UTC) submission time the factory cannot take."""
    application.submitted_at = moment
    db.session.commit()
    return application


@pytest.fixture
def stats_world(db):
    w = make_world()
    second_unit = make_org(OrgKind.GRASSROOTS, district("宝山区总工会"), name="上海宝钢检修工会",
                           unit_name="上海宝钢检修有限公司")
    second_clerk = make_user(org=second_unit, real_name="周敏")
    # 宝山: one row in every state, with a few fields varied.
    for state in State:
        extra = dict(MONEY.get(state, {}))
        if state == State.PAID:
            extra.update(new_level="1", previous_level="2")
        if state == State.DISTRICT_APPROVED:
            extra.update(variant="industry", industry="G", education="bachelor", unit_kind="private")
        w.app(state, **extra)
    migrant = w.app(is_migrant=True, hukou_province="34", years_in_city=6, industry="E", unit_kind="joint")
    submitted(migrant, datetime(2015, 3, 31, 16, 30))      # 2015-04-01 00:30 in Shanghai
    late = w.app(State.FINAL_APPROVED, education="master")
    submitted(late, datetime(2015, 3, 31, 15, 59))         # still 2015-03-31 in Shanghai
    make_application(second_clerk, w.campaign, State.PENDING, industry="E")
    make_application(second_clerk, w.campaign, State.WITHDRAWN, industry="E")
    # 虹口 (foreign to 宝山's admin): rows that must never show in 宝山's figures.
    w.app(State.PENDING, foreign=True, industry="A", education="doctor")
    w.app(State.PAID, foreign=True, city_amount=Decimal("2000.00"), district_amount=Decimal("800.00"),
          is_migrant=True, hukou_province="51", years_in_city=3, unit_kind="foreign")
    w.app(State.VOIDED, foreign=True)
    # Another campaign, for the filters.
    other = make_campaign(name="2016年技师奖励", opens_on=date(2016, 3, 1), deadline=date(2016, 4, 10),
                          paper=date(2016, 4, 20))
    make_application(w.baoshan_clerk, other, State.PENDING, industry="P")
    make_application(w.hongkou_clerk, other, State.FUNDED, city_amount=Decimal("2000.00"))
    return StatsWorld(w, second_unit, second_clerk, other)
