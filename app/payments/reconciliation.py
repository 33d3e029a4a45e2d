"""对账: per 区县局（产业）工会 × batch, the city's 划拨 against what reached the workers, and the district's
配套 against its 申请单, every figure aggregated in the database (two GROUP BY queries: applications, and
transfers), each difference flagged.

The page and its Excel export are built from the same :func:`reconciliation_rows`, so they show the same
numbers. No HTTP here.
"""
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import and_, case, func, select

from app import clock
from app.applications.models import Application
from app.campaigns.models import Batch, Campaign, DistrictRequest, DistrictRequestState
from app.exports.services import export_file_name, record_export
from app.exports.xlsx import Column, write_xlsx
from app.extensions import db
from app.orgs.models import Organisation
from app.payments.models import Transfer
from app.payments.transfers import money
from app.reference import data
from app.review.states import State
from app.security.scoping import scope_filter

EXPORT_KIND = "reconciliation_xlsx"
APPROVED = (State.FINAL_APPROVED.value, State.FUNDED.value, State.PAID.value)
FUNDED = (State.FUNDED.value, State.PAID.value)
ZERO = Decimal("0.00")


def unpaid_days():
    """N of "funded but not paid for more than N days" (setting RECONCILIATION_UNPAID_DAYS)."""
    return max(int(current_app.config["RECONCILIATION_UNPAID_DAYS"]), 0)


@dataclass
class Flag:
    code: str
    message: str


@dataclass
class ReconRow:
    district_id: int
    batch_id: int
    district_name: str = ""
    campaign_name: str = ""
    batch_name: str = ""
    approved: int = 0
    funded: int = 0
    funded_total: Decimal = ZERO
    #: Σ campaign reward of its level over the funded applications (reward × count per level).
    funded_expected: Decimal | None = ZERO
    transfers: int = 0
    transfer_total: Decimal = ZERO
    paid: int = 0
    paid_city: Decimal = ZERO
    paid_matching: Decimal = ZERO
    #: Σ 申请单 matching amount of its level over the paid applications (None: no submitted 申请单).
    paid_matching_expected: Decimal | None = None
    unpaid: int = 0
    unpaid_total: Decimal = ZERO
    overdue: int = 0
    overdue_total: Decimal = ZERO
    #: The 申请单's matching for the 终审通过 applications (count × per-level amount; None: not submitted).
    committed_matching: Decimal | None = None
    flags: list = field(default_factory=list)

    @property
    def flagged(self):
        return bool(self.flags)


def _reward(level_column):
    return case((level_column == data.TECHNICIAN, Campaign.reward_technician),
                (level_column == data.SENIOR_TECHNICIAN, Campaign.reward_senior_technician))


def _matching(level_column):
    return case((level_column == data.TECHNICIAN, DistrictRequest.matching_technician),
                (level_column == data.SENIOR_TECHNICIAN, DistrictRequest.matching_senior_technician))


def _application_figures(user, campaign_id, batch_id, cutoff):
    """Two levels: the applications counted and summed per district, batch, level, state (and overdue or not)
    with plain aggregates; then those few groups joined to the campaign's rewards and the submitted 申请单's
    matching amounts (reward × count, matching × count) and summed per district × batch."""
    overdue_flag = case((and_(Application.state == State.FUNDED.value, Application.funded_on < cutoff), 1),
                        else_=0)
    groups = (
        select(Application.district_id.label("district_id"), Application.batch_id.label("batch_id"),
               Application.campaign_id.label("campaign_id"), Application.new_level.label("level"),
               Application.state.label("state"), overdue_flag.label("overdue"), func.count().label("n"),
               func.sum(Application.city_amount).label("city"), func.sum(Application.district_amount).label("matching"))
        # The district column: an application's district lies in the user's subtree exactly when its unit does.
        .where(Application.state.in_(APPROVED), scope_filter(Application.district_id, user))
        .group_by(Application.district_id, Application.batch_id, Application.campaign_id, Application.new_level,
                  Application.state, overdue_flag))
    if campaign_id is not None:
        groups = groups.where(Application.campaign_id == campaign_id)
    if batch_id is not None:
        groups = groups.where(Application.batch_id == batch_id)
    g = groups.subquery()
    funded, paid, unpaid = g.c.state.in_(FUNDED), g.c.state == State.PAID.value, g.c.state == State.FUNDED.value
    overdue = and_(unpaid, g.c.overdue == 1)

    def total_if(condition, value):
        return func.sum(case((condition, value)))

    statement = (
        select(g.c.district_id, g.c.batch_id, func.sum(g.c.n),
               total_if(funded, g.c.n), total_if(funded, g.c.city), total_if(funded, _reward(g.c.level) * g.c.n),
               total_if(paid, g.c.n), total_if(paid, g.c.city), total_if(paid, g.c.matching),
               total_if(paid, _matching(g.c.level) * g.c.n),
               total_if(unpaid, g.c.n), total_if(unpaid, g.c.city), total_if(overdue, g.c.n),
               total_if(overdue, g.c.city), func.sum(_matching(g.c.level) * g.c.n), func.count(DistrictRequest.id))
        .select_from(g)
        .join(Campaign, Campaign.id == g.c.campaign_id)
        .outerjoin(DistrictRequest, and_(DistrictRequest.organisation_id == g.c.district_id,
                                         DistrictRequest.batch_id == g.c.batch_id,
                                         DistrictRequest.state == DistrictRequestState.SUBMITTED.value))
        .group_by(g.c.district_id, g.c.batch_id))
    return db.session.execute(statement).all()


def _transfer_figures(user, campaign_id, batch_id):
    statement = (
        select(Transfer.district_id, Transfer.batch_id, func.count(), func.sum(Transfer.total))
        .where(scope_filter(Transfer.district_id, user))
        .group_by(Transfer.district_id, Transfer.batch_id))
    if campaign_id is not None:
        statement = statement.where(Transfer.batch_id.in_(select(Batch.id).where(Batch.campaign_id == campaign_id)))
    if batch_id is not None:
        statement = statement.where(Transfer.batch_id == batch_id)
    return db.session.execute(statement).all()


def _diff(a, b):
    return (a or ZERO) - (b or ZERO)


def flag_row(row, days):
    """The differences of one row, each as a Flag with a Chinese message."""
    flags = []
    if row.funded_expected is None or _diff(row.funded_total, row.funded_expected):
        expected = "未设定奖励标准" if row.funded_expected is None else f"{row.funded_expected:,.2f} 元"
        flags.append(Flag("funded", f"已划拨 {row.funded_total:,.2f} 元，与奖励标准×人数（{expected}）不符"))
    if _diff(row.transfer_total, row.funded_total):
        flags.append(Flag("transfer", f"划拨单合计 {row.transfer_total:,.2f} 元，与已划拨至申请的 "
                                      f"{row.funded_total:,.2f} 元不符"))
    if _diff(row.paid_city, row.funded_total):
        flags.append(Flag("paid_city", f"已发放市总部分 {row.paid_city:,.2f} 元，与已划拨 {row.funded_total:,.2f} 元"
                                       f"相差 {_diff(row.funded_total, row.paid_city):,.2f} 元"))
    if row.overdue:
        flags.append(Flag("overdue", f"{row.overdue} 人已划拨超过 {days} 天未发放（{row.overdue_total:,.2f} 元）"))
    if row.paid and (row.paid_matching_expected is None or _diff(row.paid_matching, row.paid_matching_expected)):
        expected = ("未提交申请单" if row.paid_matching_expected is None
                    else f"{row.paid_matching_expected:,.2f} 元")
        flags.append(Flag("matching", f"已发放配套 {row.paid_matching:,.2f} 元，与申请单配套标准×已发放人数"
                                      f"（{expected}）不符"))
    return flags


def reconciliation_rows(user, campaign_id=None, batch_id=None, day=None):
    """One ReconRow per district × batch in the user's scope with a 终审通过 (or later) application or a
    transfer, with its flags; ordered by campaign, batch and district."""
    day = day or clock.today()
    days = unpaid_days()
    cutoff = day - timedelta(days=days)
    rows = {}
    for figures in _application_figures(user, campaign_id, batch_id, cutoff):
        (district_id, b_id, approved, funded, funded_total, funded_expected, paid, paid_city, paid_matching,
         paid_matching_expected, unpaid, unpaid_total, overdue, overdue_total, committed, with_request) = figures
        with_request = bool(with_request)
        rows[(district_id, b_id)] = ReconRow(
            district_id, b_id, approved=int(approved or 0), funded=int(funded or 0),
            funded_total=money(funded_total) or ZERO,
            funded_expected=money(funded_expected) if funded else ZERO,
            paid=int(paid or 0), paid_city=money(paid_city) or ZERO, paid_matching=money(paid_matching) or ZERO,
            paid_matching_expected=(money(paid_matching_expected) or ZERO) if with_request else None,
            unpaid=int(unpaid or 0), unpaid_total=money(unpaid_total) or ZERO, overdue=int(overdue or 0),
            overdue_total=money(overdue_total) or ZERO,
            committed_matching=money(committed) if with_request else None)
    for district_id, b_id, transfers, total in _transfer_figures(user, campaign_id, batch_id):
        row = rows.setdefault((district_id, b_id), ReconRow(district_id, b_id))
        row.transfers, row.transfer_total = int(transfers), money(total) or ZERO
    if not rows:
        return []
    names = dict(db.session.execute(select(Organisation.id, Organisation.name).where(
        Organisation.id.in_({k[0] for k in rows}))).all())
    batches = {b.id: b for b in db.session.scalars(select(Batch).where(Batch.id.in_({k[1] for k in rows})))}
    for row in rows.values():
        batch = batches[row.batch_id]
        row.district_name, row.batch_name, row.campaign_name = names.get(row.district_id, ""), batch.name, \
            batch.campaign.name
        row.flags = flag_row(row, days)
    codes = {pk: code for pk, code in db.session.execute(
        select(Organisation.id, Organisation.code).where(Organisation.id.in_({k[0] for k in rows})))}

    def order(row):
        batch = batches[row.batch_id]
        return (-batch.campaign.start_date.toordinal(), -batch.campaign_id, batch.number,
                codes.get(row.district_id) or "", row.district_id)

    return sorted(rows.values(), key=order)


NUMBER_FIELDS = ("approved", "funded", "funded_total", "funded_expected", "transfers", "transfer_total", "paid",
                 "paid_city", "paid_matching", "unpaid", "unpaid_total", "overdue", "committed_matching")


def totals(rows):
    """The sum of every figure over ``rows`` (a None counts as nothing)."""
    total = {}
    for name in NUMBER_FIELDS:
        values = [getattr(r, name) for r in rows if getattr(r, name) is not None]
        total[name] = sum(values, ZERO if name not in ("approved", "funded", "transfers", "paid", "unpaid",
                                                       "overdue") else 0)
    return total


# -- Excel ---------------------------------------------------------------------------------------------

def excel_columns():
    return [
        Column("报名活动", 24), Column("批次", 8), Column("区县局（产业）工会", 20),
        Column("终审通过（人）", 10, "integer"), Column("已划拨（人）", 10, "integer"),
        Column("已划拨金额（元）", 14, "money"), Column("应划拨金额（奖励标准×人数，元）", 16, "money"),
        Column("划拨单（笔）", 8, "integer"), Column("划拨单合计（元）", 14, "money"),
        Column("已发放至职工（人）", 10, "integer"), Column("已发放市总部分（元）", 14, "money"),
        Column("已发放配套部分（元）", 14, "money"), Column("已划拨未发放（人）", 10, "integer"),
        Column("已划拨未发放（元）", 14, "money"), Column("超期未发放（人）", 10, "integer"),
        Column("申请单配套承诺（元）", 14, "money"), Column("差异", 50),
    ]


def excel_rows(rows):
    for r in rows:
        yield (r.campaign_name, r.batch_name, r.district_name, r.approved, r.funded, r.funded_total,
               r.funded_expected, r.transfers, r.transfer_total, r.paid, r.paid_city, r.paid_matching, r.unpaid,
               r.unpaid_total, r.overdue, r.committed_matching if r.committed_matching is not None else "未提交申请单",
               "；".join(f.message for f in r.flags) or "无")


def export_reconciliation(target, user, rows, *, description):
    """Write ``rows`` to ``target`` and record the export (the caller commits); returns the file name."""
    org = getattr(user, "organisation", None)
    file_name = export_file_name("对账", org.name if org else "", f"{clock.today():%Y%m%d}")
    count = write_xlsx(target, excel_columns(), excel_rows(rows), sheet_title="对账")
    record_export(user, EXPORT_KIND, description, count, file_name)
    return file_name
