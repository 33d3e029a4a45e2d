"""发放情况备案 (notice 二(五)): a 区县局（产业）工会 reports to the city centre what it paid to workers for a
batch, by level (人数, 市总部分, 配套部分), generated from the applications in one GROUP BY query.

Every submission is kept as a PaymentReport (who, when, the figures as submitted); the latest one counts.
The city sees per batch which districts have reported, and whether the figures changed since. No HTTP here.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import selectinload

from app.accounts.roles import DISTRICT_ADMIN
from app.applications.models import Application
from app.campaigns.models import Batch, Campaign
from app.exports.xlsx import Column
from app.extensions import db
from app.orgs.models import Organisation
from app.payments.models import PaymentReport
from app.payments.transfers import count_if, money
from app.reference import data
from app.review.states import State
from app.review.workflow import role_names
from app.security.scoping import UNIT, in_scope, scope_filter

ZERO = Decimal("0.00")


class ReportDenied(Exception):
    """The report cannot be submitted now; the message is for the user."""


@dataclass
class LevelFigures:
    count: int = 0
    city: Decimal = ZERO
    matching: Decimal = ZERO

    @property
    def total(self):
        return self.city + self.matching


@dataclass
class ReportFigures:
    technician: LevelFigures = field(default_factory=LevelFigures)
    senior: LevelFigures = field(default_factory=LevelFigures)
    unpaid_count: int = 0
    unpaid_city: Decimal = ZERO

    @property
    def paid(self):
        return LevelFigures(self.technician.count + self.senior.count, self.technician.city + self.senior.city,
                            self.technician.matching + self.senior.matching)

    def levels(self):
        """(label, LevelFigures) rows of the report, the total last."""
        return [("新晋升技师", self.technician), ("新晋升高级技师", self.senior), ("合计", self.paid)]

    def as_tuple(self):
        return (self.technician.count, self.technician.city, self.technician.matching, self.senior.count,
                self.senior.city, self.senior.matching, self.unpaid_count, self.unpaid_city)


def figures_by_district(user, batch_id, district_ids=None):
    """{district id: ReportFigures} of the batch for the districts in the user's scope, in one query."""
    state = Application.state
    statement = (
        select(Application.district_id, Application.new_level, count_if(state == State.PAID.value),
               func.sum(case((state == State.PAID.value, Application.city_amount))),
               func.sum(case((state == State.PAID.value, Application.district_amount))),
               count_if(state == State.FUNDED.value),
               func.sum(case((state == State.FUNDED.value, Application.city_amount))))
        .where(Application.batch_id == batch_id, state.in_((State.PAID.value, State.FUNDED.value)),
               scope_filter(Application.district_id, user))
        .group_by(Application.district_id, Application.new_level))
    if district_ids is not None:
        statement = statement.where(Application.district_id.in_(list(district_ids)))
    found = {}
    for district_id, level, paid, city, matching, unpaid, unpaid_city in db.session.execute(statement):
        figures = found.setdefault(district_id, ReportFigures())
        part = LevelFigures(int(paid), money(city) or ZERO, money(matching) or ZERO)
        if level == data.TECHNICIAN:
            figures.technician = part
        elif level == data.SENIOR_TECHNICIAN:
            figures.senior = part
        figures.unpaid_count += int(unpaid)
        figures.unpaid_city += money(unpaid_city) or ZERO
    return found


def live_figures(user, district, batch):
    return figures_by_district(user, batch.id, [district.id]).get(district.id, ReportFigures())


def figures_of(report):
    """The figures as the report stated them."""
    return ReportFigures(
        LevelFigures(report.technician_count, money(report.technician_city), money(report.technician_matching)),
        LevelFigures(report.senior_count, money(report.senior_city), money(report.senior_matching)),
        report.unpaid_count, money(report.unpaid_city))


def history(district, batch):
    """Every submission of the district's report for the batch, newest first (its audit trail)."""
    return db.session.scalars(
        select(PaymentReport).where(PaymentReport.district_id == district.id, PaymentReport.batch_id == batch.id)
        .options(selectinload(PaymentReport.submitted_by))
        .order_by(PaymentReport.submitted_at.desc(), PaymentReport.id.desc())).all()


def latest_reports(user, batch_id):
    """{district id: its latest report of the batch} in the user's scope."""
    latest = (select(PaymentReport.district_id, func.max(PaymentReport.id).label("id"))
              .where(PaymentReport.batch_id == batch_id, scope_filter(PaymentReport.district_id, user))
              .group_by(PaymentReport.district_id).subquery())
    return {r.district_id: r for r in db.session.scalars(
        select(PaymentReport).join(latest, latest.c.id == PaymentReport.id)
        .options(selectinload(PaymentReport.submitted_by)))}


def submit_report(user, district, batch):
    """提交备案: the district's figures of the batch as they are now, kept with who and when (caller commits)."""
    if DISTRICT_ADMIN not in role_names(user) or not in_scope(user, district, UNIT):
        raise ReportDenied(f"只有{district.name}的管理员才能提交本单位的发放情况备案")
    figures = live_figures(user, district, batch)
    if figures.paid.count == 0:
        raise ReportDenied(f"{batch.name}尚无已发放至职工的申请，不能备案")
    report = PaymentReport(
        district_id=district.id, batch_id=batch.id, submitted_by_id=user.id,
        technician_count=figures.technician.count, technician_city=figures.technician.city,
        technician_matching=figures.technician.matching, senior_count=figures.senior.count,
        senior_city=figures.senior.city, senior_matching=figures.senior.matching,
        unpaid_count=figures.unpaid_count, unpaid_city=figures.unpaid_city)
    db.session.add(report)
    db.session.flush()
    return report


@dataclass
class OverviewRow:
    district: object
    batch: object
    live: ReportFigures
    report: object = None

    @property
    def reported(self):
        return self.report is not None

    @property
    def shown(self):
        return figures_of(self.report) if self.report is not None else self.live

    @property
    def changed(self):
        """Whether the paid figures moved since the latest report."""
        return self.report is not None and figures_of(self.report).as_tuple() != self.live.as_tuple()


def overview(user, batch):
    """Every district in the user's scope with money of the batch (funded or paid) or a report: its live
    figures and latest report, ordered by kind and code."""
    live = figures_by_district(user, batch.id)
    reports = latest_reports(user, batch.id)
    ids = set(live) | set(reports)
    if not ids:
        return []
    districts = db.session.scalars(select(Organisation).where(Organisation.id.in_(ids))
                                   .order_by(Organisation.kind, Organisation.code, Organisation.id)).all()
    return [OverviewRow(d, batch, live.get(d.id, ReportFigures()), reports.get(d.id)) for d in districts]


def money_batches(user):
    """Batches with a funded or paid application in the user's scope, newest campaign first."""
    with_money = (select(Application.batch_id).where(
        Application.state.in_((State.FUNDED.value, State.PAID.value)), scope_filter(Application.district_id, user))
        .distinct())
    reported = select(PaymentReport.batch_id).where(scope_filter(PaymentReport.district_id, user))
    return db.session.scalars(
        select(Batch).join(Campaign, Campaign.id == Batch.campaign_id)
        .where(or_(Batch.id.in_(with_money), Batch.id.in_(reported)))
        .options(selectinload(Batch.campaign))
        .order_by(Campaign.start_date.desc(), Campaign.id.desc(), Batch.number)).all()


def excel_columns():
    return [Column("项目", 16), Column("人数", 8, "integer"), Column("市总奖励（元）", 14, "money"),
            Column("区县局配套奖励（元）", 16, "money"), Column("合计（元）", 14, "money")]


def excel_rows(figures):
    for label, part in figures.levels():
        yield (label, part.count, part.city, part.matching, part.total)
    yield ("已划拨未发放", figures.unpaid_count, figures.unpaid_city, None, None)

