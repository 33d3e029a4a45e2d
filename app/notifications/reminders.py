"""Reminders before a batch's paper deadline (书面材料截止), written as 消息中心 messages to the admins of:

- each 区县局（产业）工会 that still has 未审核 applications of the batch;
- each 区县局（产业）工会 with applications counted for its 申请单 that has not submitted it.

Sent REMINDER_DAYS (3) days before the deadline by a daily periodic task; each reminder once per batch.
"""
from datetime import timedelta

from sqlalchemy import func, select

from app.applications.models import Application
from app.campaigns import requests as district_requests
from app.campaigns.models import Batch, Campaign, CampaignState, DistrictRequest, DistrictRequestState
from app.clock import cn_date, today
from app.extensions import db
from app.notifications.models import Notification
from app.notifications.services import admins_of, queue
from app.orgs.models import Organisation
from app.review.states import State

REMINDER_DAYS = 3


def _already(kind, target):
    return set(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind,
                                                                     Notification.target == target)))


def _remind(kind, target, organisation_id, text):
    done = _already(kind, target)
    users = [u for u in admins_of(organisation_id) if u not in done]
    queue(users, kind, text, target)
    return len(users)


def send_reminders(day=None):
    """Queue and commit the reminders due on ``day``; returns how many messages were written."""
    day = day or today()
    batches = db.session.scalars(
        select(Batch).join(Campaign, Campaign.id == Batch.campaign_id)
        .where(Campaign.state == CampaignState.PUBLISHED.value,
               Batch.paper_deadline == day + timedelta(days=REMINDER_DAYS))).all()
    written = 0
    for batch in batches:
        title = f"{batch.campaign.name} {batch.name}"
        deadline = cn_date(batch.paper_deadline)
        pending = db.session.execute(
            select(Application.district_id, func.count(Application.id))
            .where(Application.batch_id == batch.id, Application.state == State.PENDING.value)
            .group_by(Application.district_id)).all()
        for district_id, count in pending:
            written += _remind("reminder_review", f"batch:{batch.id}", district_id,
                               f"{title}尚有{count}份申请未审核，审核将于{deadline}截止，请及时审核")
        counted = select(Application.district_id).where(
            Application.batch_id == batch.id,
            Application.state.in_([s.value for s in district_requests.COUNTED_STATES])).distinct()
        submitted = select(DistrictRequest.organisation_id).where(
            DistrictRequest.batch_id == batch.id, DistrictRequest.state == DistrictRequestState.SUBMITTED.value)
        missing = db.session.scalars(select(Organisation.id).where(
            Organisation.id.in_(counted), Organisation.id.not_in(submitted), Organisation.active.is_(True))).all()
        for organisation_id in missing:
            written += _remind("reminder_request", f"request:{batch.id}:{organisation_id}", organisation_id,
                               f"本单位{title}的《申请单》尚未提交，报送将于{deadline}截止，请及时填写并提交")
    db.session.commit()
    return written
