"""Background work of the applications domain:

- 批量导入 of a large file (over INTAKE_JOB_THRESHOLD rows) as a job: the workbook and its zip of scans wait
  as stored uploads (app.jobs.uploads), the same all-or-nothing intake as in the request
  (app.applications.bulk), progress on 我的任务; a refused file fails the job keeping its 错误清单 as the
  job's result (downloaded from 我的任务 and the 批量导入 page);
- uploads that never became part of an application are deleted after attachments.ORPHAN_DAYS (hourly; also
  ``flask purge-uploads``). No page does this: a GET never changes a file or a row.
"""
import contextlib
import logging

from app.applications import bulk
from app.applications.attachments import purge_stale_uploads
from app.campaigns.models import Batch
from app.extensions import db
from app.jobs import uploads
from app.jobs.queue import app_periodic_task, crontab
from app.jobs.registry import JobError, job_kind
from app.security import sealed

logger = logging.getLogger(__name__)

BULK_INTAKE = "bulk_intake"
#: The download name of a refused file's problems.
PROBLEMS_FILE = "批量导入错误清单.xlsx"
#: Problems quoted in a refused job's message (all of them are in the 错误清单).
PROBLEMS_QUOTED = 3


def refusal_message(problems):
    quoted = "；".join((f"第{p.row}行 " if p.row is not None else "") + (f"{p.column}：" if p.column else "")
                      + p.message for p in problems[:PROBLEMS_QUOTED])
    more = "……" if len(problems) > PROBLEMS_QUOTED else ""
    return (f"文件未导入（一份也没有提交）：共{len(problems)}处问题，请下载错误清单改正后重新上传整份文件。"
            f"{quoted}{more}")


@job_kind(BULK_INTAKE, title="批量导入申请", changes_data=True)
def run_bulk_intake(ctx, batch_id, workbook, scans=None, file_name="", description=""):
    """Import the kept ``workbook`` (and ``scans``, a kept zip) into batch ``batch_id`` as the job's owner.
    The uploads are deleted when the job is over, not when it is interrupted (it runs again after the start);
    the scans written go with the job's transaction if it does not commit (app.applications.attachments)."""
    ctx.at_end(lambda: uploads.discard_upload(ctx.owner, workbook))
    if scans:
        ctx.at_end(lambda: uploads.discard_upload(ctx.owner, scans))
    batch = db.session.get(Batch, batch_id)
    workbook_path = uploads.upload_path(ctx.owner, workbook)
    scans_path = uploads.upload_path(ctx.owner, scans) if scans else None
    if batch is None or workbook_path is None or (scans and scans_path is None):
        raise JobError("上传的文件已不存在，请重新上传")
    with uploads.seekable(scans_path) if scans_path else contextlib.nullcontext() as zip_stream:
        intake = bulk.import_applications(ctx.owner, batch, sealed.read_bytes(workbook_path), zip_stream,
                                          progress=ctx.progress)
    if not intake.ok:
        with ctx.result_file(PROBLEMS_FILE) as target:
            bulk.write_problems(target, intake.problems)
        raise JobError(refusal_message(intake.problems), keep_result=True)
    # The rows are committed with the job's 已完成 by the runner.
    ctx.progress(len(intake.created), len(intake.created))  # 我的任务 shows “N / N” applications
    return None


@app_periodic_task(crontab(minute="35"))
def purge_stale_uploads_hourly():
    count = purge_stale_uploads()
    if count:
        logger.info("stale uploads deleted: %s", count)
    return count
