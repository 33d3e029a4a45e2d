"""The organisation tree, managed by the system admin."""
from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.orgs.models import Organisation

ORG_LABELS = {
    "name": _l("名称"), "kind": _l("类型"), "kind_title": _l("类型"), "parent": _l("上级组织"),
    "code": _l("代码"), "unit_name": _l("单位"), "is_example": _l("示例数据"), "active": _l("启用"),
    "successor": _l("合并/更名后为"), "created_at": _l("创建时间"), "path": _l("路径"),
}


class OrganisationModelView(ModelView):
    datamodel = SQLAInterface(Organisation)
    list_title = _l("组织机构")
    show_title = _l("查看组织机构")
    add_title = _l("新建组织机构")
    edit_title = _l("修改组织机构")
    label_columns = ORG_LABELS
    list_columns = ["name", "kind_title", "parent", "code", "unit_name", "active", "is_example"]
    show_columns = ["name", "kind_title", "parent", "code", "unit_name", "active", "is_example", "successor",
                    "created_at"]
    search_columns = ["name", "kind", "parent", "code", "unit_name", "active"]
    base_order = ("path", "asc")
    # Editing (with tree rules and no hard delete) comes with the organisation management screens.
    base_permissions = ["can_list", "can_show"]
