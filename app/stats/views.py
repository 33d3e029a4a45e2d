"""统计分析 (HTTP only; every figure comes from app.stats.queries):

- the page: filters (报名活动, 批次), the key figures, and one panel per dimension whose chart and table the
  page's script (static/stats/stats.js) draws from the JSON of ``/stats/data``;
- ``/stats/data?dimension=…&campaign=…&batch=…``: one table as JSON (also the home pages' chart);
- ``/stats/excel?dimension=…``: the same table as Excel.

Scope: the user's organisation subtree (the city sees everything, a 区县局（产业）工会 its own subtree).
"""

from flask import abort, g, jsonify, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import has_access_api
from flask_babel import gettext as _

from app import clock
from app.campaigns.models import Batch, Campaign
from app.exports.downloads import download_buffer, xlsx_response
from app.extensions import db
from app.security.scoping import user_org
from app.stats import export, queries


def scope_title(user):
    """统计范围 in words."""
    org = user_org(user)
    if org is None:
        return ""
    if org.parent_id is None:
        return _("全市（各区县局（产业）工会）")
    return _("%(name)s及所属基层工会", name=org.name)


def table_json(table, excel_url=None):
    """A table as the page's script reads it: money as text with two decimals (exact), counts as numbers."""
    def value(measure, raw):
        return f"{raw:.2f}" if measure.kind == "money" else raw

    def values(mapping):
        return {m.code: value(m, mapping[m.code]) for m in table.measures}

    dimension = table.dimension
    return {
        "dimension": dimension.code,
        "title": table.title,
        "heading": table.heading,
        "chart": dimension.chart,
        "series": list(dimension.series),
        "note": dimension.note,
        "columns": [{"code": m.code, "title": m.title, "kind": m.kind} for m in table.measures],
        "rows": [{"key": "" if r.key is None else str(r.key), "label": r.label, "values": values(r.values)}
                 for r in table.rows],
        "total_label": table.total_label,
        "total": values(table.total),
        "excel": excel_url,
    }


#: Panels across the whole page (long lists); the others stand two to a row.
WIDE_PANELS = ("organisation", "batch", "day", "industry")


class StatsView(BaseView):
    """统计分析 of the user's own scope."""

    route_base = "/stats"
    default_view = "index"
    method_permission_name = {"index": "list", "data": "data", "excel": "excel"}  # noqa: RUF012 (FAB's API)
    base_permissions = ["can_list", "can_data", "can_excel"]  # noqa: RUF012

    def _filter(self):
        return queries.StatsFilter.from_args(request.args)

    def _dimension(self):
        """The dimension asked for, if this user may read it (404 otherwise: never which)."""
        dimension = queries.DIMENSIONS.get(request.args.get("dimension", ""))
        if dimension is None:
            abort(404)
        if dimension.code not in queries.HOME_ONLY_DIMENSIONS and \
                not self.appbuilder.sm.has_access("can_list", self.class_permission_name):
            abort(404)
        return dimension

    @staticmethod
    def _names(flt):
        campaign = db.session.get(Campaign, flt.campaign_id) if flt.campaign_id else None
        batch = db.session.get(Batch, flt.batch_id) if flt.batch_id else None
        return campaign, batch

    def _describe(self, flt):
        campaign, batch = self._names(flt)
        words = []
        if campaign is not None:
            words.append(_("报名活动：%(name)s", name=campaign.name))
        if batch is not None:
            words.append(_("批次：%(name)s", name=str(batch)))
        return "；".join(words)

    @expose("/")
    @has_access
    def index(self):
        flt = self._filter()
        campaign, batch = self._names(flt)
        panels = [{"code": d.code, "title": queries.dimension_title(d, g.user), "chart": d.chart, "note": d.note,
                   "data_url": self._url("data", d.code, flt), "excel_url": self._url("excel", d.code, flt),
                   "wide": d.code in WIDE_PANELS}
                  for d in queries.DIMENSIONS.values()]
        return self.render_template(
            "stats/index.html", title=_("统计分析"), flt=flt, panels=panels,
            summary=queries.summary(g.user, flt), measures=queries.MEASURES, note=queries.COUNTING_NOTE,
            campaigns=queries.campaign_choices(), batches=queries.batch_choices(flt.campaign_id),
            campaign=campaign, batch=batch, scope=scope_title(g.user),
            as_of=clock.iso_minute(clock.utcnow()))

    @staticmethod
    def _url(endpoint, dimension, flt):
        return url_for(f"StatsView.{endpoint}", dimension=dimension, **flt.args())

    @expose("/data")
    @has_access_api
    def data(self):
        dimension = self._dimension()
        flt = self._filter()
        table = queries.table(g.user, flt, dimension)
        excel_url = None
        if self.appbuilder.sm.has_access("can_excel", self.class_permission_name):
            excel_url = self._url("excel", dimension.code, flt)
        response = jsonify(table_json(table, excel_url))
        return response

    @expose("/excel")
    @has_access
    def excel(self):
        dimension = self._dimension()
        flt = self._filter()
        campaign, batch = self._names(flt)
        table = queries.table(g.user, flt, dimension)
        organisation = user_org(g.user)
        target = download_buffer()
        _count, file_name = export.export_table(
            target, g.user, table, description=self._describe(flt),
            scope=organisation.name if organisation else None, campaign=campaign.name if campaign else None,
            batch=batch.name if batch else None)
        db.session.commit()
        return xlsx_response(target, file_name, f"statistics_{clock.today():%Y%m%d}.xlsx")
