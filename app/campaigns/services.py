"""Campaigns and batches: what the intake asks (which batches accept applications today, the campaign's
eligibility window as a RuleContext), the manual's list with its 报名数, and the system admin's verbs
(create, change, 发布, 结束, 撤销发布, delete), each written to the campaign's audit trail.

The rules themselves are in :mod:`app.campaigns.rules`; these services apply them to the database and
never commit (the caller does).
"""
from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import joinedload

from app.applications.models import Application
from app.applications.rules import RuleContext
from app.campaigns import rules
from app.campaigns.models import Batch, Campaign, CampaignEvent, CampaignState, DistrictRequest
from app.clock import cn_date, today
from app.extensions import db
from app.reference.models import ReferenceItem
from app.review.states import State
from app.security.scoping import scope_filter


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


# --- The manual's list (后台管理页面) and its 报名数 -------------------------------------------------------

#: Withdrawn applications were taken back by their submitter: they are kept but are no 报名 any more.
NOT_COUNTED = ("withdrawn",)
PAGE_SIZE = 20

ACTION_TITLES = {
    "created": "新建活动", "changed": "修改活动", "published": "发布", "ended": "结束", "unpublished": "撤销发布",
    "deleted": "删除活动", "batch_added": "添加批次", "batch_changed": "修改批次", "batch_deleted": "删除批次",
}


class CampaignInvalid(Exception):
    """Field rules refused the values: ``errors`` maps a field to its message."""

    def __init__(self, errors):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class CampaignRefused(Exception):
    """A verb is not allowed in the campaign's present state (one Chinese sentence)."""


def _count_subquery(user, group_column):
    """Applications in ``user``'s scope counted per ``group_column`` (campaign_id or batch_id)."""
    column = getattr(Application, group_column)
    return (select(column.label("key"), func.count().label("n"))
            .where(scope_filter(Application.organisation_id, user), Application.state.notin_(NOT_COUNTED))
            .group_by(column).subquery())


def campaign_rows(user, state=None, search=None, page=0, page_size=PAGE_SIZE, include_drafts=True):
    """One page of campaigns with the 报名数 of ``user``'s scope, in one query: ([(campaign, n)], total)."""
    counts = _count_subquery(user, "campaign_id")
    conditions = []
    if state:
        conditions.append(Campaign.state == state)
    if not include_drafts:
        conditions.append(Campaign.state != CampaignState.DRAFT.value)
    if search and search.strip():
        conditions.append(Campaign.name.contains(search.strip(), autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(Campaign).where(*conditions))
    rows = db.session.execute(
        select(Campaign, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.key == Campaign.id)
        .where(*conditions)
        .options(joinedload(Campaign.created_by))
        .order_by(Campaign.start_date.desc(), Campaign.id.desc())
        .limit(page_size).offset(page * page_size)
    ).all()
    return [(campaign, n) for campaign, n in rows], total


def batch_counts(campaign, user):
    """{batch id: 报名数 of ``user``'s scope} for the batches of ``campaign``."""
    counts = _count_subquery(user, "batch_id")
    return dict(db.session.execute(
        select(Batch.id, counts.c.n).join(counts, counts.c.key == Batch.id).where(Batch.campaign_id == campaign.id)
    ).all())


def campaign_count(campaign, user):
    counts = _count_subquery(user, "campaign_id")
    return db.session.scalar(select(counts.c.n).where(counts.c.key == campaign.id)) or 0


def has_applications(campaign=None, batch=None):
    """Whether any application (in any state, any organisation) belongs to the campaign or batch."""
    column, key = (Application.batch_id, batch.id) if batch is not None else (Application.campaign_id, campaign.id)
    return db.session.scalar(select(exists().where(column == key)))


def has_funded_applications(campaign):
    """Whether the city has funded (配套发放) any application of the campaign."""
    return db.session.scalar(select(exists().where(
        Application.campaign_id == campaign.id, Application.state.in_((State.FUNDED.value, State.PAID.value)))))


def _has_district_requests(batch_ids):
    if not batch_ids:
        return False
    return db.session.scalar(select(exists().where(DistrictRequest.batch_id.in_(batch_ids))))


def batch_state(batch, day=None):
    """'open', 'upcoming' or 'closed' (for accepting new applications on ``day``)."""
    day = day or today()
    if day < batch.opens_on:
        return "upcoming"
    if day > batch.system_deadline:
        return "closed"
    return "open"


BATCH_STATE_TITLES = {"open": "正在受理", "upcoming": "尚未开始", "closed": "已截止"}


def public_campaigns():
    """Published campaigns for the public front page, the newest first, their batches loaded."""
    return db.session.scalars(
        select(Campaign).where(Campaign.state == CampaignState.PUBLISHED.value)
        .options(joinedload(Campaign.batches))
        .order_by(Campaign.start_date.desc(), Campaign.id.desc())
    ).unique().all()


def campaign_events(campaign):
    return db.session.scalars(
        select(CampaignEvent).where(CampaignEvent.campaign_id == campaign.id)
        .options(joinedload(CampaignEvent.organisation))
        .order_by(CampaignEvent.created_at.desc(), CampaignEvent.id.desc())
    ).all()


# --- The audit trail ------------------------------------------------------------------------------------

def _shown(value):
    if value is None or value == "":
        return "（空）"
    if hasattr(value, "year") and not hasattr(value, "hour"):
        return rules.iso(value)
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def describe_changes(before, after, labels):
    """'字段：旧 → 新' for every field whose value changed (long texts only say that they changed)."""
    parts = []
    for field, label in labels.items():
        old, new = before.get(field), after.get(field)
        if (None if old == "" else old) == (None if new == "" else new):
            continue
        if field in ("description", "contacts"):
            parts.append(f"{label}已修改")
        else:
            parts.append(f"{label}：{_shown(old)} → {_shown(new)}")
    return "；".join(parts)


def record_campaign_event(campaign, user, action, details=None):
    """One line of the campaign's audit trail (who, organisation, when, what)."""
    db.session.add(CampaignEvent(
        campaign_id=campaign.id, campaign_name=campaign.name, user_id=getattr(user, "id", None),
        username=getattr(user, "username", None), organisation_id=getattr(user, "organisation_id", None),
        action=action, details=details or None))


# --- The system admin's verbs -----------------------------------------------------------------------------

def _spans(campaign, exclude=None):
    return [rules.BatchSpan(b.id, b.number, b.name, b.opens_on, b.system_deadline)
            for b in campaign.batches if exclude is None or b.id != exclude.id]


def campaign_values(campaign):
    return {field: getattr(campaign, field) for field in rules.CAMPAIGN_FIELDS}


def create_campaign(user, values):
    """A new draft campaign from typed ``values``; raises CampaignInvalid."""
    clean, errors = rules.check_campaign(values)
    if errors:
        raise CampaignInvalid(errors)
    campaign = Campaign(state=CampaignState.DRAFT.value, created_by_id=user.id, **clean)
    db.session.add(campaign)
    db.session.flush()
    record_campaign_event(campaign, user, "created", describe_changes({}, clean, {
        "name": "报名名称", "start_date": "起始时间", "end_date": "截止时间"}))
    return campaign


def update_campaign(user, campaign, values):
    """Change a campaign's fields; rewards stay fixed once any of its applications is funded."""
    clean, errors = rules.check_campaign(values, _spans(campaign))
    before = campaign_values(campaign)
    reward_fields = ("reward_technician", "reward_senior_technician")
    if any(clean[f] != before[f] for f in reward_fields if f not in errors) and has_funded_applications(campaign):
        for field in reward_fields:
            if clean[field] != before[field]:
                errors[field] = "本活动已有申请由市总财务部配套发放，奖励金额不能再修改"
    if errors:
        raise CampaignInvalid(errors)
    details = describe_changes(before, clean, rules.CAMPAIGN_LABELS)
    if not details:
        return campaign
    for field, value in clean.items():
        setattr(campaign, field, value)
    record_campaign_event(campaign, user, "changed", details)
    db.session.flush()
    return campaign


def _batch_details(values):
    return "，".join(f"{label}：{_shown(values.get(field))}" for field, label in rules.BATCH_LABELS.items())


def add_batch(user, campaign, values):
    """A new batch of ``campaign``; raises CampaignInvalid."""
    clean, errors = rules.check_batch(values, campaign.start_date, campaign.end_date, _spans(campaign))
    if errors:
        raise CampaignInvalid(errors)
    batch = Batch(campaign=campaign, **clean)
    db.session.add(batch)
    db.session.flush()
    record_campaign_event(campaign, user, "batch_added", _batch_details(clean))
    return batch


def update_batch(user, batch, values):
    """Change one batch's number, name or dates; raises CampaignInvalid."""
    campaign = batch.campaign
    clean, errors = rules.check_batch(values, campaign.start_date, campaign.end_date, _spans(campaign, batch))
    if errors:
        raise CampaignInvalid(errors)
    before = {field: getattr(batch, field) for field in rules.BATCH_FIELDS}
    details = describe_changes(before, clean, rules.BATCH_LABELS)
    if not details:
        return batch
    for field, value in clean.items():
        setattr(batch, field, value)
    record_campaign_event(campaign, user, "batch_changed", f"{before['name']}：{details}")
    db.session.flush()
    return batch


def delete_batch(user, batch):
    """Delete a batch that no application or 申请单 refers to; raises CampaignRefused."""
    if has_applications(batch=batch):
        raise CampaignRefused(f"{batch.name}已有报名，不能删除")
    if _has_district_requests([batch.id]):
        raise CampaignRefused(f"{batch.name}已有区县局（产业）工会填写申请单，不能删除")
    campaign = batch.campaign
    record_campaign_event(campaign, user, "batch_deleted", _batch_details(
        {field: getattr(batch, field) for field in rules.BATCH_FIELDS}))
    campaign.batches.remove(batch)
    db.session.delete(batch)
    db.session.flush()


def delete_campaign(user, campaign):
    """Delete a campaign without any application (its batches go with it; its audit trail is kept)."""
    if has_applications(campaign=campaign):
        raise CampaignRefused(f"报名活动“{campaign.name}”已有报名，不能删除")
    if _has_district_requests([b.id for b in campaign.batches]):
        raise CampaignRefused(f"报名活动“{campaign.name}”已有申请单，不能删除")
    record_campaign_event(campaign, user, "deleted", f"报名名称：{campaign.name}")
    db.session.flush()
    # The trail outlives the campaign (campaign_name keeps what it was about).
    db.session.execute(update(CampaignEvent).where(CampaignEvent.campaign_id == campaign.id)
                       .values(campaign_id=None).execution_options(synchronize_session=False))
    for batch in list(campaign.batches):
        db.session.delete(batch)
    db.session.delete(campaign)
    db.session.flush()


def _move(campaign, source, target):
    """Change the state only if nobody changed it meanwhile (one of two admins acting at once wins)."""
    changed = db.session.execute(
        update(Campaign).where(Campaign.id == campaign.id, Campaign.state == source.value)
        .values(state=target.value).execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        db.session.refresh(campaign)
        raise CampaignRefused(f"报名活动当前状态为“{campaign.state_title}”，请刷新页面后重试")
    db.session.refresh(campaign)


def publish_campaign(user, campaign):
    """发布: 草稿 → 已发布; needs at least one batch and both rewards."""
    if campaign.state != CampaignState.DRAFT.value:
        raise CampaignRefused(f"只有草稿状态的活动可以发布（当前：{campaign.state_title}）")
    problems = rules.publish_problems(campaign_values(campaign), len(campaign.batches))
    if problems:
        raise CampaignRefused("不能发布：" + "；".join(problems))
    _move(campaign, CampaignState.DRAFT, CampaignState.PUBLISHED)
    record_campaign_event(campaign, user, "published", "草稿 → 已发布")


def end_campaign(user, campaign):
    """结束: 已发布 → 已结束."""
    if campaign.state != CampaignState.PUBLISHED.value:
        raise CampaignRefused(f"只有已发布的活动可以结束（当前：{campaign.state_title}）")
    _move(campaign, CampaignState.PUBLISHED, CampaignState.ENDED)
    record_campaign_event(campaign, user, "ended", "已发布 → 已结束")


def unpublish_campaign(user, campaign):
    """撤销发布: 已发布 → 草稿, only while the campaign has no application at all."""
    if campaign.state != CampaignState.PUBLISHED.value:
        raise CampaignRefused(f"只有已发布的活动可以撤销发布（当前：{campaign.state_title}）")
    if has_applications(campaign=campaign):
        raise CampaignRefused("本活动已有报名，不能撤销发布；如需停止受理，请使用“结束”")
    _move(campaign, CampaignState.PUBLISHED, CampaignState.DRAFT)
    record_campaign_event(campaign, user, "unpublished", "已发布 → 草稿")


def available_verbs(campaign):
    """The verbs the campaign's state allows (buttons on its page): [(code, title)]."""
    if campaign.state == CampaignState.DRAFT.value:
        return [("publish", "发布")]
    if campaign.state == CampaignState.PUBLISHED.value:
        verbs = [("end", "结束")]
        if not has_applications(campaign=campaign):
            verbs.append(("unpublish", "撤销发布"))
        return verbs
    return []
