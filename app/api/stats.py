"""/api/v1/stats (read): the key figures and the tables of 统计分析 for the user's scope (app.stats.queries)."""
from flask import g, request
from flask_appbuilder.api import BaseApi, expose, protect, safe
from flask_appbuilder.security.decorators import permission_name

from app.api import spec
from app.api.auth import SpecFromDictMixin, TokenAuthMixin
from app.security.scoping import user_org
from app.stats import queries

FILTER_PARAMETERS = [spec.query_id("campaign", "报名活动 id"), spec.query_id("batch", "批次 id")]


def _value(measure, raw):
    return f"{raw:.2f}" if measure.kind == "money" else raw


class StatsApi(TokenAuthMixin, SpecFromDictMixin, BaseApi):
    resource_name = "stats"
    openapi_spec_tag = "统计分析 stats"
    class_permission_name = "StatsApi"
    method_permission_name = {"summary": "read", "table": "read"}  # noqa: RUF012
    openapi_spec_methods = {  # noqa: RUF012
        "summary": {"get": spec.operation("关键指标", "StatsSummary", parameters=FILTER_PARAMETERS,
                                          description=queries.COUNTING_NOTE)},
        "table": {"get": spec.operation(
            "一张统计表", "StatsTable", codes=(404,),
            parameters=[{"in": "path", "name": "dimension", "required": True, "description": "统计维度",
                         "schema": {"type": "string", "enum": list(queries.DIMENSIONS)}}, *FILTER_PARAMETERS])},
    }

    def _filter(self):
        return queries.StatsFilter.from_args(request.args)

    @expose("/summary", methods=["GET"])
    @protect()
    @safe
    @permission_name("summary")
    def summary(self):
        figures = queries.summary(g.user, self._filter())
        org = user_org(g.user)
        return self.ok(scope=org.name if org else "", note=queries.COUNTING_NOTE,
                       result={code: _value(queries.MEASURES[code], value) for code, value in figures.items()},
                       titles={code: queries.MEASURES[code].title for code in figures})

    @expose("/tables/<dimension>", methods=["GET"])
    @protect()
    @safe
    @permission_name("table")
    def table(self, dimension):
        if dimension not in queries.DIMENSIONS:
            return self.response_404()
        table = queries.table(g.user, self._filter(), dimension)

        def values(mapping):
            return {m.code: _value(m, mapping[m.code]) for m in table.measures}

        return self.ok(
            dimension=dimension, title=table.title, heading=table.heading,
            columns=[{"code": m.code, "title": m.title, "kind": m.kind} for m in table.measures],
            rows=[{"key": "" if r.key is None else str(r.key), "label": r.label, "values": values(r.values)}
                  for r in table.rows],
            total_label=table.total_label, total=values(table.total))
