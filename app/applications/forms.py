"""The 申请表 as a web form. It only carries and renders values: every rule is checked by
:func:`app.applications.rules.validate_application` through the intake services.

Every field is a plain string on the way in, so whatever was typed comes back unchanged when the
form is refused; the choices come from the active reference lists.
"""
from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField

from app.applications import attachments as files
from app.applications import rules, services
from app.campaigns.services import reference_items
from app.reference import data

L = rules.FIELD_LABELS
PLEASE_CHOOSE = ("", _l("请选择"))
YES, NO = "1", "0"
#: Common banks, offered as suggestions only (any bank name may be typed).
BANK_SUGGESTIONS = ("中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "交通银行", "中国邮政储蓄银行",
                    "招商银行", "上海浦东发展银行", "中信银行", "兴业银行", "中国民生银行", "中国光大银行",
                    "上海银行", "上海农商银行")


def _date(**kw):
    return dict(type="date", **kw)


class ApplicationForm(FlaskForm):
    variant = RadioField(L["variant"], choices=list(data.VARIANTS))
    name = StringField(L["name"], render_kw=dict(maxlength=30, autocomplete="off"))
    gender = RadioField(L["gender"], choices=[(g, g) for g in rules.GENDERS])
    mobile = StringField(L["mobile"], render_kw=dict(maxlength=20, inputmode="tel", autocomplete="off"))
    industry = SelectField(L["industry"], validate_choice=False)
    education = SelectField(L["education"], validate_choice=False)
    previous_level = SelectField(L["previous_level"], validate_choice=False)
    previous_level_date = StringField(L["previous_level_date"], render_kw=_date())
    trade = StringField(L["trade"], render_kw=dict(maxlength=50))
    new_level = SelectField(L["new_level"], validate_choice=False)
    certificate_no = StringField(L["certificate_no"], render_kw=dict(maxlength=50, autocomplete="off"))
    certificate_date = StringField(L["certificate_date"], render_kw=_date())
    certificate_issuer = SelectField(L["certificate_issuer"], validate_choice=False)
    id_number = StringField(L["id_number"], render_kw=dict(maxlength=22, autocomplete="off"))
    union_card_no = StringField(L["union_card_no"], render_kw=dict(maxlength=25, inputmode="numeric",
                                                                     autocomplete="off"))
    bank_name = StringField(L["bank_name"], render_kw=dict(maxlength=50, list="bank-names"))
    bank_card_no = StringField(L["bank_card_no"], render_kw=dict(maxlength=25, inputmode="numeric",
                                                                   autocomplete="off"))
    employer = StringField(L["employer"], render_kw=dict(maxlength=100))
    unit_kind = SelectField(L["unit_kind"], validate_choice=False)
    address = StringField(L["address"], render_kw=dict(maxlength=100))
    postcode = StringField(L["postcode"], render_kw=dict(maxlength=6, inputmode="numeric"))
    is_migrant = RadioField(L["is_migrant"], choices=[(YES, _l("是")), (NO, _l("否"))])
    hukou_province = SelectField(L["hukou_province"], validate_choice=False)
    years_in_city = StringField(L["years_in_city"], render_kw=dict(maxlength=3, inputmode="numeric"))
    hr_opinion = TextAreaField(L["hr_opinion"], render_kw=dict(maxlength=200, rows=2))
    hr_signer = StringField(_l("经办人"), render_kw=dict(maxlength=30))
    hr_date = StringField(_l("日期"), render_kw=_date())
    #: The version the user saw when correcting (optimistic lock).
    version = HiddenField()

    def __init__(self, *args, include_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        keep = set(include_codes)

        def pairs(list_name, only=None):
            items = reference_items(list_name, keep)
            return [PLEASE_CHOOSE] + [(i.code, i.name if i.active else _l("%(name)s（已停用）", name=i.name))
                                      for i in items if only is None or i.code in only]

        self.industry.choices = pairs("industry")
        self.education.choices = pairs("education")
        self.unit_kind.choices = pairs("unit_kind")
        self.hukou_province.choices = pairs("province")
        self.new_level.choices = pairs("skill_level", data.NEW_LEVEL_CODES)
        self.previous_level.choices = pairs("skill_level", [c for c, _ in data.SKILL_LEVELS
                                                            if c not in (data.SENIOR_TECHNICIAN,)])
        # 发证机构 values are the names (the certificate shows the name); the variant each belongs to
        # rides along for the page script that offers only the chosen variant's issuers.
        self.certificate_issuer.choices = [PLEASE_CHOOSE] + [
            (i.name, i.name if i.active else _l("%(name)s（已停用）", name=i.name), {"data-variant": i.variant or ""})
            for i in reference_items("issuer", keep)]

    def values(self):
        """The raw field values for the rules (``FIELD_LABELS`` names)."""
        return {name: getattr(self, name).data for name in rules.FIELDS}

    def fill_from(self, application):
        """Show a stored application for correction."""
        for name in rules.FIELDS:
            value = getattr(application, name)
            if name == "is_migrant":
                value = YES if value else NO
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            elif value is None:
                value = ""
            else:
                value = str(value)
            getattr(self, name).data = value
        self.version.data = str(application.version)


def attachment_input(kind):
    """Name of the hidden input that carries the id of an already uploaded scan of ``kind``."""
    return f"attachment_id_{kind}"


def file_input(kind):
    return f"file_{kind}"



def store_sent_files(user, kinds):
    """The scans of ``kinds`` sent with this request's form, stored as ``user``'s uploads: (attachment by kind,
    Chinese refusal by attachment field)."""
    stored, errors = {}, {}
    for kind in kinds:
        storage = request.files.get(file_input(kind))
        if storage is None or not storage.filename:
            continue
        try:
            stored[kind] = files.store_upload(user, kind, storage.filename, storage.stream)
        except files.UploadRefused as exc:
            errors[services.attachment_field(kind)] = str(exc)
    return stored, errors
