"""用户列表: FAB's own user screen, for the system admin (every account, roles included), and the roles."""
from flask import g
from flask_appbuilder.actions import action
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.sqla.filters import FilterNotEqual
from flask_appbuilder.security.forms import SelectDataRequired
from flask_appbuilder.security.views import RoleModelView, UserDBModelView
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts import forms as account_forms
from app.accounts.models import AppUser
from app.accounts.services import add_account
from app.accounts.views.common import USER_LABELS, AccountViewMixin, UserListInterface, password_fields
from app.clock import iso_minute
from app.extensions import db
from app.masking import mask_id_number
from app.orgs.models import Organisation, OrgKind


def _all_active_orgs():
    return db.session.scalars(select(Organisation).where(Organisation.active.is_(True))
                              .order_by(Organisation.path)).all()


def _organisation_field():
    return QuerySelectField(_l("所属组织"), query_func=_all_active_orgs, get_pk_func=lambda o: o.id,
                            widget=Select2Widget())


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
    formatters_columns = {"created_on": iso_minute, "changed_on": iso_minute, "last_login": iso_minute,
                          "locked_until": iso_minute, "id_number": mask_id_number}
    validators_columns = {
        "username": [account_forms.username_validator],
        "real_name": [account_forms.real_name_validator],
        "mobile": [account_forms.optional_mobile_validator],
        "id_number": [account_forms.id_number_validator],
        "roles": [SelectDataRequired(message=_l("请至少选择一个角色"))],
    }
    add_form_extra_fields = {
        "organisation": _organisation_field(),
        **password_fields(required=True, confirm_description=_l("请再次输入密码"), description=_l(
            "初始密码：至少8个字符，含大写字母、小写字母、数字、符号中的至少三类；用户首次登录后须修改")),
    }
    edit_form_extra_fields = {"organisation": _organisation_field()}

    def pre_add(self, item):
        add_account(item, item.typed_password, g.user,
                    detail=f"创建账号 {item.username}（{'、'.join(r.name for r in item.roles)}）")

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
