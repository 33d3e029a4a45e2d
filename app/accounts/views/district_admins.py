"""区县局管理员账号 (system admin): the 区县局（产业）工会 admins; their login names follow the federation's
reporting system."""
from flask import g
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms.validators import DataRequired

from app.accounts.models import AppUser
from app.accounts.roles import DISTRICT_ADMIN
from app.accounts.services import create_account
from app.accounts.views.common import USER_LABELS, FilterHasRole, PlatformAccountModelView, UserListInterface
from app.extensions import db
from app.orgs.models import Organisation, OrgKind


def _district_orgs():
    return db.session.scalars(
        select(Organisation).where(Organisation.kind.in_([OrgKind.DISTRICT.value, OrgKind.INDUSTRY.value]),
                                   Organisation.active.is_(True)).order_by(Organisation.kind, Organisation.id)).all()


class DistrictAdminModelView(PlatformAccountModelView):
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
    add_columns = ["username", "real_name", "organisation", "mobile"]
    edit_columns = ["username", "real_name", "organisation", "mobile", "active"]
    _org_field = QuerySelectField(_l("区县局（产业）工会"), query_func=_district_orgs, get_pk_func=lambda o: o.id,
                                  widget=Select2Widget(),
                                  validators=[DataRequired(message=_l("请选择区县局（产业）工会"))])
    add_form_extra_fields = {"organisation": _org_field}
    edit_form_extra_fields = {"organisation": _org_field}

    def create_from_form(self, form, password):
        organisation = form.organisation.data
        return create_account(form.username.data, password, DISTRICT_ADMIN, organisation, form.real_name.data,
                              mobile=form.mobile.data, created_by=g.user,
                              detail=f"创建区县局管理员账号 {form.username.data}（{organisation.name}）")
