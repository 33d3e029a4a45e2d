"""申请单 screens (HTTP only; every change goes through app.campaigns.requests):

- 申请单 (区县局管理员): its own 申请单 per batch; fill, 保存, 提交, print;
- 申请单汇总 (系统管理员): every 区县局（产业）工会's 申请单 of a batch with its state, one page each with 退回,
  the list as Excel, print.

Addresses carry the batch and the organisation; an organisation outside the user's scope answers 404.
"""

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _

from app.campaigns import requests as svc
from app.clock import iso_date, iso_minute, local_time, today
from app.exports.downloads import download_buffer, xlsx_response
from app.exports.services import export_file_name, record_export
from app.exports.xlsx import write_xlsx
from app.extensions import db
from app.orgs.models import OrgKind
from app.security.arguments import is_id
from app.security.scoping import SUBTREE, UNIT

EXPORT_KIND = "district_requests_xlsx"


def _state_title(code):
    """A 申请单's state as its trail shows it."""
    return {"draft": _("已填写"), "submitted": _("已提交")}.get(code, code)


def paper_title(organisation):
    """The form's own title: 附件3 (区县) or 附件4 (产业局)."""
    suffix = "产业局" if organisation.kind == OrgKind.INDUSTRY.value else "区县"
    return f"上海职工晋升技师、高级技师奖励申请单（{suffix}）"


class _RequestPages(BaseView):
    """What both screens share: finding the batch and organisation, the page and the print view."""

    default_view = "list"
    #: The scope kind an organisation id in the address must lie in.
    scope_kind = SUBTREE
    editable = False

    def load(self, batch_id, org_id):
        batch = svc.visible_batch(batch_id)
        organisation = svc.organisation_in_scope(g.user, org_id, self.scope_kind)
        if batch is None or organisation is None:
            abort(404)
        return batch, organisation

    def page_context(self, batch, organisation):
        day = today()
        item = svc.find_request(organisation.id, batch.id)
        live = svc.counts_for(g.user, organisation, batch)
        snapshot = svc.submitted_counts(item)
        return dict(
            batch=batch, organisation=organisation, item=item, live=live, snapshot=snapshot,
            differences=svc.count_differences(snapshot, live), status=svc.status_of(item, batch, day),
            count_labels=svc.COUNT_LABELS, deadline_passed=svc.paper_deadline_passed(batch, day),
            is_industry=organisation.kind == OrgKind.INDUSTRY.value, paper_title=paper_title(organisation),
            trail=item.events if item is not None else [], action_titles=svc.ACTION_TITLES,
            state_title=_state_title, iso_minute=iso_minute,
            iso_date=iso_date, editable=self.editable,
        )

    def render_page(self, batch, organisation, *, values=None, errors=None, notice=None, reason="", status=200):
        context = self.page_context(batch, organisation)
        context.update(values=values if values is not None else svc.form_values(context["item"]),
                       errors=errors or {}, notice=notice, reason=reason,
                       print_url=url_for(".print_form", batch_id=batch.id, org_id=organisation.id),
                       back=self.back_url(batch))
        return self.render_template("requests/show.html", title=context["paper_title"], **context), status

    def render_print(self, batch, organisation):
        context = self.page_context(batch, organisation)
        return self.render_template("requests/print.html", **context)


class DistrictRequestView(_RequestPages):
    """申请单 of the signed-in 区县局（产业）工会 admin: its own organisation only."""

    route_base = "/district-request"
    scope_kind = UNIT
    editable = True
    method_permission_name = {"list": "list", "edit": "edit", "print_form": "print"}

    def back_url(self, batch):
        return url_for(".list")

    @expose("/list/")
    @has_access
    def list(self):
        rows = svc.own_rows(g.user)
        return self.render_template("requests/own_list.html", title=_("申请单"), rows=rows,
                                    organisation=g.user.organisation, today=today())

    @expose("/<int:batch_id>/<int:org_id>/", methods=["GET", "POST"])
    @has_access
    def edit(self, batch_id, org_id):
        """GET: the 申请单 page. POST: 保存 (do=save) or 提交 (do=submit) what was typed."""
        batch, organisation = self.load(batch_id, org_id)
        if request.method == "GET":
            return self.render_page(batch, organisation)
        verb = request.form.get("do")
        if verb not in ("save", "submit"):
            abort(400)
        version = request.form.get("version", type=int)
        form = {key: request.form.get(key, "") for key in svc.FIELD_LABELS}
        try:
            if verb == "save":
                svc.save_request(g.user, organisation, batch, form, expected_version=version)
                message = _("申请单已保存。核对无误后请点击“提交”。")
            else:
                svc.submit_request(g.user, organisation, batch, form, expected_version=version)
                message = _("申请单已提交，请打印后由分管领导、经办人签字并盖章，按时报送市职工技协服务中心。")
            db.session.commit()
        except svc.RequestInvalid as exc:
            db.session.rollback()
            return self.render_page(batch, organisation, values=form, errors=exc.errors, status=200)
        except svc.RequestDenied as exc:
            db.session.rollback()
            return self.render_page(batch, organisation, values=form, notice=str(exc), status=200)
        flash(message, "success")
        return redirect(url_for(".edit", batch_id=batch.id, org_id=organisation.id))

    @expose("/<int:batch_id>/<int:org_id>/print")
    @has_access
    def print_form(self, batch_id, org_id):
        batch, organisation = self.load(batch_id, org_id)
        return self.render_print(batch, organisation)


class DistrictRequestAdminView(_RequestPages):
    """申请单汇总 of the 市职工技协服务中心: every 区县局（产业）工会 of a batch."""

    route_base = "/district-requests"
    method_permission_name = {"list": "list", "show": "show", "return_request": "return", "excel": "excel",
                              "print_form": "print"}

    def back_url(self, batch):
        return url_for(".list", batch=batch.id)

    def chosen_batch(self, batches):
        raw = request.args.get("batch", "")
        if raw:
            batch = svc.visible_batch(int(raw)) if is_id(raw) else None
            if batch is None:
                abort(404)
            return batch
        day = today()
        # The batch whose paper deadline comes next, else the latest one.
        current = sorted((b for b in batches if b.opens_on <= day <= b.paper_deadline), key=lambda b: b.paper_deadline)
        return current[0] if current else (batches[0] if batches else None)

    @expose("/list/")
    @has_access
    def list(self):
        batches = svc.visible_batches()
        batch = self.chosen_batch(batches)
        rows = svc.batch_rows(g.user, batch) if batch is not None else []
        tally = {}
        for row in rows:
            tally[row.status] = tally.get(row.status, 0) + 1
        return self.render_template(
            "requests/admin_list.html", title=_("申请单汇总"), batches=batches, batch=batch, rows=rows,
            tally=[(s, tally.get(s, 0)) for s in svc.RequestStatus], iso_minute=iso_minute)

    @expose("/<int:batch_id>/<int:org_id>/")
    @has_access
    def show(self, batch_id, org_id):
        batch, organisation = self.load(batch_id, org_id)
        return self.render_page(batch, organisation)

    @expose("/<int:batch_id>/<int:org_id>/return", methods=["POST"])
    @has_access
    def return_request(self, batch_id, org_id):
        batch, organisation = self.load(batch_id, org_id)
        item = svc.find_request(organisation.id, batch.id)
        reason = request.form.get("reason", "")
        try:
            svc.return_request(g.user, item, reason, expected_version=request.form.get("version", type=int))
            db.session.commit()
        except svc.RequestInvalid as exc:
            db.session.rollback()
            return self.render_page(batch, organisation, errors=exc.errors, reason=reason)
        except svc.RequestDenied as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return redirect(url_for(".show", batch_id=batch.id, org_id=organisation.id))
        flash(_("已退回%(name)s的申请单，该单位可修改后重新提交。", name=organisation.name), "success")
        return redirect(url_for(".show", batch_id=batch.id, org_id=organisation.id))

    @expose("/<int:batch_id>/excel")
    @has_access
    def excel(self, batch_id):
        batch = svc.visible_batch(batch_id)
        if batch is None:
            abort(404)
        rows = svc.batch_rows(g.user, batch)
        day = today()
        file_name = export_file_name("申请单汇总", batch.campaign.name, batch.name, f"{day:%Y%m%d}")
        target = download_buffer()
        count = write_xlsx(target, svc.excel_columns(), svc.excel_rows(rows, local_time), sheet_title="申请单汇总")
        record_export(g.user, EXPORT_KIND, f"报名活动：{batch.campaign.name}；批次：{batch.name}", count, file_name)
        db.session.commit()
        return xlsx_response(target, file_name, f"district_requests_{day:%Y%m%d}.xlsx")

    @expose("/<int:batch_id>/<int:org_id>/print")
    @has_access
    def print_form(self, batch_id, org_id):
        batch, organisation = self.load(batch_id, org_id)
        return self.render_print(batch, organisation)

