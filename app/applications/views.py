"""Intake screens of the 基层工会用户 (我要报名, 报名管理, 修改报名表, 撤回) and the application documents
(申请表 print view, attachment downloads) that every role may open within its scope. HTTP only: every
check is made by the intake services and the workflow."""
from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.actions import action
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import FilterEqual, FilterNotEqual, SQLAFilterConverter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.widgets import ListWidget
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField

from app import clock
from app.applications import attachments as files
from app.applications import rules, services
from app.applications.forms import BANK_SUGGESTIONS, ApplicationForm, attachment_input, file_input, store_sent_files
from app.applications.models import Application, Attachment
from app.campaigns import services as campaigns
from app.campaigns.models import Batch, CampaignState
from app.extensions import db
from app.ocr import services as scans
from app.orgs.services import district_of
from app.reference import data
from app.reference.models import ReferenceItem
from app.review import queries, workflow
from app.review.models import ReviewRecord
from app.review.services import ConcurrentChange
from app.review.states import CORRECTABLE, State, title_of
from app.security import sealed
from app.security.access import PRINT, record_application_view
from app.security.scoping import UNIT, get_in_scope_or_404
from app.security.views_base import ScopedModelView

#: The notes (注1–7) of 附件1/附件2; note 2 names the issuing authority of each variant.
ISSUER_NOTE = {
    data.VARIANT_GENERAL: "本市人社主管部门",
    data.VARIANT_INDUSTRY: "国家相关行业主管部门",
}


def form_notes(variant, cert_from=None):
    since = clock.cn_date(cert_from) if cert_from else "2014年1月1日"
    issuer = ISSUER_NOTE.get(variant, ISSUER_NOTE[data.VARIANT_GENERAL])
    return [
        _("申请人须为本市工会会员，并首次获得相应工种的技师（国家职业资格二级）或高级技师（国家职业资格一级）证书。"),
        _("新获技能等级证书须为%(issuer)s颁发，且发证日期为%(since)s以后。", issuer=_(issuer), since=since),
        _("“所属行业”栏应按国民经济行业分类填写，如制造业、建筑业等。"),
        _("“学历”栏填写本人所获最高学历，如小学、初中、高中、中专、大专、本科、硕士研究生、博士研究生等。"),
        _("“原有最高技能等级”、“原有技能等级取得时间”栏填写新晋升为技师或高级技师之前所获得的最高技能等级及取得时间；"
          "其余“工种”、“现晋升的技能等级”等栏目均填写新晋升等级的相关信息，所填信息须与新获等级证书一致。"),
        _("已取得由市总工会发放的工会会员服务卡的申请人填写“工会会员服务卡卡号”栏，不必填写“银行名称及卡号”栏；"
          "未办理或正在办理工会会员服务卡的申请人填写“银行名称及卡号”栏，不必填写“工会会员服务卡号”栏。"),
        _("“单位性质”栏填写申请人所在单位性质，如国有、集体、个私、合资、外资等。"),
    ]


def reference_names():
    """list name → code → name, for showing stored codes (inactive items included)."""
    names = {}
    for item in db.session.scalars(select(ReferenceItem)):
        names.setdefault(item.list_name, {})[item.code] = item.name
    names["skill_level"] = {**data.names(data.SKILL_LEVELS), **names.get("skill_level", {})}
    return names


def own_application_or_404(application_id, user):
    """An application of the user's own unit (the clerk corrects and withdraws only those)."""
    return get_in_scope_or_404(db.session, Application, application_id, user, UNIT)


def scoped_application_or_404(application_id, user):
    return get_in_scope_or_404(db.session, Application, application_id, user)


def attachments_by_kind(attachments):
    chosen = {}
    for attachment in attachments:
        chosen[attachment.kind] = attachment  # the newest of a kind wins
    return chosen


def receive_uploads(user, application=None):
    """Store the files sent with the form and pick, per kind, the scan the form now carries: a new
    upload, else the one uploaded before (its id rides in a hidden input). Returns (by kind, errors)."""
    previous = attachments_by_kind(services.resolve_attachments(
        user, [request.form.get(attachment_input(kind), "") for kind in files.KINDS], application))
    stored, refused = store_sent_files(user, files.KINDS)
    return {**previous, **stored}, {field: [message] for field, message in refused.items()}


def posted_version(value):
    """The version a page was built from (optimistic lock); anything but a number counts as stale."""
    value = (value or "").strip()
    if not value:
        return None
    return int(value) if value.isdigit() else -1


def merge_upload_errors(errors, upload_errors):
    """A refused upload explains the missing scan better than “请上传…”."""
    merged = {k: list(v) for k, v in errors.items()}
    for name, messages in upload_errors.items():
        merged[name] = messages
    return merged


class ApplyView(BaseView):
    """我要报名: the open batches, the 申请表 form of both variants, and 修改报名表."""

    route_base = "/apply"
    default_view = "index"
    method_permission_name = {"index": "apply", "new": "apply", "edit": "apply"}

    @expose("/")
    @has_access
    def index(self):
        day = clock.today()
        return self.render_template("applications/apply_index.html", open_batches=campaigns.open_batches(day),
                                    upcoming=campaigns.upcoming_batches(day), today=day,
                                    variants=data.VARIANTS)

    @expose("/batch/<int:batch_id>", methods=["GET", "POST"])
    @has_access
    def new(self, batch_id):
        user = g.user
        batch = db.session.get(Batch, batch_id)
        if batch is None or batch.campaign.state == CampaignState.DRAFT.value:
            abort(404)
        campaign = batch.campaign
        day = clock.today()
        closed = campaigns.batch_closed_reason(batch, day)
        errors, warnings, chosen = {}, {}, {}
        if request.method == "POST":
            form = ApplicationForm(formdata=request.form)
            chosen, upload_errors = receive_uploads(user)
            db.session.commit()  # uploads outlive a refusal: the user need not choose the files again
            ids = [a.id for a in chosen.values()]
            try:
                if upload_errors:
                    checked = services.submission_check(user, campaign, batch, form.values(), ids, today=day)
                    raise services.ApplicationRejected(merge_upload_errors(checked.errors, upload_errors),
                                                       checked.warnings)
                application = services.submit_application(user, campaign, batch, form.values(), ids, today=day)
                db.session.commit()
            except services.ApplicationRejected as exc:
                db.session.rollback()
                errors, warnings = exc.errors, exc.warnings
            else:
                flash(_("申报成功：%(name)s的申请已提交，状态为“未审核”。请打印申请表，盖章后报送区县局（产业）工会。",
                        name=application.name), "success")
                flash_warnings(application.intake_warnings)
                return redirect(url_for("MyApplicationModelView.show", pk=application.id))
        else:
            form = ApplicationForm()
            variant = request.args.get("variant")
            form.variant.data = variant if variant in dict(data.VARIANTS) else None
            organisation = user.organisation
            form.employer.data = (organisation.unit_name or "") if organisation is not None else ""
        return self.render_form(form, campaign=campaign, batch=batch, closed=closed, errors=errors,
                                warnings=warnings, chosen=chosen, application=None)

    @expose("/edit/<int:application_id>", methods=["GET", "POST"])
    @has_access
    def edit(self, application_id):
        user = g.user
        application = own_application_or_404(application_id, user)
        day = clock.today()
        errors, warnings = {}, {}
        if request.method == "POST":
            form = ApplicationForm(formdata=request.form, include_codes=self._stored_codes(application))
            chosen, upload_errors = receive_uploads(user, application)
            db.session.commit()
            ids = [a.id for a in chosen.values()]
            try:
                if upload_errors:
                    checked = services.correction_check(application, user, form.values(), ids, today=day)
                    raise services.ApplicationRejected(merge_upload_errors(checked.errors, upload_errors),
                                                       checked.warnings)
                services.correct_application(application, user, form.values(), ids,
                                             expected_version=posted_version(form.version.data), today=day)
                db.session.commit()
            except services.ApplicationRejected as exc:
                db.session.rollback()
                errors, warnings = exc.errors, exc.warnings
                application = own_application_or_404(application_id, user)
            else:
                flash(_("修改报名表成功"), "success")
                flash_warnings(application.intake_warnings)
                return redirect(url_for("MyApplicationModelView.show", pk=application.id))
        else:
            try:
                workflow.check("correct", application, user, day)
            except workflow.WorkflowDenied as exc:
                flash(str(exc), "warning")
                return redirect(url_for("MyApplicationModelView.show", pk=application.id))
            form = ApplicationForm(include_codes=self._stored_codes(application))
            form.fill_from(application)
            chosen = attachments_by_kind(application.attachments)
        return self.render_form(form, campaign=application.campaign, batch=application.batch, closed=None,
                                errors=errors, warnings=warnings, chosen=chosen, application=application)

    @staticmethod
    def _stored_codes(application):
        return [application.industry, application.education, application.unit_kind, application.hukou_province,
                application.certificate_issuer]

    def render_form(self, form, **context):
        user = g.user
        organisation = user.organisation
        district = district_of(organisation) if organisation is not None else None
        for name, messages in context["errors"].items():
            if name in rules.FIELD_LABELS:
                getattr(form, name).errors = list(messages)
        context["form_errors"] = context["errors"].get(services.FORM, [])
        summary = []
        for name, messages in context["errors"].items():
            if name == services.FORM:
                continue
            label = rules.FIELD_LABELS.get(name) or files.KIND_TITLES.get(name.replace("attachment_", ""), name)
            summary.extend((name, label, m) for m in messages)
        errors, warnings = context["errors"], context.get("warnings") or {}

        def field_aria(name):
            """An input's ties to its messages: aria-describedby (error-<name>), aria-invalid on an error."""
            attrs = {}
            if errors.get(name) or warnings.get(name):
                attrs["aria-describedby"] = f"error-{name}"
            if errors.get(name):
                attrs["aria-invalid"] = "true"
            return attrs

        return self.render_template(
            "applications/form.html", form=form, field_aria=field_aria, district=district, today=clock.today(),
            kinds=files.KIND_TITLES, required=files.required_kinds, attachment_input=attachment_input,
            file_input=file_input, attachment_field=services.attachment_field, size_text=files.size_text,
            max_upload=files.max_bytes(), banks=BANK_SUGGESTIONS, summary=summary,
            notes=form_notes(form.variant.data, context["campaign"].cert_issued_from),
            general_notes=form_notes(data.VARIANT_GENERAL, context["campaign"].cert_issued_from),
            industry_notes=form_notes(data.VARIANT_INDUSTRY, context["campaign"].cert_issued_from),
            variant_titles=dict(data.VARIANTS), scan_status=scans.status(), scan_kinds=scans.READ_KINDS, **context)


def flash_warnings(warnings):
    for name, messages in (warnings or {}).items():
        for message in messages:
            flash(_("请核对%(label)s：%(message)s", label=rules.FIELD_LABELS.get(name, name), message=message),
                  "warning")


#: Rows of an Excel intake whose hints are flashed one by one (the rest are counted).
FLASHED_ROW_WARNINGS = 20


def flash_warnings_of_rows(rows):
    """The hints that did not block an Excel intake, per row: [(row number, name, {field: [messages]})]."""
    lines = [(number, name, rules.FIELD_LABELS.get(field, field), message)
             for number, name, warnings in rows for field, messages in warnings.items() for message in messages]
    for number, name, label, message in lines[:FLASHED_ROW_WARNINGS]:
        flash(_("第%(row)s行（%(name)s）请核对%(label)s：%(message)s", row=number, name=name, label=label,
                message=message), "warning")
    if len(lines) > FLASHED_ROW_WARNINGS:
        flash(_("另有%(n)s条提示未逐条列出", n=len(lines) - FLASHED_ROW_WARNINGS), "warning")


class ApplicationDocumentView(BaseView):
    """申请表 print view and attachment downloads, for anyone whose scope includes the application."""

    route_base = "/application"
    default_view = "print_form"
    method_permission_name = {"print_form": "print", "attachment": "download"}

    @expose("/<int:application_id>/print")
    @has_access
    def print_form(self, application_id):
        application = scoped_application_or_404(application_id, g.user)
        # Every role that may print sees the numbers whole (app.masking.WHOLE_NUMBER_ROLES): record it.
        record_application_view(g.user, application, PRINT)
        return self.render_template(
            "applications/print.html", item=application, names=reference_names(),
            notes=form_notes(application.variant, application.campaign.cert_issued_from),
            attachments=application.attachments, kinds=files.KIND_TITLES)

    @expose("/attachment/<int:attachment_id>")
    @has_access
    def attachment(self, attachment_id):
        user = g.user
        attachment = db.session.get(Attachment, attachment_id)
        if attachment is None:
            abort(404)
        if attachment.application_id is None:
            # Not submitted yet: only its uploader has it (on a refused form).
            if attachment.uploaded_by_id != user.id:
                abort(404)
        else:
            scoped_application_or_404(attachment.application_id, user)
        path = files.stored_path(attachment)
        extension = files.EXTENSIONS.get(attachment.content_type, "")
        name = attachment.original_name
        if extension and not name.lower().endswith(extension) and not (
                extension == ".jpg" and name.lower().endswith(".jpeg")):
            name += extension
        # Images (checked by Pillow) are shown in the browser; a PDF is handed over as a download. The file is
        # decrypted as it is sent (app/security/sealed.py).
        response = sealed.download(path, name, f"attachment_{attachment.id}{extension}", attachment.content_type,
                                   inline=attachment.content_type != files.PDF)
        if response is None:
            abort(404)
        response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


# ------------------------------------------------------------------------------------------------
# 报名管理 of the 基层工会用户
# ------------------------------------------------------------------------------------------------

class StateFilterConverter(SQLAFilterConverter):
    """The state is filtered by “equal to” one of its Chinese titles only."""

    def convert(self, col_name):
        if col_name == "state":
            return [FilterEqual(col_name, self.datamodel)]
        return super().convert(col_name)


class ApplicationInterface(SQLAInterface):
    filter_converter_class = StateFilterConverter


class FilterScans(BaseFilter):
    """扫描件: 缺少扫描件 / 扫描件齐全 (app.review.queries.scans_condition, the review lists' own filter)."""

    name = _l("等于")
    arg_name = "eq"

    def apply(self, query, value):
        return query.filter(queries.scans_condition(value))


class MyApplicationListWidget(ListWidget):
    template = "applications/my_list_widget.html"


STATE_CHOICES = [(s.value, s.title) for s in State]


class MyApplicationModelView(ScopedModelView):
    """报名管理: the applications of the clerk's own unit (报名表名称, 起始时间, 结束时间, 姓名, 状态, 操作)."""

    datamodel = ApplicationInterface(Application)
    base_permissions = ["can_list", "can_show"]
    scope_kind = UNIT
    list_title = _l("报名管理")
    show_title = _l("查看报名表")
    list_columns = ["form_name", "batch.opens_on", "batch.system_deadline", "name", "masked_id_number",
                    "new_level_title", "state_title"]
    label_columns = {
        "form_name": _l("报名表名称"), "batch.opens_on": _l("起始时间"), "batch.system_deadline": _l("结束时间"),
        "name": _l("姓名"), "masked_id_number": _l("身份证号码"), "new_level_title": _l("现晋升的技能等级"),
        "state_title": _l("状态"), "state": _l("状态"), "campaign": _l("报名活动"), "batch": _l("批次"),
        "certificate_no": _l("等级证书编号"), "scans": _l("扫描件"),
    }
    search_columns = ["state", "name", "certificate_no", "campaign", "scans"]
    search_form_extra_fields = {"state": SelectField(_l("状态"), choices=STATE_CHOICES),
                                "scans": SelectField(_l("扫描件"), choices=queries.SCANS_CHOICES)}
    # 扫描件 is no column of the application: only a filter.
    search_filter_overrides = {"scans": [FilterScans]}
    search_form_query_rel_fields = {"campaign": [["state", FilterNotEqual, CampaignState.DRAFT.value]]}
    order_columns = ["name"]
    # Newest first, as submitted; the id breaks ties (ix_applications_org_submitted_id serves it).
    base_order = ("submitted_at", "desc")
    list_eager = ("batch", "campaign")
    list_widget = MyApplicationListWidget
    list_template = "applications/my_list.html"
    show_template = "applications/my_show.html"

    def list_widget_extra(self, items):
        return {"missing_scans": files.missing_by_application(items),
                "scan_differs": scans.differing_by_application(items)}

    def list_rows(self, filters, order_column, order_direction, page, page_size):
        return self.ids_first_rows(filters, order_column, order_direction, page, page_size)

    @expose("/list/")
    @has_access
    def list(self):
        widgets = self._list()
        return self.render_template(self.list_template, title=self.list_title, widgets=widgets)

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        item = self.get_scoped_or_404(pk)
        user = g.user
        day = clock.today()
        allowed = {t.name for t in workflow.available_transitions(item, user, day)}
        # A missing 修改报名表 says why (e.g. the batch has closed) where the state alone would allow it.
        correct_refused = None
        if "correct" not in allowed and State(item.state) in CORRECTABLE:
            try:
                workflow.check("correct", item, user, day)
            except workflow.WorkflowDenied as denied:
                correct_refused = str(denied)
        reviews = db.session.scalars(select(ReviewRecord).where(ReviewRecord.application_id == item.id)
                                     .order_by(ReviewRecord.id)).all()
        page = self.render_template(
            self.show_template, title=self.show_title, item=item, names=reference_names(), allowed=allowed,
            correct_refused=correct_refused, reviews=reviews, action_titles=workflow.ACTION_TITLES, state_title=title_of,
            local_time=clock.local_time, kinds=files.KIND_TITLES, size_text=files.size_text,
            attachments=item.attachments, notes=form_notes(item.variant, item.campaign.cert_issued_from),
            missing_scans=files.missing_titles(item), scan_warnings=scans.warnings_of(item))
        record_application_view(user, item)  # once the page holding the numbers exists (its commit reloads nothing)
        return page

    @action("withdraw", _l("撤回"), confirmation=_l("撤回后该申请将标记为“已撤回”，不能再修改。确定撤回吗？"),
            icon="fa-undo", multiple=False, single=True)
    def withdraw(self, item):
        try:
            services.withdraw_application(item, g.user, expected_version=posted_version(request.form.get("version")))
            db.session.commit()
        except (workflow.WorkflowDenied, ConcurrentChange) as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            flash(_("已撤回%(name)s的申请", name=item.name), "success")
        return redirect(url_for("MyApplicationModelView.show", pk=item.id))
