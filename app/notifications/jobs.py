"""Periodic tasks of 消息中心 on the job queue: mail the new messages, and the daily deadline reminders."""
import logging

from app.jobs.queue import app_periodic_task, crontab
from app.notifications import mail, reminders

logger = logging.getLogger(__name__)


@app_periodic_task(crontab(minute="*"))
def mail_notifications():
    """Every minute: the e-mail copies of new messages (nothing without SMTP_HOST)."""
    sent = mail.send_pending()
    if sent:
        logger.info("mailed %s notifications", sent)
    return sent


@app_periodic_task(crontab(hour="1", minute="0"))
def deadline_reminders():
    """Daily at 09:00 Shanghai time (01:00 UTC): the reminders 3 days before a batch's paper deadline."""
    return reminders.send_reminders()
