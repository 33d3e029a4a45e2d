"""FAB's user and role screens, shaped for this platform (system admin only)."""
from flask_appbuilder.security.views import RoleModelView, UserDBModelView
from flask_babel import lazy_gettext as _l

USER_LABELS = {
    "username": _l("登录名"), "real_name": _l("姓名"), "first_name": _l("姓名"), "mobile": _l("手机号码"),
    "organisation": _l("所属组织"), "roles": _l("角色"), "active": _l("启用"), "email": _l("电子邮箱"),
    "password": _l("密码"), "conf_password": _l("确认密码"), "created_on": _l("注册时间"),
    "changed_on": _l("修改时间"), "last_login": _l("最近登录"), "login_count": _l("登录次数"),
    "fail_login_count": _l("连续登录失败次数"), "created_by": _l("创建人"), "changed_by": _l("修改人"),
    "must_change_password": _l("须修改密码"), "locked_until": _l("锁定至"), "id_number": _l("身份证"),
    "groups": _l("用户组"),
}


class AppUserDBModelView(UserDBModelView):
    label_columns = USER_LABELS
    description_columns = {
        "username": _l("登录系统使用的账号名"),
        "active": _l("停用的账号不能登录；账号不删除，其申报记录保留"),
        "roles": _l("用户在系统中的角色"),
        "password": _l("初始密码，用户首次登录后须修改"),
        "conf_password": _l("请再次输入密码"),
    }
    list_columns = ["username", "real_name", "organisation", "mobile", "roles", "active", "created_on"]
    show_fieldsets = [
        (_l("账号信息"), {"fields": ["username", "active", "roles", "organisation", "must_change_password",
                                  "login_count", "last_login", "fail_login_count", "locked_until"]}),
        (_l("个人信息"), {"fields": ["real_name", "mobile", "email"], "expanded": True}),
        (_l("审计信息"), {"fields": ["created_on", "created_by", "changed_on", "changed_by"],
                        "expanded": False}),
    ]
    user_show_fieldsets = [
        (_l("账号信息"), {"fields": ["username", "roles", "organisation"]}),
        (_l("个人信息"), {"fields": ["real_name", "mobile"], "expanded": True}),
    ]
    search_columns = ["username", "real_name", "organisation", "mobile", "roles", "active", "created_on"]
    add_columns = ["username", "real_name", "organisation", "mobile", "active", "roles", "password",
                   "conf_password"]
    edit_columns = ["username", "real_name", "organisation", "mobile", "active", "roles"]
    validators_columns = {}

    def pre_add(self, item):
        super().pre_add(item)
        item.first_name = (item.real_name or item.username)[:64]
        item.last_name = ""
        item.must_change_password = True

    def pre_update(self, item):
        super().pre_update(item)
        item.first_name = (item.real_name or item.username)[:64]
        item.last_name = item.last_name or ""


class AppRoleModelView(RoleModelView):
    """Role permissions are declared in app.accounts.roles; here they can be seen, not edited."""

    label_columns = {"name": _l("角色名称"), "permissions": _l("权限")}
    list_columns = ["name"]
    show_columns = ["name"]
    search_columns = ["name"]
    base_permissions = ["can_list", "can_show"]
