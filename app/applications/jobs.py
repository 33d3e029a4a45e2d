"""Periodic work of the applications domain: uploads that never became part of an application are
deleted after attachments.ORPHAN_DAYS (hourly; also ``flask purge-uploads``). No page does this: a GET
never changes a file or a row."""
import logging

from app.applications.attachments import purge_stale_uploads
from app.jobs.queue import app_periodic_task, crontab

logger = logging.getLogger(__name__)


@app_periodic_task(crontab(minute="35"))
def purge_stale_uploads_hourly():
    count = purge_stale_uploads()
    if count:
        logger.info("stale uploads deleted: %s", count)
    return count
