"""市级账号 (system admin): the accounts of the 市职工技协服务中心 itself, 系统管理员 and 市总财务.

With 区县局管理员账号 (system admin) and 用户管理 (a district admin's 基层工会用户) this is the only place an
account is made: Flask-AppBuilder's generic user, role and permission screens are not offered. The role
is one of the two city roles, chosen when the account is created and fixed afterwards; the organisation
is always the city centre (the root of the tree).
"""
from flask import g
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.security.sqla.models import Role
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField
from wtforms.validators import DataRequired

from app.accounts import forms as account_forms
from app.accounts.models import AppUser
from app.accounts.roles import FINANCE, SYSTEM_ADMIN
from app.accounts.services import create_account
from app.accounts.views.common import USER_LABELS, PlatformAccountModelView, UserListInterface
from app.extensions import db
from app.orgs.models import Organisation

#: The roles a city account may hold (the platform's fixed roles, never edited on screen).
CITY_ROLES = (SYSTEM_ADMIN, FINANCE)


class FilterCityRoles(BaseFilter):
    """Base filter: accounts holding one of the city roles."""

    name = "CityRoles"
    arg_name = None

    def apply(self, query, value):
        return query.filter(self.model.roles.any(Role.name.in_(CITY_ROLES)))


def _city_root():
    return db.session.scalar(select(Organisation).where(Organisation.parent_id.is_(None)))


def role_titles(roles):
    return "、".join(role.name for role in roles or ())


class CityAccountModelView(PlatformAccountModelView):
    route_base = "/city-accounts"
    datamodel = UserListInterface(AppUser)
    base_filters = [["roles", FilterCityRoles, None]]
    list_title = _l("市级账号")
    show_title = _l("查看市级账号")
    add_title = _l("新建市级账号")
    edit_title = _l("修改市级账号")
    label_columns = {**USER_LABELS, "role": _l("角色")}
    description_columns = {
        "role": _l("账号建立后角色不能更改；如需另一角色，请另建账号"),
        "active": _l("停用的账号不能登录；账号不删除"),
    }
    list_columns = ["username", "real_name", "roles", "mobile", "active", "last_login", "created_on"]
    show_columns = ["username", "real_name", "roles", "organisation", "mobile", "active", "must_change_password",
                    "last_login", "login_count", "fail_login_count", "locked_until", "created_on"]
    search_columns = ["username", "real_name", "mobile", "active"]
    add_columns = ["username", "real_name", "role", "mobile"]
    edit_columns = ["username", "real_name", "mobile", "active"]
    formatters_columns = {**PlatformAccountModelView.formatters_columns, "roles": role_titles}
    validators_columns = {**PlatformAccountModelView.validators_columns,
                          "mobile": [account_forms.optional_mobile_validator]}
    add_form_extra_fields = {
        "role": SelectField(_l("角色"), choices=[("", "请选择")] + [(name, name) for name in CITY_ROLES],
                            validators=[DataRequired(message=_l("请选择角色"))]),
    }

    def create_from_form(self, form, password):
        if form.role.data not in CITY_ROLES:
            form.role.errors = [str(_l("请选择角色"))]
            return None
        return create_account(form.username.data, password, form.role.data, _city_root(), form.real_name.data,
                              mobile=form.mobile.data, created_by=g.user,
                              detail=f"创建市级账号 {form.username.data}（{form.role.data}）")
