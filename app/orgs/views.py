"""The organisation tree, managed by the system admin: add, rename, move, 停用/启用 — never delete.

A unit keeps its row for ever: applications, users and the security log point at it. Tree rules
(which kind sits under which, no move below its own subtree) are checked on the form, next to the
上级组织 field; the materialised paths are kept right by app.orgs.services.
"""
from flask import flash, g, redirect, request
from flask_appbuilder.actions import action
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.sqla.filters import FilterNotEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField
from wtforms.validators import DataRequired, Length, StopValidation

from app.accounts.events import changed_fields, record_event
from app.accounts.services import count_active_accounts
from app.extensions import db
from app.orgs.models import Organisation, OrgKind
from app.orgs.services import OrgError, attach_new_org, check_parent, expected_path, move_org, set_active
from app.security.views_base import GuardedModelView

ORG_LABELS = {
    "name": _l("名称"), "kind": _l("类型"), "kind_title": _l("类型"), "parent": _l("上级组织"),
    "code": _l("代码"), "unit_name": _l("单位"), "is_example": _l("示例数据"), "active": _l("启用"),
    "successor": _l("合并/更名后为"), "created_at": _l("创建时间"), "path": _l("路径"),
    "successor_id": _l("合并/更名后为"),
}

#: Changes written to the security log (a move is logged on its own).
AUDITED_FIELDS = ("name", "code", "unit_name", "successor_id", "active")

#: Kinds the admin may add (the city centre is the one root, made by the seed).
ADDABLE_KINDS = OrgKind.choices((OrgKind.DISTRICT, OrgKind.INDUSTRY, OrgKind.GRASSROOTS))


def _parent_choices():
    return db.session.scalars(
        select(Organisation).where(Organisation.kind != OrgKind.GRASSROOTS.value, Organisation.active.is_(True))
        .order_by(Organisation.path)).all()


def _all_orgs():
    return db.session.scalars(select(Organisation).order_by(Organisation.path)).all()


def _edited_org():
    pk = (request.view_args or {}).get("pk")
    return db.session.get(Organisation, int(pk)) if pk is not None and str(pk).isdigit() else None


def parent_validator(form, field):
    """上级组织 must fit the kind, and a move may not go below the organisation itself."""
    org = _edited_org()
    kind = form.kind.data if hasattr(form, "kind") else (org.kind if org else None)
    try:
        check_parent(kind, field.data)
    except (OrgError, ValueError):
        raise StopValidation(_l("该类型的组织不能放在所选上级组织之下（区县、产业局在市级之下，基层工会在区县或产业局之下）"))
    if org is not None and field.data is not None and field.data.path.startswith(org.path):
        raise StopValidation(_l("不能把组织移到它自己或它的下级之下"))


def _audit(detail):
    record_event("org_changed", user=g.user, detail=detail[:500])


class OrganisationModelView(GuardedModelView):
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
    add_columns = ["name", "kind", "parent", "code", "unit_name"]
    edit_columns = ["name", "parent", "code", "unit_name", "successor", "active"]
    description_columns = {
        "parent": _l("区县、产业局工会在市级之下；基层工会在区县或产业局工会之下。改选上级即为移动（其下级一并移动）。"),
        "code": _l("区县工会填 GB/T 2260 代码；其他填报送系统代码（可不填）"),
        "unit_name": _l("基层工会所在单位的全称"),
        "active": _l("停用的组织不再出现在选择列表中；组织不删除，其报名记录和账号保留"),
        "successor": _l("合并或更名时，指向承接它的组织（如闸北区并入静安区）"),
    }
    validators_columns = {"name": [DataRequired(message=_l("请填写名称")), Length(max=100)],
                          "code": [Length(max=20)], "unit_name": [Length(max=200)]}
    add_form_extra_fields = {
        "kind": SelectField(_l("类型"), choices=ADDABLE_KINDS, validators=[DataRequired()]),
        "parent": QuerySelectField(_l("上级组织"), query_func=_parent_choices, get_pk_func=lambda o: o.id,
                                   widget=Select2Widget(), validators=[parent_validator]),
    }
    edit_form_extra_fields = {
        "parent": QuerySelectField(_l("上级组织"), query_func=_parent_choices, get_pk_func=lambda o: o.id,
                                   allow_blank=True, blank_text="—", widget=Select2Widget(),
                                   validators=[parent_validator]),
        "successor": QuerySelectField(_l("合并/更名后为"), query_func=_all_orgs, get_pk_func=lambda o: o.id,
                                      allow_blank=True, blank_text="—", widget=Select2Widget()),
    }
    search_form_query_rel_fields = {"parent": [["kind", FilterNotEqual, OrgKind.GRASSROOTS.value]]}
    search_form_extra_fields = {
        "kind": SelectField(_l("类型"), choices=OrgKind.choices()),
    }
    base_order = ("path", "asc")
    # Never deleted: 停用 instead (see the actions).
    base_permissions = ["can_list", "can_show", "can_add", "can_edit"]

    def pre_add(self, item):
        attach_new_org(item)

    def post_add(self, item):
        _audit(f"新建组织 {item.name}（{item.kind_title}，上级：{item.parent.name if item.parent else '—'}）")
        db.session.commit()

    def pre_update(self, item):
        # Read before the move: moving flushes, which clears the history of the form's changes.
        changed = [str(ORG_LABELS[n]) for n in changed_fields(item, AUDITED_FIELDS)]
        if item.path != expected_path(item):
            move_org(item, item.parent)
            _audit(f"移动组织 {item.name} 至 {item.parent.name if item.parent else '—'} 之下")
        if changed:
            _audit(f"修改组织 {item.name}：{'、'.join(changed)}")

    def _set_active(self, items, active):
        items = items if isinstance(items, list) else [items]
        changed = set_active(items, active)
        verb = "启用" if active else "停用"
        for org in changed:
            _audit(f"{verb}组织 {org.name}")
        db.session.commit()
        message = f"已{verb} {len(changed)} 个组织"
        if not active and changed:
            users = count_active_accounts(changed)
            if users:
                message += f"；其下仍有 {users} 个启用的账号，如需停用请在账号管理中操作"
        flash(message, "success")
        return redirect(self.get_redirect())

    @action("deactivate", _l("停用"), _l("确定停用所选组织吗？组织不会删除，其报名记录和账号保留。"), "fa-ban")
    def deactivate(self, items):
        return self._set_active(items, False)

    @action("activate", _l("启用"), _l("确定启用所选组织吗？"), "fa-check")
    def activate(self, items):
        return self._set_active(items, True)
