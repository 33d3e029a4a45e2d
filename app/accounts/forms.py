"""Form fields and validators of the account screens (the same rules as the application form)."""
import re

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import func, select
from wtforms import Field, PasswordField, StringField
from wtforms.validators import StopValidation, ValidationError

from app.accounts.models import AppUser
from app.accounts.passwords import password_problems
from app.applications.rules import clean_id_number, clean_mobile, normalize_text
from app.extensions import db

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{2,63}$")


class ReadOnlyWidget:
    def __call__(self, field, **kwargs):
        return Markup('<p class="form-control-static" id="%s">%s</p>') % (field.id, escape(field._value()))


class DisplayField(Field):
    """Shown on the form, never taken from the request nor written to the row (区县局, 注册时间)."""

    widget = ReadOnlyWidget()

    def __init__(self, label=None, value_func=None, **kwargs):
        super().__init__(label, validators=[], **kwargs)
        self.value_func = value_func

    def process_formdata(self, valuelist):
        pass

    def populate_obj(self, obj, name):
        pass

    def _value(self):
        return self.value_func(self) if self.value_func else ""


class TypedPasswordField(PasswordField):
    """The password typed on an account form, handed on the row to the account service, which hashes it."""

    def populate_obj(self, obj, name):
        obj.typed_password = self.data or None


class ConfirmPasswordField(PasswordField):
    """确认密码: checked against the password, written nowhere."""

    def populate_obj(self, obj, name):
        pass


class NewUnitField(StringField):
    """新单位名称, handed on the row to the account service, which creates the 基层工会."""

    def populate_obj(self, obj, name):
        obj.new_unit_name = (self.data or "").strip() or None


def username_validator(form, field):
    """登录名: 3–64 letters, digits, ``_ . -``; unique whatever the case."""
    value = (field.data or "").strip()
    field.data = value
    if not value:
        raise StopValidation(_l("请填写登录名"))
    if not USERNAME_PATTERN.match(value):
        raise StopValidation(_l("登录名为3–64位字母、数字或 _ . -，以字母或数字开头"))
    query = select(AppUser.id).where(func.lower(AppUser.username) == value.lower())
    own_id = getattr(form, "_id", None)
    if own_id is not None:
        query = query.where(AppUser.id != int(own_id))
    if db.session.scalar(query) is not None:
        raise StopValidation(_l("该登录名已被使用，请换一个"))


def real_name_validator(form, field):
    value = normalize_text(field.data)
    field.data = value
    if not value:
        raise StopValidation(_l("请填写姓名"))
    if not 2 <= len(value) <= 30:
        raise StopValidation(_l("姓名应为2–30个字"))


def id_number_validator(form, field):
    """身份证 (optional on an account): the application form's check."""
    number, error, _warning = clean_id_number(field.data, required=False)
    field.data = number or None
    if error:
        raise StopValidation(error)


def mobile_validator(form, field):
    number, error = clean_mobile(field.data, required=True)
    field.data = number
    if error:
        raise StopValidation(error)


def optional_mobile_validator(form, field):
    number, error = clean_mobile(field.data, required=False)
    field.data = number or None
    if error:
        raise StopValidation(error)


def new_password_validator(required):
    """The password rules (length, classes, not the login name, not common); blank allowed on edit."""

    def _validate(form, field):
        value = field.data or ""
        if not value:
            if required:
                raise StopValidation(_l("请填写密码"))
            return
        username = getattr(getattr(form, "username", None), "data", "") or ""
        problems = password_problems(value, username)
        if problems:
            raise StopValidation("；".join(problems))

    return _validate


def confirm_password_validator(form, field):
    if (field.data or "") != (form.password.data or ""):
        raise ValidationError(_l("两次输入的密码不一致"))
