"""What the account screens share: labels, list filters, the list interface, 删除 and 重置密码, and the
system admin's two screens of platform accounts (市级账号, 区县局管理员账号: ``PlatformAccountModelView``).

No account is ever deleted: 删除 deactivates it (its applications and their history stay), and the
session epoch moves so it is signed out everywhere at once.
"""
from flask import abort, flash, g, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.actions import action
from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.security.sqla.models import Role
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload, with_expression

from app.accounts import forms as account_forms
from app.accounts.models import AppUser
from app.accounts.services import deactivate_account, one_time_password, reset_password, update_account
from app.applications.models import Application
from app.clock import iso_date, iso_minute
from app.extensions import db
from app.security.access import VIEW, record_whole_numbers
from app.security.views_base import GuardedModelView

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


def password_fields(required, description, confirm_description=""):
    """密码 and 确认密码 of an account form (the service hashes the password; 确认密码 is written nowhere)."""
    return {
        "password": account_forms.TypedPasswordField(
            _l("密码"), validators=[account_forms.new_password_validator(required=required)],
            widget=BS3PasswordFieldWidget(), description=description),
        "conf_password": account_forms.ConfirmPasswordField(
            _l("确认密码"), validators=[account_forms.confirm_password_validator], widget=BS3PasswordFieldWidget(),
            description=confirm_description),
    }


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
    return (select(func.count(Application.id)).where(Application.submitted_by_id == AppUser.id)
            .correlate(AppUser).scalar_subquery())


class UserListInterface(SQLAInterface):
    """SQLAInterface for accounts: the list query also counts each user's applications (one query for the
    page); the roles come with every query, so a form replacing them does not flush the fields it set
    before (the account service reads their change history)."""

    def apply_all(self, query, *args, **kwargs):
        query = super().apply_all(query, *args, **kwargs)
        if self.obj is not AppUser:  # FAB builds related-model interfaces from this class too
            return query
        return query.options(with_expression(AppUser.application_count, application_count_expression()),
                             selectinload(AppUser.roles))


class AccountViewMixin:
    """删除 deactivates; 重置密码 shows a one-time password once; every change is in the security log."""

    deactivated_message = _l("账号已停用（其报名记录保留）")

    def pre_update(self, item):
        update_account(item, g.user)

    def prefill_form(self, form, pk):
        """An edit form that holds the account's 身份证号码 shows it whole: recorded in the access log as a
        detail page showing one is."""
        super().prefill_form(form, pk)
        field = getattr(form, "id_number", None)
        if field is not None and field.data:
            username = form.username.data if hasattr(form, "username") else pk
            record_whole_numbers(g.user, VIEW, f"账号 {username} 的身份证号码（修改用户）")
            db.session.commit()

    def _delete(self, pk):
        item = self.datamodel.get(self._deserialize_pk_if_composite(pk), self._base_filters)
        if item is None:
            abort(404)
        if item.id == g.user.id:
            flash(str(_l("不能停用自己的账号")), "danger")
            return
        deactivate_account(item, g.user)
        flash(str(self.deactivated_message), "success")

    def reset_password_page(self, item):
        if isinstance(item, list):
            item = item[0]
        password = reset_password(item, g.user)
        return render_one_time_password(self, item, password, _l("密码已重置"))


class PlatformAccountModelView(AccountViewMixin, GuardedModelView):
    """An account screen of the system admin (市级账号, 区县局管理员账号): the same list order, formats and form
    checks; 新建 through the account service, its one-time password shown on that response only; 重置密码.
    A subclass names its columns and says how its form makes the account (``create_from_form``)."""

    order_columns = ["username", "real_name", "mobile", "last_login", "created_on"]  # noqa: RUF012
    formatters_columns = {"created_on": iso_date, "last_login": iso_minute, "locked_until": iso_minute}  # noqa: RUF012
    validators_columns = {  # noqa: RUF012
        "username": [account_forms.username_validator],
        "real_name": [account_forms.real_name_validator],
        "mobile": [account_forms.mobile_validator],
    }
    base_order = ("username", "asc")

    def create_from_form(self, form, password):
        """The account the valid ``form`` asks for, created with ``password`` (not committed); None, with the
        reason put on the form's field, when it cannot be."""
        raise NotImplementedError

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        """新建: the service creates the account; its one-time password is shown on this response only."""
        form = self.add_form.refresh()
        if request.method == "POST" and form.validate():
            password = one_time_password()
            account = self.create_from_form(form, password)
            if account is not None:
                db.session.commit()
                flash(self.add_row_message, "success")
                return render_one_time_password(self, account, password, _l("账号已创建"))
        if request.method == "GET":
            self.update_redirect()
        return self.render_template(self.add_template, title=self.add_title,
                                    widgets=self._get_add_widget(form=form))

    @action("resetpassword", _l("重置密码"), _l("确定要重置该账号的密码吗？系统将生成一次性密码，用户登录后须立即修改。"),
            "fa-key", multiple=False)
    def resetpassword(self, item):
        return self.reset_password_page(item)
