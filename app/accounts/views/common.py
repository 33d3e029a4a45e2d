"""Account screens.

- 用户列表 (FAB's user view, system admin): every account, roles included.
- 区县局管理员账号 (system admin): the district and industry union admins.
- 用户管理 (区县局管理员): the 基层工会用户 of the admin's own subtree, as in the manual.
- 安全日志 (system admin): the security audit log.

No account is ever deleted: 删除 deactivates it (its applications and their history stay), and the
session epoch moves so it is signed out everywhere at once.
"""
from flask import abort, flash, g, request, url_for
from flask_appbuilder import ModelView
from flask_appbuilder.actions import action
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget, BS3TextFieldWidget, Select2Widget
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import FilterNotEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.forms import SelectDataRequired
from flask_appbuilder.security.sqla.models import Role
from flask_appbuilder.security.views import RoleModelView, UserDBModelView
from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone
from sqlalchemy import false, func, select
from sqlalchemy.orm import with_expression
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Optional, StopValidation

from app.accounts import forms as account_forms
from app.accounts.events import EVENT_TITLES, record_event
from app.accounts.models import AppUser, SecurityEvent
from app.accounts.roles import DISTRICT_ADMIN, GRASSROOTS
from app.clock import utcnow
from app.extensions import db
from app.masking import mask_id_number
from app.orgs.models import Organisation, OrgKind
from app.security.scoping import in_scope, subtree_ids, user_org
from app.security.views_base import ScopedModelView

USER_LABELS = {
    "username": _l("登录名"), "real_name": _l("姓名"), "first_name": _l("姓名"), "mobile": _l("手机号码"),
    "organisation": _l("所属组织"), "roles": _l("角色"), "active": _l("启用"), "email": _l("电子邮箱"),
    "password": _l("密码"), "conf_password": _l("确认密码"), "created_on": _l("注册时间"),
    "changed_on": _l("修改时间"), "last_login": _l("最近登录"), "login_count": _l("登录次数"),
    "fail_login_count": _l("连续登录失败次数"), "created_by": _l("创建人"), "changed_by": _l("修改人"),
    "must_change_password": _l("须修改密码"), "locked_until": _l("锁定至"), "id_number": _l("身份证"),
    "groups": _l("用户组"), "district_name": _l("区县局"), "application_count": _l("报名次数"),
    "unit_name": _l("单位"), "organisation_id": _l("所属组织"),
}


def local_date(value):
    """注册时间 as the manual shows it (2015-02-11), in Shanghai time (stored as UTC)."""
    return to_user_timezone(value).strftime("%Y-%m-%d") if value else ""


def local_datetime(value):
    return to_user_timezone(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def masked_id(value):
    return mask_id_number(value) if value else ""


def render_one_time_password(view, user, password, heading):
    """The one page that ever shows a one-time password (never flashed into the session cookie)."""
    return view.render_template("accounts/one_time_password.html", account=user, password=password,
                                heading=heading, back_url=url_for(f"{view.__class__.__name__}.list"))


class FilterHasRole(BaseFilter):
    """Base filter: accounts holding the role named ``value``."""

    name = "HasRole"
    arg_name = None

    def apply(self, query, value):
        return query.filter(self.model.roles.any(Role.name == value))


class FilterActiveOnly(BaseFilter):
    """Base filter: active accounts only (删除 deactivates; the row stays for the history)."""

    name = "ActiveOnly"
    arg_name = None

    def apply(self, query, value):
        return query.filter(self.model.active.is_(True))


def application_count_expression():
    from app.applications.models import Application

    return (select(func.count(Application.id)).where(Application.submitted_by_id == AppUser.id)
            .correlate(AppUser).scalar_subquery())


class UserListInterface(SQLAInterface):
    """SQLAInterface whose list query also counts each user's applications (one query for the page)."""

    def apply_all(self, query, *args, **kwargs):
        query = super().apply_all(query, *args, **kwargs)
        if self.obj is not AppUser:  # FAB builds related-model interfaces from this class too
            return query
        return query.options(with_expression(AppUser.application_count, application_count_expression()))


def _set_names(item):
    item.first_name = (item.real_name or item.username)[:64]
    item.last_name = item.last_name or ""


def _stamp_new_account(item, password):
    """A new account: the password hashed and to be changed at first login, who created it and when."""
    from app.accounts.services import hash_password

    item.password = hash_password(password)
    item.must_change_password = True
    item.created_on = item.changed_on = utcnow()
    item.created_by_fk = item.changed_by_fk = g.user.id
    _set_names(item)


def _stamp_changed_account(item):
    """A saved account: who changed it and when, and a security-log entry naming the changed fields."""
    item.changed_on = utcnow()
    item.changed_by_fk = g.user.id
    _set_names(item)
    _on_save_changes(item, g.user)


def _on_save_changes(item, actor):
    """Security-log entries for a changed account: which fields changed, never their values."""
    from app.accounts.services import changed_fields

    before = g.pop("account_before", None)
    if before is None:
        return
    changed = changed_fields(before, item)
    labels = "、".join(str(USER_LABELS.get(n, n)) for n in changed if n not in ("roles", "active"))
    if labels:
        record_event("account_changed", user=actor, target=item, detail=f"修改账号 {item.username}：{labels}")
    if "roles" in changed:
        record_event("role_changed", user=actor, target=item,
                     detail=f"账号 {item.username} 的角色改为：{'、'.join(r.name for r in item.roles)}")
    if "active" in changed:
        if item.active:
            record_event("account_changed", user=actor, target=item, detail=f"重新启用账号 {item.username}")
        else:
            item.session_epoch = (item.session_epoch or 0) + 1
            record_event("account_deactivated", user=actor, target=item, detail=f"停用账号 {item.username}")


class AccountViewMixin:
    """删除 deactivates; 重置密码 shows a one-time password once; every change is in the security log."""

    deactivated_message = _l("账号已停用（其报名记录保留）")
    #: Fields whose changes go to the security log (by name, never by value).
    audited_fields = ("username", "real_name", "id_number", "organisation_id", "mobile", "active", "roles")

    def process_form(self, form, is_created):
        # Called before the form writes to the row: remember what it was.
        if not is_created:
            from app.accounts.services import field_values

            pk = (request.view_args or {}).get("pk")
            item = self.datamodel.get(self._deserialize_pk_if_composite(pk), self._base_filters)
            if item is not None:
                g.account_before = field_values(item, self.audited_fields)

    def _delete(self, pk):
        from app.accounts.services import deactivate_account

        item = self.datamodel.get(self._deserialize_pk_if_composite(pk), self._base_filters)
        if item is None:
            abort(404)
        if item.id == g.user.id:
            flash(str(_l("不能停用自己的账号")), "danger")
            return
        deactivate_account(item, g.user)
        flash(str(self.deactivated_message), "success")

    def reset_password_page(self, item):
        from app.accounts.services import reset_password

        if isinstance(item, list):
            item = item[0]
        password = reset_password(item, g.user)
        return render_one_time_password(self, item, password, _l("密码已重置"))


# ---------------------------------------------------------------------------------------------
# 用户列表: FAB's own user screen, for the system admin
# ---------------------------------------------------------------------------------------------

def _all_active_orgs():
    return db.session.scalars(select(Organisation).where(Organisation.active.is_(True))
                              .order_by(Organisation.path)).all()


class AppUserDBModelView(AccountViewMixin, UserDBModelView):
    datamodel = UserListInterface(AppUser)
    list_title = _l("用户列表")
    show_title = _l("查看用户")
    add_title = _l("添加用户")
    edit_title = _l("修改用户")
    label_columns = USER_LABELS
    description_columns = {
        "username": _l("登录系统使用的账号名"),
        "active": _l("停用的账号不能登录；账号不删除，其申报记录保留"),
        "roles": _l("用户在系统中的角色"),
    }
    list_columns = ["username", "real_name", "organisation", "mobile", "roles", "active", "created_on"]
    show_fieldsets = [
        (_l("账号信息"), {"fields": ["username", "active", "roles", "organisation", "must_change_password",
                                  "login_count", "last_login", "fail_login_count", "locked_until"]}),
        (_l("个人信息"), {"fields": ["real_name", "id_number", "mobile", "email"], "expanded": True}),
        (_l("审计信息"), {"fields": ["created_on", "created_by", "changed_on", "changed_by"],
                        "expanded": False}),
    ]
    user_show_fieldsets = [
        (_l("账号信息"), {"fields": ["username", "roles", "organisation"]}),
        (_l("个人信息"), {"fields": ["real_name", "mobile"], "expanded": True}),
    ]
    search_columns = ["username", "real_name", "organisation", "mobile", "roles", "active", "created_on"]
    search_form_query_rel_fields = {"organisation": [["kind", FilterNotEqual, OrgKind.GRASSROOTS.value]]}
    add_columns = ["username", "real_name", "id_number", "organisation", "mobile", "active", "roles", "password",
                   "conf_password"]
    edit_columns = ["username", "real_name", "id_number", "organisation", "mobile", "active", "roles"]
    formatters_columns = {"created_on": local_datetime, "changed_on": local_datetime,
                          "last_login": local_datetime, "locked_until": local_datetime, "id_number": masked_id}
    validators_columns = {
        "username": [account_forms.username_validator],
        "real_name": [account_forms.real_name_validator],
        "mobile": [account_forms.optional_mobile_validator],
        "id_number": [account_forms.id_number_validator],
        "roles": [SelectDataRequired(message=_l("请至少选择一个角色"))],
    }
    add_form_extra_fields = {
        "organisation": QuerySelectField(_l("所属组织"), query_func=_all_active_orgs, get_pk_func=lambda o: o.id,
                                         widget=Select2Widget()),
        "password": account_forms.UnboundPasswordField(
            _l("密码"), validators=[account_forms.new_password_validator(required=True)],
            widget=BS3PasswordFieldWidget(),
            description=_l("初始密码：至少8个字符，含大写字母、小写字母、数字、符号中的至少三类；用户首次登录后须修改")),
        "conf_password": account_forms.UnboundPasswordField(
            _l("确认密码"), validators=[account_forms.confirm_password_validator], widget=BS3PasswordFieldWidget(),
            description=_l("请再次输入密码")),
    }
    edit_form_extra_fields = {
        "organisation": QuerySelectField(_l("所属组织"), query_func=_all_active_orgs, get_pk_func=lambda o: o.id,
                                         widget=Select2Widget()),
    }

    def process_form(self, form, is_created):
        super().process_form(form, is_created)
        if is_created:
            g.account_password = form.password.data

    def pre_add(self, item):
        _stamp_new_account(item, g.pop("account_password"))

    def post_add(self, item):
        record_event("account_created", user=g.user, target=item,
                     detail=f"创建账号 {item.username}（{'、'.join(r.name for r in item.roles)}）")
        db.session.commit()

    def pre_update(self, item):
        _stamp_changed_account(item)

    @action("resetpasswords", _l("重置密码"), _l("确定要重置该账号的密码吗？系统将生成一次性密码，用户登录后须立即修改。"),
            "fa-key", multiple=False)
    def resetpasswords(self, item):
        return self.reset_password_page(item)


class AppRoleModelView(RoleModelView):
    """Role permissions are declared in app.accounts.roles; here they can be seen, not edited."""

    label_columns = {"name": _l("角色名称"), "permissions": _l("权限")}
    list_columns = ["name"]
    show_columns = ["name"]
    search_columns = ["name"]
    base_permissions = ["can_list", "can_show"]


# ---------------------------------------------------------------------------------------------
# 区县局管理员账号 (system admin)
# ---------------------------------------------------------------------------------------------

def _district_orgs():
    return db.session.scalars(
        select(Organisation).where(Organisation.kind.in_([OrgKind.DISTRICT.value, OrgKind.INDUSTRY.value]),
                                   Organisation.active.is_(True)).order_by(Organisation.kind, Organisation.id)).all()


class DistrictAdminModelView(AccountViewMixin, ModelView):
    """The 区县局（产业）工会 admins; their login names follow the federation's reporting system."""

    route_base = "/district-admins"
    datamodel = UserListInterface(AppUser)
    base_filters = [["roles", FilterHasRole, DISTRICT_ADMIN]]
    list_title = _l("区县局管理员账号")
    show_title = _l("查看区县局管理员账号")
    add_title = _l("新建区县局管理员账号")
    edit_title = _l("修改区县局管理员账号")
    label_columns = {**USER_LABELS, "organisation": _l("区县局（产业）工会")}
    description_columns = {
        "username": _l("与该区县局（产业）工会在市总工会报送系统中的用户名相同"),
        "active": _l("停用的账号不能登录；账号不删除"),
    }
    list_columns = ["username", "real_name", "organisation", "mobile", "active", "last_login", "created_on"]
    show_columns = ["username", "real_name", "organisation", "mobile", "active", "must_change_password",
                    "last_login", "login_count", "fail_login_count", "locked_until", "created_on"]
    search_columns = ["username", "real_name", "organisation", "mobile", "active"]
    order_columns = ["username", "real_name", "mobile", "last_login", "created_on"]
    add_columns = ["username", "real_name", "organisation", "mobile"]
    edit_columns = ["username", "real_name", "organisation", "mobile", "active"]
    formatters_columns = {"created_on": local_date, "last_login": local_datetime, "locked_until": local_datetime}
    validators_columns = {
        "username": [account_forms.username_validator],
        "real_name": [account_forms.real_name_validator],
        "mobile": [account_forms.mobile_validator],
    }
    _org_field = QuerySelectField(_l("区县局（产业）工会"), query_func=_district_orgs, get_pk_func=lambda o: o.id,
                                  widget=Select2Widget(),
                                  validators=[DataRequired(message=_l("请选择区县局（产业）工会"))])
    add_form_extra_fields = {"organisation": _org_field}
    edit_form_extra_fields = {"organisation": _org_field}
    base_order = ("username", "asc")

    def pre_add(self, item):
        from app.accounts.services import one_time_password

        if item.organisation is None:
            raise ValueError(str(_l("请选择区县局（产业）工会")))
        password = one_time_password()
        g.one_time_password = password
        item.active = True
        item.roles = [self.appbuilder.sm.find_role(DISTRICT_ADMIN)]
        _stamp_new_account(item, password)

    def post_add(self, item):
        record_event("account_created", user=g.user, target=item,
                     detail=f"创建区县局管理员账号 {item.username}（{item.organisation.name}）")
        db.session.commit()
        g.created_account = item

    def post_add_redirect(self):
        account = g.get("created_account")
        if account is not None:
            return render_one_time_password(self, account, g.pop("one_time_password"), _l("账号已创建"))
        return super().post_add_redirect()

    def pre_update(self, item):
        if item.organisation is None:
            raise ValueError(str(_l("请选择区县局（产业）工会")))
        _stamp_changed_account(item)

    @action("resetpassword", _l("重置密码"), _l("确定要重置该账号的密码吗？系统将生成一次性密码，用户登录后须立即修改。"),
            "fa-key", multiple=False)
    def resetpassword(self, item):
        return self.reset_password_page(item)


# ---------------------------------------------------------------------------------------------
# 用户管理 (区县局管理员): the 基层工会用户 of its own subtree
# ---------------------------------------------------------------------------------------------

def _own_district():
    """The 区县局（产业）工会 of the signed-in admin, or None."""
    org = user_org(g.user)
    if org is None or org.kind not in (OrgKind.DISTRICT.value, OrgKind.INDUSTRY.value):
        return None
    return org


class FilterUnderOwnDistrict(BaseFilter):
    """Base filter: accounts below the signed-in admin's own 区县局（产业）工会; nothing without one."""

    name = "UnderOwnDistrict"
    arg_name = None

    def apply(self, query, value):
        district = _own_district()
        if district is None:
            return query.filter(false())
        return query.filter(self.model.organisation_id.in_(subtree_ids(district)))


def _own_grassroots_units():
    district = _own_district()
    if district is None:
        return []
    return db.session.scalars(
        select(Organisation).where(Organisation.id.in_(subtree_ids(district)),
                                   Organisation.kind == OrgKind.GRASSROOTS.value,
                                   Organisation.active.is_(True)).order_by(Organisation.name)).all()


def _unit_label(org):
    return f"{org.unit_name}（{org.name}）" if org.unit_name and org.unit_name != org.name else org.name


def _district_display(field):
    district = _own_district()
    return district.name if district else str(_l("（您的账号未关联区县局（产业）工会）"))


def _registered_display(field):
    pk = (request.view_args or {}).get("pk")
    if pk is not None:
        user = db.session.get(AppUser, int(pk)) if str(pk).isdigit() else None
        if user is not None:
            return local_date(user.created_on)
    return local_date(utcnow()) + str(_l("（保存时由系统自动记录）"))


def unit_choice_validator(form, field):
    """单位: one of the admin's own 基层工会, or the name of a new one (not both, not neither)."""
    new_unit = (form.new_unit.data or "").strip()
    if field.data is None and not new_unit:
        raise StopValidation(_l("请选择单位，或在“新单位名称”中填写"))
    if field.data is not None and new_unit:
        raise StopValidation(_l("已选择单位时，请清空“新单位名称”"))


def new_unit_validator(form, field):
    from app.applications.rules import normalize_text

    field.data = normalize_text(field.data)
    if not field.data:
        return
    if _own_district() is None:
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
        "password": account_forms.UnboundPasswordField(
            _l("密码"), validators=[account_forms.new_password_validator(required=password_required)],
            widget=BS3PasswordFieldWidget(),
            description=_l("至少8个字符，含大写字母、小写字母、数字、符号中的至少三类；用户首次登录后须修改")
            if password_required else _l("不修改密码请留空；填写后，用户下次登录须修改密码")),
        "conf_password": account_forms.UnboundPasswordField(
            _l("确认密码"), validators=[account_forms.confirm_password_validator],
            widget=BS3PasswordFieldWidget()),
        "district_display": account_forms.DisplayField(_l("区县局"), value_func=_district_display),
        "organisation": QuerySelectField(
            _l("单位"), query_func=_own_grassroots_units, get_pk_func=lambda o: o.id, get_label=_unit_label,
            allow_blank=True, blank_text=str(_l("（请选择）")), widget=Select2Widget(),
            validators=[unit_choice_validator]),
        "new_unit": account_forms.UnboundStringField(
            _l("新单位名称"), validators=[Optional(strip_whitespace=True), new_unit_validator],
            widget=BS3TextFieldWidget(),
            description=_l("“单位”列表中没有时，在此填写单位全称，系统将在本区县局下新增该基层工会")),
        "registered_display": account_forms.DisplayField(_l("注册时间"), value_func=_registered_display),
    }



class GrassrootsUserModelView(AccountViewMixin, ScopedModelView):
    """用户管理: list, 添加用户, open to edit, 删除 (deactivates), 重置密码 — own subtree only."""

    route_base = "/user-management"
    list_template = "accounts/user_management_list.html"
    datamodel = UserListInterface(AppUser)
    base_filters = [["roles", FilterHasRole, GRASSROOTS], ["active", FilterActiveOnly, None],
                    ["organisation_id", FilterUnderOwnDistrict, None]]
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
    formatters_columns = {"created_on": local_date, "last_login": local_datetime, "id_number": masked_id}
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

    def process_form(self, form, is_created):
        super().process_form(form, is_created)
        g.account_password = form.password.data or None
        g.account_new_unit = (form.new_unit.data or "").strip() or None

    def _apply_unit(self, item):
        from app.orgs.services import create_org

        new_unit = g.pop("account_new_unit", None)
        if new_unit:
            district = _own_district()
            org = create_org(f"{new_unit}工会", OrgKind.GRASSROOTS, district, unit_name=new_unit)
            record_event("account_changed", user=g.user, detail=f"新增基层工会 {org.name}")
            item.organisation = org

    def pre_add(self, item):
        self._apply_unit(item)
        # Whatever was posted: the role is 基层工会用户, the unit lies in the admin's own subtree.
        item.roles = [self.appbuilder.sm.find_role(GRASSROOTS)]
        if item.organisation is None or not unit_allowed(item.organisation):
            raise ValueError(str(_l("请选择本区县局下的单位")))
        item.active = True
        _stamp_new_account(item, g.pop("account_password"))

    def post_add(self, item):
        record_event("account_created", user=g.user, target=item,
                     detail=f"创建基层工会用户账号 {item.username}（{item.organisation.name}）")
        db.session.commit()

    def pre_update(self, item):
        from app.accounts.services import set_password

        self._apply_unit(item)
        if item.organisation is None or not unit_allowed(item.organisation):
            raise ValueError(str(_l("请选择本区县局下的单位")))
        _stamp_changed_account(item)
        password = g.pop("account_password", None)
        if password:
            set_password(item, password, must_change=True)
            record_event("password_reset", user=g.user, target=item,
                         detail=f"为账号 {item.username} 设置新密码（下次登录须修改）")

    @action("resetpassword", _l("重置密码"), _l("确定要重置该用户的密码吗？系统将生成一次性密码，用户登录后须立即修改。"),
            "fa-key", multiple=False)
    def resetpassword(self, item):
        return self.reset_password_page(item)


def unit_allowed(org):
    """A unit the signed-in admin may give an account: a 基层工会 below its own district."""
    district = _own_district()
    return (district is not None and org.kind == OrgKind.GRASSROOTS.value and org.path.startswith(district.path)
            and in_scope(g.user, org))


# ---------------------------------------------------------------------------------------------
# 安全日志 (system admin)
# ---------------------------------------------------------------------------------------------

class SecurityEventModelView(ModelView):
    route_base = "/security-log"
    datamodel = SQLAInterface(SecurityEvent)
    list_title = _l("安全日志")
    show_title = _l("查看安全日志")
    base_permissions = ["can_list", "can_show"]
    label_columns = {"created_at": _l("时间"), "user": _l("操作用户"), "username": _l("登录名"),
                     "organisation": _l("组织"), "address": _l("地址"), "event": _l("事件"),
                     "event_title": _l("事件"), "success": _l("成功"), "detail": _l("说明"),
                     "target": _l("涉及账号")}
    list_columns = ["created_at", "username", "organisation", "address", "event_title", "success", "detail"]
    show_columns = ["created_at", "username", "user", "organisation", "address", "event_title", "success", "detail",
                    "target"]
    search_columns = ["created_at", "username", "organisation", "address", "event", "success"]
    order_columns = ["created_at", "username", "address", "success"]
    search_form_extra_fields = {
        "event": SelectField(_l("事件"), choices=list(EVENT_TITLES.items()), widget=Select2Widget()),
    }
    # Tens of thousands of 基层工会 would not fit a drop-down: filter by the district level here.
    search_form_query_rel_fields = {"organisation": [["kind", FilterNotEqual, OrgKind.GRASSROOTS.value]]}
    formatters_columns = {"created_at": local_datetime}
    base_order = ("created_at", "desc")
    page_size = 50
