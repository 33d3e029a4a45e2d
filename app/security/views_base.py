"""The base of every FAB model view that shows organisation-owned rows.

It closes Flask-AppBuilder's holes for this platform:
- rows are limited to the user's organisation subtree: FAB applies ``base_filters`` in list, show,
  edit and delete; its action routes fetch rows without them, so they are scoped here; a foreign id
  answers 404;
- FAB keeps one ``Filters`` object per view and rewrites it from the query string of each request
  (FAB issue #2366): two requests served at once would see each other's filters. Here the view's
  ``_filters`` and ``_base_filters`` are per-request copies, built from the view's templates;
- relationship columns shown in a list are loaded with the list query (``list_load``), not one query
  per row; a view may read its pages ids first (``ids_first_rows``: the page's ids from the index serving
  its order, then those rows with their relations joined), so deep pages and big scopes stay fast;
- the page size (``psize_*``) is capped at MAX_PAGE_SIZE, page numbers and sizes must be numbers;
- ID and card numbers never travel in URLs: a query-string argument naming such a column, or whose
  value is a resident ID number, is refused (400);
- GET never mutates (FAB refuses GET delete/action while CSRF is on; CSRFProtect guards every POST).
"""
import copy
import re
from urllib.parse import urlsplit

from flask import abort, current_app, g, has_request_context, request, session, url_for
from flask_appbuilder import ModelView, expose
from flask_appbuilder.hooks import before_request
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.urltools import get_filter_args, get_order_args, get_page_args, get_page_size_args
from sqlalchemy.orm import joinedload

from app.applications.rules import clean_id_number
from app.clock import iso_date, iso_minute
from app.review.queries import page_of
from app.security.arguments import is_id, looks_like_integer
from app.security.scoping import SUBTREE, limit_to_scope

#: Columns whose values must never appear in a URL (a filter, a search, any GET argument).
IDENTIFIER_COLUMNS = ("id_number", "union_card_no", "bank_card_no", "paid_card_no")
_ID_NUMBER = re.compile(r"\d{17}[\dXx]")
_NUMBER_ARG = re.compile(r"^(page|psize)_")
_FILTER_ARG = re.compile(r"^_flt_(\d+)_(.*)$")


class FilterOrgScope(BaseFilter):
    """Base filter: the column (an organisation id) lies in the signed-in user's subtree."""

    name = "OrgScope"
    arg_name = None

    def apply(self, query, value):
        """``value`` is the scope kind (app.security.scoping.SUBTREE or UNIT)."""
        return limit_to_scope(query, getattr(self.model, self.column_name), g.user, value)


class EagerInterface(SQLAInterface):
    """SQLAInterface that loads the given many-to-one relationships with every list and show query."""

    def __init__(self, obj, session=None, eager=()):
        super().__init__(obj, session)
        self.eager = tuple(eager)

    def apply_all(self, query, *args, **kwargs):
        query = super().apply_all(query, *args, **kwargs)
        if self.eager:
            query = query.options(*(joinedload(getattr(self.obj, name)) for name in self.eager))
        return query


def looks_like_id_number(value):
    """Whether ``value`` is (or contains) a valid resident ID number."""
    for match in _ID_NUMBER.finditer(value or ""):
        _number, error = clean_id_number(match.group(0))[:2]
        if not error:
            return True
    return False


class GuardedModelView(ModelView):
    """The base of every FAB model view of the platform: malformed URL arguments answer 400 or 404.

    FAB trusts its query string: a filter index beyond the column's filters (IndexError), a number
    beyond the database's integers (OverflowError), an order column the view does not offer
    (NotImplementedError, CompileError) and an unknown action name (looked up before the permission
    check, AttributeError) all end in a server error. Here they are refused first.

    Dates and times read the platform's way wherever a view has not said otherwise: a stored (UTC)
    timestamp as YYYY-MM-DD HH:MM in Asia/Shanghai, a date as YYYY-MM-DD.
    """

    def get_redirect(self):
        """Where 保存, 删除 and an action return: the list of this view the user last had open (with its filter
        and page), else this view's list. FAB returns the page before the last one its history recorded, which
        depends on what else the session recorded meanwhile, background requests included: a new 用户管理
        account sometimes landed on 首页."""
        own = url_for(f"{self.endpoint}.list")
        if request.endpoint == f"{self.endpoint}.list":
            return super().get_redirect()  # the list itself failed: not back to it
        for url in reversed(session.get("page_history", [])):
            if urlsplit(url).path == own:
                return url
        return own

    def __init__(self, **kwargs):
        formatters = dict(self.formatters_columns or {})
        for column in dict.fromkeys(list(self.list_columns or []) + list(self.show_columns or [])):
            if column in formatters or "." in column:
                continue
            try:
                if self.datamodel.is_datetime(column):
                    formatters[column] = iso_minute
                elif self.datamodel.is_date(column):
                    formatters[column] = iso_date
            except Exception:  # noqa: BLE001 - a computed column FAB cannot describe keeps its own display
                continue
        self.formatters_columns = formatters
        super().__init__(**kwargs)

    @before_request
    def refuse_malformed_arguments(self):
        name = self.__class__.__name__
        filters = self.__dict__.get("_filters_template") or self.__dict__.get("_filters")
        search = filters.get_search_filters() if filters is not None else {}
        for key, values in request.args.lists():
            match = _FILTER_ARG.match(key)
            if match:
                index, column = int(match.group(1)), match.group(2)
                # The platform's own filters (search_filter_overrides) may name no model column.
                known = search.get(column) or (getattr(self, "search_filter_overrides", None) or {}).get(column)
                if not known or index >= len(known):
                    abort(400)
                # FAB's own filters on id and relation columns look the value up as an id; the
                # platform's own filter classes (search_filter_overrides) read their values themselves.
                fab_filter = column in search and type(known[index]).__module__.startswith("flask_appbuilder.")
                if fab_filter and self._integer_column(column) and not all(v == "" or is_id(v) for v in values):
                    abort(400)
                if any(looks_like_integer(v) and not is_id(v) for v in values):
                    abort(400)
            elif key == f"_oc_{name}":
                if not all(v in (self.order_columns or ()) for v in values):
                    abort(400)
            elif key == f"_od_{name}":
                if not all(v in ("asc", "desc") for v in values):
                    abort(400)
            elif key in (f"page_{name}", f"psize_{name}") and not all(is_id(v) for v in values):
                abort(400)
        pk = (request.view_args or {}).get("pk")
        if pk is not None and self._integer_column(self.datamodel.get_pk_name()) and not is_id(pk):
            abort(404)

    def _integer_column(self, column):
        datamodel = self.datamodel
        try:
            return (datamodel.is_integer(column) or datamodel.is_relation_many_to_one(column)
                    or datamodel.is_relation_one_to_many(column) or datamodel.is_relation_many_to_many(column))
        except Exception:  # noqa: BLE001 - a column FAB cannot describe is no integer column
            return False

    @expose("/action/<string:name>/<pk>", methods=["POST"])
    def action(self, name, pk):
        if name not in self.actions:  # FAB would look it up before the permission check and fail
            abort(404)
        return super().action(name, pk)

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        if request.form.get("action") not in self.actions:
            abort(404)
        if not all(is_id(pk) for pk in request.form.getlist("rowid")):
            abort(404)
        return super().action_post()


class ScopedModelView(GuardedModelView):
    """A ModelView whose rows all carry an organisation id (``scope_column``)."""

    #: The column holding the owning organisation's id.
    scope_column = "organisation_id"
    #: Which scope of the user's organisation the rows lie in (app.security.scoping.SUBTREE or UNIT).
    scope_kind = SUBTREE
    #: Filters replacing FAB's defaults for some search columns: {column: [FilterClass, ...]}.
    search_filter_overrides = {}

    def __init__(self, **kwargs):
        self.base_filters = [[self.scope_column, FilterOrgScope, self.scope_kind]] + list(self.base_filters or [])
        super().__init__(**kwargs)

    # -- per-request filters (FAB #2366) ------------------------------------------------------------

    def _init_properties(self):
        super()._init_properties()
        template = self._filters_template
        for column, classes in self.search_filter_overrides.items():
            instances = [cls(column, self.datamodel) for cls in classes]
            # Both maps: the search widget offers _search_filters, get_filter_args indexes _all_filters.
            template._search_filters = {**template._search_filters, column: instances}
            template._all_filters = {**template._all_filters, column: instances}

    def _per_request(self, attribute):
        template = self.__dict__.get(attribute + "_template")
        if template is None or not has_request_context():
            return template
        store = g.setdefault("_view_filters", {})
        key = (id(self), attribute)
        if key not in store:
            filters = copy.copy(template)
            filters.filters = list(template.filters)
            filters.values = list(template.values)
            store[key] = filters
        return store[key]

    @property
    def _filters(self):
        return self._per_request("_filters")

    @_filters.setter
    def _filters(self, value):
        self.__dict__["_filters_template"] = value

    @property
    def _base_filters(self):
        return self._per_request("_base_filters")

    @_base_filters.setter
    def _base_filters(self, value):
        self.__dict__["_base_filters_template"] = value

    # -- URL arguments -------------------------------------------------------------------------------

    @before_request
    def refuse_identifier_arguments(self):
        for key, values in request.args.lists():
            lowered = key.lower()
            if any(column in lowered for column in IDENTIFIER_COLUMNS):
                abort(400)
            if any(looks_like_id_number(value) for value in values):
                abort(400)
            if _NUMBER_ARG.match(key) and not all(re.fullmatch(r"-?\d{1,9}", v or "") for v in values):
                abort(400)

    # -- rows ------------------------------------------------------------------------------------------

    def get_scoped_or_404(self, pk):
        item = self.datamodel.get(self._deserialize_pk_if_composite(pk), self._base_filters)
        if item is None:
            abort(404)
        return item

    def list_args(self):
        """Order, page and page size of this view from the query string, the size capped."""
        name = self.__class__.__name__
        order_column, order_direction = get_order_args().get(name, ("", ""))
        page = max(get_page_args().get(name) or 0, 0)
        page_size = get_page_size_args().get(name)
        cap = current_app.config.get("MAX_PAGE_SIZE", 100)
        if page_size is not None and page_size < 1:
            page_size = None
        if page_size and page_size > cap:
            page_size = cap
        return order_column, order_direction, page, page_size

    def _list(self, **kwargs):
        order_column, order_direction, page, page_size = self.list_args()
        get_filter_args(self._filters)
        widgets = self._get_list_widget(filters=self._filters, order_column=order_column,
                                        order_direction=order_direction, page=page, page_size=page_size,
                                        **kwargs)
        form = self.search_form.refresh()
        self.update_redirect()
        return self._get_search_widget(form=form, widgets=widgets)

    def list_widget_extra(self, items):
        """Extra template arguments of the list widget computed from the page's rows (subclasses)."""
        return {}

    def list_rows(self, filters, order_column, order_direction, page, page_size):
        """(count, rows) of one list page; FAB's generic query unless a view has its own list query."""
        joined_filters = filters.get_joined_filters(self._base_filters)
        return self.datamodel.query(joined_filters, order_column, order_direction, page=page, page_size=page_size)

    #: Many-to-one relations an ids-first list shows, joined when the page's rows are loaded.
    list_eager = ()

    def ids_first_rows(self, filters, order_column, order_direction, page, page_size):
        """(count, rows) of one page, ids first (app.review.queries.page_of): FAB's filters and the scope on a
        select of the primary key, ordered by the column and then the id (so an index serves it and pages
        never overlap), counted exactly; then only the page's rows, with ``list_eager`` joined."""
        model = self.datamodel.obj
        joined = filters.get_joined_filters(self._base_filters)
        id_select = joined.apply_all(self.datamodel.session.query(model.id)).statement
        allowed = set(self.order_columns) | ({self.base_order[0]} if self.base_order else set())
        column = getattr(model, order_column if order_column in allowed else "id")
        if order_direction == "asc":
            order = (column.asc(), model.id.asc())
        else:
            order = (column.desc(), model.id.desc())
        return page_of(self.datamodel.session, model, id_select, order, number=page or 0, size=page_size,
                       eager=self.list_eager)

    def _get_list_widget(self, filters, actions=None, order_column="", order_direction="", page=None,
                         page_size=None, widgets=None, **kwargs):
        # FAB's own, with the page size capped and the page's rows offered to list_widget_extra.
        cap = current_app.config.get("MAX_PAGE_SIZE", 100)
        page_size = min(page_size or self.page_size, cap)
        widgets = widgets or {}
        actions = actions or self.actions
        if not order_column and self.base_order:
            order_column, order_direction = self.base_order
        count, items = self.list_rows(filters, order_column, order_direction, page, page_size)
        pks = [self._serialize_pk_if_composite(pk) for pk in self.datamodel.get_keys(items)]
        widgets["list"] = self.list_widget(
            label_columns=self.label_columns,
            include_columns=self.list_columns,
            value_columns=self.datamodel.get_values(items, self.list_columns),
            order_columns=self.order_columns,
            formatters_columns=self.formatters_columns,
            page=page,
            page_size=page_size,
            count=count,
            pks=pks,
            actions=actions,
            filters=filters,
            modelview_name=self.__class__.__name__,
            **{**self.list_widget_extra(items), **kwargs},
        )
        return widgets

    # -- actions ---------------------------------------------------------------------------------------

    @expose("/action/<string:name>/<pk>", methods=["POST"])
    def action(self, name, pk):
        if name not in self.actions:
            abort(404)
        self.get_scoped_or_404(pk)
        return super().action(name, pk)

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        if request.form.get("action") not in self.actions or not all(
                is_id(pk) for pk in request.form.getlist("rowid")):
            abort(404)
        # FAB fetches these rows without base_filters: a foreign id anywhere refuses the whole request.
        pks = request.form.getlist("rowid")
        for pk in pks:
            if self.datamodel.get(self._deserialize_pk_if_composite(pk), self._base_filters) is None:
                abort(404)
        return super().action_post()
