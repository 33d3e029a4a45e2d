"""用户管理 (区县局管理员): the 基层工会用户 of the admin's own subtree, as in the manual: list, 添加用户,
open to edit, 删除 (deactivates), 重置密码."""
from flask import g, request
from flask_appbuilder.actions import action
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget, Select2Widget
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import Optional, StopValidation

from app.accounts import forms as account_forms
from app.accounts.models import AppUser
from app.accounts.roles import GRASSROOTS
from app.accounts.services import add_account, add_grassroots_unit, update_account
from app.accounts.views.common import (
    USER_LABELS,
    AccountViewMixin,
    FilterActiveOnly,
    FilterHasRole,
    UserListInterface,
    password_fields,
)
from app.applications.rules import normalize_text
from app.clock import iso_date, iso_minute, utcnow
from app.extensions import db
from app.masking import mask_id_number
from app.orgs.models import Organisation, OrgKind
from app.security.scoping import SUBTREE, in_scope, limit_to_scope, user_org
from app.security.views_base import FilterOrgScope, ScopedModelView

DISTRICT_KINDS = (OrgKind.DISTRICT.value, OrgKind.INDUSTRY.value)


def district_admin(user):
    """``user`` when its organisation is a 区县局（产业）工会, else None: the screen's scope fails closed."""
    org = user_org(user)
    return user if org is not None and org.kind in DISTRICT_KINDS else None


class FilterOwnDistrictScope(FilterOrgScope):
    """The organisation scope of this screen: the subtree of the admin's own 区县局（产业）工会, else nothing."""

    name = "OwnDistrictScope"

    def apply(self, query, value):
        return limit_to_scope(query, getattr(self.model, self.column_name), district_admin(g.user), value)


def unit_allowed(org):
    """A unit the signed-in admin may give an account: a 基层工会 below its own district."""
    return org is not None and org.kind == OrgKind.GRASSROOTS.value and in_scope(district_admin(g.user), org)


def _own_grassroots_units():
    query = select(Organisation).where(Organisation.kind == OrgKind.GRASSROOTS.value,
                                       Organisation.active.is_(True)).order_by(Organisation.name)
    return db.session.scalars(limit_to_scope(query, Organisation.id, district_admin(g.user), SUBTREE)).all()


def _unit_label(org):
    return f"{org.unit_name}（{org.name}）" if org.unit_name and org.unit_name != org.name else org.name


def _district_display(field):
    district = user_org(district_admin(g.user))
    return district.name if district else str(_l("（您的账号未关联区县局（产业）工会）"))


def _registered_display(field):
    pk = (request.view_args or {}).get("pk")
    user = db.session.get(AppUser, int(pk)) if pk is not None and str(pk).isdigit() else None
    if user is not None:
        return iso_date(user.created_on)
    return iso_date(utcnow()) + str(_l("（保存时由系统自动记录）"))


def unit_choice_validator(form, field):
    """单位: one of the admin's own 基层工会, or the name of a new one (not both, not neither)."""
    new_unit = (form.new_unit.data or "").strip()
    if field.data is None and not new_unit:
        raise StopValidation(_l("请选择单位，或在“新单位名称”中填写"))
    if field.data is not None and new_unit:
        raise StopValidation(_l("已选择单位时，请清空“新单位名称”"))


def new_unit_validator(form, field):
    field.data = normalize_text(field.data)
    if not field.data:
        return
    if district_admin(g.user) is None:
        raise StopValidation(_l("您的账号未关联区县局（产业）工会，不能新增单位"))
    if not 2 <= len(field.data) <= 100:
        raise StopValidation(_l("单位名称应为2–100个字"))


def grassroots_form_fields(password_required):
    """The extra fields of 添加用户 / 修改用户 (passwords, 区县局, 单位 or a new one, 注册时间)."""
    return {
        # The manual calls it 登录名 on the form and 账号 in the list.
        "username": StringField(_l("登录名"), validators=[account_forms.username_validator],
                                widget=BS3TextFieldWidget(),
                                description=_l("由英文字母、数字或 _ . - 组成，3–64位，以字母或数字开头")),
        **password_fields(password_required, _l("至少8个字符，含大写字母、小写字母、数字、符号中的至少三类；用户首次登录后须修改")
                          if password_required else _l("不修改密码请留空；填写后，用户下次登录须修改密码")),
        "district_display": account_forms.DisplayField(_l("区县局"), value_func=_district_display),
        "organisation": QuerySelectField(
            _l("单位"), query_func=_own_grassroots_units, get_pk_func=lambda o: o.id, get_label=_unit_label,
            allow_blank=True, blank_text=str(_l("（请选择）")), widget=Select2Widget(),
            validators=[unit_choice_validator]),
        "new_unit": account_forms.NewUnitField(
            _l("新单位名称"), validators=[Optional(strip_whitespace=True), new_unit_validator],
            widget=BS3TextFieldWidget(),
            description=_l("“单位”列表中没有时，在此填写单位全称，系统将在本区县局下新增该基层工会")),
        "registered_display": account_forms.DisplayField(_l("注册时间"), value_func=_registered_display),
    }


class GrassrootsUserModelView(AccountViewMixin, ScopedModelView):
    route_base = "/user-management"
    list_template = "accounts/user_management_list.html"
    datamodel = UserListInterface(AppUser)
    base_filters = [["roles", FilterHasRole, GRASSROOTS], ["active", FilterActiveOnly, None],
                    ["organisation_id", FilterOwnDistrictScope, SUBTREE]]
    list_title = _l("用户管理")
    show_title = _l("查看用户")
    add_title = _l("添加用户")
    edit_title = _l("修改用户")
    label_columns = {**USER_LABELS, "username": _l("账号"), "organisation": _l("单位"),
                     "new_unit": _l("新单位名称"), "district_display": _l("区县局"),
                     "registered_display": _l("注册时间")}
    list_columns = ["username", "mobile", "created_on", "application_count", "real_name", "district_name"]
    order_columns = ["username", "mobile", "created_on", "real_name"]
    show_columns = ["username", "real_name", "id_number", "mobile", "district_name", "unit_name", "created_on",
                    "last_login", "must_change_password"]
    search_columns = ["username", "real_name", "mobile", "created_on"]
    base_order = ("created_on", "desc")
    formatters_columns = {"created_on": iso_date, "last_login": iso_minute, "id_number": mask_id_number}
    add_columns = ["username", "password", "conf_password", "real_name", "id_number", "mobile",
                   "district_display", "organisation", "new_unit", "registered_display"]
    edit_columns = list(add_columns)
    description_columns = {"id_number": _l("18位居民身份证号码（可不填）")}
    validators_columns = {
        "real_name": [account_forms.real_name_validator],
        "mobile": [account_forms.mobile_validator],
        "id_number": [account_forms.id_number_validator],
    }

    add_form_extra_fields = grassroots_form_fields(password_required=True)
    edit_form_extra_fields = grassroots_form_fields(password_required=False)

    def _place_in_new_unit(self, item):
        if item.new_unit_name:
            item.organisation = add_grassroots_unit(item.new_unit_name, user_org(g.user), g.user)

    def _check_unit(self, item):
        if not (item.new_unit_name or unit_allowed(item.organisation)):
            raise ValueError(str(_l("请选择本区县局下的单位")))

    def pre_add(self, item):
        self._check_unit(item)
        # Before the role: the role would put the new row into the session, which creating the unit flushes.
        self._place_in_new_unit(item)
        # Whatever was posted: the role is 基层工会用户, the unit lies in the admin's own subtree.
        item.roles = [self.appbuilder.sm.find_role(GRASSROOTS)]
        item.active = True
        add_account(item, item.typed_password, g.user,
                    detail=f"创建基层工会用户账号 {item.username}（{item.organisation.name}）")

    def pre_update(self, item):
        self._check_unit(item)
        update_account(item, g.user, new_password=item.typed_password)
        self._place_in_new_unit(item)

    @action("resetpassword", _l("重置密码"), _l("确定要重置该用户的密码吗？系统将生成一次性密码，用户登录后须立即修改。"),
            "fa-key", multiple=False)
    def resetpassword(self, item):
        return self.reset_password_page(item)
