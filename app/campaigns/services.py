"""Campaign questions the intake asks: what day it is in Shanghai, which batches accept applications,
and the campaign's eligibility window and reference lists as a RuleContext for the field rules."""
from sqlalchemy import select

from app.applications.rules import RuleContext
from app.campaigns.models import Batch, Campaign, CampaignState
from app.clock import cn_date, today
from app.extensions import db
from app.reference.models import ReferenceItem


def open_batches(day=None):
    """(campaign, batch) pairs of published campaigns whose batch accepts applications on ``day``."""
    day = day or today()
    rows = db.session.execute(
        select(Campaign, Batch).join(Batch, Batch.campaign_id == Campaign.id)
        .where(Campaign.state == CampaignState.PUBLISHED.value, Batch.opens_on <= day,
               Batch.system_deadline >= day)
        .order_by(Batch.system_deadline, Campaign.id, Batch.number)
    ).all()
    return [(campaign, batch) for campaign, batch in rows]


def upcoming_batches(day=None):
    """Batches of published campaigns that have not opened yet on ``day``, soonest first."""
    day = day or today()
    rows = db.session.execute(
        select(Campaign, Batch).join(Batch, Batch.campaign_id == Campaign.id)
        .where(Campaign.state == CampaignState.PUBLISHED.value, Batch.opens_on > day)
        .order_by(Batch.opens_on, Campaign.id, Batch.number)
    ).all()
    return [(campaign, batch) for campaign, batch in rows]


def batch_closed_reason(batch, day=None):
    """Why ``batch`` does not accept a new application on ``day`` (Chinese), or None if it does."""
    day = day or today()
    campaign = batch.campaign
    if campaign.state != CampaignState.PUBLISHED.value:
        return f"报名活动“{campaign.name}”{campaign.state_title}，不接受申报"
    if day < batch.opens_on:
        return f"{batch.name}将于{cn_date(batch.opens_on)}开始受理，目前尚不能申报"
    if day > batch.system_deadline:
        return f"{batch.name}已于{cn_date(batch.system_deadline)}截止网上受理，不能再申报"
    return None


def reference_items(list_name, include_codes=()):
    """Active items of one reference list in their order, plus any inactive ones in ``include_codes``
    (so a stored value that was since retired still shows when an application is corrected)."""
    items = db.session.scalars(
        select(ReferenceItem).where(ReferenceItem.list_name == list_name)
        .order_by(ReferenceItem.sort_order, ReferenceItem.id)
    ).all()
    wanted = {str(c) for c in include_codes if c}
    return [item for item in items if item.active or item.code in wanted or item.name in wanted]


def rule_context(campaign, day=None):
    """The RuleContext of ``campaign``: its certificate window and the active reference lists."""
    items = db.session.scalars(select(ReferenceItem).where(ReferenceItem.active.is_(True))).all()
    by_list = {}
    issuers = {}
    for item in items:
        by_list.setdefault(item.list_name, set()).add(item.code)
        if item.list_name == "issuer" and item.variant:
            issuers.setdefault(item.variant, set()).add(item.name)
    return RuleContext(
        today=day or today(),
        cert_issued_from=campaign.cert_issued_from,
        cert_issued_to=campaign.cert_issued_to,
        issuers=issuers,
        industries=by_list.get("industry", set()),
        educations=by_list.get("education", set()),
        unit_kinds=by_list.get("unit_kind", set()),
        provinces=by_list.get("province", set()),
    )
