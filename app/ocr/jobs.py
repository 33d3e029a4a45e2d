"""扫描件识别 as background jobs (app/jobs): the OCR engine loads and runs in the queue's consumer, never in a
web request. Both kinds are kept off 我的任务 (``listed=False``): their outcome shows where the clerk works —
the form's 从扫描件识别 polls its job, and an application's comparison shows on its pages.

- ``scan_applications``: the 身份证复印件 and 等级证书复印件 of submitted or corrected applications (one job per
  transaction and clerk: a whole Excel intake is one job), each application compared once its scans are read;
- ``scan_form``: the scans the clerk has uploaded on the form, before submitting (app/ocr/views.py).

A scan that cannot be read is stored as 未识别 with the reason; it never fails the job nor holds up the
application. Readings are committed application by application, so the job holds no long write lock.
"""
import logging

from sqlalchemy import select

from app.applications.models import Application, Attachment
from app.extensions import db
from app.jobs.registry import JobError, job_kind
from app.ocr import engine, services

logger = logging.getLogger(__name__)

#: What the form's job says when OCR cannot run after all (switched off or removed since the page was built).
UNAVAILABLE = "扫描件识别当前不可用"


@job_kind(services.APPLICATIONS_JOB, title="识别扫描件", listed=False)
def run_scan_applications(ctx, application_ids=()):
    on, reason = services.status()
    if not on:
        logger.info("scan reading skipped: %s", reason)
        return
    ids = [int(i) for i in application_ids]
    ctx.progress(0, len(ids))
    for done, application_id in enumerate(ids, start=1):
        application = db.session.get(Application, application_id)
        if application is not None:
            try:
                readings = {a.id: services.read_attachment(a) for a in services.scans_of(application)}
            except engine.OcrUnavailable as exc:
                logger.info("scan reading stopped: %s", exc)
                db.session.commit()
                return
            services.compare_application(application, readings)
        db.session.commit()
        ctx.progress(done, len(ids))


@job_kind(services.FORM_JOB, title="从扫描件识别", listed=False)
def run_scan_form(ctx, attachment_ids=(), application_id=None):
    """Read the scans the owner chose on the form: its own uploads, or those of the application it corrects."""
    on, reason = services.status()
    if not on:
        raise JobError(reason or UNAVAILABLE)
    wanted = [int(i) for i in attachment_ids]
    reachable = Attachment.uploaded_by_id == ctx.owner.id
    if application_id is not None:
        reachable = reachable | (Attachment.application_id == int(application_id))
    scans = db.session.scalars(select(Attachment).where(Attachment.id.in_(wanted), reachable)
                               .order_by(Attachment.id)).all()
    ctx.progress(0, len(scans))
    for done, attachment in enumerate(scans, start=1):
        if services.readable(attachment):
            try:
                services.read_attachment(attachment)
            except engine.OcrUnavailable as exc:
                raise JobError(str(exc) or UNAVAILABLE) from None
        db.session.commit()
        ctx.progress(done, len(scans))
