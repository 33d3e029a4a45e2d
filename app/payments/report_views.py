"""发放情况备案 and 对账 screens (HTTP only; figures from app.payments.reports and app.payments.reconciliation).

- 发放情况备案: a 区县局（产业）工会 sees its batches with money, generates its report, submits it (kept with who
  and when), prints it on one A4 page and downloads it as Excel; the city sees per batch which districts have
  reported and whether their figures moved since;
- 对账: per district × batch in the user's scope, the city's 划拨 against what reached the workers and the
  district's 配套 against its 申请单, each difference flagged; the same rows as Excel.
"""

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from sqlalchemy import select

from app.campaigns.models import Batch, Campaign
from app.campaigns.requests import is_requesting
from app.clock import iso_date, iso_minute
from app.clock import today as shanghai_today
from app.exports.downloads import download_buffer, xlsx_response
from app.exports.services import export_file_name, record_export
from app.exports.xlsx import write_xlsx
from app.extensions import db
from app.payments import reconciliation as recon
from app.payments import reports as svc
from app.payments.transfer_views import load_batch_or_404, load_district_or_404, money_text

REPORT_EXPORT_KIND = "payment_report_xlsx"


class PaymentReportView(BaseView):
    """发放情况备案: the district's report per batch; the city's overview of who has reported."""

    route_base = "/payments/reports"
    default_view = "list"
    method_permission_name = {"list": "list", "show": "show", "submit": "submit", "print_report": "print",
                              "excel": "excel"}

    def own_district(self):
        org = getattr(g.user, "organisation", None)
        return org if is_requesting(org) else None

    @expose("/list/")
    @has_access
    def list(self):
        batches = svc.money_batches(g.user)
        district = self.own_district()
        if district is not None:
            rows = [row for batch in batches for row in svc.overview(g.user, batch) if row.district.id == district.id]
            return self.render_template("payments/report_own_list.html", title=_("发放情况备案"), rows=rows,
                                        money=money_text, iso_minute=iso_minute)
        raw = request.args.get("batch", "")
        batch = None
        if raw:
            batch = next((b for b in batches if str(b.id) == raw), None)
            if batch is None:
                abort(404)
        elif batches:
            batch = batches[0]
        rows = svc.overview(g.user, batch) if batch is not None else []
        return self.render_template(
            "payments/report_city_list.html", title=_("发放情况备案"), batches=batches, batch=batch, rows=rows,
            reported=sum(1 for r in rows if r.reported), money=money_text, iso_minute=iso_minute)

    def context(self, batch, district):
        live = svc.live_figures(g.user, district, batch)
        trail = svc.history(district, batch)
        latest = trail[0] if trail else None
        return dict(batch=batch, district=district, live=live, latest=latest, trail=trail,
                    reported=svc.figures_of(latest) if latest else None, money=money_text, iso_minute=iso_minute,
                    iso_date=iso_date, today=shanghai_today(),
                    changed=latest is not None and svc.figures_of(latest).as_tuple() != live.as_tuple())

    @expose("/<int:batch_id>/<int:district_id>/")
    @has_access
    def show(self, batch_id, district_id):
        batch, district = load_batch_or_404(batch_id), load_district_or_404(district_id)
        can_submit = (self.appbuilder.sm.has_access("can_submit", self.class_permission_name)
                      and self.own_district() is not None and self.own_district().id == district.id)
        return self.render_template("payments/report_show.html", title=_("发放情况备案") + f"：{district.name}",
                                    can_submit=can_submit, **self.context(batch, district))

    @expose("/<int:batch_id>/<int:district_id>/submit", methods=["POST"])
    @has_access
    def submit(self, batch_id, district_id):
        batch, district = load_batch_or_404(batch_id), load_district_or_404(district_id)
        try:
            svc.submit_report(g.user, district, batch)
            db.session.commit()
        except svc.ReportDenied as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return redirect(url_for(".show", batch_id=batch.id, district_id=district.id))
        flash(_("发放情况已报市职工技协服务中心备案。"), "success")
        return redirect(url_for(".show", batch_id=batch.id, district_id=district.id))

    @expose("/<int:batch_id>/<int:district_id>/print")
    @has_access
    def print_report(self, batch_id, district_id):
        batch, district = load_batch_or_404(batch_id), load_district_or_404(district_id)
        return self.render_template("payments/report_print.html", **self.context(batch, district))

    @expose("/<int:batch_id>/<int:district_id>/excel")
    @has_access
    def excel(self, batch_id, district_id):
        batch, district = load_batch_or_404(batch_id), load_district_or_404(district_id)
        context = self.context(batch, district)
        figures = context["reported"] or context["live"]
        day = shanghai_today()
        file_name = export_file_name("发放情况备案", district.name, batch.campaign.name, batch.name, f"{day:%Y%m%d}")
        target = download_buffer()
        count = write_xlsx(target, svc.excel_columns(), svc.excel_rows(figures), sheet_title="发放情况备案")
        record_export(g.user, REPORT_EXPORT_KIND, f"{district.name}；{batch.campaign.name}{batch.name}", count,
                      file_name)
        db.session.commit()
        return xlsx_response(target, file_name, f"payment_report_{day:%Y%m%d}.xlsx")


def _id_arg(name):
    raw = request.args.get(name, "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        abort(404)
    return int(raw)


class ReconciliationView(BaseView):
    """对账 of the city (every district) and of a district (its own subtree)."""

    route_base = "/payments/reconciliation"
    default_view = "list"
    method_permission_name = {"list": "list", "excel": "excel"}

    def chosen(self):
        campaign_id, batch_id = _id_arg("campaign"), _id_arg("batch")
        if campaign_id is not None and db.session.get(Campaign, campaign_id) is None:
            abort(404)
        if batch_id is not None and db.session.get(Batch, batch_id) is None:
            abort(404)
        return campaign_id, batch_id

    def describe(self, campaign_id, batch_id):
        parts = []
        if campaign_id:
            parts.append(f"报名活动：{db.session.get(Campaign, campaign_id).name}")
        if batch_id:
            batch = db.session.get(Batch, batch_id)
            parts.append(f"批次：{batch.campaign.name}{batch.name}")
        return "；".join(parts) or "全部"

    @expose("/list/")
    @has_access
    def list(self):
        campaign_id, batch_id = self.chosen()
        rows = recon.reconciliation_rows(g.user, campaign_id=campaign_id, batch_id=batch_id)
        campaigns = db.session.scalars(select(Campaign).order_by(Campaign.start_date.desc(), Campaign.id.desc())).all()
        batches = db.session.scalars(select(Batch).join(Campaign, Campaign.id == Batch.campaign_id).order_by(
            Campaign.start_date.desc(), Campaign.id.desc(), Batch.number)).all()
        return self.render_template(
            "payments/reconciliation.html", title=_("对账"), rows=rows, totals=recon.totals(rows),
            flagged=sum(1 for r in rows if r.flagged), days=recon.unpaid_days(), campaigns=campaigns,
            batches=batches, campaign_id=campaign_id, batch_id=batch_id, money=money_text,
            query=request.query_string.decode("ascii", "ignore"))

    @expose("/excel/")
    @has_access
    def excel(self):
        campaign_id, batch_id = self.chosen()
        rows = recon.reconciliation_rows(g.user, campaign_id=campaign_id, batch_id=batch_id)
        target = download_buffer()
        file_name = recon.export_reconciliation(target, g.user, rows, description=self.describe(campaign_id, batch_id))
        db.session.commit()
        return xlsx_response(target, file_name, f"reconciliation_{shanghai_today():%Y%m%d}.xlsx")
