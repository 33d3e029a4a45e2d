"""批量导入 of the 基层工会用户: the template of a batch, the upload of a filled one (with a zip of scans),
the refusal listing every problem (row, column, message) and its download as Excel. HTTP only: every check
is made by app.applications.bulk through the intake services. The same permission as 我要报名."""
import json

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _

from app import clock
from app.applications import attachments as files
from app.applications import bulk
from app.applications import services as intake_services
from app.applications.jobs import BULK_INTAKE
from app.applications.views import flash_warnings_of_rows, form_notes
from app.campaigns import services as campaigns
from app.campaigns.models import Batch, CampaignState
from app.exports.downloads import download_buffer, xlsx_response
from app.exports.services import export_file_name
from app.exports.reader import XlsxRejected, check_archive
from app.extensions import db
from app.jobs import uploads
from app.jobs.services import latest_own_job, submit_job
from app.jobs.views import job_json
from app.reference import data

#: How many problems the page lists (all of them are in the Excel download).
SHOWN_PROBLEMS = 500


def _batch_or_404(batch_id):
    batch = db.session.get(Batch, batch_id)
    if batch is None or batch.campaign.state == CampaignState.DRAFT.value:
        abort(404)
    return batch


def _estimated_rows(workbook):
    """Rows of the uploaded workbook as its raw XML says (before reading it); 0 when it is refused (the
    request then reports why)."""
    try:
        return check_archive(workbook, max_rows=bulk.MAX_ROWS)
    except XlsxRejected:
        return 0


class BulkIntakeView(BaseView):
    """批量导入: /apply/bulk/<batch> (page and upload), …/template (the blank workbook), /apply/bulk/errors."""

    route_base = "/apply/bulk"
    class_permission_name = "ApplyView"
    method_permission_name = {"page": "apply", "template": "apply", "errors": "apply"}

    @expose("/<int:batch_id>", methods=["GET", "POST"])
    @has_access
    def page(self, batch_id):
        batch = _batch_or_404(batch_id)
        day = clock.today()
        closed = campaigns.batch_closed_reason(batch, day)
        if request.method == "GET":
            return self.render_page(batch, closed=closed)
        upload = request.files.get("workbook")
        if upload is None or not upload.filename:
            return self.render_page(batch, closed=closed, missing=_("请选择填好的Excel文件（.xlsx）"))
        workbook = upload.stream.read(bulk.MAX_WORKBOOK_BYTES + 1)
        scans = request.files.get("scans")
        scans_zip = scans.stream if scans is not None and scans.filename else None
        rows = _estimated_rows(workbook)
        if rows > current_app.config["INTAKE_JOB_THRESHOLD"] and not intake_services.submission_refusals(
                g.user, batch, day):
            return self.submit_background(batch, upload.filename, workbook, scans_zip, rows)
        intake = bulk.import_applications(g.user, batch, workbook, scans_zip, today=day)
        if not intake.ok:
            db.session.rollback()
            return self.render_page(batch, closed=closed, intake=intake, file_name=upload.filename)
        try:
            db.session.commit()
        except Exception:
            db.session.rollback()
            intake.discard_files()
            raise
        message = _("导入成功：%(count)s份申请已提交，状态为“未审核”。", count=len(intake.created))
        if intake.lacking_scans:
            message += _("其中%(count)s份缺少扫描件，请在报名管理中打开申请、点“修改报名表”补传，"
                         "补齐前区县局不能审核通过。", count=intake.lacking_scans)
        flash(message, "success")
        flash_warnings_of_rows(intake.warnings)
        return redirect(url_for("MyApplicationModelView.list"))

    def submit_background(self, batch, file_name, workbook, scans_zip, rows):
        """A large file: the workbook and the zip (copied in chunks, never held in memory) wait as uploads
        of this user for the 批量导入 job; the user follows it on 我的任务."""
        params = {"batch_id": batch.id, "workbook": uploads.keep_upload(g.user, workbook, ".xlsx"),
                  "file_name": file_name[:200],
                  "description": f"{batch.campaign.name} {batch.name}：{file_name[:100]}"}
        if scans_zip is not None:
            params["scans"] = uploads.keep_upload(g.user, scans_zip, ".zip")
        submit_job(BULK_INTAKE, owner=g.user, params=params)
        flash(_("文件较大（约%(rows)s行），已在后台导入；请在“我的任务”查看进度。有任何问题则一份也不导入，"
                "错误清单可在“我的任务”和批量导入页面下载。", rows=max(rows - 1, 0)), "info")
        return redirect(url_for("JobView.list"))

    def render_page(self, batch, *, closed=None, intake=None, file_name="", missing=None):
        problems = intake.problems if intake else []
        job = latest_own_job(g.user, BULK_INTAKE, batch_id=batch.id)
        return self.render_template(
            "applications/bulk.html", title=_("批量导入"), batch=batch, campaign=batch.campaign, closed=closed,
            intake=intake, problems=problems[:SHOWN_PROBLEMS], problem_count=len(problems),
            problems_json=json.dumps([[p.row, p.name, p.column, p.message] for p in problems], ensure_ascii=False),
            file_name=file_name, missing=missing, max_rows=bulk.MAX_ROWS, example_id=bulk.EXAMPLE_ID,
            last_job=job_json(job) if job is not None else None,
            kinds=[(files.KIND_FILE_NAMES[k][0], files.KIND_TITLES[k]) for k in files.KINDS],
            max_upload_mb=files.max_bytes() // (1024 * 1024),
            max_request_mb=(current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024), today=clock.today())

    @expose("/<int:batch_id>/template")
    @has_access
    def template(self, batch_id):
        batch = _batch_or_404(batch_id)
        target = download_buffer()
        bulk.write_template(target, batch.campaign, batch, form_notes(data.VARIANT_GENERAL,
                                                                      batch.campaign.cert_issued_from))
        name = export_file_name("批量导入模板", batch.campaign.name, batch.name)
        return xlsx_response(target, name, f"intake_template_{batch.id}.xlsx")

    @expose("/errors", methods=["POST"])
    @has_access
    def errors(self):
        """The problems the page showed, as a workbook (they travel back in the form: nothing is kept)."""
        try:
            rows = json.loads(request.form.get("problems") or "[]")
            problems = [bulk.Problem(int(r) if r not in (None, "") else None, str(c), str(m), str(n))
                        for r, n, c, m in rows]
        except (ValueError, TypeError):
            abort(400)
        target = download_buffer()
        bulk.write_problems(target, problems)
        return xlsx_response(target, export_file_name("批量导入错误清单", clock.today().isoformat()),
                             "intake_errors.xlsx")
