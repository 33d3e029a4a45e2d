"""证书信息核对 (系统管理员; HTTP only, every step in app.verification.services):

- the page: upload the certificate authority's register (all or nothing; every row error listed and
  downloadable as Excel with an 错误 column), the imports so far (who, when, file name, rows), and the
  matching of a campaign's or batch's 区县局初审通过 applications;
- after matching: how many are 全部一致 / 有差异 / 未找到, each a link to the 终审 list filtered by that
  mark, and 终审通过 of all 全部一致 rows in one bulk step (the 终审 screen's bulk route).
"""
from urllib.parse import urlencode

from flask import abort, g, request, session, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from sqlalchemy import select

from app.campaigns.models import Batch, Campaign
from app.clock import iso_minute
from app.exports.downloads import xlsx_response
from app.extensions import db
from app.review.states import State
from app.verification import services
from app.verification.models import MatchResult

#: Row errors listed on the page; all of them are in the downloadable workbook.
ERRORS_SHOWN = 500
_SESSION_KEY = "register_error_file"


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

    def render_page(self, *, outcome=None, error_token=None, summary=None, match_errors=None, form=None,
                    status=200):
        campaigns, batches = self._choices()
        form = form or {}
        return self.render_template(
            "verification/index.html", title=_("证书信息核对"), imports=services.imports(), iso_minute=iso_minute,
            outcome=outcome, errors_shown=ERRORS_SHOWN, error_token=error_token, summary=summary,
            match_errors=match_errors or {}, form=form, campaigns=campaigns, batches=batches,
            results=list(MatchResult), headers=services.rules.HEADERS), status

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
        outcome = services.import_register(g.user, upload.filename, data)
        if outcome.ok:
            session.pop(_SESSION_KEY, None)
            return self.render_page(outcome=outcome)
        token = services.save_error_workbook(outcome) if outcome.rows else None
        if token:
            session[_SESSION_KEY] = token
        return self.render_page(outcome=outcome, error_token=token, status=400)

    @expose("/errors/<token>")
    @has_access
    def errors(self, token):
        """The error workbook of this user's last refused import (404 for any other token)."""
        if session.get(_SESSION_KEY) != token:
            abort(404)
        path = services.error_workbook_path(token)
        if path is None:
            abort(404)
        return xlsx_response(open(path, "rb"), "证书信息导入错误报告.xlsx", "register_errors.xlsx")

    @expose("/match", methods=["POST"])
    @has_access
    def match(self):
        campaign_id = _int_arg(request.form.get("campaign"))
        batch_id = _int_arg(request.form.get("batch"))
        batch = db.session.get(Batch, batch_id) if batch_id else None
        campaign = db.session.get(Campaign, campaign_id) if campaign_id else None
        problems = {}
        if campaign is None and batch is None:
            problems["campaign"] = "请选择报名活动或批次"
        if campaign is not None and batch is not None and batch.campaign_id != campaign.id:
            problems["batch"] = "该批次不属于所选报名活动"
        if problems:
            return self.render_page(match_errors=problems, form=request.form, status=400)
        summary = services.match_applications(g.user, campaign_id=campaign_id, batch_id=batch_id)
        links = {r.value: url_for("FinalReviewModelView.list") + "?" +
                 urlencode(final_list_url(campaign_id, batch_id, r.value)) for r in MatchResult}
        bulk_url = url_for("FinalReviewModelView.bulk", name="approve_final") + "?" + urlencode(
            final_list_url(campaign_id, batch_id, MatchResult.MATCH.value))
        scope = " ".join(x for x in ((campaign or (batch and batch.campaign)).name, batch.name if batch else "") if x)
        return self.render_page(summary={"counts": summary, "links": links, "bulk_url": bulk_url, "scope": scope},
                                form=request.form)

