"""Periodic upkeep of the job queue: result files are deleted JOB_RESULT_DAYS after their job finished.

Also ``flask jobs-cleanup`` (app/cli.py).
"""
import logging

from app.jobs import services
from app.jobs.queue import app_periodic_task, crontab

logger = logging.getLogger(__name__)


def clean_results():
    expired = services.delete_expired_results()
    orphans = services.delete_orphan_result_files()
    if expired or orphans:
        logger.info("job results deleted: %s expired, %s orphan files", expired, orphans)
    return expired, orphans


@app_periodic_task(crontab(minute="5"))
def clean_results_hourly():
    return clean_results()
