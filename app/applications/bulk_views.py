"""批量导入 of the 基层工会用户: the template of a batch, the upload of a filled one (with a zip of scans),
the refusal listing every problem (row, column, message) and its download as Excel. HTTP only: every check
is made by app.applications.bulk through the intake services. The same permission as 我要报名."""
import json
import tempfile

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _

from app import clock
from app.applications import attachments as files
from app.applications import bulk
from app.applications.views import flash_warnings_of_rows, form_notes
from app.campaigns import services as campaigns
from app.campaigns.models import Batch, CampaignState
from app.exports.downloads import xlsx_response
from app.exports.services import export_file_name
from app.exports.xlsx import write_xlsx
from app.extensions import db
from app.reference import data

#: How many problems the page lists (all of them are in the Excel download).
SHOWN_PROBLEMS = 500


def _batch_or_404(batch_id):
    batch = db.session.get(Batch, batch_id)
    if batch is None or batch.campaign.state == CampaignState.DRAFT.value:
        abort(404)
    return batch


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

    def render_page(self, batch, *, closed=None, intake=None, file_name="", missing=None):
        problems = intake.problems if intake else []
        return self.render_template(
            "applications/bulk.html", title=_("批量导入"), batch=batch, campaign=batch.campaign, closed=closed,
            intake=intake, problems=problems[:SHOWN_PROBLEMS], problem_count=len(problems),
            problems_json=json.dumps([[p.row, p.name, p.column, p.message] for p in problems], ensure_ascii=False),
            file_name=file_name, missing=missing, max_rows=bulk.MAX_ROWS, example_id=bulk.EXAMPLE_ID,
            kinds=[(files.KIND_FILE_NAMES[k][0], files.KIND_TITLES[k]) for k in files.KINDS],
            max_upload_mb=files.max_bytes() // (1024 * 1024),
            max_request_mb=(current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024), today=clock.today())

    @expose("/<int:batch_id>/template")
    @has_access
    def template(self, batch_id):
        batch = _batch_or_404(batch_id)
        target = tempfile.TemporaryFile()
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
        target = tempfile.TemporaryFile()
        write_xlsx(target, bulk.PROBLEM_COLUMNS, bulk.problem_rows(problems), sheet_title="错误清单")
        return xlsx_response(target, export_file_name("批量导入错误清单", clock.today().isoformat()),
                             "intake_errors.xlsx")
