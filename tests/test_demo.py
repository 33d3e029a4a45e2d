"""`python run.py --demo`: history and a live campaign, every row moved through the real transitions."""
from datetime import date, timedelta

import pytest

from app.accounts.models import AppUser
from app.applications.attachments import missing_titles
from app.applications.models import Application
from app.applications.rules import RuleContext, validate_application
from app.campaigns.models import Campaign, CampaignState
from app.campaigns.services import open_batches, upcoming_batches
from app.demo import CAMPAIGN_NAME, load_demo
from app.review import workflow
from app.review.models import ReviewRecord
from app.review.states import State


def campaigns(db):
    history = db.session.scalar(db.select(Campaign).where(Campaign.name == CAMPAIGN_NAME))
    live = db.session.scalar(db.select(Campaign).where(Campaign.name != CAMPAIGN_NAME))
    return history, live


@pytest.mark.parametrize("day", [date(2026, 11, 25), date(2031, 1, 3), date(2029, 2, 28)])
def test_the_live_campaign_is_open_on_the_day_it_is_loaded(app, db, clock, day):
    clock.set(day)
    assert load_demo() is True
    history, live = campaigns(db)
    assert history.state == CampaignState.ENDED.value
    assert [(b.opens_on, b.system_deadline, b.paper_deadline) for b in history.batches] == [
        (date(2015, 3, 1), date(2015, 4, 10), date(2015, 4, 20)),
        (date(2015, 9, 1), date(2015, 9, 30), date(2015, 10, 15))]
    assert live.state == CampaignState.PUBLISHED.value and live.name.startswith(f"{day.year}年度")
    first, second = live.batches
    assert [b.id for _c, b in open_batches(day)] == [first.id]
    assert [b.id for _c, b in upcoming_batches(day)] == [second.id]
    for campaign in (history, live):
        states = set(db.session.scalars(db.select(Application.state).where(Application.campaign_id == campaign.id)))
        assert states == {s.value for s in State}, campaign.name
    # Pending rows of the live batch can be reviewed now by their district, except those still lacking a scan.
    pending = db.session.scalars(db.select(Application).where(Application.campaign_id == live.id,
                                                              Application.state == State.PENDING.value)).all()
    admins = {u.organisation_id: u for u in db.session.scalars(db.select(AppUser))}
    lacking = [a for a in pending if missing_titles(a)]
    complete = [a for a in pending if not missing_titles(a)]
    assert complete and lacking and all(missing_titles(a) == ["等级证书复印件"] for a in lacking)
    assert all(
        "approve_by_district" in [t.name for t in workflow.available_transitions(a, admins[a.district_id], day)]
        for a in complete)
    assert not any(
        "approve_by_district" in [t.name for t in workflow.available_transitions(a, admins[a.district_id], day)]
        for a in lacking)
    # Nothing happened after today.
    latest = db.session.scalar(db.select(db.func.max(ReviewRecord.created_at)))
    assert latest.date() <= day


def test_every_demo_history_follows_the_workflow_table(app, db, clock):
    clock.set(date(2026, 11, 25))
    load_demo()
    apps = {a.id: a for a in db.session.scalars(db.select(Application))}
    trail = {}
    for record in db.session.scalars(db.select(ReviewRecord).order_by(ReviewRecord.id)):
        trail.setdefault(record.application_id, []).append(record)
    for pk, application in apps.items():
        records = trail[pk]
        assert records[0].action == "submit" and records[0].to_state == State.PENDING.value
        names = [r.action for r in records[1:]]
        assert names == [t.name for t in workflow.path_to(application.state)]
        assert records[-1].to_state == application.state and application.version == len(records)
        assert all(a.created_at <= b.created_at for a, b in zip(records, records[1:]))
        if application.state == State.PAID.value:
            assert application.city_amount and application.district_amount is not None and application.paid_card_no


def test_every_demo_application_passes_the_field_rules_of_its_campaign(app, db, clock):
    clock.set(date(2026, 11, 25))
    load_demo()
    fields = [c.name for c in Application.__table__.columns]
    for campaign in campaigns(db):
        last_batch = campaign.batches[-1]
        ctx = RuleContext(today=min(last_batch.paper_deadline, date(2026, 11, 25)),
                          cert_issued_from=campaign.cert_issued_from)
        for application in db.session.scalars(db.select(Application).where(Application.campaign_id == campaign.id)):
            result = validate_application({f: getattr(application, f) for f in fields}, ctx)
            assert result.ok, (application.id, result.errors)


def test_the_demo_loads_once(app, db, clock):
    clock.set(date(2026, 11, 25) + timedelta(days=1))
    assert load_demo() is True
    count = db.session.scalar(db.select(db.func.count(Application.id)))
    assert load_demo() is False
    assert db.session.scalar(db.select(db.func.count(Application.id))) == count


def test_demo_money_went_through_transfers_and_the_requests(app, db, clock):
    from app.payments.reconciliation import reconciliation_rows

    clock.set(date(2026, 11, 25))
    load_demo()
    history, live = campaigns(db)
    admin = db.session.scalar(db.select(AppUser).where(AppUser.username == "admin"))
    for campaign in (history, live):
        rows = reconciliation_rows(admin, campaign_id=campaign.id)
        assert rows and sum(r.funded for r in rows) > 0
        for row in rows:
            assert {f.code for f in row.flags} <= {"paid_city", "overdue"}, [f.message for f in row.flags]


def test_demo_bells_count_only_this_year_s_news(app, db, clock):
    from app.notifications.models import Notification

    clock.set(date(2026, 11, 25))
    assert load_demo() is True
    _history, live = campaigns(db)
    clerk = db.session.scalar(db.select(AppUser).where(AppUser.username == "baoshan001"))
    messages = db.session.scalars(db.select(Notification).where(Notification.user_id == clerk.id)).all()
    unread = [m for m in messages if m.read_at is None]
    assert unread and len(unread) < len(messages)
    applications = {a.id: a for a in db.session.scalars(db.select(Application).where(
        Application.submitted_by_id == clerk.id))}
    assert all(applications[int(m.target.split(":")[1])].campaign_id == live.id for m in unread)


def test_demo_scans_are_compared_without_running_ocr_and_some_differ(app, db, clock, monkeypatch):
    from app.jobs.models import Job
    from app.ocr import engine
    from app.ocr.models import ScanCheck

    def no_ocr(*args, **kwargs):
        raise AssertionError("the demo reads no scan with the OCR engine")

    monkeypatch.setattr(engine, "read_lines", no_ocr)
    clock.set(date(2026, 11, 25))
    assert load_demo() is True
    checks = db.session.scalars(db.select(ScanCheck)).all()
    total = db.session.scalar(db.select(db.func.count(Application.id)))
    assert len(checks) == total
    differing = [c for c in checks if c.differs]
    assert 0 < len(differing) < total // 3
    assert {f for c in differing for f in c.differing} == {"certificate_no", "certificate_date", "name"}
    # Every district's reviewers meet some (the demo makes its applications district after district in turn).
    district_of = dict(db.session.execute(db.select(Application.id, Application.district_id)).all())
    assert {district_of[c.application_id] for c in differing} == set(district_of.values())
    assert not db.session.scalars(db.select(Job).where(Job.kind == "scan_applications")).all()
