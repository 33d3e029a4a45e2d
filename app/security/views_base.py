"""The base of every FAB model view that shows organisation-owned rows.

It closes Flask-AppBuilder's holes for this platform:
- rows are limited to the user's organisation subtree: FAB applies ``base_filters`` in list, show,
  edit and delete; its action routes fetch rows without them, so they are scoped here; a foreign id
  answers 404;
- the page size (``psize_*``) is capped;
- GET never mutates (FAB refuses GET delete/action while CSRF is on; CSRFProtect guards every POST).
"""
from flask import abort, current_app, g, request
from flask_appbuilder import ModelView, expose
from flask_appbuilder.models.filters import BaseFilter

from app.security.scoping import scope_filter


class FilterOrgScope(BaseFilter):
    """Base filter: the column (an organisation id) lies in the signed-in user's subtree."""

    name = "OrgScope"
    arg_name = None

    def apply(self, query, value):
        column = getattr(self.model, self.column_name)
        return query.filter(scope_filter(column, g.user))


class ScopedModelView(ModelView):
    """A ModelView whose rows all carry an organisation id (``scope_column``)."""

    #: The column holding the owning organisation's id.
    scope_column = "organisation_id"

    def __init__(self, **kwargs):
        self.base_filters = [[self.scope_column, FilterOrgScope, None]] + list(self.base_filters or [])
        super().__init__(**kwargs)

    def get_scoped_or_404(self, pk):
        item = self.datamodel.get(self._deserialize_pk_if_composite(pk), self._base_filters)
        if item is None:
            abort(404)
        return item

    def _get_list_widget(self, *args, **kwargs):
        cap = current_app.config.get("MAX_PAGE_SIZE", 100)
        if kwargs.get("page_size") and kwargs["page_size"] > cap:
            kwargs["page_size"] = cap
        return super()._get_list_widget(*args, **kwargs)

    @expose("/action/<string:name>/<pk>", methods=["POST"])
    def action(self, name, pk):
        self.get_scoped_or_404(pk)
        return super().action(name, pk)

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        # FAB fetches these rows without base_filters: a foreign id anywhere refuses the whole request.
        pks = request.form.getlist("rowid")
        for pk in pks:
            if self.datamodel.get(self._deserialize_pk_if_composite(pk), self._base_filters) is None:
                abort(404)
        return super().action_post()
