"""Reference lists, editable by the system admin."""
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from app.reference.data import VARIANTS
from app.reference.models import LIST_TITLES, ReferenceItem
from app.security.views_base import GuardedModelView


class ReferenceItemModelView(GuardedModelView):
    datamodel = SQLAInterface(ReferenceItem)
    list_title = _l("参考数据")
    show_title = _l("查看参考数据")
    add_title = _l("新增参考数据")
    edit_title = _l("修改参考数据")
    label_columns = {"list_name": _l("列表"), "list_title": _l("列表"), "code": _l("代码"), "name": _l("名称"),
                     "sort_order": _l("排序"), "variant": _l("适用工种类别"), "active": _l("启用")}
    list_columns = ["list_title", "code", "name", "sort_order", "variant", "active"]
    add_columns = edit_columns = show_columns = ["list_name", "code", "name", "sort_order", "variant", "active"]
    search_columns = ["list_name", "code", "name", "active"]
    add_form_extra_fields = edit_form_extra_fields = {
        "list_name": SelectField(_l("列表"), choices=list(LIST_TITLES.items())),
        "variant": SelectField(_l("适用工种类别"), choices=[("", "—")] + list(VARIANTS)),
    }
    base_order = ("list_name", "asc")
    # Items are never deleted: old applications keep their codes. Deactivate instead.
    base_permissions = ["can_list", "can_show", "can_add", "can_edit"]
