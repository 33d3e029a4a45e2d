"""Starting jobs and reading them for 我的任务.

``submit_job(kind, owner=user, params={...})`` records the job (排队中), commits, then hands it to the queue;
the caller redirects the user to 我的任务 (``url_for("JobView.list")``).
"""
import json
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.accounts.events import record_event
from app.clock import utcnow
from app.extensions import db
from app.jobs import registry, runner
from app.jobs.models import ACTIVE_STATES, Job, JobState
from app.jobs.queue import peek_value

#: 我的任务 lists this many of the user's newest jobs.
LIST_LIMIT = 50


def submit_job(kind, *, owner, params=None, organisation=None):
    """Record a job of the registered ``kind`` for ``owner`` (排队中), commit, and enqueue it.

    ``params`` are the keyword arguments of the kind's function; they must be JSON (ids, codes, text).
    The session is committed: call this when the request's own changes are ready to be kept too.
    """
    declared = registry.get_kind(kind)  # UnknownJobKind for a typo, before anything is written
    params = dict(params or {})
    json.dumps(params)  # TypeError here rather than in the consumer
    if organisation is None:
        organisation_id = getattr(owner, "organisation_id", None)
    else:
        organisation_id = organisation.id
    job = Job(owner_id=owner.id, organisation_id=organisation_id, kind=kind, params=params,
              state=JobState.QUEUED.value, done=0)
    db.session.add(job)
    if declared.changes_data:
        db.session.flush()
        record_event("job_submitted", user=owner, detail=f"{declared.title}（任务编号 {job.id}）")
    db.session.commit()
    runner.enqueue(job.id)
    return job


#: session.info key of the jobs waiting for their transaction's commit (submit_after_commit).
_AFTER_COMMIT = "jobs_after_commit"


def submit_after_commit(kind, *, owner, params=None):
    """Queue a job of ``kind`` for ``owner`` once the current transaction commits; nothing if it rolls back.

    For work that follows a service's change (the caller does not commit, the view or the import does): the
    job record is written in its own short transaction after the commit, then handed to the queue. Jobs of one
    kind and owner asked for in one transaction become one job when their params differ only by lists
    (merged in order): a whole Excel intake queues one job, not one per row."""
    registry.get_kind(kind)
    params = dict(params or {})
    json.dumps(params)
    waiting = db.session().info.setdefault(_AFTER_COMMIT, {})
    key = (kind, owner.id, getattr(owner, "organisation_id", None))
    merged = waiting.setdefault(key, {})
    for name, value in params.items():
        if isinstance(value, list):
            known = merged.setdefault(name, [])
            known.extend(v for v in value if v not in known)
        else:
            merged[name] = value


@event.listens_for(Session, "after_commit")
def _submit_waiting(session):
    waiting = session.info.pop(_AFTER_COMMIT, None)
    if not waiting:
        return
    # The committed session may not run SQL any more: the records get a session of their own.
    with Session(bind=db.engine) as own:
        jobs = [Job(owner_id=owner_id, organisation_id=organisation_id, kind=kind, params=params,
                    state=JobState.QUEUED.value, done=0)
                for (kind, owner_id, organisation_id), params in waiting.items()]
        own.add_all(jobs)
        own.commit()
        ids = [job.id for job in jobs]
    for job_id in ids:
        runner.enqueue(job_id)


@event.listens_for(Session, "after_rollback")
def _drop_waiting(session):
    session.info.pop(_AFTER_COMMIT, None)


def own_jobs(user, limit=LIST_LIMIT):
    """The user's newest jobs of the kinds 我的任务 lists, newest first."""
    statement = select(Job).where(Job.owner_id == user.id)
    hidden = registry.unlisted_kinds()
    if hidden:
        statement = statement.where(Job.kind.not_in(hidden))
    return db.session.scalars(statement.order_by(Job.id.desc()).limit(limit)).all()


def own_job_or_none(user, job_id):
    """The job ``job_id`` if ``user`` started it (nobody else's, whatever their role)."""
    return db.session.scalars(select(Job).where(Job.id == job_id, Job.owner_id == user.id)).first()


def progress_of(job):
    """(done, total, percent or None) of a job: live figures while it runs, the recorded ones after."""
    done, total = job.done or 0, job.total
    if job.state == JobState.RUNNING.value:
        live = peek_value(runner.progress_key(job.id))
        if live:
            done, total = live
    if job.state == JobState.DONE.value:
        return done, total, 100
    if not total:
        return done, total, 0 if job.state == JobState.QUEUED.value else None
    return done, total, min(100, int(done * 100 / total))


def result_available(job):
    """The job's result file is there to download: a finished job's, or the one a failed job kept (错误清单)."""
    path = runner.result_file_path(job)
    return job.state in (JobState.DONE.value, JobState.FAILED.value) and path is not None and path.is_file()


def latest_own_job(user, kind, **params):
    """The newest job of ``kind`` that ``user`` started with these parameter values (None without one)."""
    jobs = db.session.scalars(select(Job).where(Job.owner_id == user.id, Job.kind == kind)
                              .order_by(Job.id.desc()).limit(LIST_LIMIT))
    for job in jobs:
        if all((job.params or {}).get(key) == value for key, value in params.items()):
            return job
    return None


def delete_expired_results(days=None):
    """Delete result files of jobs finished more than ``days`` (JOB_RESULT_DAYS) ago. Returns how many."""
    days = current_app.config.get("JOB_RESULT_DAYS", 7) if days is None else days
    cutoff = utcnow() - timedelta(days=days)
    jobs = db.session.scalars(select(Job).where(Job.result_file.is_not(None), Job.finished_at < cutoff)).all()
    paths = [runner.result_file_path(job) for job in jobs]
    for job in jobs:
        job.result_file = None
    db.session.commit()
    # Files go after the rows no longer point at them: a failed commit leaves no row without its file.
    for path in paths:
        path.unlink(missing_ok=True)
    return len(jobs)


def delete_orphan_result_files():
    """Files in JOB_RESULT_DIR that no job points at (a consumer killed while writing). Returns how many."""
    folder = Path(current_app.config["JOB_RESULT_DIR"])
    if not folder.is_dir():
        return 0
    known = set(db.session.scalars(select(Job.result_file).where(Job.result_file.is_not(None))))
    running = set(db.session.scalars(select(Job.id).where(Job.state.in_(ACTIVE_STATES))))
    removed = 0
    for path in folder.iterdir():
        job_id = path.name.partition("-")[0]
        if path.name in known or (job_id.isdigit() and int(job_id) in running):
            continue
        path.unlink(missing_ok=True)
        removed += 1
    return removed
