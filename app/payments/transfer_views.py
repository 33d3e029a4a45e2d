"""划拨 screens (HTTP only; every change goes through app.payments.transfers):

- 奖励资金划拨 (市总财务): per 区县局（产业）工会 × batch the 终审通过 applications not yet funded, with the amount
  due; a whole row is funded at once with the transfer date and voucher number, or opened to fund ticked ones;
- 划拨记录 (市总财务, 系统管理员, 区县局管理员 for its own): the transfers, each with its applications; the district
  records 已发放至职工 for a whole transfer in one step.

A district, batch or transfer outside the user's scope answers 404.
"""
from flask import abort, g, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.applications.models import Application
from app.campaigns.models import Batch
from app.campaigns.requests import organisation_in_scope, submitted_request
from app.clock import iso_date, iso_minute
from app.clock import today as shanghai_today
from app.extensions import db
from app.masking import mask_card
from app.payments import services as payments
from app.payments import transfers as svc
from app.payments.models import Transfer
from app.review import decisions
from app.review.states import State
from app.security.scoping import get_in_scope_or_404


def money_text(value):
    """1234.5 → '1,234.50'; None → '—'."""
    return "—" if value is None else f"{value:,.2f}"


def load_batch_or_404(batch_id):
    batch = db.session.get(Batch, batch_id) if 0 < batch_id < 2 ** 31 else None
    if batch is None:
        abort(404)
    return batch


def load_district_or_404(district_id):
    district = organisation_in_scope(g.user, district_id)
    if district is None:
        abort(404)
    return district


class FundingDueView(BaseView):
    """奖励资金划拨 of 市总财务部: what is due per district and batch, funded a row or ticked rows at a time."""

    route_base = "/payments/due"
    default_view = "list"
    method_permission_name = {"list": "list", "fund_row": "fund", "row": "show", "fund_ticked": "fund"}

    def render_list(self, errors=None, values=None, notice=None, key=None, status=200):
        rows = svc.due_rows(g.user)
        return self.render_template(
            "payments/due_list.html", title=_("奖励资金划拨"), rows=rows, errors=errors or {}, values=values or {},
            notice=notice, key=key, today=shanghai_today().isoformat(), money=money_text), status

    @expose("/list/")
    @has_access
    def list(self):
        return self.render_list()

    def form_values(self):
        return {"transferred_on": request.form.get("transferred_on", ""),
                "voucher_no": request.form.get("voucher_no", "")}

    def render_result(self, result, district, batch, back):
        return self.render_template("payments/fund_result.html", title=_("划拨结果"), result=result,
                                    district=district, batch=batch, back=back, money=money_text,
                                    iso_date=iso_date)

    def _fund(self, district, batch, targets, expected, on_refusal, back):
        try:
            result = svc.fund_transfer(g.user, district, batch, self.form_values(), targets=targets,
                                       expected=expected)
            db.session.commit()
        except svc.TransferInvalid as exc:
            db.session.rollback()
            return on_refusal(errors=exc.errors)
        except svc.TransferDenied as exc:
            db.session.rollback()
            return on_refusal(notice=str(exc))
        except IntegrityError:
            # Another finance user took the same voucher number a moment ago.
            db.session.rollback()
            return on_refusal(errors={"voucher_no": "该凭证号刚被使用，请核对"})
        return self.render_result(result, district, batch, back)

    @expose("/<int:batch_id>/<int:district_id>/fund", methods=["POST"])
    @has_access
    def fund_row(self, batch_id, district_id):
        """The whole row: every 终审通过 application of the district and batch, as confirmed on the list."""
        batch, district = load_batch_or_404(batch_id), load_district_or_404(district_id)
        expected = (request.form.get("expected_count", type=int), request.form.get("expected_total", ""))
        key = f"{batch.id}-{district.id}"

        def refusal(errors=None, notice=None):
            return self.render_list(errors=errors, values=self.form_values(), notice=notice, key=key)

        return self._fund(district, batch, None, expected, refusal, url_for(".list"))

    def render_row(self, district, batch, errors=None, values=None, notice=None, ticked=None):
        row = svc.due_row(g.user, batch.id, district.id)
        items = svc.due_applications(g.user, district.id, batch.id)
        return self.render_template(
            "payments/due_row.html", title=_("奖励资金划拨") + f"：{district.name} {batch.name}", row=row,
            items=items, district=district, batch=batch, errors=errors or {}, values=values or {},
            notice=notice, ticked=ticked, today=shanghai_today().isoformat(), money=money_text,
            amount_for=_city_amount_or_none, versions=dict(request.form.lists()) if request.method == "POST" else {})

    @expose("/<int:batch_id>/<int:district_id>/")
    @has_access
    def row(self, batch_id, district_id):
        batch, district = load_batch_or_404(batch_id), load_district_or_404(district_id)
        return self.render_row(district, batch)

    @expose("/<int:batch_id>/<int:district_id>/ticked", methods=["POST"])
    @has_access
    def fund_ticked(self, batch_id, district_id):
        batch, district = load_batch_or_404(batch_id), load_district_or_404(district_id)
        targets = []
        for raw in request.form.getlist("rowid"):
            try:
                pk = int(raw)
            except ValueError:
                abort(404)
            application = get_in_scope_or_404(db.session, Application, pk, g.user)
            version = request.form.get(f"version_{application.id}", type=int)
            targets.append((application.id, version if version is not None else -1))
        ticked = {pk for pk, _v in targets}

        def refusal(errors=None, notice=None):
            return self.render_row(district, batch, errors=errors, values=self.form_values(), notice=notice,
                                   ticked=ticked)

        if not targets:
            return refusal(errors={"rowid": "请至少勾选一份申请"})
        return self._fund(district, batch, targets, None, refusal, url_for(".row", batch_id=batch.id,
                                                                           district_id=district.id))


def _city_amount_or_none(application):
    try:
        return payments.city_amount_for(application)
    except payments.PaymentInvalid:
        return None


class TransferView(BaseView):
    """划拨记录: the transfers in the user's scope; a district pays a whole transfer to its workers."""

    route_base = "/payments/transfers"
    default_view = "list"
    method_permission_name = {"list": "list", "show": "show", "pay": "pay"}

    @expose("/list/")
    @has_access
    def list(self):
        rows = svc.transfers_for(g.user)
        return self.render_template("payments/transfer_list.html", title=_("划拨记录"), transfers=rows,
                                    money=money_text, iso_date=iso_date, iso_minute=iso_minute)

    def load(self, pk):
        return get_in_scope_or_404(db.session, Transfer, pk, g.user, column="district_id")

    def render_show(self, transfer, errors=None, values=None, notice=None):
        items = svc.transfer_items(transfer)
        unpaid = sum(1 for _item, app in items if app.state == State.FUNDED.value)
        request_ = submitted_request(transfer.district_id, transfer.batch_id)
        can_pay = self.appbuilder.sm.has_access("can_pay", self.class_permission_name) and unpaid > 0
        return self.render_template(
            "payments/transfer_show.html", title=_("划拨单") + f" {transfer.voucher_no}", transfer=transfer,
            items=items, unpaid=unpaid, matching=request_, can_pay=can_pay, errors=errors or {},
            values=values or {}, notice=notice, today=shanghai_today().isoformat(), money=money_text,
            iso_date=iso_date, iso_minute=iso_minute, mask_card=mask_card, card_of=payments.default_card,
            funded_state=State.FUNDED.value)

    @expose("/<int:pk>/")
    @has_access
    def show(self, pk):
        return self.render_show(self.load(pk))

    @expose("/<int:pk>/pay", methods=["POST"])
    @has_access
    def pay(self, pk):
        """已发放至职工 for every unpaid application of the transfer, on the day typed."""
        transfer = self.load(pk)
        today = shanghai_today()
        params, errors = decisions.parse("record_payment", request.form, bulk=True, today=today)
        values = {"paid_on": request.form.get("paid_on", "")}
        if errors:
            return self.render_show(transfer, errors=errors, values=values)
        if params["paid_on"] < transfer.transferred_on:
            return self.render_show(transfer, values=values, errors={
                "paid_on": f"发放至职工日期不能早于划拨日期（{transfer.transferred_on:%Y-%m-%d}）"})
        if submitted_request(transfer.district_id, transfer.batch_id) is None:
            return self.render_show(transfer, values=values, notice=(
                f"{transfer.district.name}尚未提交{transfer.batch.name}的申请单，请先在申请单中填写配套奖励方案并提交"))
        result = svc.pay_transfer(g.user, transfer, params, today=today)
        decision = decisions.DECISIONS["record_payment"]
        return self.render_template(
            "review/bulk_result.html", title=f"批量{decision.title}：结果", decision=decision, result=result,
            back=url_for(".show", pk=transfer.id))
