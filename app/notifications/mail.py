"""E-mail copies of 消息中心 messages, sent by the job queue (app/notifications/jobs.py), never in a request.

Settings come from the environment (config.py): SMTP_HOST (no host: no e-mail at all), SMTP_PORT,
SMTP_USERNAME / SMTP_PASSWORD, SMTP_STARTTLS or SMTP_SSL, MAIL_FROM, and PUBLIC_URL for the link in the mail.
A message is mailed once (``emailed_at``), only to an active user who has an e-mail address and has not
turned e-mail off, and only while it is fresh (MAIL_MAX_AGE_HOURS): turning e-mail on does not mail old news.
"""
import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select

from app.accounts.models import AppUser
from app.clock import utcnow
from app.extensions import db
from app.notifications.models import Notification

logger = logging.getLogger(__name__)
SUBJECT_PREFIX = "【技师奖励申报平台】"


def smtp_configured(config=None):
    config = config or current_app.config
    return bool(config.get("SMTP_HOST"))


def _connect(config):
    host, port = config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25)
    timeout = int(config.get("SMTP_TIMEOUT") or 20)
    if config.get("SMTP_SSL"):
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
    if config.get("SMTP_USERNAME"):
        smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
    return smtp


def compose(notification, address, config):
    message = EmailMessage()
    summary = notification.text if len(notification.text) <= 40 else notification.text[:39] + "…"
    message["Subject"] = SUBJECT_PREFIX + summary
    message["From"] = config.get("MAIL_FROM") or f"noreply@{config['SMTP_HOST']}"
    message["To"] = address
    link = (config.get("PUBLIC_URL") or "").rstrip("/")
    body = [notification.text, ""]
    if link:
        body.append(f"请登录平台查看：{link}/notifications/")
    body.append("如不想再收到邮件，可在平台“消息中心”关闭邮件通知。")
    message.set_content("\n".join(body))
    return message


def due(limit):
    """(message, address) pairs to mail now, oldest first."""
    config = current_app.config
    fresh = utcnow() - timedelta(hours=int(config.get("MAIL_MAX_AGE_HOURS") or 48))
    return db.session.execute(
        select(Notification, AppUser.email).join(AppUser, AppUser.id == Notification.user_id)
        .where(Notification.emailed_at.is_(None), Notification.created_at >= fresh,
               AppUser.email.isnot(None), AppUser.email != "", AppUser.email_notifications.is_(True),
               AppUser.active.is_(True))
        .order_by(Notification.id).limit(limit)).all()


def send_pending(limit=500):
    """Mail every due message over one SMTP connection; returns how many were sent (0 without SMTP_HOST)."""
    config = current_app.config
    if not smtp_configured(config):
        return 0
    pending = due(limit)
    if not pending:
        return 0
    sent = 0
    smtp = _connect(config)
    try:
        for notification, address in pending:
            try:
                smtp.send_message(compose(notification, address, config))
            except smtplib.SMTPRecipientsRefused:
                logger.warning("mail refused for notification %s", notification.id)
            notification.emailed_at = utcnow()
            sent += 1
            db.session.commit()
    finally:
        try:
            smtp.quit()
        except smtplib.SMTPException:
            pass
    return sent
