"""区县局管理员账号 (system admin): the 区县局（产业）工会 admins; their login names follow the federation's
reporting system."""
from flask import flash, g, request
from flask_appbuilder import expose
from flask_appbuilder.actions import action
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms.validators import DataRequired

from app.accounts import forms as account_forms
from app.accounts.models import AppUser
from app.accounts.roles import DISTRICT_ADMIN
from app.accounts.services import create_account, one_time_password
from app.accounts.views.common import (
    USER_LABELS,
    AccountViewMixin,
    FilterHasRole,
    UserListInterface,
    render_one_time_password,
)
from app.clock import iso_date, iso_minute
from app.extensions import db
from app.orgs.models import Organisation, OrgKind
from app.security.views_base import GuardedModelView


def _district_orgs():
    return db.session.scalars(
        select(Organisation).where(Organisation.kind.in_([OrgKind.DISTRICT.value, OrgKind.INDUSTRY.value]),
                                   Organisation.active.is_(True)).order_by(Organisation.kind, Organisation.id)).all()


class DistrictAdminModelView(AccountViewMixin, GuardedModelView):
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
    formatters_columns = {"created_on": iso_date, "last_login": iso_minute, "locked_until": iso_minute}
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

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        """新建: the service creates the account; its one-time password is shown on this response only."""
        form = self.add_form.refresh()
        if request.method == "POST" and form.validate():
            password = one_time_password()
            organisation = form.organisation.data
            account = create_account(
                form.username.data, password, DISTRICT_ADMIN, organisation, form.real_name.data,
                mobile=form.mobile.data, created_by=g.user,
                detail=f"创建区县局管理员账号 {form.username.data}（{organisation.name}）")
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
