"""E-mail copies through a real SMTP server on loopback (aiosmtpd), the deadline reminders, and the job
owner's message when a job ends."""
import socket
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller

from app.jobs.models import Job, JobState
from app.jobs.signals import job_finished
from app.notifications import jobs as notification_jobs
from app.notifications import mail, reminders
from app.notifications.models import Notification
from app.review.services import apply_transition
from app.review.states import State
from tests.factories import fund_by_transfer


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp_server(app):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    saved = {k: app.config.get(k) for k in ("SMTP_HOST", "SMTP_PORT", "MAIL_FROM", "PUBLIC_URL")}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, MAIL_FROM="jishi@example.org",
                      PUBLIC_URL="https://jishi.example.org")
    try:
        yield inbox
    finally:
        controller.stop()
        app.config.update(saved)


def subject(message):
    return str(make_header(decode_header(message["Subject"])))


def test_messages_are_mailed_once_by_the_periodic_task_to_those_who_want_mail(app, db, world, smtp_server):
    world.baoshan_clerk.email = "clerk@example.org"
    world.hongkou_clerk.email = "other@example.org"
    world.hongkou_clerk.email_notifications = False
    db.session.commit()
    mine, theirs = world.app(name="张三"), world.app(name="李四", foreign=True)
    apply_transition(mine, world.baoshan_admin, "approve_by_district")
    apply_transition(theirs, world.hongkou_admin, "approve_by_district")
    db.session.commit()
    assert smtp_server.messages == []  # nothing is mailed inside the request's transaction
    assert notification_jobs.mail_notifications.call_local() == 1
    [(recipients, message)] = smtp_server.messages
    assert recipients == ["clerk@example.org"]
    assert subject(message) == "【技师奖励申报平台】您提交的张三的申请已被区县局初审通过"
    body = message.get_payload(decode=True).decode(message.get_content_charset())
    assert "您提交的张三的申请已被区县局初审通过" in body and "https://jishi.example.org/notifications/" in body
    assert mail.send_pending() == 0 and len(smtp_server.messages) == 1
    assert db.session.scalar(db.select(Notification.emailed_at).where(
        Notification.user_id == world.baoshan_clerk.id)) is not None


def test_without_smtp_host_nothing_is_sent(app, db, world):
    world.baoshan_clerk.email = "clerk@example.org"
    db.session.commit()
    apply_transition(world.app(), world.baoshan_admin, "approve_by_district")
    db.session.commit()
    assert app.config.get("SMTP_HOST") is None and mail.send_pending() == 0


def test_reminders_three_days_before_the_paper_deadline(app, db, world, clock):
    batch = world.campaign.batches[0]
    world.app()
    world.app()
    world.app(State.DISTRICT_APPROVED)
    world.app(State.DISTRICT_APPROVED, foreign=True)
    world.submitted_request(foreign=True)
    db.session.commit()
    clock.set(batch.paper_deadline - timedelta(days=4))
    assert reminders.send_reminders() == 0
    clock.set(batch.paper_deadline - timedelta(days=3))
    assert reminders.send_reminders() == 2
    texts = list(db.session.scalars(db.select(Notification.text).where(
        Notification.user_id == world.baoshan_admin.id).order_by(Notification.id)))
    title = f"{world.campaign.name} 第一批"
    assert texts[0].startswith(f"{title}尚有2份申请未审核") and "《申请单》尚未提交" in texts[1]
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification).where(
        Notification.user_id == world.hongkou_admin.id)) == 0
    assert reminders.send_reminders() == 0  # once per batch


def test_a_job_owner_hears_when_its_job_ends(app, db, world):
    job = Job(owner_id=world.baoshan_admin.id, kind="summary_export", state=JobState.DONE.value, params={})
    db.session.add(job)
    db.session.commit()
    job_finished.send(job)
    failed = Job(owner_id=world.baoshan_admin.id, kind="summary_export", state=JobState.FAILED.value, params={},
                 error="第3行：身份证号码校验位不正确")
    db.session.add(failed)
    db.session.commit()
    job_finished.send(failed)
    texts = list(db.session.scalars(db.select(Notification.text).order_by(Notification.id)))
    assert texts[0].startswith("您的任务“") and texts[0].endswith("”已完成")
    assert texts[1].endswith("失败：第3行：身份证号码校验位不正确")


def test_a_funded_row_asks_for_the_request_not_for_a_review(db, world):
    application = world.app(State.FINAL_APPROVED)
    fund_by_transfer(application, world.finance)
    db.session.execute(db.delete(Notification))
    db.session.commit()
    assert reminders.send_reminders(application.batch.paper_deadline - timedelta(days=3)) == 1
    assert db.session.scalar(db.select(Notification.kind)) == "reminder_request"
