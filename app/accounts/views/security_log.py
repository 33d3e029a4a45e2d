"""安全日志 (system admin): the security audit log, read only."""
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.sqla.filters import FilterNotEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from app.accounts.models import EVENT_TITLES, SecurityEvent
from app.clock import iso_minute
from app.orgs.models import OrgKind
from app.security.views_base import GuardedModelView


class SecurityEventModelView(GuardedModelView):
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
    formatters_columns = {"created_at": iso_minute}
    base_order = ("created_at", "desc")
    page_size = 50
