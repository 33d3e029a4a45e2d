"""证书信息核对 as background jobs (app/jobs): a large register import and a large matching run in the queue's
consumer with progress on 我的任务; small ones stay in the request (app/verification/views.py decides)."""
from sqlalchemy import select

from app.applications.models import Application
from app.exports.xlsx import Column, write_xlsx
from app.extensions import db
from app.jobs.registry import JobError, job_kind
from app.verification import rules, services
from app.verification.models import MatchResult, RegisterMatch

REGISTER_IMPORT = "register_import"
REGISTER_MATCH = "register_match"
#: Row problems quoted in a failed import's message (all of them are in the error workbook).
ERRORS_QUOTED = 5


@job_kind(REGISTER_IMPORT, title="导入证书信息")
def run_register_import(ctx, upload, file_name):
    """Import the register kept as ``upload`` (a token of app.verification.services.save_upload); the upload is
    deleted when the job is over, not when it is interrupted (it runs again after the start)."""
    ctx.at_end(lambda: services.discard_upload(ctx.owner, upload))
    data = services.read_upload(ctx.owner, upload)
    if data is None:
        raise JobError("上传的文件已不存在，请重新导入")
    outcome = services.import_register(ctx.owner, file_name, data, progress=ctx.progress)
    if not outcome.ok:
        # Failed with a result: the error workbook is the job's file (我的任务, and 证书信息核对 offers it).
        kept = bool(outcome.rows)
        if kept:
            with ctx.result_file(ERROR_WORKBOOK) as target:
                services.write_error_workbook(target, outcome)
        raise JobError(failure_message(outcome, kept), keep_result=kept)
    services.forget_error_workbooks(ctx.owner)
    ctx.progress(outcome.register_import.row_count, outcome.register_import.row_count)


#: The download name of a refused import's error workbook.
ERROR_WORKBOOK = "证书信息导入错误报告.xlsx"


def failure_message(outcome, kept):
    if outcome.message:
        return f"文件未导入：{outcome.message}"
    quoted = "；".join(str(e) for e in outcome.errors[:ERRORS_QUOTED])
    more = "……" if len(outcome.errors) > ERRORS_QUOTED else ""
    where = "错误报告（Excel）可在“我的任务”或“证书信息核对”页面下载。" if kept else ""
    return f"文件未导入：共发现{len(outcome.errors)}处错误，请改正后重新导入整份文件。{quoted}{more}。{where}"


MATCH_COLUMNS = [Column("姓名", 10), Column("单位", 28), Column("等级证书编号", 22, "text"), Column("核对结果", 10),
                 Column("不一致的项目", 40)]


@job_kind(REGISTER_MATCH, title="核对证书信息")
def run_register_match(ctx, campaign_id=None, batch_id=None, title="核对结果"):
    """Match the campaign's/batch's 区县局初审通过 applications; the result list is the job's file."""
    summary = services.match_applications(ctx.owner, campaign_id=campaign_id, batch_id=batch_id,
                                          progress=ctx.progress)
    flt = services.matching_filter(campaign_id, batch_id)
    ids = services.queries.ids(db.session, ctx.owner, flt)

    def rows():
        for start in range(0, len(ids), services.LOOKUP_CHUNK):
            chunk = ids[start:start + services.LOOKUP_CHUNK]
            found = db.session.execute(
                select(Application, RegisterMatch).join(RegisterMatch, RegisterMatch.application_id == Application.id)
                .where(Application.id.in_(chunk)).order_by(Application.id)).all()
            for application, match in found:
                org = application.organisation
                yield [application.name, (org.unit_name or org.name) if org else "", application.certificate_no,
                       MatchResult.title_of(match.result),
                       "、".join(rules.COMPARED[c] for c in match.difference_list)]
    with ctx.result_file(f"{title}.xlsx") as out:
        write_xlsx(out, MATCH_COLUMNS, rows(), sheet_title="核对结果")
    ctx.progress(summary.total, summary.total)
