"""Campaign screens: the manual's list (后台管理页面) with 报名数 for every role that sees campaigns, the
campaign page with its batches, rewards, description and audit trail, and the system admin's forms and
verbs. HTTP only: every rule is in app.campaigns.rules, every change in app.campaigns.services."""
from math import ceil

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import StringField, TextAreaField

from app import clock
from app.campaigns import rules, services
from app.campaigns.models import Batch, Campaign, CampaignState
from app.extensions import db
from app.security.views_base import GuardedModelView

CAMPAIGN_LABELS = {
    "name": _l("报名名称"), "category": _l("类别"), "start_date": _l("起始时间"), "end_date": _l("截止时间"),
    "state": _l("状态"), "state_title": _l("状态"), "created_by": _l("创建人"),
    "cert_issued_from": _l("证书发证日期起"), "cert_issued_to": _l("证书发证日期止"),
    "reward_technician": _l("新晋升技师奖励（元/人）"), "reward_senior_technician": _l("新晋升高级技师奖励（元/人）"),
    "description": _l("活动说明"), "contacts": _l("联系方式"), "batches": _l("批次"), "created_at": _l("创建时间"),
    "application_count": _l("报名数"),
}
BATCH_LABELS = {
    "campaign": _l("报名活动"), "number": _l("序号"), "name": _l("批次名称"), "opens_on": _l("受理开始"),
    "system_deadline": _l("系统受理截止"), "paper_deadline": _l("书面材料截止"),
}
#: Suggestions for 类别 (the old system's list showed 其它 for everything).
CATEGORIES = ("技师奖励", "技能培训", "创新成果", "评优评先", "其它")
VERBS = {"publish": services.publish_campaign, "end": services.end_campaign,
         "unpublish": services.unpublish_campaign}


def _date_field(label):
    return StringField(label, render_kw={"type": "date", "placeholder": _l("如 2015-04-10")})


def _amount_field(label):
    return StringField(label, render_kw={"inputmode": "decimal", "maxlength": 14, "placeholder": "0.00"})


def _saved(save, message):
    """Run ``save()`` and commit, flashing ``message`` (or ``message(result)``): (its result, {}) or, refused,
    (None, the errors by field) with nothing written."""
    try:
        result = save()
        db.session.commit()
    except services.CampaignInvalid as exc:
        db.session.rollback()
        return None, exc.errors
    flash(message(result) if callable(message) else message, "success")
    return result, {}


def _committed(act):
    """Run ``act()`` and commit: True, or refused, False with the reason flashed and nothing written."""
    try:
        act()
        db.session.commit()
    except services.CampaignRefused as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return False
    return True


class CampaignForm(FlaskForm):
    """Carries the typed strings only; app.campaigns.rules decides."""

    name = StringField(CAMPAIGN_LABELS["name"], render_kw={"maxlength": 200})
    category = StringField(CAMPAIGN_LABELS["category"], render_kw={"maxlength": 50, "list": "categories"})
    start_date = _date_field(CAMPAIGN_LABELS["start_date"])
    end_date = _date_field(CAMPAIGN_LABELS["end_date"])
    cert_issued_from = _date_field(CAMPAIGN_LABELS["cert_issued_from"])
    cert_issued_to = _date_field(CAMPAIGN_LABELS["cert_issued_to"])
    reward_technician = _amount_field(CAMPAIGN_LABELS["reward_technician"])
    reward_senior_technician = _amount_field(CAMPAIGN_LABELS["reward_senior_technician"])
    description = TextAreaField(CAMPAIGN_LABELS["description"], render_kw={"rows": 10})
    contacts = TextAreaField(CAMPAIGN_LABELS["contacts"], render_kw={"rows": 4})

    def values(self):
        return {name: self[name].data for name in rules.CAMPAIGN_FIELDS}


class BatchForm(FlaskForm):
    number = StringField(BATCH_LABELS["number"], render_kw={"inputmode": "numeric", "maxlength": 2})
    name = StringField(BATCH_LABELS["name"], render_kw={"maxlength": 50, "placeholder": _l("如：第一批")})
    opens_on = _date_field(BATCH_LABELS["opens_on"])
    system_deadline = _date_field(BATCH_LABELS["system_deadline"])
    paper_deadline = _date_field(BATCH_LABELS["paper_deadline"])

    def values(self):
        return {name: self[name].data for name in rules.BATCH_FIELDS}


def _as_text(value):
    if value is None:
        return ""
    if hasattr(value, "year"):
        return clock.iso_date(value)
    return str(value)


def _parse_page(value):
    try:
        page = int(value or 0)
    except (TypeError, ValueError):
        abort(400)
    if not 0 <= page < 100000:
        abort(400)
    return page


class CampaignView(BaseView):
    """报名活动: every role lists and reads; the system admin creates, changes, publishes and ends."""

    route_base = "/campaigns"
    default_view = "list"
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_delete", "can_publish"]
    method_permission_name = {
        "list": "list", "show": "show", "add": "add", "edit": "edit", "delete": "delete",
        "add_batch": "edit", "edit_batch": "edit", "delete_batch": "delete", "verb": "publish",
    }

    def can(self, permission):
        return self.appbuilder.sm.has_access(f"can_{permission}", self.class_permission_name)

    def campaign_or_404(self, campaign_id):
        """The campaign, if this user may see it: drafts only for those who manage campaigns."""
        campaign = db.session.get(Campaign, campaign_id)
        if campaign is None or (campaign.state == CampaignState.DRAFT.value and not self.can("edit")):
            abort(404)
        return campaign

    def batch_or_404(self, campaign, batch_id):
        batch = db.session.get(Batch, batch_id)
        if batch is None or batch.campaign_id != campaign.id:
            abort(404)
        return batch

    # --- reading ---------------------------------------------------------------------------------------

    @expose("/")
    @has_access
    def list(self):
        states = dict(CampaignState.choices())
        state = request.args.get("state") or ""
        if state and state not in states:
            abort(400)
        search = (request.args.get("q") or "").strip()[:100]
        page = _parse_page(request.args.get("page"))
        manage = self.can("edit")
        rows, total = services.campaign_rows(g.user, state=state or None, search=search, page=page,
                                             include_drafts=manage)
        pages = max(1, ceil(total / services.PAGE_SIZE))
        state_choices = CampaignState.choices() if manage else [
            c for c in CampaignState.choices() if c[0] != CampaignState.DRAFT.value]

        def page_url(n):
            args = {k: v for k, v in (("state", state), ("q", search)) if v}
            if n:
                args["page"] = n
            return url_for(".list", **args)

        return self.render_template(
            "campaigns/list.html", rows=rows, total=total, page=page, pages=pages, page_url=page_url,
            state=state, search=search, state_choices=state_choices, manage=manage, iso_date=clock.iso_date)

    @expose("/<int:campaign_id>")
    @has_access
    def show(self, campaign_id):
        campaign = self.campaign_or_404(campaign_id)
        return self.render_page(campaign)

    def render_page(self, campaign, batch_form=None, editing=None, status=200):
        """The campaign page; ``batch_form`` (with its errors) when a batch is being added or changed."""
        manage = self.can("edit")
        day = clock.today()
        if manage and batch_form is None:
            batch_form = BatchForm(formdata=None)
            next_number = max((b.number for b in campaign.batches), default=0) + 1
            batch_form.number.data = str(next_number)
            batch_form.name.data = rules.default_batch_name(next_number) if next_number < 100 else ""
        batch_errors = {}
        if batch_form is not None:
            batch_errors = {name: " ".join(str(e) for e in field.errors)
                            for name, field in batch_form._fields.items() if field.errors}
            batch_errors.update(getattr(batch_form, "errors_by_field", {}))
        used = services.has_applications(campaign=campaign) if manage else True
        batch_used = {b.id: services.has_applications(batch=b) for b in campaign.batches} if manage else {}
        return self.render_template(
            "campaigns/show.html", campaign=campaign, manage=manage, day=day,
            count=services.campaign_count(campaign, g.user), batch_counts=services.batch_counts(campaign, g.user),
            batch_states={b.id: services.batch_state(b, day) for b in campaign.batches},
            batch_state_titles=services.BATCH_STATE_TITLES, batch_form=batch_form, batch_errors=batch_errors,
            editing=editing,
            verbs=services.available_verbs(campaign) if manage else [],
            can_delete=manage and self.can("delete") and not used, batch_used=batch_used,
            events=services.campaign_events(campaign) if manage else [],
            action_titles=services.ACTION_TITLES, funded=manage and services.has_funded_applications(campaign),
            iso_date=clock.iso_date, iso_minute=clock.iso_minute), status

    # --- the campaign form -----------------------------------------------------------------------------

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def add(self):
        form = CampaignForm()
        errors = {}
        if request.method == "GET":
            form.category.data = CATEGORIES[0]
        elif form.validate_on_submit():
            campaign, errors = _saved(lambda: services.create_campaign(g.user, form.values()),
                                      _l("报名活动已保存为草稿；请添加批次并填写奖励金额后发布。"))
            if campaign is not None:
                return redirect(url_for(".show", campaign_id=campaign.id))
        return self.render_form(form, errors, None)

    @expose("/<int:campaign_id>/edit", methods=["GET", "POST"])
    @has_access
    def edit(self, campaign_id):
        campaign = self.campaign_or_404(campaign_id)
        errors = {}
        if request.method == "GET":
            form = CampaignForm(formdata=None, data={k: _as_text(v) for k, v in
                                                     services.campaign_values(campaign).items()})
        else:
            form = CampaignForm()
            if form.validate_on_submit():
                saved, errors = _saved(lambda: services.update_campaign(g.user, campaign, form.values()) or campaign,
                                       _l("报名活动已保存。"))
                if saved is not None:
                    return redirect(url_for(".show", campaign_id=campaign.id))
        return self.render_form(form, errors, campaign)

    def render_form(self, form, errors, campaign):
        errors = {**{name: " ".join(str(e) for e in field.errors) for name, field in form._fields.items()
                     if field.errors}, **errors}
        locked_rewards = campaign is not None and services.has_funded_applications(campaign)
        return self.render_template("campaigns/form.html", form=form, errors=errors, campaign=campaign,
                                    categories=CATEGORIES, locked_rewards=locked_rewards)

    # --- batches, on the campaign page -----------------------------------------------------------------

    @expose("/<int:campaign_id>/batches/new", methods=["POST"])
    @has_access
    def add_batch(self, campaign_id):
        campaign = self.campaign_or_404(campaign_id)
        form = BatchForm()
        if not form.validate_on_submit():
            return self.render_page(campaign, batch_form=form, status=400)
        batch, form.errors_by_field = _saved(lambda: services.add_batch(g.user, campaign, form.values()),
                                             lambda added: _l("已添加%(name)s。", name=added.name))
        if batch is None:
            return self.render_page(db.session.get(Campaign, campaign_id), batch_form=form)
        return redirect(url_for(".show", campaign_id=campaign.id) + "#batches")

    @expose("/<int:campaign_id>/batches/<int:batch_id>/edit", methods=["GET", "POST"])
    @has_access
    def edit_batch(self, campaign_id, batch_id):
        campaign = self.campaign_or_404(campaign_id)
        batch = self.batch_or_404(campaign, batch_id)
        if request.method == "GET":
            form = BatchForm(formdata=None, data={name: _as_text(getattr(batch, name))
                                                  for name in rules.BATCH_FIELDS})
            return self.render_page(campaign, batch_form=form, editing=batch)
        form = BatchForm()
        if not form.validate_on_submit():
            return self.render_page(campaign, batch_form=form, editing=batch, status=400)
        saved, form.errors_by_field = _saved(lambda: services.update_batch(g.user, batch, form.values()) or batch,
                                             _l("批次已保存。"))
        if saved is None:
            campaign = db.session.get(Campaign, campaign_id)
            return self.render_page(campaign, batch_form=form, editing=db.session.get(Batch, batch_id))
        return redirect(url_for(".show", campaign_id=campaign.id) + "#batches")

    @expose("/<int:campaign_id>/batches/<int:batch_id>/delete", methods=["POST"])
    @has_access
    def delete_batch(self, campaign_id, batch_id):
        campaign = self.campaign_or_404(campaign_id)
        batch = self.batch_or_404(campaign, batch_id)
        name = batch.name
        if _committed(lambda: services.delete_batch(g.user, batch)):
            flash(_l("已删除%(name)s。", name=name), "success")
        return redirect(url_for(".show", campaign_id=campaign_id) + "#batches")

    # --- verbs -----------------------------------------------------------------------------------------

    @expose("/<int:campaign_id>/<string:verb_name>", methods=["POST"])
    @has_access
    def verb(self, campaign_id, verb_name):
        service = VERBS.get(verb_name)
        if service is None:
            abort(404)
        campaign = self.campaign_or_404(campaign_id)
        if _committed(lambda: service(g.user, campaign)):
            flash(_l("报名活动“%(name)s”现为%(state)s。", name=campaign.name, state=campaign.state_title), "success")
        return redirect(url_for(".show", campaign_id=campaign_id))

    @expose("/<int:campaign_id>/delete", methods=["POST"])
    @has_access
    def delete(self, campaign_id):
        campaign = self.campaign_or_404(campaign_id)
        name = campaign.name
        if not _committed(lambda: services.delete_campaign(g.user, campaign)):
            return redirect(url_for(".show", campaign_id=campaign_id))
        flash(_l("报名活动“%(name)s”已删除。", name=name), "success")
        return redirect(url_for(".list"))


def _campaign_link(campaign):
    return Markup('<a href="{}">{}</a>').format(url_for("CampaignView.show", campaign_id=campaign.id),
                                                escape(campaign.name))


class BatchModelView(GuardedModelView):
    """批次一览 of every campaign for the system admin; batches are added and changed on the campaign page."""

    datamodel = SQLAInterface(Batch)
    list_title = _l("批次一览")
    label_columns = BATCH_LABELS
    list_columns = ["campaign", "name", "opens_on", "system_deadline", "paper_deadline"]
    search_columns = ["name", "opens_on"]
    base_permissions = ["can_list"]
    base_order = ("opens_on", "desc")
    formatters_columns = {"campaign": _campaign_link}
