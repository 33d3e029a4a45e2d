"""Public pages (no sign-in): the front page listing the published campaigns, each campaign's 活动主页
(description, batches and whether each is open, the blank forms, contacts, 管理员登录 and 我要报名),
the blank forms 附件1–4 as printable pages, and 进度查询."""
from flask import abort, make_response, request, url_for
from flask_appbuilder import BaseView, expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app import clock
from app.accounts import captcha
from app.applications.views import form_notes
from app.campaigns import services as campaigns
from app.campaigns.models import Campaign, CampaignState
from app.extensions import db, limiter
from app.public import progress

#: 附件 number → (title, template, variant or org kind).
BLANK_FORMS = {
    1: ("上海职工晋升技师、高级技师奖励申请表（通用工种）", "public/blank_application.html", "general"),
    2: ("上海职工晋升技师、高级技师奖励申请表（行业特有工种）", "public/blank_application.html", "industry"),
    3: ("上海职工晋升技师、高级技师奖励申请单（区县）", "public/blank_request.html", "district"),
    4: ("上海职工晋升技师、高级技师奖励申请单（产业局）", "public/blank_request.html", "industry_bureau"),
}
NOT_FOUND = _l("未查询到")


class ProgressForm(FlaskForm):
    id_number = StringField(_l("身份证号码"), validators=[DataRequired(message=_l("请输入身份证号码")),
                                                     Length(max=22, message=_l("身份证号码为18位"))])
    certificate_no = StringField(_l("等级证书编号"), validators=[DataRequired(message=_l("请输入等级证书编号")),
                                                            Length(max=50, message=_l("等级证书编号过长"))])
    captcha = StringField(_l("验证码"), validators=[Length(max=16)])


def login_links():
    """The manual's two entries: both lead to the one login page, which tells them apart."""
    login = url_for("AppAuthDBView.login")
    return {"admin": f"{login}?entry=admin", "apply": f"{login}?entry=apply"}


def render_front_page(view):
    """The platform's front page (also what "/" shows a visitor who has not signed in)."""
    day = clock.today()
    items = []
    for campaign in campaigns.public_campaigns():
        states = [campaigns.batch_state(b, day) for b in campaign.batches]
        items.append((campaign, [b for b in campaign.batches if campaigns.batch_state(b, day) == "open"],
                      "open" in states))
    return view.render_template("public/index.html", items=items, day=day, links=login_links(),
                                iso_date=clock.iso_date, signed_in=current_user.is_authenticated)


class PublicView(BaseView):
    """Pages anyone may open: no permission, no personal data."""

    route_base = "/public"
    default_view = "index"

    def public_campaign_or_404(self, campaign_id):
        campaign = db.session.get(Campaign, campaign_id)
        if campaign is None or campaign.state == CampaignState.DRAFT.value:
            abort(404)
        return campaign

    @expose("/")
    def index(self):
        return render_front_page(self)

    @expose("/campaign/<int:campaign_id>")
    def campaign(self, campaign_id):
        """活动主页."""
        campaign = self.public_campaign_or_404(campaign_id)
        day = clock.today()
        return self.render_template(
            "public/campaign.html", campaign=campaign, day=day, links=login_links(), forms=BLANK_FORMS,
            batch_states={b.id: campaigns.batch_state(b, day) for b in campaign.batches},
            batch_state_titles=campaigns.BATCH_STATE_TITLES, iso_date=clock.iso_date,
            signed_in=current_user.is_authenticated)

    @expose("/campaign/<int:campaign_id>/form/<int:number>")
    def blank_form(self, campaign_id, number):
        """附件1–4, blank, laid out like the notice's forms, ready to print."""
        campaign = self.public_campaign_or_404(campaign_id)
        if number not in BLANK_FORMS:
            abort(404)
        title, template, kind = BLANK_FORMS[number]

        return self.render_template(template, campaign=campaign, number=number, title=title, kind=kind,
                                    notes=form_notes(kind, campaign.cert_issued_from) if number <= 2 else [])

    @expose("/progress", methods=["GET", "POST"])
    @limiter.limit(progress.address_limit, key_func=progress.address_key, methods=["POST"])
    def progress(self):
        """进度查询: the state of one application and its date, nothing else."""
        form = ProgressForm()
        result, outcome, error = None, None, None
        if request.method == "POST":
            # Every POST uses up the challenge, whatever else is wrong with it.
            captcha_ok = captcha.check(form.captcha.data)
            if form.validate():
                id_number = form.id_number.data
                if not captcha_ok:
                    error = outcome = _("验证码不正确")
                elif not progress.allow_id(id_number):
                    error = outcome = _("该身份证号码查询次数过多，请一小时后再试")
                else:
                    result = progress.lookup(id_number, form.certificate_no.data)
                    outcome = _("已查询到") if result else str(NOT_FOUND)
                    if result is None:
                        error = str(NOT_FOUND)
                progress.record_query(id_number, outcome, found=result is not None)
                db.session.commit()
            form.captcha.data = ""
        response = make_response(self.render_template(
            "public/progress.html", form=form, result=result, error=error, iso_date=clock.iso_date,
            captcha_url=url_for("AppAuthDBView.captcha_image"), links=login_links(),
            signed_in=current_user.is_authenticated))
        # The answer is about one person: never kept by a browser or proxy cache.
        response.headers["Cache-Control"] = "no-store"
        return response
