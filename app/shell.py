"""The admin shell every signed-in page shares: the left menu grouped by job and the breadcrumbs.

FAB's menu (app/menu.py) and the role's menu permissions decide what a user sees; this module only
arranges it for the templates (templates/appbuilder/baselayout.html and templates/shell/).
"""
from dataclasses import dataclass, field

from flask import g, request
from markupsafe import Markup
from wtforms import BooleanField
from wtforms.fields import SelectFieldBase

from app.extensions import appbuilder


@dataclass
class MenuEntry:
    name: str
    label: str
    url: str
    icon: str = ""
    active: bool = False
    #: The entries of a group (empty for an entry of its own).
    entries: list = field(default_factory=list)


def _visible(item, allowed):
    return item.name != "-" and item.should_render() and item.name in allowed


def _menu_access(items):
    """The names of ``items`` (and their entries) the signed-in user's roles may see: FAB's menu permissions,
    read in one pass (FAB's get_user_menu_access) instead of one has_access per entry."""
    user = g.get("user")
    if user is None or not getattr(user, "is_active", False):
        return set()
    names = [child.name for item in items for child in (item.childs or [item]) if child.name != "-"]
    return appbuilder.sm.get_user_menu_access(names)


def _entry(item):
    view = item.baseview
    active = view is not None and request.blueprint == view.endpoint
    return MenuEntry(name=item.name, label=str(item.label), url=item.get_url(), icon=item.icon, active=active)


def side_menu():
    """[MenuEntry] of the signed-in user: groups with the entries the role sees, then single entries.

    A group shows when the role sees any of its entries. FAB's own entries (added before the platform's)
    come last. Built once per request (the menu and the breadcrumbs both read it)."""
    cached = g.get("_shell_menu")
    if cached is not None:
        return cached
    items = appbuilder.menu.get_list()
    allowed = _menu_access(items)
    shown = []
    for item in items:
        if item.childs:
            entries = [_entry(child) for child in item.childs if _visible(child, allowed)]
            if entries:
                shown.append(MenuEntry(name=item.name, label=str(item.label), url="", icon=item.icon,
                                       active=any(e.active for e in entries), entries=entries))
        elif _visible(item, allowed):
            shown.append(_entry(item))
    # FAB names its own entries in English (their labels are translated); the platform's are Chinese.
    g._shell_menu = [e for e in shown if not e.name.isascii()] + [e for e in shown if e.name.isascii()]
    return g._shell_menu


def breadcrumbs(title=None, extra=None, replace_entry=False):
    """[(label, url or None)] from 首页 to the current page: the group, the menu entry, then ``extra`` (the
    steps a page names itself, e.g. the campaign it shows) or else the page's title when it is not the entry's
    own; with ``replace_entry`` the page's steps replace the menu entry (a page reached from another entry).
    The last step is the current page (no link)."""
    trail = [("首页", appbuilder.get_url_for_index)]
    for entry in side_menu():
        for found, group in ([(e, entry) for e in entry.entries] if entry.entries else [(entry, None)]):
            if found.active:
                if group is not None:
                    trail.append((group.label, None))
                trail.append((found.label, found.url))
                break
        else:
            continue
        break
    title = str(title) if title else ""
    if extra and replace_entry and len(trail) > 1:
        trail.pop()
    if extra:
        trail += [(str(label), url) for label, url in extra]
    elif title and title != trail[-1][0]:
        trail.append((title, None))
    if len(trail) > 1:
        trail[-1] = (trail[-1][0], None)
    return trail


def register_shell(app):
    # Globals, not a context processor: FAB renders its widgets (the search form) without those.
    app.jinja_env.globals.update(shell_menu=side_menu, shell_breadcrumbs=breadcrumbs, filter_controls=filter_controls)


# -- the filters above a generic list ------------------------------------------------------------------

#: Which of FAB's filters of a column the open filter bar uses, best first (FAB's arg names).
_PREFERRED_FILTERS = ("ct", "rel_o_m", "eq")
_CONTROL_CLASS = "form-control input-sm"


def _filter_index(column_filters, wanted=_PREFERRED_FILTERS):
    for arg in wanted:
        for index, flt in enumerate(column_filters):
            if flt.arg_name == arg:
                return index
    return 0


def _active(filters, flt):
    for active, value in zip(filters.filters, filters.values):
        if active.column_name == flt.column_name and type(active) is type(flt):
            return value[0] if isinstance(value, list) and value else value
    return None


def filter_controls(form, include_cols, filters):
    """The search columns of a FAB list as open filter fields: [(column, label, control html)].

    Each field posts FAB's own query-string argument (``_flt_<index>_<column>``) of the column's best
    filter (包含 for text, the related row for a relation, 等于 otherwise), so FAB applies it as before. A
    yes/no column is a 全部/是/否 choice (shell.js sends 是 as “equal to yes”, 否 as “not equal to yes”)."""
    available = filters.get_search_filters()
    controls = []
    for col in include_cols:
        column_filters = available.get(col) or []
        if not column_filters or col not in form:
            continue
        field = form[col]
        dom_id = f"flt-{col}"
        label = str(field.label.text)
        if isinstance(field, BooleanField):
            yes = column_filters[_filter_index(column_filters, ("eq",))]
            no = column_filters[_filter_index(column_filters, ("neq",))]
            current = "yes" if _active(filters, yes) == "y" else "no" if _active(filters, no) == "y" else ""
            options = [("", "全部"), (f"_flt_{column_filters.index(yes)}_{col}=y", "是"),
                       (f"_flt_{column_filters.index(no)}_{col}=y", "否")]
            html = Markup('<select class="{}" id="{}" data-filter-choice>').format(_CONTROL_CLASS, dom_id)
            for value, text in options:
                chosen = (value == "" and not current) or (current == "yes" and text == "是") or \
                    (current == "no" and text == "否")
                html += Markup('<option value="{}"{}>{}</option>').format(value, Markup(" selected") if chosen else "",
                                                                         text)
            controls.append((col, label, html + Markup("</select>")))
            continue
        since = field.type == "DateTimeField"  # a moment: from that day on (equality would match nothing)
        index = _filter_index(column_filters, ("gt",) if since else _PREFERRED_FILTERS)
        value = _active(filters, column_filters[index])
        if since and column_filters[index].arg_name == "gt":
            label = f"{label}（起）"
        name = f"_flt_{index}_{col}"
        if isinstance(field, SelectFieldBase):
            current = "" if value is None else str(value)
            html = Markup('<select class="{}" id="{}" name="{}"><option value="">全部</option>').format(
                _CONTROL_CLASS, dom_id, name)
            for choice in field.iter_choices():
                code, text = str(choice[0]), choice[1]
                if code in ("", "__None"):
                    continue
                html += Markup('<option value="{}"{}>{}</option>').format(
                    code, Markup(" selected") if code == current else "", text)
            controls.append((col, label, html + Markup("</select>")))
        else:
            kind = "date" if field.type in ("DateField", "DateTimeField") else "text"
            controls.append((col, label, Markup(
                '<input type="{}" class="{}" id="{}" name="{}" value="{}" maxlength="50">').format(
                    kind, _CONTROL_CLASS, dom_id, name, "" if value is None else value)))
    return controls
