"""证书信息核对 (系统管理员; HTTP only, every step in app.verification.services):

- the page: upload the certificate authority's register (all or nothing; every row error listed and
  downloadable as Excel with an 错误 column), the imports so far (who, when, file name, rows), and the
  matching of a campaign's or batch's 区县局初审通过 applications;
- after matching: how many are 全部一致 / 有差异 / 未找到, each a link to the 终审 list filtered by that
  mark, and 终审通过 of all 全部一致 rows in one bulk step (the 终审 screen's bulk route).
"""
from urllib.parse import urlencode

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from sqlalchemy import select

from app.campaigns.models import Batch, Campaign
from app.clock import iso_minute
from app.exports.xlsx import XLSX_MIMETYPE
from app.extensions import db
from app.jobs.services import latest_own_job, result_available, submit_job
from app.ocr import services as scans
from app.review.states import State
from app.security import sealed
from app.verification import services
from app.verification.jobs import REGISTER_IMPORT, REGISTER_MATCH
from app.verification.models import MatchResult

#: Row errors listed on the page; all of them are in the downloadable workbook.
ERRORS_SHOWN = 500


def _int_arg(value):
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def final_list_url(campaign_id, batch_id, result=None):
    """The 终审 list of the matched applications, filtered by a 核对结果 mark."""
    args = [("_flt_0_state", State.DISTRICT_APPROVED.value)]
    if campaign_id:
        args.append(("_flt_0_campaign", str(campaign_id)))
    if batch_id:
        args.append(("_flt_0_batch", str(batch_id)))
    if result:
        args.append(("_flt_0_verification", result))
    return args


class RegisterView(BaseView):
    """证书信息核对 of the 市职工技协服务中心."""

    route_base = "/register"
    default_view = "index"
    base_permissions = ["can_list", "can_import", "can_match"]  # noqa: RUF012 (FAB's API)
    method_permission_name = {"index": "list", "upload": "import", "errors": "import",  # noqa: RUF012
                              "match": "match"}

    def _choices(self):
        campaigns = db.session.execute(select(Campaign.id, Campaign.name)
                                       .order_by(Campaign.start_date.desc())).all()
        batches = db.session.execute(
            select(Batch.id, Campaign.name, Batch.name).join(Campaign, Campaign.id == Batch.campaign_id)
            .order_by(Campaign.start_date.desc(), Batch.number)).all()
        return campaigns, batches

    def _selection(self, values):
        """(campaign id, batch id, campaign, batch, problems) of a campaign/batch choice."""
        campaign_id, batch_id = _int_arg(values.get("campaign")), _int_arg(values.get("batch"))
        campaign = db.session.get(Campaign, campaign_id) if campaign_id else None
        batch = db.session.get(Batch, batch_id) if batch_id else None
        problems = {}
        if campaign is None and batch is None:
            problems["campaign"] = "请选择报名活动或批次"
        elif campaign is not None and batch is not None and batch.campaign_id != campaign.id:
            problems["batch"] = "该批次不属于所选报名活动"
        return (campaign.id if campaign else None), (batch.id if batch else None), campaign, batch, problems

    def _summary(self, values):
        """The stored results of the chosen campaign/batch, with links to the 终审 list by mark."""
        campaign_id, batch_id, campaign, batch, problems = self._selection(values)
        if problems:
            return None
        counts = services.stored_summary(g.user, campaign_id, batch_id)
        links = {r.value: url_for("FinalReviewModelView.list") + "?" +
                 urlencode(final_list_url(campaign_id, batch_id, r.value)) for r in MatchResult}
        bulk_url = url_for("FinalReviewModelView.bulk", name="approve_final") + "?" + urlencode(
            final_list_url(campaign_id, batch_id, MatchResult.MATCH.value))
        scope = " ".join(x for x in ((campaign or batch.campaign).name, batch.name if batch else "") if x)
        return {"counts": counts, "links": links, "bulk_url": bulk_url, "scope": scope}

    def render_page(self, *, outcome=None, error_token=None, match_errors=None, form=None, status=200):
        campaigns, batches = self._choices()
        form = form if form is not None else request.args
        summary = self._summary(form) if (form.get("campaign") or form.get("batch")) and not match_errors else None
        imports = services.imports()
        error_job_url = None
        if outcome is None and error_token is None:
            error_token = services.latest_error_token(g.user)
            job = latest_own_job(g.user, REGISTER_IMPORT)
            # A refused background import keeps its error workbook as the job's result, until a later import.
            if job is not None and job.state == "failed" and result_available(job) and not (
                    imports and imports[0].imported_at >= job.finished_at):
                error_job_url = url_for("JobView.download", job_id=job.id)
        return self.render_template(
            "verification/index.html", title=_("证书信息核对"), imports=imports, iso_minute=iso_minute,
            error_job_url=error_job_url,
            outcome=outcome, errors_shown=ERRORS_SHOWN, error_token=error_token, summary=summary,
            match_errors=match_errors or {}, form=form, campaigns=campaigns, batches=batches,
            results=list(MatchResult), headers=services.rules.HEADERS, scan_status=scans.status()), status

    @expose("/")
    @has_access
    def index(self):
        return self.render_page()

    @expose("/upload", methods=["POST"])
    @has_access
    def upload(self):
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            message = "请选择要导入的证书信息Excel文件（.xlsx）"
            return self.render_page(outcome=services.ImportOutcome(
                errors=[services.CellError(None, None, message)], message=message), status=400)
        data = upload.read(services.MAX_REGISTER_BYTES + 1)
        if services.estimated_rows(data) > current_app.config["REGISTER_JOB_THRESHOLD"]:
            token = services.save_upload(g.user, data)
            submit_job(REGISTER_IMPORT, owner=g.user, params={"upload": token, "file_name": upload.filename[:200]})
            flash(_("文件较大，已在后台导入；请在“我的任务”查看进度，导入完成后回到本页核对。"), "info")
            return redirect(url_for("JobView.list"))
        outcome, token = services.import_or_report(g.user, upload.filename, data)
        return self.render_page(outcome=outcome, error_token=token, status=200 if outcome.ok else 400)

    @expose("/errors/<token>")
    @has_access
    def errors(self, token):
        """The error workbook of this user's refused import (404 for anybody else's or an unknown token)."""
        path = services.error_workbook_path(g.user, token)
        if path is None:
            abort(404)
        response = sealed.download(path, "证书信息导入错误报告.xlsx", "register_errors.xlsx", XLSX_MIMETYPE)
        if response is None:
            abort(404)
        return response

    @expose("/match", methods=["POST"])
    @has_access
    def match(self):
        campaign_id, batch_id, campaign, batch, problems = self._selection(request.form)
        if problems:
            return self.render_page(match_errors=problems, form=request.form, status=400)
        back = url_for(".index", **{k: v for k, v in (("campaign", campaign_id), ("batch", batch_id)) if v})
        count = services.queries.count(db.session, g.user, services.matching_filter(campaign_id, batch_id))
        if count > current_app.config["REGISTER_JOB_THRESHOLD"]:
            title = "核对结果_" + "_".join(x for x in ((campaign or batch.campaign).name,
                                                       batch.name if batch else "") if x)
            submit_job(REGISTER_MATCH, owner=g.user,
                       params={"campaign_id": campaign_id, "batch_id": batch_id, "title": title[:150]})
            flash(_("需核对的申请较多，已在后台核对；完成后回到本页查看结果。"), "info")
            return redirect(url_for("JobView.list"))
        services.match_applications(g.user, campaign_id=campaign_id, batch_id=batch_id)
        return redirect(back)
