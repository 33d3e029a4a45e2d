"""The 汇总表 as a background job: over EXPORT_JOB_THRESHOLD rows it is written by the queue's consumer,
streamed (rows in chunks from the database, openpyxl write-only to a file), with progress on 我的任务.
The job record keeps who exported what and when; the export itself is recorded as every export is
(app/exports/services.py)."""
from dataclasses import asdict, fields

from app import clock
from app.exports import summary
from app.extensions import db
from app.jobs.registry import job_kind
from app.review import queries

SUMMARY_JOB = "summary_export"


def filter_params(flt):
    """A queries.ApplicationFilter as JSON job parameters."""
    return {key: list(value) for key, value in asdict(flt).items()}


def filter_from_params(values):
    known = {f.name for f in fields(queries.ApplicationFilter)}
    return queries.ApplicationFilter(**{k: tuple(str(v) for v in values[k]) for k in known if k in values})


@job_kind(SUMMARY_JOB, title="导出汇总表")
def run_summary_export(ctx, filter, description="", organisation=None, campaign=None, batch=None, detail=None):  # noqa: A002
    user = ctx.owner
    flt = filter_from_params(filter)
    total = queries.count(db.session, user, flt)
    ctx.progress(0, total)
    file_name = summary.summary_file_name(organisation, campaign, batch, clock.today())
    with ctx.result_file(file_name) as out:
        count, _name = summary.export_summary(
            out, user, flt, description=description, organisation=organisation, campaign=campaign, batch=batch,
            file_name=file_name, progress=lambda done: ctx.progress(done, max(total, done)))
    ctx.progress(count, count)
