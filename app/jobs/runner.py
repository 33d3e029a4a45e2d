"""What the consumer runs: one job, start to end, inside an app context.

The job's function gets a ``JobContext``; what it writes through ``db.session`` is committed together with
the job's 已完成, or rolled back when it fails. Progress goes beside the queue (``queue.put_value``), not
into the job's own transaction, so 我的任务 sees it at once even while the job holds a write lock on SQLite.

A run that is interrupted (the consumer stopped: a KeyboardInterrupt in its worker, or the job queued again
while a worker thread still runs it) keeps nothing and ends nothing: the job runs again after the start and
finds its inputs (``ctx.at_end`` cleans up only when a job is over, finished or failed).
"""
import contextlib
import logging
import secrets
import time
from pathlib import Path

from flask import current_app
from huey.signals import SIGNAL_INTERRUPTED
from sqlalchemy import select

from app.accounts.events import record_event
from app.clock import utcnow
from app.extensions import db
from app.jobs import registry
from app.jobs.models import Job, JobState
from app.jobs.queue import app_task, delete_value, flask_app, huey, put_value
from app.jobs.signals import job_finished
from app.security import sealed

logger = logging.getLogger(__name__)

#: What a user reads when a job fails for a reason the job did not foresee (the cause goes to the log).
UNEXPECTED_ERROR = "任务执行时发生系统错误，未能完成。请稍后重新提交；如仍失败，请联系系统管理员。"
#: The owner's account was deactivated after submitting: the job does nothing in that account's name.
OWNER_INACTIVE = "提交任务的账号已停用，任务未执行。"
#: Progress is written when its whole percent changes, else at most this often (seconds), and at the end.
PROGRESS_INTERVAL = 0.5


def progress_key(job_id):
    return f"job-progress:{job_id}"


def result_dir():
    path = Path(current_app.config["JOB_RESULT_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def result_file_path(job):
    """Where the job's result file lies (None without one); encrypted: read it with sealed.stream/open_reader."""
    if not job.result_file:
        return None
    return Path(current_app.config["JOB_RESULT_DIR"]) / job.result_file


class JobContext:
    """What a job's function gets: the job, its owner, progress reporting and a place for its result."""

    def __init__(self, job):
        self.job = job
        self.owner = job.owner
        self._last = 0.0
        self._percent = -1
        self._result = None
        self._at_end = []

    @property
    def params(self):
        return dict(self.job.params or {})

    def progress(self, done, total=None):
        """``done`` of ``total`` items are finished (shown on 我的任务 at once; throttled)."""
        done = max(0, int(done))
        total = None if total is None else max(0, int(total))
        now = time.monotonic()
        percent = int(done * 100 / total) if total else None
        if (total is not None and done < total and percent == self._percent
                and now - self._last < PROGRESS_INTERVAL):
            return
        self._last, self._percent = now, percent
        self.job.done, self.job.total = done, total
        put_value(progress_key(self.job.id), (done, total))

    def result_file(self, name):
        """A new file for the job's result, downloaded by its owner as ``name``: an open binary file, encrypted
        at rest chunk by chunk (app/security/sealed.py); use it as a context manager (or close it)."""
        suffix = Path(name).suffix[:10]
        stored = f"{self.job.id}-{secrets.token_hex(12)}{suffix}"
        self.job.result_file, self.job.result_name = stored, name[:200]
        self._result = result_dir() / stored
        return sealed.open_writer(self._result)

    def kept_result(self):
        """(stored name, download name) of the result file written, if there is one (read before a rollback)."""
        if self._result is None or not self._result.is_file():
            return None
        return self.job.result_file, self.job.result_name

    def discard_result(self):
        if self._result is not None:
            self._result.unlink(missing_ok=True)

    def at_end(self, cleanup):
        """Call ``cleanup()`` once the job is over (finished, or failed for a reason of its own), e.g. to delete
        the uploads it read. Not when the run is interrupted: the job runs again and needs them."""
        self._at_end.append(cleanup)

    def ended(self):
        for cleanup in self._at_end:
            try:
                cleanup()
            except Exception:
                logger.exception("job %s: a cleanup at its end failed", self.job.id)


def _audit_end(job):
    """The end of a job that changes data, in the security log (same transaction as the job's end)."""
    kind = registry.kinds().get(job.kind)
    if kind is not None and kind.changes_data:
        # The reason of a failure stays on the job record: it may quote the data, the log never does.
        record_event("job_finished", user=job.owner, success=job.state == JobState.DONE.value,
                     detail=f"{kind.title}（任务编号 {job.id}）{job.state_title}")


def _still_this_run(job_id, started):
    """Whether the job is still 进行中 in the run that began at ``started`` (not queued again meanwhile; the row
    is locked until the end is committed)."""
    row = db.session.execute(select(Job.state, Job.started_at).where(Job.id == job_id).with_for_update()).one()
    return row.state == JobState.RUNNING.value and row.started_at == started


def _finish(job_id, state, error=None, done=None, total=None, result=None, started=None):
    """Record the end of a job in a transaction of its own, then send job_finished. ``result``: (stored name,
    download name) of the file a failed job keeps. ``started``: the run that fails; if the job was queued again
    since, nothing is recorded (None is returned)."""
    if started is not None and not _still_this_run(job_id, started):
        db.session.rollback()
        logger.warning("job %s was queued again while it ran; the interrupted run's failure does not count", job_id)
        return None
    job = db.session.get(Job, job_id)
    job.state, job.finished_at, job.error = state.value, utcnow(), error
    if done is not None:
        job.done = done
    if total is not None:
        job.total = total
    if state == JobState.FAILED:
        job.result_file, job.result_name = result if result else (None, job.result_name)
    _audit_end(job)
    db.session.commit()
    delete_value(progress_key(job_id))
    job_finished.send(job)
    return job


def run(job_id):
    """Run the queued job ``job_id`` (needs an app context). A job not 排队中 is left alone."""
    job = db.session.get(Job, job_id)
    if job is None or job.state != JobState.QUEUED.value:
        logger.info("job %s is not queued (%s); skipped", job_id, job and job.state)
        db.session.rollback()
        return None
    try:
        kind = registry.get_kind(job.kind)
    except registry.UnknownJobKind:
        logger.error("job %s has an unknown kind %r", job_id, job.kind)
        return _finish(job_id, JobState.FAILED, UNEXPECTED_ERROR)
    if job.owner is None or not job.owner.active:
        return _finish(job_id, JobState.FAILED, OWNER_INACTIVE)
    job.state, job.started_at, job.finished_at, job.error = JobState.RUNNING.value, utcnow(), None, None
    db.session.commit()
    started = job.started_at
    ctx = JobContext(job)
    try:
        kind.func(ctx, **ctx.params)
        if not _still_this_run(job_id, started):
            # Queued again while this worker thread went on (the consumer was stopped): the next run counts.
            db.session.rollback()
            ctx.discard_result()
            logger.warning("job %s was queued again while it ran; this run's end does not count", job_id)
            return None
        if ctx._result is not None and not ctx._result.exists():
            job.result_file = None
        if job.total is not None and job.done < job.total:
            job.done = job.total
        job.state, job.finished_at = JobState.DONE.value, utcnow()
        _audit_end(job)
        db.session.commit()
    except registry.JobError as exc:
        kept = ctx.kept_result() if exc.keep_result else None
        db.session.rollback()
        if kept is None:
            ctx.discard_result()
        return _ended(ctx, _finish(job_id, JobState.FAILED, exc.message[:1000], result=kept, started=started))
    except Exception:
        logger.exception("job %s (%s) failed", job_id, job.kind)
        db.session.rollback()
        ctx.discard_result()
        return _ended(ctx, _finish(job_id, JobState.FAILED, UNEXPECTED_ERROR, started=started))
    except BaseException:
        # Interrupted (the consumer stopped): nothing of this run stays; the job is queued again
        # (_requeue_interrupted) and its inputs wait for the next run.
        with contextlib.suppress(Exception):
            db.session.rollback()
        ctx.discard_result()
        raise
    ctx.ended()
    delete_value(progress_key(job_id))
    job_finished.send(job)
    return job


def _ended(ctx, job):
    """After a failure was recorded (``job``; None: the run no longer counted), the job's cleanups."""
    if job is not None:
        ctx.ended()
    return job


@app_task()
def run_job_task(job_id):
    try:
        run(job_id)
    finally:
        db.session.remove()


def enqueue(job_id):
    """Hand the job to the queue (after its record is committed)."""
    run_job_task(job_id)


@huey.signal(SIGNAL_INTERRUPTED)
def _requeue_interrupted(signal, task, *args, **kwargs):
    """A consumer stopped while running a job: the job goes back to 排队中 and into the queue."""
    if not isinstance(task, run_job_task.task_class) or not task.args:
        return
    try:
        with flask_app().app_context():
            requeue(task.args[0])
    except Exception:
        logger.exception("could not requeue interrupted job %s", task.args[0])


def requeue(job_id):
    """Put a 进行中 job (its consumer was stopped or killed) back to 排队中 and into the queue."""
    job = db.session.get(Job, job_id)
    if job is None or job.state != JobState.RUNNING.value:
        db.session.rollback()
        return False
    job.state, job.started_at, job.error = JobState.QUEUED.value, None, None
    job.result_file = None
    db.session.commit()
    db.session.remove()
    enqueue(job_id)
    return True


def requeue_interrupted():
    """After a restart of the one embedded consumer: every 进行中 job was interrupted; queue them again."""
    ids = db.session.scalars(select(Job.id).where(Job.state == JobState.RUNNING.value)).all()
    return sum(1 for job_id in ids if requeue(job_id))
